/**
 * [spec 4, docs/client.md "Saved"] The client's ledger of unsaved changes, without a browser: real
 * Y.Docs, the socket numbering of lib/relay-extensions.ts over a fake socket, and acks written by
 * hand in the relay's format. "Saved" comes only from an ack that covers a change.
 */
import * as encoding from 'lib0/encoding';
import { describe, expect, it } from 'vitest';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { addIdea, deleteIdea } from '../shared/board';
import type { Saved } from '../shared/sync-messages';
import { PendingSaves, saveStatus, type KeyValueStore } from '../client/src/lib/pending-saves';
import { countingWebSocket } from '../client/src/lib/relay-extensions';

/** The origin of what the relay (or IndexedDB) applies: not this device's to save. */
const REMOTE = Symbol('remote');

class FakeSocket {
  readonly sent: Uint8Array[] = [];
  send(data: Uint8Array): void {
    this.sent.push(data);
  }
}

function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    read: (key) => map.get(key) ?? null,
    write: (key, value) => (value === null ? map.delete(key) : map.set(key, value)),
  };
}

function message(write: (encoder: encoding.Encoder) => void): Uint8Array<ArrayBuffer> {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/**
 * One device: a document, its ledger, and the part of y-websocket's provider that matters here:
 * a live update per local transaction while a socket is open, and the sync answer on connecting.
 */
function device(store: KeyValueStore = memoryStore()) {
  const doc = new Y.Doc();
  const ledger = new PendingSaves({ key: 'teian.unsaved.board', store });
  doc.on('afterTransactionCleanup', (transaction: Y.Transaction) => ledger.observe(transaction, transaction.origin === REMOTE));
  const Socket = countingWebSocket(FakeSocket as unknown as typeof WebSocket, ledger);
  let socket: WebSocket | null = null;
  doc.on('update', (update: Uint8Array, origin: unknown) => {
    if (socket && origin !== REMOTE) socket.send(message((encoder) => syncProtocol.writeUpdate(encoder, update)));
  });
  return {
    doc,
    ledger,
    /** Opens a socket; the provider's own sync request is not a carrying message. */
    open(): WebSocket {
      socket = new Socket('ws://relay.test');
      socket.send(message((encoder) => syncProtocol.writeSyncStep1(encoder, doc)));
      return socket;
    },
    /** Answers the relay's sync request with everything it lacks. */
    syncAnswer(relayState: Uint8Array = new Uint8Array([0])): void {
      socket!.send(message((encoder) => syncProtocol.writeSyncStep2(encoder, doc, relayState)));
    },
    close(): void {
      socket = null;
    },
    post(id: string): void {
      addIdea(doc, { id, text: `idea ${id}`, authorId: 'p1' });
    },
  };
}

const ack = (messages: number, clocks: [number, number][] = []): Saved => ({ messages, clocks: new Map(clocks) });

describe('the ledger of unsaved changes', () => {
  it('counts a post as unsaved until the relay acks the message that carried it', () => {
    const { ledger, open, syncAnswer, post } = device();
    const socket = open();
    syncAnswer(); // message 1
    post('a'); // message 2
    expect(ledger.size).toBe(1);
    expect(ledger.acknowledge(socket, ack(1))).toBe(0);
    expect(ledger.size).toBe(1);
    expect(ledger.acknowledge(socket, ack(2))).toBe(1);
    expect(ledger.size).toBe(0);
  });

  it('confirms a deletion, which has no clock, by the number of its message', () => {
    const { doc, ledger, open, syncAnswer, post } = device();
    const socket = open();
    syncAnswer();
    post('a');
    ledger.acknowledge(socket, ack(2));
    deleteIdea(doc, 'a'); // message 3, deletions only
    expect(ledger.size).toBe(1);
    // An ack that names this client's clocks says nothing about a deletion.
    ledger.acknowledge(socket, ack(2, [[doc.clientID, Y.getState(doc.store, doc.clientID)]]));
    expect(ledger.size).toBe(1);
    ledger.acknowledge(socket, ack(3));
    expect(ledger.size).toBe(0);
  });

  it('takes a clock ack as proof for the ranges it covers, and only those', () => {
    const { doc, ledger, post } = device();
    post('a');
    const afterFirst = Y.getState(doc.store, doc.clientID);
    post('b');
    expect(ledger.size).toBe(2);
    ledger.acknowledge(new FakeSocket(), ack(0, [[doc.clientID, afterFirst - 1]]));
    expect(ledger.size).toBe(2);
    ledger.acknowledge(new FakeSocket(), ack(0, [[doc.clientID, afterFirst]]));
    expect(ledger.size).toBe(1);
  });

  it('sends changes made before the socket opened with the sync answer, not with an earlier live update', () => {
    const { ledger, open, syncAnswer, post } = device();
    post('offline');
    const socket = open();
    post('live'); // message 1: only this change
    syncAnswer(); // message 2: the offline one (and the live one again)
    expect(ledger.acknowledge(socket, ack(1))).toBe(1);
    expect(ledger.size).toBe(1);
    expect(ledger.acknowledge(socket, ack(2))).toBe(1);
    expect(ledger.size).toBe(0);
  });

  it('does not take an ack on a new socket for a message number of the old one', () => {
    const { ledger, open, syncAnswer, close, post } = device();
    open();
    syncAnswer();
    post('a'); // message 2 of the first socket, which then drops before its ack
    close();
    const second = open();
    post('b'); // message 1 of the second socket
    ledger.acknowledge(second, ack(2));
    // "2" on this socket names nothing yet; "b" was its message 1.
    expect(ledger.size).toBe(1);
    syncAnswer(); // message 2 of the second socket carries "a" again
    ledger.acknowledge(second, ack(2));
    expect(ledger.size).toBe(0);
  });

  it('keeps offline changes across a reload, and the next sync answer saves them', () => {
    const store = memoryStore();
    const before = device(store);
    before.post('a');
    before.post('b');
    expect(store.map.size).toBe(1);

    // The reload: a new document (IndexedDB gives it the old changes) with a new client id.
    const after = device(store);
    Y.applyUpdate(after.doc, Y.encodeStateAsUpdate(before.doc), REMOTE);
    expect(after.ledger.size).toBe(2);
    const socket = after.open();
    // The relay already had them (an ack that was lost): the answer is empty, and its ack clears both.
    after.syncAnswer(Y.encodeStateVector(before.doc));
    after.ledger.acknowledge(socket, ack(1));
    expect(after.ledger.size).toBe(0);
    expect(store.map.size).toBe(0);
  });

  it('clears changes from before a reload by the clocks of their old client id', () => {
    const store = memoryStore();
    const before = device(store);
    before.post('a');
    const after = device(store);
    after.ledger.acknowledge(new FakeSocket(), ack(0, [[before.doc.clientID, Y.getState(before.doc.store, before.doc.clientID)]]));
    expect(after.ledger.size).toBe(0);
  });

  it('does not count what came from the relay or from IndexedDB', () => {
    const other = new Y.Doc();
    addIdea(other, { id: 'x', text: 'from someone else', authorId: 'p2' });
    const { doc, ledger, open, syncAnswer, post } = device();
    const socket = open();
    syncAnswer();
    post('mine'); // message 2
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(other), REMOTE); // not sent, not counted
    expect(ledger.size).toBe(1);
    ledger.acknowledge(socket, ack(2));
    expect(ledger.size).toBe(0);
  });

  it('starts empty from a stored list it cannot read', () => {
    const store = memoryStore();
    store.map.set('teian.unsaved.board', '{"v":1,"changes":"nope"}');
    expect(new PendingSaves({ key: 'teian.unsaved.board', store }).size).toBe(0);
    store.map.set('teian.unsaved.board', 'not json');
    expect(new PendingSaves({ key: 'teian.unsaved.board', store }).size).toBe(0);
  });
});

describe('what the header says', () => {
  it('says nothing before any change, and "saved" only after a confirmation', () => {
    expect(saveStatus({ pending: 0, confirmedAny: false, connected: true, slow: false })).toEqual({ state: 'idle' });
    expect(saveStatus({ pending: 0, confirmedAny: true, connected: true, slow: false })).toEqual({ state: 'saved' });
  });

  it('says "saving" while connected, and "not saved yet" offline or when the server is slow', () => {
    expect(saveStatus({ pending: 2, confirmedAny: true, connected: true, slow: false })).toEqual({ state: 'saving', pending: 2 });
    expect(saveStatus({ pending: 2, confirmedAny: true, connected: false, slow: false })).toEqual({ state: 'unsaved', pending: 2 });
    expect(saveStatus({ pending: 1, confirmedAny: false, connected: true, slow: true })).toEqual({ state: 'unsaved', pending: 1 });
  });
});
