/**
 * [spec 4] An update is committed before it is relayed to any other client, and a sync answer
 * never contains anything uncommitted. The store's commits here wait until the test lets them go.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { addIdea, boardToJson } from '../shared/board';
import { boardDatabase, heldStore, recordingConnection, registryWith, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  ({ database, store } = await boardDatabase());
});
afterEach(() => database.close());

it('shows an update to nobody, neither relayed nor in a sync answer, until it is committed', async () => {
  const held = heldStore(store);
  const registry = registryWith(held.store);
  const writer = recordingConnection('b1');
  const watcher = recordingConnection('b1');
  for (const { connection } of [writer, watcher]) {
    registry.connect(connection);
    connection.receive(syncStep1Message());
  }
  await eventually(() => expect(watcher.sent.length).toBeGreaterThanOrEqual(2)); // both synced

  writer.connection.receive(updateMessage(updateOf((doc) => addIdea(doc, { id: 'i1', text: 'きれいに', authorId: 'staff-1' }))));
  await eventually(() => expect(held.appending()).toBe(1));

  // A client that joins while the commit is in flight asks for the board.
  const latecomer = recordingConnection('b1');
  registry.connect(latecomer.connection);
  latecomer.connection.receive(syncStep1Message());
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(boardToJson(watcher.received()).ideas).toEqual({});
  expect(boardToJson(latecomer.received()).ideas).toEqual({});

  held.commit();
  await eventually(() => {
    expect(Object.keys(boardToJson(watcher.received()).ideas)).toEqual(['i1']);
    expect(Object.keys(boardToJson(latecomer.received()).ideas)).toEqual(['i1']);
  });
  await registry.closeAll();
});
