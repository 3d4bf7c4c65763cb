/**
 * [spec 7] One contract for the board store, held against every database the run has: the log
 * appends in order, a board loads as its newest snapshot plus the rows after it, and compaction
 * folds the log in one step while named snapshots stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { eq, sql } from 'drizzle-orm';
import { boardEvents, boardUpdates, boards, facilities } from '../drizzle/schema';
import type { NewEvent } from '../server/history/events';
import { openDatabase, type OpenDatabase } from '../server/db/database';
import { createBoardStore, type BoardStore, type CommitRow } from '../server/persistence/board-store';
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

  function rowsOf(updates: Uint8Array[], events: (index: number) => NewEvent[] = () => []): CommitRow[] {
    return updates.map((update, index) => ({ update, actorId: 'a', events: events(index) }));
  }

  /** A first attempt at a new commit. */
  const fresh = () => ({ id: `commit-${++commitCount}`, retry: false });
  let commitCount = 0;

  function created(index: number): NewEvent[] {
    return [{ type: 'idea.created', actorId: 'a', ideaId: `i${index}`, data: { text: `idea ${index}` }, at: new Date(1_700_000_000_000 + index) }];
  }

  async function countsOf(boardId: string): Promise<{ updates: number; events: number }> {
    const updates = await database.db.select().from(boardUpdates).where(eq(boardUpdates.boardId, boardId));
    const events = await database.db.select().from(boardEvents).where(eq(boardEvents.boardId, boardId));
    return { updates: updates.length, events: events.length };
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
    expect(await store.load(await newBoard())).toEqual({
      snapshot: null,
      updates: [],
      lastSeq: 0,
      settings: { allowGuests: true, allowAnonymous: true },
    });
  });

  it('appends rows in order and returns increasing sequence numbers', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(5);
    const seqs = await store.commit(boardId, rowsOf(updates), fresh());
    expect(seqs).toHaveLength(5);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    const stored = (await store.load(boardId))!;
    expect(stored.updates.map((u) => [...u])).toEqual(updates.map((u) => [...u]));
    expect(stored.lastSeq).toBe(seqs.at(-1));
  });

  it('keeps the bytes of an update exactly', async () => {
    const boardId = await newBoard();
    const update = new Uint8Array(256).map((_, i) => i);
    await store.commit(boardId, rowsOf([update]), fresh());
    expect([...(await store.load(boardId))!.updates[0]!]).toEqual([...update]);
  });

  it('keeps boards apart', async () => {
    const [first, second] = [await newBoard(), await newBoard()];
    const [a, b] = ideaUpdates(2);
    await store.commit(first, rowsOf([a!]), fresh());
    await store.commit(second, rowsOf([b!]), fresh());
    expect((await store.load(first))!.updates).toHaveLength(1);
    expect((await store.load(second))!.updates).toHaveLength(1);
  });

  it('compacts: one snapshot replaces the rows it covers, and later rows stay as the tail', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(6);
    const seqs = await store.commit(boardId, rowsOf(updates.slice(0, 4)), fresh());
    const folded = docOf({ snapshot: null, updates: updates.slice(0, 4) });
    await store.compact(boardId, Y.encodeStateAsUpdate(folded), seqs.at(-1)!);
    await store.commit(boardId, rowsOf(updates.slice(4)), fresh());

    const stored = (await store.load(boardId))!;
    expect(stored.snapshot).not.toBeNull();
    expect(stored.updates).toHaveLength(2);
    expect(Object.keys(boardToJson(docOf(stored)).ideas)).toHaveLength(6);
  });

  it('keeps the bytes of a snapshot larger than the parts it is read in (128 KB) exactly', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(2);
    const seqs = await store.commit(boardId, rowsOf(updates), fresh());
    // Not a Yjs update: the store keeps bytes as they are, whatever they are.
    const state = new Uint8Array(300_001).map((_, index) => (index * 7919 + (index >> 9)) % 251);
    await store.compact(boardId, state, seqs.at(-1)!);
    const stored = (await store.load(boardId))!;
    expect(stored.snapshot?.byteLength).toBe(state.byteLength);
    expect(Buffer.from(stored.snapshot!).equals(Buffer.from(state))).toBe(true);
  });

  it('keeps named snapshots when it compacts, and drops older compactions', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(3);
    const seqs = await store.commit(boardId, rowsOf(updates), fresh());
    const state = Y.encodeStateAsUpdate(docOf({ snapshot: null, updates }));
    await store.snapshot({ boardId, kind: 'named', label: 'before the meeting', state, upToSeq: seqs[1]!, takenBy: 'staff' });
    await store.compact(boardId, state, seqs[1]!);
    await store.compact(boardId, state, seqs[2]!);

    const rows = await database.db.query.boardSnapshots.findMany({ where: (s, { eq }) => eq(s.boardId, boardId) });
    expect(rows.map((row) => row.kind).sort()).toEqual(['compaction', 'named']);
    expect((await store.load(boardId))!.updates).toHaveLength(0);
  });

  it('stores each row\'s events with the row: same board, the row\'s seq, the given time', async () => {
    const boardId = await newBoard();
    const seqs = await store.commit(boardId, rowsOf(ideaUpdates(3), created), fresh());
    const events = await database.db.select().from(boardEvents).where(eq(boardEvents.boardId, boardId)).orderBy(boardEvents.id);
    expect(events.map((event) => [event.seq, event.ideaId, event.type, event.actorId])).toEqual([
      [seqs[0], 'i0', 'idea.created', 'a'],
      [seqs[1], 'i1', 'idea.created', 'a'],
      [seqs[2], 'i2', 'idea.created', 'a'],
    ]);
    expect(events[1]!.createdAt.getTime()).toBe(1_700_000_000_001);
    expect(events[0]!.data).toEqual({ text: 'idea 0' });
  });

  it('keeps events in the order given, within a row and across rows (their ids follow it)', async () => {
    const boardId = await newBoard();
    const types = ['board.restored', 'idea.edited', 'idea.created', 'vote.cast', 'step.undone'] as const;
    const rows = rowsOf(ideaUpdates(3), (index) =>
      types.map((type, order) => ({ type, actorId: 'a', ideaId: `i${index}`, data: { order }, at: new Date(1_700_000_000_000) })),
    );
    // Many commits, so that every pooled connection runs the statement past PostgreSQL's five
    // custom plans into its generic plan, where a hash join once gave a row's events in reverse.
    for (let round = 0; round < 30; round++) await store.commit(boardId, rows, fresh());
    const events = await database.db.select().from(boardEvents).where(eq(boardEvents.boardId, boardId)).orderBy(boardEvents.id);
    const oneCommit = [0, 1, 2].flatMap((index) => types.map((type) => [`i${index}`, type]));
    expect(events.map((event) => [event.ideaId, event.type])).toEqual(Array.from({ length: 30 }, () => oneCommit).flat());
  });

  it('commits events and updates together or not at all: a failing event write stores no update', async () => {
    const boardId = await newBoard();
    await store.commit(boardId, rowsOf(ideaUpdates(1), created), fresh());
    // The second write of the transaction fails: the database refuses this one event type.
    await database.db.execute(sql`alter table board_events add constraint refuse_deleted check (type <> 'idea.deleted')`);
    try {
      const refused = rowsOf(ideaUpdates(2), (index) => [
        ...created(index),
        ...(index === 1 ? [{ type: 'idea.deleted' as const, actorId: 'a', ideaId: 'i1', data: {}, at: new Date() }] : []),
      ]);
      await expect(store.commit(boardId, refused, fresh())).rejects.toThrow();
      expect(await countsOf(boardId)).toEqual({ updates: 1, events: 1 });
    } finally {
      await database.db.execute(sql`alter table board_events drop constraint refuse_deleted`);
    }
    // The same rows go through once the database takes them, as the room's retry would send them.
    await store.commit(boardId, rowsOf(ideaUpdates(2), created), fresh());
    expect(await countsOf(boardId)).toEqual({ updates: 3, events: 3 });
  });

  it('stores a retried commit once: a retry of an attempt that had in fact been stored changes nothing', async () => {
    const boardId = await newBoard();
    const rows = rowsOf(ideaUpdates(2), created);
    const first = await store.commit(boardId, rows, { id: 'lost-reply', retry: false });
    // The reply to COMMIT was lost: the room cannot tell, and tries the same batch again.
    const again = await store.commit(boardId, rows, { id: 'lost-reply', retry: true });
    expect(again).toEqual(first);
    expect(await countsOf(boardId)).toEqual({ updates: 2, events: 2 });
    // A retry of an attempt that had really failed stores it.
    const other = rowsOf(ideaUpdates(1), created);
    await store.commit(boardId, other, { id: 'really-failed', retry: true });
    expect(await countsOf(boardId)).toEqual({ updates: 3, events: 3 });
  });

  it('stores thousands of rows and events in one commit', async () => {
    const boardId = await newBoard();
    const updates = ideaUpdates(5000);
    const seqs = await store.commit(boardId, rowsOf(updates, created), fresh());
    expect(seqs).toHaveLength(5000);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    expect(await countsOf(boardId)).toEqual({ updates: 5000, events: 5000 });
  });
});
