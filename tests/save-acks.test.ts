/**
 * [spec 4, docs/client.md "Saved"] The client's save ledger and server clock against the real
 * relay: a stock `WebsocketProvider` that asks for acks (`?acks=1`) and numbers what its sockets
 * send (lib/relay-extensions.ts), exactly as the board page wires it, minus Svelte.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { addIdea, boardToJson, castVote, setMeta } from '../shared/board';
import { ACKS_PARAM } from '../shared/sync-messages';
import { PendingSaves, type KeyValueStore } from '../client/src/lib/pending-saves';
import { countingWebSocket, extendRelay } from '../client/src/lib/relay-extensions';
import { ServerClock } from '../client/src/lib/server-clock';
import { ApiClient } from './helpers/api-client';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually } from './helpers/yjs-client';

/** What IndexedDB gives a reloaded page: applied, not this device's to save. */
const STORED = Symbol('indexeddb');

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    read: (key) => map.get(key) ?? null,
    write: (key, value) => (value === null ? map.delete(key) : map.set(key, value)),
  };
}

describe('saved acks and the server clock from the relay', () => {
  let server: TestServer;
  let staff: ApiClient;
  const open: { destroy(): void }[] = [];

  beforeAll(async () => {
    server = await startTestServer();
    staff = new ApiClient(server.url);
    await staff.login();
  });
  afterAll(async () => {
    for (const device of open) device.destroy();
    await server.stop();
  });

  /** One page of the board: document, ledger, clock and provider, wired as connection.svelte.ts does. */
  function page(boardId: string, token: string, store: KeyValueStore, doc = new Y.Doc()) {
    const saves = new PendingSaves({ key: `teian.unsaved.${boardId}`, store });
    const clock = new ServerClock();
    let provider: WebsocketProvider | null = null;
    doc.on('afterTransactionCleanup', (transaction: Y.Transaction) =>
      saves.observe(transaction, transaction.origin === provider || transaction.origin === STORED),
    );
    provider = new WebsocketProvider(server.url.replace(/^http/, 'ws') + '/yjs', boardId, doc, {
      params: { token, [ACKS_PARAM]: '1' },
      WebSocketPolyfill: countingWebSocket(NodeWebSocket as unknown as typeof WebSocket, saves),
      disableBc: true,
      maxBackoffTime: 300,
    });
    const remove = extendRelay(provider, { saves, clock });
    const live = provider;
    const device = {
      doc,
      saves,
      clock,
      provider: live,
      synced: () => eventually(() => expect(live.synced).toBe(true)),
      destroy() {
        remove();
        live.destroy();
        doc.destroy();
      },
    };
    open.push(device);
    return device;
  }

  async function guest(name: string, voteBudget = 3) {
    const board = await staff.createBoard('保存のボード', { voteBudget });
    const person = new ApiClient(server.url);
    const { actorId } = await person.joinAsGuest(board.joinCode!, name);
    const { token } = await person.boardToken(board.id);
    return { board, actorId, token };
  }

  it('keeps a post unsaved until the relay acks it, and a vote taken back too', async () => {
    const { board, actorId, token } = await guest('あおい');
    const device = page(board.id, token, memoryStore());
    await device.synced();

    addIdea(device.doc, { id: 'idea-1', text: '棚に名前を書く', authorId: actorId });
    // Sent, not yet confirmed: nothing is "saved" on the strength of having been sent.
    expect(device.saves.size).toBe(1);
    await eventually(() => expect(device.saves.size).toBe(0));

    const facilitator = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await facilitator.synced;
    setMeta(facilitator.doc, { phase: 'vote' });
    await eventually(() => expect(device.doc.getMap('meta').get('phase')).toBe('vote'));
    castVote(device.doc, actorId, 'idea-1', 1);
    await eventually(() => expect(device.saves.size).toBe(0));
    // Taking the dot back deletes the entry: a change with no clock of its own.
    castVote(device.doc, actorId, 'idea-1', -1);
    expect(device.saves.size).toBe(1);
    await eventually(() => expect(device.saves.size).toBe(0));
    await eventually(() => expect(boardToJson(facilitator.doc).votes[actorId] ?? {}).toEqual({}));
    facilitator.close();
  });

  it('counts changes made without a connection across a reload, and the reconnect saves them', async () => {
    const { board, actorId, token } = await guest('けん');
    const store = memoryStore();
    const first = page(board.id, token, store);
    await first.synced();
    first.provider.disconnect();
    addIdea(first.doc, { id: 'offline-1', text: 'オフライン 1', authorId: actorId });
    addIdea(first.doc, { id: 'offline-2', text: 'オフライン 2', authorId: actorId });
    expect(first.saves.size).toBe(2);
    const kept = Y.encodeStateAsUpdate(first.doc);
    first.destroy();

    // The page is reloaded: the changes come back from IndexedDB, the list from localStorage.
    const doc = new Y.Doc();
    Y.applyUpdate(doc, kept, STORED);
    const second = page(board.id, token, store, doc);
    expect(second.saves.size).toBe(2);
    await second.synced();
    await eventually(() => expect(second.saves.size).toBe(0));
    expect(store.map.size).toBe(0);

    const fresh = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await fresh.synced;
    expect(Object.keys(boardToJson(fresh.doc).ideas).sort()).toEqual(['offline-1', 'offline-2']);
    fresh.close();
  });

  it('learns how far the server clock is from the device’s', async () => {
    const { board, token } = await guest('はな');
    const device = page(board.id, token, memoryStore());
    await device.synced();
    await eventually(() => expect(device.clock.offset).not.toBeNull());
    // Same machine: the offset is no more than the round trip's error.
    expect(Math.abs(device.clock.offset!)).toBeLessThanOrEqual(device.clock.roundTrip! / 2 + 5);
    expect(Math.abs(device.clock.now() - Date.now())).toBeLessThan(1_000);
  });
});
