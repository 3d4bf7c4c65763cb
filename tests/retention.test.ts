/**
 * [issue 10, item 6] Automatic snapshots are thinned (server/history/retention.ts): hourly for a
 * day, daily for 30 days, weekly before that, keeping the oldest of each step and the board's
 * first; named and meeting snapshots are never deleted. As properties over random histories, and
 * once through the store's compaction on PGlite.
 */
import fc from 'fast-check';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardSnapshots, boards, facilities } from '../drizzle/schema';
import { openDatabase, type OpenDatabase } from '../server/db/database';
import { autoSnapshotsToThin, HOUR_MS, retentionStep, type RetainedSnapshot } from '../server/history/retention';
import { createBoardStore, type SnapshotKind } from '../server/persistence/board-store';
import { addIdea } from '../shared/board';

const DAY_MS = 24 * HOUR_MS;
const NOW = Date.UTC(2026, 11, 2, 8, 0, 0);
const KINDS: SnapshotKind[] = ['auto', 'auto', 'auto', 'named', 'meeting', 'compaction'];

/** Up to 200 snapshots over the last year and a half, of every kind, some at the very same time. */
const history = fc
  .array(
    fc.record({
      ageMs: fc.oneof(fc.integer({ min: 0, max: 2 * DAY_MS }), fc.integer({ min: 0, max: 540 * DAY_MS })),
      kind: fc.constantFrom(...KINDS),
    }),
    { maxLength: 200 },
  )
  .map((drawn) => drawn.map(({ ageMs, kind }, index): RetainedSnapshot => ({ id: `s${index}`, kind, takenAt: new Date(NOW - ageMs) })));

const later = fc.integer({ min: 0, max: 60 * DAY_MS });

function survivors(snapshots: readonly RetainedSnapshot[], now: number): RetainedSnapshot[] {
  const doomed = new Set(autoSnapshotsToThin(snapshots, new Date(now)));
  return snapshots.filter((snapshot) => !doomed.has(snapshot.id));
}

const oldestFirst = (a: RetainedSnapshot, b: RetainedSnapshot) => a.takenAt.getTime() - b.takenAt.getTime() || (a.id < b.id ? -1 : 1);

describe('[issue 10, item 6] the retention policy', () => {
  it('never deletes a named, meeting or compaction snapshot', () => {
    fc.assert(
      fc.property(history, (snapshots) => {
        const doomed = new Set(autoSnapshotsToThin(snapshots, new Date(NOW)));
        for (const snapshot of snapshots) if (snapshot.kind !== 'auto') expect(doomed.has(snapshot.id)).toBe(false);
      }),
    );
  });

  it('keeps exactly the oldest automatic snapshot of every step, and the board’s first', () => {
    fc.assert(
      fc.property(history, (snapshots) => {
        const kept = new Set(survivors(snapshots, NOW).map((snapshot) => snapshot.id));
        const autos = snapshots.filter((snapshot) => snapshot.kind === 'auto').sort(oldestFirst);
        if (autos[0]) expect(kept.has(autos[0].id)).toBe(true);
        const steps = new Map<string, RetainedSnapshot[]>();
        for (const snapshot of autos) {
          const step = retentionStep(snapshot.takenAt.getTime(), NOW);
          steps.set(step, [...(steps.get(step) ?? []), snapshot]);
        }
        for (const inStep of steps.values()) {
          expect(inStep.filter((snapshot) => kept.has(snapshot.id)).map((snapshot) => snapshot.id)).toEqual([inStep[0]!.id]);
        }
      }),
    );
  });

  it('is idempotent, now and later: what survives once is not thinned again at the same time', () => {
    fc.assert(
      fc.property(history, later, (snapshots, wait) => {
        const once = survivors(snapshots, NOW + wait);
        expect(autoSnapshotsToThin(once, new Date(NOW + wait))).toEqual([]);
      }),
    );
  });

  it('bounds what a board keeps: about 24 for the last day, 30 for the month, then one a week', () => {
    fc.assert(
      fc.property(history, (snapshots) => {
        const ages = survivors(snapshots, NOW)
          .filter((snapshot) => snapshot.kind === 'auto')
          .sort(oldestFirst)
          .slice(1) // the board's first is kept whatever its age
          .map((snapshot) => NOW - snapshot.takenAt.getTime());
        // A day touches at most 25 hour windows, 29 days at most 30 day windows.
        expect(ages.filter((age) => age < DAY_MS).length).toBeLessThanOrEqual(25);
        expect(ages.filter((age) => age >= DAY_MS && age < 30 * DAY_MS).length).toBeLessThanOrEqual(30);
        const older = ages.filter((age) => age >= 30 * DAY_MS);
        // Weeks before: at most the week windows that the span from the oldest to 30 days touches.
        if (older.length > 0) expect(older.length).toBeLessThanOrEqual(Math.ceil((Math.max(...older) - 30 * DAY_MS) / (7 * DAY_MS)) + 1);
      }),
    );
  });

  it('reads days and weeks on the facility’s calendar (Japan time, weeks from Monday)', () => {
    const day = (iso: string) => retentionStep(Date.parse(iso), Date.parse('2026-12-02T00:00:00Z'));
    // 23:30 and 00:30 Japan time on either side of midnight are two days; 00:30 and 23:30 one.
    expect(day('2026-11-20T14:30:00Z')).not.toBe(day('2026-11-20T15:30:00Z'));
    expect(day('2026-11-20T15:30:00Z')).toBe(day('2026-11-21T14:30:00Z'));
    const week = (iso: string) => retentionStep(Date.parse(iso), Date.parse('2026-12-02T00:00:00Z'));
    // Sunday 2026-09-06 23:00 and Monday 2026-09-07 01:00 Japan time: two weeks. Monday to Sunday: one.
    expect(week('2026-09-06T14:00:00Z')).not.toBe(week('2026-09-06T16:00:00Z'));
    expect(week('2026-09-06T16:00:00Z')).toBe(week('2026-09-13T14:00:00Z'));
  });
});

describe('[issue 10, item 6] retention through the store’s compaction (PGlite)', () => {
  let database: OpenDatabase;

  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory://' });
    await database.db.insert(facilities).values({ id: 'f1', name: 'test' });
  });
  afterAll(() => database.close());

  it('takes an hourly automatic snapshot when it compacts, and thins the older ones in the same step', async () => {
    const { db } = database;
    const boardId = 'b1';
    await db.insert(boards).values({ id: boardId, facilityId: 'f1', title: 'b', createdBy: 'test', createdAt: new Date(NOW - 100 * DAY_MS) });
    const doc = new Y.Doc();
    addIdea(doc, { id: 'i1', text: 'one', authorId: 'a', createdAt: 1 });
    const state = Y.encodeStateAsUpdate(doc);
    const snapshot = (id: string, kind: SnapshotKind, ageMs: number) =>
      ({ id, boardId, kind, label: id, state, upToSeq: 0, takenBy: 'server', createdAt: new Date(NOW - ageMs) });
    await db.insert(boardSnapshots).values([
      snapshot('first', 'auto', 100 * DAY_MS),
      // Two in one week long ago: the older stays.
      snapshot('week-a', 'auto', 60 * DAY_MS + 2 * HOUR_MS),
      snapshot('week-b', 'auto', 60 * DAY_MS),
      snapshot('named', 'named', 60 * DAY_MS + HOUR_MS),
      snapshot('meeting', 'meeting', 60 * DAY_MS + HOUR_MS),
      // Two in one day of the last month.
      snapshot('day-a', 'auto', 10 * DAY_MS + 2 * HOUR_MS),
      snapshot('day-b', 'auto', 10 * DAY_MS + HOUR_MS),
      // Two in one hour of the last day; the newest is 90 minutes old, so a new one is due.
      snapshot('hour-a', 'auto', 2 * HOUR_MS - 20 * 60_000),
      snapshot('hour-b', 'auto', 2 * HOUR_MS - 40 * 60_000),
    ]);
    const store = createBoardStore(db, { now: () => new Date(NOW) });

    await store.compact(boardId, state, 0);
    const kept = async () =>
      (await db.select({ label: boardSnapshots.label, kind: boardSnapshots.kind }).from(boardSnapshots).where(eq(boardSnapshots.boardId, boardId)))
        .map(({ label, kind }) => (kind === 'auto' && label === '' ? 'new auto' : kind === 'compaction' ? 'compaction' : label))
        .sort();
    expect(await kept()).toEqual(['compaction', 'day-a', 'first', 'hour-a', 'meeting', 'named', 'new auto', 'week-a'].sort());

    // Compacting again within the hour takes no new one and deletes nothing more.
    await store.compact(boardId, state, 1);
    expect(await kept()).toEqual(['compaction', 'day-a', 'first', 'hour-a', 'meeting', 'named', 'new auto', 'week-a'].sort());
    const autos = await db.select().from(boardSnapshots).where(and(eq(boardSnapshots.boardId, boardId), eq(boardSnapshots.kind, 'auto')));
    expect(autos.find((row) => row.label === '')?.createdAt.getTime()).toBe(NOW);
  });
});
