/**
 * The snapshots staff go back to (spec 7; docs/history.md): reading them, taking a named one, and
 * reading a board as it was at one of them or as it is now. The store's own compaction snapshots
 * are never shown: they only save the relay from replaying the whole log.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import * as Y from 'yjs';
import { boardSnapshots } from '../../drizzle/schema';
import { boardToJson, type BoardJson } from '../../shared/board';
import type { SnapshotInfo, SnapshotKind } from '../../shared/history';
import { newId } from '../../shared/ids';
import type { Database } from '../db/database';
import { apiError } from '../http/errors';
import type { Room } from '../sync/room';
import type { RoomRegistry } from '../sync/registry';

/** How long a snapshot of "now" waits for the relay to store what it holds before it answers 503. */
const SNAPSHOT_DEADLINE_MS = 5000;

const LISTED: SnapshotKind[] = ['auto', 'named', 'meeting'];

const info = {
  id: boardSnapshots.id,
  kind: boardSnapshots.kind,
  label: boardSnapshots.label,
  takenBy: boardSnapshots.takenBy,
  createdAt: boardSnapshots.createdAt,
};

type InfoRow = { id: string; kind: string; label: string; takenBy: string; createdAt: Date };

function toInfo(row: InfoRow): SnapshotInfo {
  return { id: row.id, kind: row.kind as SnapshotKind, label: row.label, takenBy: row.takenBy, takenAt: row.createdAt.toISOString() };
}

/** A board's snapshots that staff can go back to, newest first. */
export async function listSnapshots(db: Database, boardId: string): Promise<SnapshotInfo[]> {
  const rows = await db
    .select(info)
    .from(boardSnapshots)
    .where(and(eq(boardSnapshots.boardId, boardId), inArray(boardSnapshots.kind, LISTED)))
    .orderBy(desc(boardSnapshots.createdAt), desc(boardSnapshots.upToSeq), desc(boardSnapshots.id));
  return rows.map(toInfo);
}

/** One of the board's listed snapshots with its state; 404 for another board's or a compaction one. */
export async function findSnapshot(db: Database, boardId: string, snapshotId: string): Promise<{ info: SnapshotInfo; state: Uint8Array }> {
  const [row] = await db
    .select({ ...info, state: boardSnapshots.state })
    .from(boardSnapshots)
    .where(and(eq(boardSnapshots.id, snapshotId), eq(boardSnapshots.boardId, boardId), inArray(boardSnapshots.kind, LISTED)));
  if (!row) throw apiError(404, 'No such snapshot');
  return { info: toInfo(row), state: row.state };
}

/** Takes a `named` snapshot of what the relay has committed, by `staffId`. */
export async function takeNamedSnapshot(
  db: Database,
  registry: RoomRegistry,
  { boardId, label, staffId }: { boardId: string; label: string; staffId: string },
): Promise<SnapshotInfo> {
  const { state, upToSeq } = await registry.committedState(boardId);
  const [row] = await db
    .insert(boardSnapshots)
    .values({ id: newId(), boardId, kind: 'named', label, state, upToSeq, takenBy: staffId })
    .returning(info);
  return toInfo(row!);
}

/** The board as plain JSON from a stored state. */
export function boardOfState(state: Uint8Array): BoardJson {
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, state);
    return boardToJson(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * What the relay has committed, once everything it holds is stored: the snapshot then holds
 * exactly what clients were shown (never a change that is still waiting for the database).
 * `unavailable` is the 503's message when the store cannot take it in time.
 */
export async function committedSnapshot(
  room: Room,
  unavailable = 'The board cannot be saved just now. Please try again in a moment.',
): Promise<{ state: Uint8Array; upToSeq: number }> {
  const deadline = Date.now() + SNAPSHOT_DEADLINE_MS;
  for (;;) {
    const left = deadline - Date.now();
    const settled = left > 0 && (await Promise.race([room.settled().then(() => true), sleep(left).then(() => false)]));
    if (!settled) throw apiError(503, unavailable);
    const snapshot = room.committedSnapshot();
    if (snapshot) return snapshot;
    // A batch went in after the wait ended: give its commit a moment.
    await sleep(10);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
