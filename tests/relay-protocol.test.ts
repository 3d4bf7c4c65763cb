/**
 * [spec 4] Teian's extension of the y-websocket protocol (shared/sync-messages.ts), as seen on the
 * wire by stock `WebsocketProvider`s: `saved` acks only for a client that asked with `?acks=1`,
 * the `time` answer, unknown message types ignored, and undecodable sync messages still refused.
 */
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { CloseCode } from '../shared/close-codes';
import { addIdea, boardToJson, deleteIdea, editIdea } from '../shared/board';
import { encodeTimeRequest, MESSAGE_SAVED, MESSAGE_TIME } from '../shared/sync-messages';
import { ApiClient } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { connectRecording, savedClock, type RecordingClient } from './helpers/recording-client';
import { startTestServer, type TestServer } from './helpers/server';
import { eventually } from './helpers/yjs-client';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(databaseKinds())('the relay protocol extension on %s', (kind) => {
  let server: TestServer;
  let staff: ApiClient;
  let actorId: string;
  const open: RecordingClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ kind });
    staff = new ApiClient(server.url);
    ({ actorId } = await staff.login());
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => server.stop());

  async function client(boardId: string, options: { acks?: boolean; doc?: Y.Doc } = {}): Promise<RecordingClient> {
    const connected = connectRecording(server.url, boardId, (await staff.boardToken(boardId)).token, options);
    open.push(connected);
    await connected.synced;
    return connected;
  }

  it('[spec 4] never sends saved or time to a stock client that did not ask, through a session with writes', async () => {
    const board = await staff.createBoard();
    const stock = await client(board.id);
    const handled: number[] = [];
    // Hooked as an integrator would: were the server to send these types, the provider would call them.
    stock.provider.messageHandlers[MESSAGE_SAVED] = () => void handled.push(MESSAGE_SAVED);
    stock.provider.messageHandlers[MESSAGE_TIME] = () => void handled.push(MESSAGE_TIME);
    // Another client on the same board is acked and asks the time: none of it may leak to the stock one.
    const acked = await client(board.id, { acks: true });

    for (let i = 0; i < 5; i++) addIdea(stock.doc, { id: `stock-${i}`, text: `アイデア ${i}`, authorId: actorId });
    deleteIdea(stock.doc, 'stock-0');
    addIdea(acked.doc, { id: 'acked-1', text: '他の人から', authorId: actorId });
    acked.sendRaw(encodeTimeRequest(1));
    await eventually(() => {
      expect(Object.keys(boardToJson(acked.doc).ideas).sort()).toEqual(['acked-1', 'stock-1', 'stock-2', 'stock-3', 'stock-4']);
      expect(Object.keys(boardToJson(stock.doc).ideas)).toContain('acked-1');
      expect(acked.savedMessages).toBe(acked.current.updatesSent);
      expect(acked.current.timeAnswers).toHaveLength(1);
    });
    await sleep(200); // an ack of the stock client's last commit would be on its way by now

    expect(stock.sockets).toHaveLength(1);
    expect(stock.current.receivedTypes).toContain(0);
    expect(stock.current.receivedTypes.filter((type) => type === MESSAGE_SAVED || type === MESSAGE_TIME)).toEqual([]);
    expect(handled).toEqual([]);
  });

  it('[spec 4] acks a client that asked: saved reaches every update-carrying message it sent, and its own clock', async () => {
    const board = await staff.createBoard();
    const writer = await client(board.id, { acks: true });
    const { clientID } = writer.doc;
    // Its sync step 2 is message 1, even when it carries nothing.
    await eventually(() => expect(writer.savedMessages).toBe(1));

    for (let i = 0; i < 20; i++) {
      addIdea(writer.doc, { id: `idea-${i}`, text: `アイデア ${i}`, authorId: actorId });
      if (i % 5 === 4) await sleep(5);
    }
    editIdea(writer.doc, 'idea-3', { text: '直した' });
    const sent = writer.current.updatesSent;
    expect(sent).toBe(1 + 21);
    await eventually(() => expect(writer.savedMessages).toBe(sent));
    expect(savedClock(writer.current, clientID)).toBe(Y.getState(writer.doc.store, clientID));
    // Acks only grow, and none claims a message that was never sent.
    const counts = writer.current.saved.map((saved) => saved.messages);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(Math.max(...counts)).toBeLessThanOrEqual(sent);

    const fresh = await client(board.id);
    expect(Object.keys(boardToJson(fresh.doc).ideas)).toHaveLength(20);
  });

  it('[spec 4] acks a deletion-only change through messages, though it carries no clock', async () => {
    const board = await staff.createBoard();
    const writer = await client(board.id, { acks: true });
    addIdea(writer.doc, { id: 'idea-1', text: '消す予定', authorId: actorId });
    await eventually(() => expect(writer.savedMessages).toBe(writer.current.updatesSent));
    const clockBefore = Y.getState(writer.doc.store, writer.doc.clientID);

    deleteIdea(writer.doc, 'idea-1');
    expect(Y.getState(writer.doc.store, writer.doc.clientID)).toBe(clockBefore);
    const deletion = writer.current.updatesSent;
    await eventually(() => expect(writer.savedMessages).toBe(deletion));

    const fresh = await client(board.id);
    expect(boardToJson(fresh.doc).ideas).toEqual({});
  });

  it('[spec 4] ignores message types it does not know, auth included, and keeps syncing the client', async () => {
    const board = await staff.createBoard();
    const sender = await client(board.id, { acks: true });
    const watcher = await client(board.id);

    sender.sendRaw(Uint8Array.of(77, 1, 2, 3));
    sender.sendRaw(Uint8Array.of(77));
    sender.sendRaw(authMessage('permission-denied, says the client'));
    sender.sendRaw(Uint8Array.of(MESSAGE_SAVED, 5, 0)); // a server→client type, sent the wrong way
    sender.sendRaw(Uint8Array.of(0xc8, 0x01, 9, 9)); // type 200: a two-byte varuint
    addIdea(sender.doc, { id: 'after', text: 'まだつながっている', authorId: actorId });

    await eventually(() => {
      expect(Object.keys(boardToJson(watcher.doc).ideas)).toEqual(['after']);
      expect(sender.savedMessages).toBe(sender.current.updatesSent);
    });
    expect(sender.sockets).toHaveLength(1);
    expect(sender.current.closeCode).toBeNull();
    expect(sender.provider.wsconnected).toBe(true);
  });

  it.each([
    ['an unknown sync step', Uint8Array.of(0, 9, 0)],
    ['an update shorter than its length', Uint8Array.of(0, 2, 10, 1)],
    ['an update that is not a Yjs update', Uint8Array.of(0, 2, 3, 0xff, 0xff, 0xff)],
    ['trailing bytes after a sync request', Uint8Array.of(0, 0, 1, 0, 7)],
  ])('[spec 4] still closes with 4400 on a malformed sync message: %s', async (_name, message) => {
    const board = await staff.createBoard();
    // A stock client: an acks client sending an undecodable update takes the server down (reported;
    // relay-acks-durability.test.ts shows it on a child server).
    const sender = await client(board.id);
    const closed = new Promise<{ code: number }>((resolve) => sender.provider.once('closed', resolve));
    sender.sendRaw(message);
    expect((await closed).code).toBe(CloseCode.badMessage);
    expect(sender.current.closeCode).toBe(CloseCode.badMessage);
    // 44xx: the stock provider gives up rather than reconnect.
    await sleep(300);
    expect(sender.sockets).toHaveLength(1);
  });

  it('[spec 4] answers a time request with its number and a server time inside the round trip', async () => {
    const board = await staff.createBoard();
    const asker = await client(board.id, { acks: true });
    const sentAt = Date.now();
    asker.sendRaw(encodeTimeRequest(7));
    await eventually(() => expect(asker.current.timeAnswers).toHaveLength(1));
    const [answer] = asker.current.timeAnswers;
    expect(answer!.requestId).toBe(7);
    expect(answer!.serverTime).toBeGreaterThanOrEqual(sentAt);
    expect(answer!.serverTime).toBeLessThanOrEqual(answer!.receivedAt);

    // Numbers are echoed, not counted: a large one and a repeated one alike.
    asker.sendRaw(encodeTimeRequest(2 ** 40));
    asker.sendRaw(encodeTimeRequest(7));
    await eventually(() => expect(asker.current.timeAnswers.map((a) => a.requestId)).toEqual([7, 2 ** 40, 7]));
  });
});

/** y-protocols' auth message: type 2, then "permission denied" (0) and a reason. */
function authMessage(reason: string): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 2);
  encoding.writeVarUint(encoder, 0);
  encoding.writeVarString(encoder, reason);
  return encoding.toUint8Array(encoder);
}
