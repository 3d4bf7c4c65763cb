/**
 * [spec 4] A store that fails — how PGlite's failures (a full disk, say) reach the relay, and the
 * engine's half of a PostgreSQL outage (tests/outage.test.ts has the real one): the batch stays in
 * memory, nothing is relayed or acked, the board is reported as waiting, a server change gives up
 * at its deadline, shutdown gives up at its own and says what it could not store, and once the store
 * works again everything is committed and relayed in order.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { boardEvents } from '../drizzle/schema';
import { defaultSyncLimits } from '../server/config';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { RoomRegistry } from '../server/sync/registry';
import { RoomUnavailable } from '../server/sync/room';
import { addIdea, boardToJson } from '../shared/board';
import { capturingLogger } from './helpers/log';
import { boardDatabase, recordingConnection, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  ({ database, store } = await boardDatabase());
});
afterEach(() => database.close());

/** The real store, whose commits fail while `down` is true. */
function flakyStore(inner: BoardStore) {
  const state = { down: false, failures: 0 };
  const flaky: BoardStore = {
    ...inner,
    async commit(boardId, rows, attempt) {
      if (state.down) {
        state.failures++;
        throw Object.assign(new Error('could not write: no space left on device'), { code: '53100' });
      }
      return inner.commit(boardId, rows, attempt);
    },
  };
  return { store: flaky, state };
}

const idea = (id: string) => updateMessage(updateOf((doc) => addIdea(doc, { id, text: `案 ${id}`, authorId: 'staff-1' })));

it('keeps a failed batch in memory, relays nothing meanwhile, and commits and relays it in order once the store is back', async () => {
  const flaky = flakyStore(store);
  const log = capturingLogger();
  const registry = new RoomRegistry({ store: flaky.store, limits: defaultSyncLimits, log });
  const writer = recordingConnection('b1');
  const watcher = recordingConnection('b1');
  for (const { connection } of [writer, watcher]) {
    registry.connect(connection);
    connection.receive(syncStep1Message());
  }
  await eventually(() => expect(watcher.sent.length).toBeGreaterThanOrEqual(2));
  const room = await registry.open('b1');

  flaky.state.down = true;
  for (const id of ['a', 'b', 'c']) writer.connection.receive(idea(id));
  await eventually(() => expect(registry.waitingBoards.map((board) => board.boardId)).toEqual(['b1']));
  expect(room.status.state).toBe('retrying');
  // A server change waits for its commit, and gives up at its deadline with RoomUnavailable.
  const started = Date.now();
  await expect(room.change('staff-1', (doc) => addIdea(doc, { id: 'd', text: '職員が書いた案', authorId: 'staff-1' }), { deadlineMs: 300 })).rejects.toBeInstanceOf(RoomUnavailable);
  expect(Date.now() - started).toBeLessThan(2000);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(boardToJson(watcher.received()).ideas).toEqual({});
  expect(flaky.state.failures).toBeGreaterThan(1); // it retried

  flaky.state.down = false;
  await eventually(() => expect(Object.keys(boardToJson(watcher.received()).ideas).sort()).toEqual(['a', 'b', 'c', 'd']), { timeoutMs: 10_000 });
  expect(room.status.state).toBe('live');
  expect(registry.waitingBoards).toEqual([]);
  // The server change that gave up waiting was kept and stored all the same, after the client's.
  const events = await database.db.select().from(boardEvents).where(eq(boardEvents.boardId, 'b1')).orderBy(asc(boardEvents.id));
  expect(events.map((event) => [event.type, event.ideaId, event.actorId])).toEqual(
    ['a', 'b', 'c', 'd'].map((id) => ['idea.created', id, 'staff-1']),
  );
  expect(log.entries.some((entry) => entry.message === 'storing updates works again')).toBe(true);
  await registry.closeAll();
});

it('gives up storing at the shutdown deadline and says how many updates it could not store', async () => {
  const flaky = flakyStore(store);
  const log = capturingLogger();
  const registry = new RoomRegistry({ store: flaky.store, limits: defaultSyncLimits, log });
  const writer = recordingConnection('b1');
  registry.connect(writer.connection);
  writer.connection.receive(syncStep1Message());
  await eventually(() => expect(writer.sent.length).toBeGreaterThanOrEqual(2));

  flaky.state.down = true;
  for (const id of ['a', 'b']) writer.connection.receive(idea(id));
  await eventually(() => expect(registry.waitingBoards).toHaveLength(1));

  const started = Date.now();
  await registry.closeAll(500);
  expect(Date.now() - started).toBeLessThan(3000);
  const said = log.entries.find((entry) => entry.message.startsWith('shutting down with updates that could not be stored'));
  expect(said?.fields).toMatchObject({ boardId: 'b1', updates: 2 });
});
