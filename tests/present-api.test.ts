/**
 * [spec 3, 4] The projector's side of the server: `GET /api/boards/:id/present-info` with a viewer
 * token (docs/api.md "Projector"), and the relay's `notice` message that tells projectors and staff
 * screens that the join code changed (docs/protocol.md). Real server, real y-websocket clients.
 */
import { WebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Board, BoardToken, Meeting, PresentInfo } from '../shared/api';
import { addIdea, addStep, boardRoots, createProject, tickStep } from '../shared/board';
import { newId } from '../shared/ids';
import { MESSAGE_NOTICE, NOTICES_PARAM, readNotice } from '../shared/sync-messages';
import { ApiClient, expectOk } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

describe('[spec 3] the projector', () => {
  let server: TestServer;
  let staff: ApiClient;
  let board: Board;
  const clients: BoardClient[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    staff = new ApiClient(server.url);
    await staff.login();
    board = await staff.createBoard('映すボード');
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.stop();
  });

  const viewerToken = async (boardId = board.id) => expectOk(await staff.post<BoardToken>(`/api/boards/${boardId}/viewer-token`)).token;
  const presentInfo = (token: string | undefined, boardId = board.id) =>
    new ApiClient(server.url, { headers: token ? { authorization: `Bearer ${token}` } : {} }).get<PresentInfo>(
      `/api/boards/${boardId}/present-info`,
    );

  /** A y-websocket client that keeps every notice kind it receives. */
  function connectCounting(token: string, { notices }: { notices: boolean }) {
    // The query parameter must be there when the provider opens its first socket.
    const provider = new WebsocketProvider(server.url.replace(/^http/, 'ws') + '/yjs', board.id, new Y.Doc(), {
      params: notices ? { token, [NOTICES_PARAM]: '1' } : { token },
      WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
      disableBc: true,
    });
    const client: BoardClient = {
      doc: provider.doc,
      provider,
      synced: new Promise((resolve) => provider.once('sync', () => resolve())),
      close: () => provider.destroy(),
    };
    const received: (string | null)[] = [];
    client.provider.messageHandlers[MESSAGE_NOTICE] = (_encoder, decoder) => void received.push(readNotice(decoder));
    clients.push(client);
    return { client, received };
  }

  it('answers the title, the join code, names and categories to a viewer token', async () => {
    const info = expectOk(await presentInfo(await viewerToken()));
    expect(info.board).toEqual({ id: board.id, title: '映すボード', joinCode: board.joinCode });
    expect(info.categories.length).toBeGreaterThan(0);
    expect(info.meeting).toBeNull();
    const text = JSON.stringify(info);
    expect(text).not.toMatch(/pin|anonymousAuthors|anonymousId/i);
  });

  it('is refused without a token, with a person\'s token, and with another board\'s viewer token', async () => {
    expect((await presentInfo(undefined)).status).toBe(401);
    expect((await presentInfo('not.a.token')).status).toBe(401);
    expect((await presentInfo((await staff.boardToken(board.id)).token)).status).toBe(403);
    const other = await staff.createBoard('となりのボード');
    expect((await presentInfo(await viewerToken(other.id))).status).toBe(403);
  });

  it('stops answering once the projector links are revoked, and a new link works at once', async () => {
    const scratch = await staff.createBoard('取り消すボード');
    const old = await viewerToken(scratch.id);
    expect((await presentInfo(old, scratch.id)).status).toBe(200);
    expect((await staff.request('DELETE', `/api/boards/${scratch.id}/viewer-token`)).status).toBe(204);
    expect((await presentInfo(old, scratch.id)).status).toBe(403);
    expect((await presentInfo(await viewerToken(scratch.id), scratch.id)).status).toBe(200);
  });

  it('tells viewers and staff that asked for notices that the join code changed, and nobody else', async () => {
    const viewer = connectCounting(await viewerToken(), { notices: true });
    const stockViewer = connectCounting(await viewerToken(), { notices: false });
    const staffScreen = connectCounting((await staff.boardToken(board.id)).token, { notices: true });
    await Promise.all([viewer.client.synced, stockViewer.client.synced, staffScreen.client.synced]);

    const rotated = expectOk(await staff.post<Board>(`/api/boards/${board.id}/join-code`));
    await eventually(() => viewer.received.length === 1 && staffScreen.received.length === 1);
    expect(viewer.received).toEqual(['settings']);
    expect(staffScreen.received).toEqual(['settings']);
    // The stock client's socket is still open and got nothing it does not know.
    expect(stockViewer.received).toEqual([]);
    expect(stockViewer.client.provider.wsconnected).toBe(true);

    const info = expectOk(await presentInfo(await viewerToken()));
    expect(info.board.joinCode).toBe(rotated.joinCode);
    expect((await new ApiClient(server.url).get(`/api/join/${board.joinCode}`)).status).toBe(404);
    board = rotated;
  });

  it('gives the open meeting, when the last one ended, and the projects that were done already', async () => {
    const scratch = await staff.createBoard('続けるボード');
    const token = await viewerToken(scratch.id);
    const staffClient = connectBoard(server.url, scratch.id, (await staff.boardToken(scratch.id)).token);
    clients.push(staffClient);
    await staffClient.synced;
    const doc = staffClient.doc;
    const [oldProject, newProject] = [newId(), newId()];
    for (const projectId of [oldProject, newProject]) {
      const ideaId = newId();
      addIdea(doc, { id: ideaId, text: `案 ${projectId}`, authorId: 'staff', anonymous: false, category: 'other' });
      createProject(doc, { id: projectId, ideaId, title: `プロジェクト ${projectId}` });
    }
    doc.transact(() => boardRoots(doc).projects.get(oldProject)?.set('status', 'done'));

    const first = expectOk(await staff.post<Meeting>(`/api/boards/${scratch.id}/meetings`));
    const firstInfo = expectOk(await presentInfo(token, scratch.id));
    expect(firstInfo.meeting).toEqual({ id: first.id, startedAt: first.startedAt, since: null, doneBefore: [] });
    const closed = expectOk(await staff.post<Meeting>(`/api/meetings/${first.id}/close`));

    const stepId = newId();
    addStep(doc, newProject, { id: stepId, text: 'ちらしを作る' });
    tickStep(doc, newProject, stepId, 'staff', true);
    doc.transact(() => boardRoots(doc).projects.get(newProject)?.set('status', 'done'));
    const second = expectOk(await staff.post<Meeting>(`/api/boards/${scratch.id}/meetings`));
    const info = expectOk(await presentInfo(token, scratch.id));
    expect(info.meeting).toEqual({ id: second.id, startedAt: second.startedAt, since: closed.closedAt, doneBefore: [oldProject] });
  });
});
