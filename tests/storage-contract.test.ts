/**
 * [spec 7] One contract for the board store, held against every database the run has: the log
 * appends in order, a board loads as its newest snapshot plus the rows after it, and compaction
 * folds the log in one step while named snapshots stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boards, facilities } from '../drizzle/schema';
import { openDatabase, type OpenDatabase } from '../server/db/database';
import { createBoardStore, type BoardStore } from '../server/persistence/board-store';
import { addIdea, boardToJson } from '../shared/board';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/databases';

describe.each(databaseKinds())('board store on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;
  let store: BoardStore;
  let boardCount = 0;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    store = createBoardStore(database.db);
    await database.db.insert(facilities).values({ id: 'f1', name: 'test' });
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  async function newBoard(): Promise<string> {
    const id = `b${++boardCount}`;
    await database.db.insert(boards).values({ id, facilityId: 'f1', title: id, createdBy: 'test' });
    return id;
  }

  /** Updates that each add one idea, made by one client in order. */
  function ideaUpdates(count: number): Uint8Array[] {
    const doc = new Y.Doc();
    const updates: Uint8Array[] = [];
    doc.on('update', (update: Uint8Array) => updates.push(update));
    for (let i = 0; i < count; i++) addIdea(doc, { id: `i${i}`, text: `idea ${i}`, authorId: 'a', createdAt: i });
    return updates;
  }

  function docOf(stored: { snapshot: Uint8Array | null; updates: Uint8Array[] }): Y.Doc {
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    return doc;
  }

  it('answers null for a board that does not exist', async () => {
    expect(await store.load('nope')).toBeNull();
  });

  it('loads an empty board as no snapshot and no updates', async () => {
    expect(await store.load(await newBoard())).toEqual({ snapshot: null, updates: [], lastSeq: 0 });
  });

  it('appends rows in order and returns increasing sequence numbers', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(5);
    const seqs = await store.append(updates.map((update) => ({ boardId, update, actorId: 'a' })));
    expect(seqs).toHaveLength(5);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const stored = (await store.load(boardId))!;
    expect(stored.updates.map((u) => [...u])).toEqual(updates.map((u) => [...u]));
    expect(stored.lastSeq).toBe(seqs.at(-1));
  });

  it('keeps the bytes of an update exactly', async () => {
    const boardId = await newBoard();
    const update = new Uint8Array(256).map((_, i) => i);
    await store.append([{ boardId, update, actorId: 'a' }]);
    expect([...(await store.load(boardId))!.updates[0]!]).toEqual([...update]);
  });

  it('keeps boards apart', async () => {
    const [first, second] = [await newBoard(), await newBoard()];
    const [a, b] = ideaUpdates(2);
    await store.append([
      { boardId: first, update: a!, actorId: 'a' },
      { boardId: second, update: b!, actorId: 'a' },
    ]);
    expect((await store.load(first))!.updates).toHaveLength(1);
    expect((await store.load(second))!.updates).toHaveLength(1);
  });

  it('compacts: one snapshot replaces the rows it covers, and later rows stay as the tail', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(6);
    const seqs = await store.append(updates.slice(0, 4).map((update) => ({ boardId, update, actorId: 'a' })));
    const folded = docOf({ snapshot: null, updates: updates.slice(0, 4) });
    await store.compact(boardId, Y.encodeStateAsUpdate(folded), seqs.at(-1)!);
    await store.append(updates.slice(4).map((update) => ({ boardId, update, actorId: 'a' })));

    const stored = (await store.load(boardId))!;
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(2);
    expect(Object.keys(boardToJson(docOf(stored)).ideas)).toHaveLength(6);
  });

  it('keeps named snapshots when it compacts, and drops older compactions', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(3);
    const seqs = await store.append(updates.map((update) => ({ boardId, update, actorId: 'a' })));
    const state = Y.encodeStateAsUpdate(docOf({ snapshot: null, updates }));
    await store.snapshot({ boardId, kind: 'named', label: 'before the meeting', state, upToSeq: seqs[1]!, takenBy: 'staff' });
    await store.compact(boardId, state, seqs[1]!);
    await store.compact(boardId, state, seqs[2]!);

    const rows = await database.db.query.boardSnapshots.findMany({ where: (s, { eq }) => eq(s.boardId, boardId) });
    expect(rows.map((row) => row.kind).sort()).toEqual(['compaction', 'named']);
    expect((await store.load(boardId))!.updates).toHaveLength(0);
  });
});
