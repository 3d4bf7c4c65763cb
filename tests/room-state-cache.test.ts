/**
 * [issue 11, item 3] The room keeps the committed board encoded until it next changes, so that new
 * clients cost one encode between them: every answer is still the whole committed board, a change
 * is never missing from an answer given after it, and a held commit is never in one.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import * as Y from 'yjs';
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

const idea = (id: string) => updateMessage(updateOf((doc) => addIdea(doc, { id, text: `idea ${id}`, authorId: 'staff-1' })));

/** Opens a client with an empty document, or with `has`, and waits for its answer. */
async function newClient(registry: ReturnType<typeof registryWith>, has?: Y.Doc) {
  const client = recordingConnection('b1');
  registry.connect(client.connection);
  client.connection.receive(syncStep1Message(has));
  await eventually(() => expect(client.sent.length).toBeGreaterThanOrEqual(2));
  return client;
}

it('answers every new client with the whole committed board, before and after a change', async () => {
  const registry = registryWith(store);
  const writer = await newClient(registry);
  writer.connection.receive(idea('i1'));
  const room = await registry.open('b1');
  await room.settled();

  const first = await newClient(registry);
  const second = await newClient(registry);
  expect(Object.keys(boardToJson(first.received()).ideas)).toEqual(['i1']);
  expect(Object.keys(boardToJson(second.received()).ideas)).toEqual(['i1']);

  writer.connection.receive(idea('i2'));
  await room.settled();
  const third = await newClient(registry);
  expect(Object.keys(boardToJson(third.received()).ideas).sort()).toEqual(['i1', 'i2']);
  // A client that has part of the board gets the rest, and ends with the same board.
  const partial = first.received();
  const fourth = await newClient(registry, partial);
  const merged = fourth.received();
  Y.applyUpdate(merged, Y.encodeStateAsUpdate(partial));
  expect(boardToJson(merged)).toEqual(boardToJson(room.doc));
  // The snapshot reads the same cache and holds the same board.
  const snapshot = room.committedSnapshot()!;
  const fromSnapshot = new Y.Doc();
  Y.applyUpdate(fromSnapshot, snapshot.state);
  expect(boardToJson(fromSnapshot)).toEqual(boardToJson(room.doc));
  await registry.closeAll();
});

it('never answers with a change whose commit is still held', async () => {
  const held = heldStore(store);
  const registry = registryWith(held.store);
  const writer = await newClient(registry);
  writer.connection.receive(idea('i1'));
  const room = await registry.open('b1');
  await eventually(() => expect(held.appending()).toBe(1));
  const early = recordingConnection('b1');
  registry.connect(early.connection);
  early.connection.receive(syncStep1Message());
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(early.sent.length).toBeLessThan(2);

  held.commit();
  await room.settled();
  await eventually(() => expect(Object.keys(boardToJson(early.received()).ideas)).toEqual(['i1']));
  await registry.closeAll();
});
