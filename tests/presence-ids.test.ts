/**
 * [spec 5, 6; issue 8] A connection speaks for a bounded number of presence client ids. Found by
 * the websocket fuzz (tests/fuzz-websocket.test.ts): one socket that sent awareness updates for
 * thousands of made-up client ids made the room hold all of them, send them all to every newcomer
 * and every "query presence" (27 MiB per join after 2.8 MiB sent), stall the event loop for seconds,
 * and close innocent readers as slow (4508).
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { MAX_PRESENCE_IDS_PER_CONNECTION } from '../server/sync/awareness';
import type { RoomRegistry } from '../server/sync/registry';
import { boardDatabase, recordingConnection, registryWith, type RecordingConnection } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;
let rooms: RoomRegistry;

beforeAll(async () => {
  ({ database, store } = await boardDatabase());
});
afterAll(() => database.close());
// Presence lives in the room only: a fresh registry is a fresh room.
beforeEach(() => {
  rooms = registryWith(store);
});
afterEach(() => rooms.closeAll());

/** An awareness message with one entry per id: `{}` for a present state, or null for "gone". */
function presence(ids: number[], state: '{}' | 'null' = '{}', clock = 1): Uint8Array {
  const update = encoding.createEncoder();
  encoding.writeVarUint(update, ids.length);
  for (const id of ids) {
    encoding.writeVarUint(update, id);
    encoding.writeVarUint(update, clock);
    encoding.writeVarString(update, state);
  }
  const message = encoding.createEncoder();
  encoding.writeVarUint(message, 1);
  encoding.writeVarUint8Array(message, encoding.toUint8Array(update));
  return encoding.toUint8Array(message);
}

/** Client ids in the awareness messages the server sent a connection, in order. */
function presenceSent(connection: RecordingConnection): number[][] {
  return connection.sent
    .filter((message) => message[0] === 1)
    .map((message) => {
      const decoder = decoding.createDecoder(decoding.readVarUint8Array(decoding.createDecoder(message.subarray(1))));
      const count = decoding.readVarUint(decoder);
      return Array.from({ length: count }, () => {
        const id = decoding.readVarUint(decoder);
        decoding.readVarUint(decoder);
        decoding.readVarString(decoder);
        return id;
      });
    });
}

async function joined(): Promise<RecordingConnection> {
  const connection = recordingConnection('b1');
  rooms.connect(connection.connection);
  await eventually(() => expect(connection.sent.length).toBeGreaterThan(0));
  return connection;
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

it('keeps at most MAX_PRESENCE_IDS_PER_CONNECTION states of one connection, and sends a newcomer only those', async () => {
  const hostile = await joined();
  hostile.connection.receive(presence(range(1000, 1000)));
  const room = await rooms.open('b1');
  expect(room.awareness.getStates().size).toBe(MAX_PRESENCE_IDS_PER_CONNECTION);
  expect([...room.awareness.getStates().keys()]).toEqual(range(1000, MAX_PRESENCE_IDS_PER_CONNECTION));
  expect(hostile.closed).toEqual([]);

  const newcomer = await joined();
  expect(presenceSent(newcomer)).toEqual([range(1000, MAX_PRESENCE_IDS_PER_CONNECTION)]);
});

it('does not free ids when a connection removes its states: removing and claiming cannot churn', async () => {
  const hostile = await joined();
  const room = await rooms.open('b1');
  for (let round = 0; round < 50; round++) {
    const ids = range(round * 100, MAX_PRESENCE_IDS_PER_CONNECTION);
    hostile.connection.receive(presence(ids));
    hostile.connection.receive(presence(ids, 'null', 2));
  }
  // Only the first round's ids were ever the connection's; y-protocols keeps a clock for each (and
  // one for the room's own id, whose state is never set).
  expect(room.awareness.getStates().size).toBe(0);
  expect(room.awareness.meta.size).toBe(MAX_PRESENCE_IDS_PER_CONNECTION + 1);
  // Its own ids it may set again.
  hostile.connection.receive(presence([0], '{}', 3));
  expect([...room.awareness.getStates().keys()]).toEqual([0]);
});

it('drops a removal for an id the connection never spoke for, and leaves another’s state alone', async () => {
  const owner = await joined();
  owner.connection.receive(presence([7]));
  const other = await joined();
  other.connection.receive(presence([7, 123_456], 'null', 9));
  const room = await rooms.open('b1');
  expect([...room.awareness.getStates().keys()]).toEqual([7]);
  expect(room.awareness.meta.has(123_456)).toBe(false);
  expect(other.closed).toEqual([]);

  // The owner leaves: its state goes, and the id may be somebody else's.
  owner.connection.close(1000, 'bye');
  other.connection.receive(presence([7], '{}', 10));
  expect([...room.awareness.getStates().keys()]).toEqual([7]);
});
