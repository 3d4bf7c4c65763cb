/**
 * [issue 11 item 3] A large stored board is loaded a slice at a time beside the other boards:
 * the slices, applied in any order, make the same document as the whole; a client with nothing is
 * answered from the stored board before the slices are in; what clients send meanwhile waits, and
 * is checked by a guard that knows the whole board.
 */
import { count, eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { boardUpdates } from '../drizzle/schema';
import { defaultSyncLimits } from '../server/config';
import type { OpenDatabase } from '../server/db/database';
import type { BoardStore } from '../server/persistence/board-store';
import { RoomRegistry } from '../server/sync/registry';
import { sliceState } from '../server/sync/slices';
import { BoardSlicer } from '../server/sync/slicer';
import type { StoredState } from '../server/sync/slices';
import {
  addIdea,
  addStep,
  boardToJson,
  castVote,
  createProject,
  deleteIdea,
  editIdea,
  giveThanks,
  initBoard,
  setMeta,
  tickStep,
} from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { newId } from '../shared/ids';
import { boardDatabase, recordingConnection, syncStep1Message, updateMessage, updateOf } from './helpers/room-harness';
import { capturingLogger } from './helpers/log';
import { eventually } from './helpers/yjs-client';

/**
 * A board written by six people, each in a document of their own, with the changes that make
 * one client's structs depend on another's: staff editing and deleting participants' ideas, steps
 * added to another's project, two people setting the same key while apart. Every transaction is
 * one log row, as the relay stores them.
 */
function writtenBoard(): { whole: Y.Doc; rows: Uint8Array[] } {
  const people = Array.from({ length: 6 }, (_, index) => {
    const doc = new Y.Doc();
    doc.clientID = 100 + index;
    return doc;
  });
  const [staff, aoi, ken, mio, rin, sho] = people as [Y.Doc, Y.Doc, Y.Doc, Y.Doc, Y.Doc, Y.Doc];
  const rows: Uint8Array[] = [];
  for (const doc of people) doc.on('update', (update: Uint8Array) => rows.push(update));
  const share = (from: Y.Doc) => {
    for (const doc of people) if (doc !== from) Y.applyUpdate(doc, Y.encodeStateAsUpdate(from, Y.encodeStateVector(doc)), 'share');
  };
  initBoard(staff, { title: 'slices', voteBudget: 3 });
  share(staff);
  for (const [index, doc] of [aoi, ken, mio].entries()) {
    for (let idea = 0; idea < 20; idea++) addIdea(doc, { id: `idea-${index}-${idea}`, text: `アイデア ${idea}`, authorId: `p${index}` });
    share(doc);
  }
  for (let idea = 0; idea < 20; idea += 3) editIdea(staff, `idea-0-${idea}`, { status: 'parked' });
  deleteIdea(staff, 'idea-1-4');
  createProject(staff, { id: 'project-1', ideaId: 'idea-2-0', title: '棚' });
  share(staff);
  addStep(rin, 'project-1', { id: 'step-1', text: '測る' });
  share(rin);
  addStep(sho, 'project-1', { id: 'step-2', text: '買う' });
  tickStep(sho, 'project-1', 'step-1', 'sho', true, 1_700_000_000_000);
  share(sho);
  for (const [index, doc] of [rin, sho].entries()) {
    castVote(doc, `v${index}`, 'idea-0-1', 1);
    castVote(doc, `v${index}`, 'idea-2-5', 1);
    giveThanks(doc, `v${index}`, 'idea-1-1');
  }
  // Apart, then together: the same key set by both.
  editIdea(aoi, 'idea-0-2', { text: 'あおいの言葉' });
  editIdea(staff, 'idea-0-2', { text: 'スタッフの言葉' });
  setMeta(staff, { phase: 'vote' });
  for (const doc of people) share(doc);
  expect(rows.length).toBeGreaterThan(80);
  return { whole: applied(rows), rows };
}

function applied(updates: readonly Uint8Array[]): Y.Doc {
  const doc = new Y.Doc();
  for (const update of updates) Y.applyUpdate(doc, update);
  return doc;
}

function expectSameBoard(actual: Y.Doc, expected: Y.Doc): void {
  expect(boardToJson(actual)).toEqual(boardToJson(expected));
  expect(Y.decodeStateVector(Y.encodeStateVector(actual))).toEqual(Y.decodeStateVector(Y.encodeStateVector(expected)));
  expect(actual.store.pendingStructs).toBeNull();
  expect(actual.store.pendingDs).toBeNull();
}

describe('slicing a stored board', () => {
  const { whole, rows: log } = writtenBoard();

  it.each([
    ['a log', { snapshot: null, updates: log }],
    ['a snapshot and its tail', { snapshot: Y.encodeStateAsUpdate(applied(log.slice(0, 60))), updates: log.slice(60) }],
  ] satisfies [string, StoredState][])('cuts %s into slices that make the whole board, in order or reversed', (_, stored) => {
    const { state, slices } = sliceState(stored, 20);
    expect(slices.length).toBeGreaterThan(3);
    // A slice's deletions are of its own structs, so none waits for a slice not yet in.
    for (const slice of slices) {
      const { structs, ds } = Y.decodeUpdate(slice);
      const own = new Set(structs.map((struct) => struct.id.client));
      expect([...ds.clients.keys()].filter((client) => !own.has(client))).toEqual([]);
    }
    expectSameBoard(applied([state]), whole);
    expectSameBoard(applied(slices), whole);
    // Reversed, most structs arrive before what they depend on: Yjs holds them until it is in.
    expectSameBoard(applied([...slices].reverse()), whole);
  });
});

/** A slicer that slices nothing until `release()`: the board stays in its loading state meanwhile. */
class HeldSlicer extends BoardSlicer {
  #gate: Promise<void>;
  release!: () => void;
  constructor() {
    super();
    this.#gate = new Promise((resolve) => (this.release = resolve));
  }
  override async slice(stored: StoredState) {
    await this.#gate;
    return super.slice(stored);
  }
}

describe('a board loading in slices', () => {
  let database: OpenDatabase;
  let store: BoardStore;

  beforeEach(async () => {
    ({ database, store } = await boardDatabase());
  });
  afterEach(() => database.close());

  const rowsOf = async () => (await database.db.select({ n: count() }).from(boardUpdates).where(eq(boardUpdates.boardId, 'b1')))[0]!.n;

  it('answers a client with nothing from the stored board, holds the rest until loaded, then checks it against the whole board', async () => {
    // b1 as a compaction snapshot and a one-row tail.
    const board = new Y.Doc();
    initBoard(board, { title: 'b1', voteBudget: 3 });
    for (let idea = 0; idea < 30; idea++) addIdea(board, { id: `i${idea}`, text: `idea ${idea}`, authorId: 'p-ken' });
    const snapshot = Y.encodeStateAsUpdate(board);
    const seqs = await store.commit('b1', [{ update: snapshot, actorId: 'staff-1', events: [] }], { id: newId(), retry: false });
    await store.compact('b1', snapshot, seqs.at(-1)!);
    const tail = [
      updateOf((doc) => {
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(board));
        editIdea(doc, 'i0', { text: 'edited once' });
      }),
    ];
    Y.applyUpdate(board, tail[0]!);
    await store.commit('b1', tail.map((update) => ({ update, actorId: 'p-ken', events: [] })), { id: newId(), retry: false });

    const slicer = new HeldSlicer();
    const log = capturingLogger();
    const registry = new RoomRegistry({ store, limits: { ...defaultSyncLimits, sliceAboveBytes: 0 }, log, slicer });
    try {
      const reader = recordingConnection('b1');
      const writer = recordingConnection('b1', { id: 'p-ken', role: 'participant', name: 'けん' });
      const behind = recordingConnection('b1');
      registry.connect(reader.connection);
      registry.connect(writer.connection);
      registry.connect(behind.connection);
      const room = await registry.open('b1');
      reader.connection.receive(syncStep1Message());
      // A client that has part of the board is answered by the document, so it waits for it.
      behind.connection.receive(syncStep1Message(applied([snapshot])));
      const ownIdea = updateOf((doc) => {
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(board));
        addIdea(doc, { id: 'new', text: 'while it loads', authorId: 'p-ken' });
      });
      const notHers = updateOf((doc) => {
        Y.applyUpdate(doc, Y.encodeStateAsUpdate(board));
        setMeta(doc, { phase: 'closed' });
      });
      writer.connection.receive(updateMessage(Y.diffUpdate(ownIdea, Y.encodeStateVector(board))));
      writer.connection.receive(updateMessage(Y.diffUpdate(notHers, Y.encodeStateVector(board))));

      // The reader has the whole stored board; nothing the writer sent is applied or stored.
      await eventually(() => expect(boardToJson(reader.received())).toEqual(boardToJson(board)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await rowsOf()).toBe(1);
      expect(room.committedSnapshot()).toBeNull();
      expect(log.entries.some((entry) => entry.message === 'loaded a large board in slices')).toBe(false);

      slicer.release();
      await room.settled();
      expect(log.entries.find((entry) => entry.message === 'loaded a large board in slices')?.fields).toMatchObject({ boardId: 'b1', slices: expect.any(Number) });
      // The writer's own idea is stored and shown; closing the board is staff's, and was undone.
      await eventually(() => expect(boardToJson(reader.received()).ideas.new?.text).toBe('while it loads'));
      expect(boardToJson(reader.received()).meta.phase).toBe('collect');
      expect(log.entries.filter((entry) => entry.message === 'refused a change')).toHaveLength(1);
      // One row for each update, the refused one as what is left of it after the guard undid it.
      expect(await rowsOf()).toBe(3);
      const caughtUp = behind.received();
      Y.applyUpdate(caughtUp, snapshot);
      expect(boardToJson(caughtUp)).toEqual(boardToJson(reader.received()));
      const committed = room.committedSnapshot();
      expect(committed && boardToJson(applied([committed.state]))).toEqual(boardToJson(reader.received()));
    } finally {
      await registry.closeAll(2000);
    }
  });

  it('closes every connection with 4500 when the stored board does not apply, and the next one loads it anew', async () => {
    const seqs = await store.commit('b1', [{ update: updateOf((doc) => initBoard(doc, { title: 'b1', voteBudget: 3 })), actorId: 'staff-1', events: [] }], {
      id: newId(),
      retry: false,
    });
    await store.compact('b1', new Uint8Array(64).fill(255), seqs.at(-1)!);
    const log = capturingLogger();
    const registry = new RoomRegistry({ store, limits: { ...defaultSyncLimits, sliceAboveBytes: 0 }, log });
    try {
      const first = recordingConnection('b1');
      registry.connect(first.connection);
      first.connection.receive(syncStep1Message());
      await eventually(() => expect(first.closed).toEqual([{ code: CloseCode.loadFailed, reason: 'the board could not be loaded; try again shortly' }]));
      expect(log.entries.filter((entry) => entry.message === 'loading a board failed')).toHaveLength(1);
      expect(registry.loadedCount).toBe(0);
      const second = recordingConnection('b1');
      registry.connect(second.connection);
      await eventually(() => expect(second.closed.map(({ code }) => code)).toEqual([CloseCode.loadFailed]));
      expect(log.entries.filter((entry) => entry.message === 'loading a board failed')).toHaveLength(2);
      expect(await rowsOf()).toBe(0);
    } finally {
      await registry.closeAll(2000);
    }
  });
});
