/**
 * [spec 4] Real y-websocket clients against the real server converge on each other's changes,
 * on every database the run has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addIdea, boardToJson, castVote, dotsUsed, readMeta, setMeta, tallies } from '../shared/board';
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

  async function guest(boardId: string, joinCode: string, name: string): Promise<BoardClient & { actorId: string }> {
    const person = new ApiClient(server.url);
    const { actorId } = await person.joinAsGuest(joinCode, name);
    const client = connectBoard(server.url, boardId, (await person.boardToken(boardId)).token);
    await client.synced;
    return Object.assign(client, { actorId });
  }

  it('gives a new client the board as the server created it', async () => {
    const board = await staff.createBoard('朝の会', { voteBudget: 4 });
    const client = await guest(board.id, board.joinCode!, 'あおい');
    expect(readMeta(client.doc)).toMatchObject({ title: '朝の会', phase: 'collect', voteBudget: 4 });
    client.close();
  });

  it('lets two clients see each other’s ideas and votes', async () => {
    const board = await staff.createBoard();
    const facilitator = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    const [a, b] = await Promise.all([guest(board.id, board.joinCode!, 'あおい'), guest(board.id, board.joinCode!, 'けん')]);
    await facilitator.synced;

    addIdea(a.doc, { id: 'idea-a', text: '箱を色で分ける', authorId: a.actorId });
    addIdea(b.doc, { id: 'idea-b', text: '手袋を入口に置く', authorId: b.actorId });
    await eventually(() => expect(Object.keys(boardToJson(facilitator.doc).ideas).sort()).toEqual(['idea-a', 'idea-b']));

    setMeta(facilitator.doc, { phase: 'vote' });
    await eventually(() => {
      expect(readMeta(a.doc).phase).toBe('vote');
      expect(readMeta(b.doc).phase).toBe('vote');
    });
    castVote(a.doc, a.actorId, 'idea-b', 1);
    castVote(b.doc, b.actorId, 'idea-a', 2);

    await eventually(() => {
      expect(boardToJson(a.doc)).toEqual(boardToJson(b.doc));
      expect(Object.fromEntries(tallies(b.doc))).toEqual({ 'idea-a': 2, 'idea-b': 1 });
    });
    expect(dotsUsed(a.doc, b.actorId)).toBe(2);

    castVote(b.doc, b.actorId, 'idea-a', -1);
    await eventually(() => expect(tallies(a.doc).get('idea-a')).toBe(1));
    for (const client of [a, b, facilitator]) client.close();
  });
});
