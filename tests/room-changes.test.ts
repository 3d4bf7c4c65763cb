/**
 * [spec 4] Changes the server makes (HTTP routes): attributed to the staff member, resolved once
 * committed, and a change that throws fails alone without taking its batch down with it.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { addIdea, boardToJson } from '../shared/board';
import { boardDatabase, recordingConnection, registryWith, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { eventually } from './helpers/yjs-client';

let database: OpenDatabase;
let store: BoardStore;

beforeEach(async () => {
  ({ database, store } = await boardDatabase());
});
afterEach(() => database.close());

it('rejects a server change that throws, and still stores and relays the rest of its batch', async () => {
  const registry = registryWith(store);
  const watcher = recordingConnection('b1');
  registry.connect(watcher.connection);
  watcher.connection.receive(syncStep1Message());
  await eventually(() => expect(watcher.sent.length).toBeGreaterThanOrEqual(2));
  const room = await registry.open('b1');

  // Queued together, so that they land in one batch.
  const failing = room.change('staff-1', () => {
    throw new Error('a bug in a route');
  });
  const fine = room.change('staff-1', (doc) => addIdea(doc, { id: 'i1', text: '残る案', authorId: 'staff-1' }));
  watcher.connection.receive(updateMessage(updateOf((doc) => addIdea(doc, { id: 'i2', text: 'となりの案', authorId: 'staff-1' }))));

  await expect(failing).rejects.toThrow('the change failed on the server');
  await fine;
  await eventually(() => expect(Object.keys(boardToJson(watcher.received()).ideas)).toEqual(['i1']));
  await room.settled();
  expect(Object.keys(boardToJson(room.doc).ideas).sort()).toEqual(['i1', 'i2']);
  await registry.closeAll();
});
