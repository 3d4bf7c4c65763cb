/**
 * How long automatic snapshots are kept (issue 10, item 6; docs/history.md "Retention").
 *
 * The room takes an `auto` snapshot when it compacts, at most one an hour. Keeping all of them
 * would grow a busy board by a whole document every hour forever, and nobody goes back to a
 * Tuesday afternoon of last year hour by hour. So the older a snapshot, the coarser its step:
 *
 * - younger than a day: one per hour,
 * - younger than 30 days: one per day (the facility's calendar day),
 * - older: one per week (Monday to Sunday, facility time).
 *
 * Of each step the oldest snapshot is kept: a snapshot that survives its hour also survives its
 * day and its week, so a point staff looked at yesterday is still there tomorrow if it can be.
 * The board's first snapshot (its state when it was created) is always kept. Named and meeting
 * snapshots are never touched here: they are kept forever, and so is every event.
 *
 * Steps are fixed windows on the calendar, not measured back from now, so that running the policy
 * again (at the same time or later) never thins a step that already holds one snapshot.
 */
import type { SnapshotKind } from '../persistence/board-store';

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/** Japan is UTC+9 all year (no daylight saving), so facility days are fixed windows of UTC. */
const FACILITY_OFFSET_MS = 9 * HOUR_MS;
/** 1970-01-01 was a Thursday: Monday 00:00 is four days (minus the offset) after the epoch. */
const FIRST_MONDAY_MS = 4 * DAY_MS - FACILITY_OFFSET_MS;

export const HOURLY_FOR_MS = DAY_MS;
export const DAILY_FOR_MS = 30 * DAY_MS;

/** An automatic snapshot is taken at compaction when the newest one is at least this old. */
export const AUTO_SNAPSHOT_EVERY_MS = HOUR_MS;

export interface RetainedSnapshot {
  id: string;
  kind: SnapshotKind;
  takenAt: Date;
}

/** Which step a snapshot of this age falls in: the tier and the window's number within it. */
export function retentionStep(takenAt: number, now: number): string {
  const age = now - takenAt;
  if (age < HOURLY_FOR_MS) return `hour:${Math.floor(takenAt / HOUR_MS)}`;
  if (age < DAILY_FOR_MS) return `day:${Math.floor((takenAt + FACILITY_OFFSET_MS) / DAY_MS)}`;
  return `week:${Math.floor((takenAt - FIRST_MONDAY_MS) / WEEK_MS)}`;
}

/** The ids of a board's automatic snapshots to delete now; never a named, meeting or compaction one. */
export function autoSnapshotsToThin(snapshots: readonly RetainedSnapshot[], now: Date): string[] {
  const autos = snapshots
    .filter((snapshot) => snapshot.kind === 'auto')
    .sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  // Oldest first: each step keeps the first it meets, and the board's first opens its own step.
  const kept = new Set<string>();
  const doomed: string[] = [];
  for (const snapshot of autos) {
    const step = retentionStep(snapshot.takenAt.getTime(), now.getTime());
    if (kept.has(step)) doomed.push(snapshot.id);
    else kept.add(step);
  }
  return doomed;
}

/** Whether compaction should also take an automatic snapshot, given when the newest was taken. */
export function autoSnapshotDue(newestAuto: Date, now: Date): boolean {
  return now.getTime() - newestAuto.getTime() >= AUTO_SNAPSHOT_EVERY_MS;
}
