/**
 * [spec 4] Concurrent connections to a board that is still loading share one load and get
 * nothing until it has finished; a failed load is an error to every waiting client, never an
 * empty board, and nothing is stored over it.
 */
import { count, eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { boardUpdates } from '../drizzle/schema';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { addIdea } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { boardDatabase, recordingConnection, registryWith, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

const ideaUpdate = updateMessage(updateOf((doc) => addIdea(doc, { id: 'i1', text: 'idea', authorId: 'staff-1' })));

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  ({ database, store } = await boardDatabase());
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

it('shares one load between connections and sends nothing until it has finished', async () => {
  const gated = gatedStore(store);
  const registry = registryWith(gated.store);
  const a = recordingConnection('b1');
  const b = recordingConnection('b1');
  registry.connect(a.connection);
  registry.connect(b.connection);
  a.connection.receive(syncStep1Message());
  b.connection.receive(ideaUpdate);

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
  b.connection.receive(ideaUpdate);

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
