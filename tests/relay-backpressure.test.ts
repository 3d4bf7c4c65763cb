/**
 * [spec 4] Load gets backpressure, not a close: a connection over the message rate is throttled
 * (its socket is not read for a while), a connection whose queued work passes the bound is held
 * until the room has committed it, and only a flood that outlasts the flood limit is closed, with a
 * code a stock client retries.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { defaultSyncLimits } from '../server/config';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { Connection } from '../server/sync/connection';
import { RoomRegistry } from '../server/sync/registry';
import { silentLogger } from '../server/log';
import { addIdea, boardToJson } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { boardDatabase, heldStore, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  ({ database, store } = await boardDatabase());
});
afterEach(() => database.close());

/** A connection whose transport records pauses, resumes and closes. */
function recordedConnection(options: { perSecond?: number; floodAfterMs?: number } = {}) {
  const record = { paused: 0, resumed: 0, closes: [] as number[], sent: 0 };
  const connection = new Connection({
    transport: {
      send: () => void record.sent++,
      close: (code) => void record.closes.push(code),
      pause: () => void record.paused++,
      resume: () => void record.resumed++,
      bufferedAmount: 0,
    },
    actor: { id: 'staff-1', role: 'staff', name: 'staff' },
    boardId: 'b1',
    limits: {
      ...defaultSyncLimits,
      maxMessagesPerSecond: options.perSecond ?? 1000,
      floodAfterMs: options.floodAfterMs ?? defaultSyncLimits.floodAfterMs,
    },
  });
  return { connection, record, held: () => record.paused > record.resumed };
}

function ideaMessages(count: number, prefix = 'i'): Uint8Array[] {
  return Array.from({ length: count }, (_, i) =>
    updateMessage(updateOf((doc) => addIdea(doc, { id: `${prefix}${i}`, text: `案 ${i}`, authorId: 'staff-1' }))),
  );
}

function registry(limits: Partial<typeof defaultSyncLimits> = {}, boardStore = store): RoomRegistry {
  return new RoomRegistry({ store: boardStore, limits: { ...defaultSyncLimits, ...limits }, log: silentLogger });
}

it('throttles a connection over the message rate instead of closing it, and takes every message', async () => {
  const rooms = registry();
  const { connection, record, held } = recordedConnection({ perSecond: 50 });
  rooms.connect(connection);
  connection.receive(syncStep1Message());
  // The burst allowance is two seconds' worth (100); 150 messages go past it.
  for (const message of ideaMessages(150)) connection.receive(message);
  expect(held()).toBe(true);
  expect(record.closes).toEqual([]);
  await eventually(() => expect(held()).toBe(false), { timeoutMs: 5000 });
  const room = await rooms.open('b1');
  await room.settled();
  expect(Object.keys(boardToJson(room.doc).ideas)).toHaveLength(150);
  await rooms.closeAll();
});

it('closes only a flood that outlasts the flood limit, with a code the stock client retries (4529)', async () => {
  const rooms = registry();
  const { connection, record } = recordedConnection({ perSecond: 20, floodAfterMs: 300 });
  rooms.connect(connection);
  const messages = ideaMessages(200);
  const started = performance.now();
  // A client that ignores the TCP window: keeps sending as if nothing held it back.
  for (const message of messages) {
    connection.receive(message);
    if (record.closes.length > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  expect(record.closes).toEqual([CloseCode.flooding]);
  expect(performance.now() - started).toBeGreaterThan(300);
  expect(CloseCode.flooding < 4400 || CloseCode.flooding >= 4500).toBe(true);
  await rooms.closeAll();
});

it('holds a connection whose queued work passes the bound until the room has committed it', async () => {
  const held = heldStore(store);
  const rooms = registry({ maxBacklogMessages: 20 }, held.store);
  const { connection, record, held: reading } = recordedConnection();
  rooms.connect(connection);
  connection.receive(syncStep1Message());
  await eventually(() => expect(record.sent).toBeGreaterThan(0));

  const [first, ...rest] = ideaMessages(40);
  connection.receive(first!);
  await eventually(() => expect(held.appending()).toBe(1)); // the first commit is in flight
  for (const message of rest) connection.receive(message);
  expect(reading(), 'reading stops past the bound').toBe(true);

  // The store takes the first batch, then the rest: reading resumes once the backlog is worked off.
  held.commit();
  await eventually(() => expect(held.appending()).toBe(1));
  held.commit();
  await eventually(() => expect(reading()).toBe(false));
  expect(record.closes).toEqual([]);
  const room = await rooms.open('b1');
  await room.settled();
  expect(Object.keys(boardToJson(room.doc).ideas)).toHaveLength(40);
  await rooms.closeAll();
});
