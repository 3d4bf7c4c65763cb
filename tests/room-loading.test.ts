/**
 * [spec 4] Concurrent connections to a board that is still loading share one load and get
 * nothing until it has finished; a failed load is an error to every waiting client, never an
 * empty board, and nothing is stored over it.
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import { boardUpdates, boards, facilities } from '../drizzle/schema';
import { openDatabase, type OpenDatabase } from '../server/db/database';
import { silentLogger } from '../server/log';
import { createBoardStore, type BoardStore } from '../server/persistence/board-store';
import { Connection } from '../server/sync/connection';
import { RoomRegistry } from '../server/sync/registry';
import { addIdea } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  database = await openDatabase({ dataDir: 'memory://' });
  store = createBoardStore(database.db);
  await database.db.insert(facilities).values({ id: 'f1', name: 'test' });
  await database.db.insert(boards).values({ id: 'b1', facilityId: 'f1', title: 'b1', createdBy: 'test' });
});
afterEach(() => database.close());

/** A store whose first load waits for `release()` and can be told to fail; later loads pass. */
function gatedStore(inner: BoardStore) {
  let loads = 0;
  let release!: (outcome: 'load' | 'fail') => void;
  const gate = new Promise<'load' | 'fail'>((resolve) => (release = resolve));
  const wrapped: BoardStore = {
    ...inner,
    async load(boardId) {
      loads++;
      if (loads === 1 && (await gate) === 'fail') throw new Error('database unreachable');
      return inner.load(boardId);
    },
  };
  return { store: wrapped, release, loads: () => loads };
}

function recordingConnection(boardId: string) {
  const sent: Uint8Array[] = [];
  const closed: { code: number; reason: string }[] = [];
  const connection = new Connection({
    transport: { send: (data) => sent.push(data), close: (code, reason) => closed.push({ code, reason }) },
    actor: { id: 'staff-1', role: 'staff', name: 'staff' },
    boardId,
    maxMessagesPerSecond: 1000,
  });
  return { connection, sent, closed };
}

function syncStep1(): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, new Y.Doc());
  return encoding.toUint8Array(encoder);
}

function ideaUpdateMessage(): Uint8Array {
  const doc = new Y.Doc();
  let update!: Uint8Array;
  doc.on('update', (u: Uint8Array) => (update = u));
  addIdea(doc, { id: 'i1', text: 'idea', authorId: 'staff-1' });
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

const registryWith = (boardStore: BoardStore) =>
  new RoomRegistry({ store: boardStore, limits: { compactAfterUpdates: 1000, unloadAfterMs: 60_000 }, log: silentLogger });

it('shares one load between connections and sends nothing until it has finished', async () => {
  const gated = gatedStore(store);
  const registry = registryWith(gated.store);
  const a = recordingConnection('b1');
  const b = recordingConnection('b1');
  registry.connect(a.connection);
  registry.connect(b.connection);
  a.connection.receive(syncStep1());
  b.connection.receive(ideaUpdateMessage());

  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(a.sent).toHaveLength(0);
  expect(b.sent).toHaveLength(0);

  gated.release('load');
  await eventually(() => expect(a.sent.length).toBeGreaterThanOrEqual(2)); // step 1, then step 2
  expect(gated.loads()).toBe(1);
  // The update b sent while the board was loading was applied and stored once it had loaded.
  await eventually(async () => {
    const [row] = await database.db.select({ n: count() }).from(boardUpdates).where(eq(boardUpdates.boardId, 'b1'));
    expect(row!.n).toBe(1);
  });
  await registry.closeAll();
});

it('closes every waiting connection with 4500 when the load fails, and stores nothing', async () => {
  const gated = gatedStore(store);
  const registry = registryWith(gated.store);
  const a = recordingConnection('b1');
  const b = recordingConnection('b1');
  registry.connect(a.connection);
  registry.connect(b.connection);
  b.connection.receive(ideaUpdateMessage());

  gated.release('fail');
  await eventually(() => {
    expect(a.closed).toEqual([{ code: CloseCode.loadFailed, reason: expect.any(String) }]);
    expect(b.closed).toEqual([{ code: CloseCode.loadFailed, reason: expect.any(String) }]);
  });
  expect(a.sent).toHaveLength(0);
  expect(b.sent).toHaveLength(0);
  const [row] = await database.db.select({ n: count() }).from(boardUpdates);
  expect(row!.n).toBe(0);
  expect(registry.loadedCount).toBe(0);

  // The failure is forgotten: the next connection loads the board afresh.
  const c = recordingConnection('b1');
  registry.connect(c.connection);
  await eventually(() => expect(c.sent.length).toBeGreaterThan(0));
  expect(gated.loads()).toBe(2);
  await registry.closeAll();
});

it('closes a connection to a board that does not exist with 4404', async () => {
  const registry = registryWith(store);
  const a = recordingConnection('no-such-board');
  registry.connect(a.connection);
  await eventually(() => expect(a.closed.map((c) => c.code)).toEqual([CloseCode.notFound]));
  expect(a.sent).toHaveLength(0);
});
