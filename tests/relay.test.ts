/**
 * [spec 4] Real y-websocket clients against the real server converge on each other's changes,
 * on every database the run has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addIdea, boardToJson, castVote, dotsUsed, readMeta, tallies } from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

describe.each(databaseKinds())('relay on %s', (kind) => {
  let server: TestServer;
  let staff: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind });
    staff = new ApiClient(server.url);
    await staff.login();
  });
  afterAll(() => server.stop());

  async function joinedClient(boardId: string, joinCode: string, name: string): Promise<BoardClient> {
    const person = new ApiClient(server.url);
    await person.joinAsGuest(joinCode, name);
    const { token } = await person.boardToken(boardId);
    const client = connectBoard(server.url, boardId, token);
    await client.synced;
    return client;
  }

  it('gives a new client the board as the server created it', async () => {
    const board = await staff.createBoard('朝の会', { voteBudget: 4 });
    const client = await joinedClient(board.id, board.joinCode!, 'あおい');
    expect(readMeta(client.doc)).toMatchObject({ title: '朝の会', phase: 'collect', voteBudget: 4 });
    client.close();
  });

  it('lets two clients see each other’s ideas and votes', async () => {
    const board = await staff.createBoard();
    const [a, b] = await Promise.all([
      joinedClient(board.id, board.joinCode!, 'あおい'),
      joinedClient(board.id, board.joinCode!, 'けん'),
    ]);

    addIdea(a.doc, { id: 'idea-a', text: '箱を色で分ける', authorId: 'guest-a' });
    addIdea(b.doc, { id: 'idea-b', text: '手袋を入口に置く', authorId: 'guest-b' });
    castVote(a.doc, 'guest-a', 'idea-b', 1);
    castVote(b.doc, 'guest-b', 'idea-a', 2);

    await eventually(() => {
      expect(boardToJson(a.doc)).toEqual(boardToJson(b.doc));
      expect(Object.keys(boardToJson(b.doc).ideas).sort()).toEqual(['idea-a', 'idea-b']);
    });
    expect(Object.fromEntries(tallies(b.doc))).toEqual({ 'idea-a': 2, 'idea-b': 1 });
    expect(dotsUsed(a.doc, 'guest-b')).toBe(2);

    castVote(b.doc, 'guest-b', 'idea-a', -1);
    await eventually(() => expect(tallies(a.doc).get('idea-a')).toBe(1));
    a.close();
    b.close();
  });
});

