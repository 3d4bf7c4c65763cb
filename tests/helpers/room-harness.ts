/**
 * The relay engine without a network: rooms and a registry over a real store, with connections
 * whose transport records what the server sends. For tests of timing the network would blur.
 */
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { boards, facilities } from '../../drizzle/schema';
import { openDatabase, type OpenDatabase } from '../../server/db/database';
import { silentLogger } from '../../server/log';
import { createBoardStore, type BoardStore } from '../../server/persistence/board-store';
import type { Actor } from '../../shared/actor';
import { Connection } from '../../server/sync/connection';
import { defaultSyncLimits } from '../../server/config';
import { RoomRegistry } from '../../server/sync/registry';

/** An in-memory PGlite with one facility and one board, `b1`, and a store over it. */
export async function boardDatabase(): Promise<{ database: OpenDatabase; store: BoardStore }> {
  const database = await openDatabase({ dataDir: 'memory://' });
  await database.db.insert(facilities).values({ id: 'f1', name: 'test' });
  await database.db.insert(boards).values({ id: 'b1', facilityId: 'f1', title: 'b1', createdBy: 'test' });
  return { database, store: createBoardStore(database.db) };
}

export function registryWith(store: BoardStore): RoomRegistry {
  return new RoomRegistry({ store, limits: { ...defaultSyncLimits, compactAfterUpdates: 1000, unloadAfterMs: 60_000 }, log: silentLogger });
}

export interface RecordingConnection {
  connection: Connection;
  sent: Uint8Array[];
  closed: { code: number; reason: string }[];
  /** A document built from everything the server sent this connection. */
  received(): Y.Doc;
}

export function recordingConnection(
  boardId: string,
  actor: Actor = { id: 'staff-1', role: 'staff', name: 'staff' },
): RecordingConnection {
  const sent: Uint8Array[] = [];
  const closed: { code: number; reason: string }[] = [];
  const connection = new Connection({
    transport: {
      send: (data) => sent.push(data),
      close: (code, reason) => closed.push({ code, reason }),
      pause: () => {},
      resume: () => {},
      bufferedAmount: 0,
    },
    actor,
    boardId,
    limits: { ...defaultSyncLimits, maxMessagesPerSecond: 1000 },
  });
  return {
    connection,
    sent,
    closed,
    received() {
      const doc = new Y.Doc();
      for (const message of sent) {
        const decoder = decoding.createDecoder(message);
        if (decoding.readVarUint(decoder) === 0) syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, null);
      }
      return doc;
    },
  };
}

export function syncStep1Message(doc = new Y.Doc()): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

export function updateMessage(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

/** The update a change to a fresh document produces. */
export function updateOf(change: (doc: Y.Doc) => void): Uint8Array {
  const doc = new Y.Doc();
  let update!: Uint8Array;
  doc.on('update', (u: Uint8Array) => (update = u));
  change(doc);
  return update;
}

/** A store whose commits wait until `commit()`; `appending` counts the calls waiting. */
export function heldStore(inner: BoardStore) {
  const waiting: (() => void)[] = [];
  const held: BoardStore = {
    ...inner,
    async commit(boardId, rows, attempt) {
      await new Promise<void>((resolve) => waiting.push(resolve));
      return inner.commit(boardId, rows, attempt);
    },
  };
  return {
    store: held,
    appending: () => waiting.length,
    commit: () => waiting.splice(0).forEach((resolve) => resolve()),
  };
}
