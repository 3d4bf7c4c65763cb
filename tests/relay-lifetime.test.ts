/**
 * [spec 4] A socket lives no longer than its right to: the token's expiry ends it with a code the
 * stock client retries (so a client holding a fresh token carries on without losing anything), and
 * a reader that stays too far behind is closed the same way instead of holding server memory.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { defaultSyncLimits } from '../server/config';
import { Connection } from '../server/sync/connection';
import { addIdea, boardRoots } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { ApiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually } from './helpers/yjs-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

it('ends a socket when its token expires (4001); a client with a fresh token reconnects and loses nothing', async () => {
  const staff = new ApiClient(server.url);
  const me = await staff.login();
  const board = await staff.createBoard();
  const actor = { id: me.actorId, role: 'staff' as const, name: me.name };
  const short = await server.tokens.issue(board.id, actor, 1500);
  const writer = connectBoard(server.url, board.id, short.token);
  const watcher = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
  await Promise.all([writer.synced, watcher.synced]);
  const closes: number[] = [];
  writer.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
  // What the Teian client does ahead of expiry: put a fresh token where the provider reads it.
  writer.provider.params = { token: (await staff.boardToken(board.id)).token };

  await eventually(() => expect(closes).toEqual([CloseCode.tokenExpired]), { timeoutMs: 5000 });
  // Written while the socket is down or reconnecting: it reaches the others all the same.
  addIdea(writer.doc, { id: 'after-expiry', text: '期限のあとで書いた', authorId: me.actorId });
  await eventually(() => expect(boardRoots(watcher.doc).ideas.has('after-expiry')).toBe(true), { timeoutMs: 10_000 });
  expect(writer.provider.wsconnected).toBe(true);
  writer.close();
  watcher.close();
});

it('closes a reader that stays over the outbound bound (4508), and at once one far over it', async () => {
  const closes: number[] = [];
  const transport = {
    bufferedAmount: 0,
    send: () => {},
    close: (code: number) => void closes.push(code),
    pause: () => {},
    resume: () => {},
  };
  const limits = { ...defaultSyncLimits, maxOutboundBytes: 1000, slowReaderAfterMs: 100 };
  const make = () => new Connection({ transport, actor: { id: 'a', role: 'staff', name: 'a' }, boardId: 'b1', limits });
  const room = { join: () => {}, receive: () => {}, leave: () => {} } as unknown as Parameters<Connection['attach']>[0];

  const slow = make();
  slow.attach(room);
  transport.bufferedAmount = 2000;
  slow.send(new Uint8Array(10));
  expect(closes).toEqual([]); // behind, but not for long yet
  await new Promise((resolve) => setTimeout(resolve, 150));
  slow.send(new Uint8Array(10));
  expect(closes).toEqual([CloseCode.slowReader]);

  const caughtUp = make();
  caughtUp.attach(room);
  caughtUp.send(new Uint8Array(10));
  await new Promise((resolve) => setTimeout(resolve, 150));
  transport.bufferedAmount = 0;
  caughtUp.send(new Uint8Array(10)); // it caught up: the clock starts again
  transport.bufferedAmount = 5000;
  caughtUp.send(new Uint8Array(10));
  expect(closes).toEqual([CloseCode.slowReader, CloseCode.slowReader]); // far over: at once
  expect(CloseCode.slowReader >= 4500).toBe(true);
});
