/**
 * Where board documents live (spec 7): the append-only update log and the snapshots that fold it.
 *
 * The relay only ever talks to a `BoardStore`; `createBoardStore` is the one implementation, and it
 * runs unchanged on PGlite and PostgreSQL (tests/storage-contract.test.ts holds both to the same
 * contract).
 */
import { and, desc, eq, gt, inArray, lt, lte, sql } from 'drizzle-orm';
import { boardSnapshots, boardUpdates, boards } from '../../drizzle/schema';
import { preparedRunner, type Database } from '../db/database';
import type { NewEvent } from '../history/events';
import { autoSnapshotDue, autoSnapshotsToThin } from '../history/retention';
import { newId } from '../../shared/ids';
import type { BoardSettings } from '../../shared/permissions';

/** What a board's document is made of, as stored. */
export interface StoredBoard {
  /** The newest snapshot's state, if the board has one. */
  snapshot: Uint8Array | null;
  /** Log rows after the snapshot, oldest first. */
  updates: Uint8Array[];
  /** The highest log sequence number contained in snapshot + updates (0 when none). */
  lastSeq: number;
  /** The board's settings that the permission guard enforces. */
  settings: BoardSettings;
}

/**
 * Which commit this is. `retry` says that an earlier attempt with the same id failed in a way that
 * may have hidden a success (a connection lost after COMMIT was sent): the store looks first.
 */
export interface CommitAttempt {
  id: string;
  retry: boolean;
}

/** One accepted update and the history events derived from it, stored together. */
export interface CommitRow {
  update: Uint8Array;
  actorId: string;
  events: readonly NewEvent[];
}

export type SnapshotKind = 'auto' | 'named' | 'meeting' | 'compaction';

export interface SnapshotInput {
  boardId: string;
  kind: SnapshotKind;
  label?: string;
  state: Uint8Array;
  upToSeq: number;
  takenBy: string;
}

export interface BoardStore {
  /** The board's stored document, or null when no such board exists. */
  load(boardId: string): Promise<StoredBoard | null>;
  /**
   * Appends a board's rows to the log and their events to the history, all in one transaction:
   * either every row and every event is stored or none is, and a retried attempt that had in fact
   * been stored is not stored again. Returns the rows' sequence numbers, in order.
   */
  commit(boardId: string, rows: readonly CommitRow[], attempt: CommitAttempt): Promise<number[]>;
  /** Writes a snapshot and returns its id. */
  snapshot(input: SnapshotInput): Promise<string>;
  /**
   * Folds the log up to `upToSeq` into a compaction snapshot, in one transaction: the new snapshot is
   * written, the rows it covers and older compaction snapshots are removed. The same state becomes
   * an `auto` snapshot too when the board's newest is an hour old (or, without one, the board), and
   * the board's auto snapshots are thinned (server/history/retention.ts). Named and meeting
   * snapshots are kept forever.
   */
  compact(boardId: string, state: Uint8Array, upToSeq: number): Promise<void>;
}

/**
 * A snapshot's bytes, read as base64 text. PGlite turns a `bytea` into bytes in JavaScript, slowly:
 * the whole `load` of a board with a 1.5 MB snapshot took 293–369 ms with the snapshot as `bytea`,
 * holding the event loop (PGlite runs in the relay's thread), and 19–41 ms with it as base64, which
 * PostgreSQL encodes and Node decodes in native code (postgres.js: 23–31 against 29–32 ms). Not for
 * the log's rows: for 20,000 small ones base64 halved PGlite's time (630 →
 * 250–330 ms) but made postgres.js's 1.5–1.8 times slower (63–105 → 105–187 ms), one string each.
 */
function base64Of(column: typeof boardSnapshots.state) {
  return sql<string>`encode(${column}, 'base64')`.mapWith((text: string) => {
    const decoded = Buffer.from(text, 'base64');
    return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength);
  });
}

/** Snapshots per DELETE: well under PostgreSQL's parameter limit. */
const IDS_PER_DELETE = 2000;

export interface BoardStoreOptions {
  /** The clock of automatic snapshots and their retention (tests move it). */
  now?: () => Date;
}

export function createBoardStore(db: Database, { now = () => new Date() }: BoardStoreOptions = {}): BoardStore {
  const runPrepared = preparedRunner(db);
  return {
    async load(boardId) {
      const [board] = await db
        .select({ allowGuests: boards.allowGuests, allowAnonymous: boards.allowAnonymous })
        .from(boards)
        .where(eq(boards.id, boardId));
      if (!board) return null;
      const [latest] = await db
        .select({ state: base64Of(boardSnapshots.state), upToSeq: boardSnapshots.upToSeq })
        .from(boardSnapshots)
        .where(eq(boardSnapshots.boardId, boardId))
        .orderBy(desc(boardSnapshots.upToSeq), desc(boardSnapshots.createdAt))
        .limit(1);
      const since = latest?.upToSeq ?? 0;
      const tail = await db
        .select({ seq: boardUpdates.seq, update: boardUpdates.update })
        .from(boardUpdates)
        .where(and(eq(boardUpdates.boardId, boardId), gt(boardUpdates.seq, since)))
        .orderBy(boardUpdates.seq);
      return {
        snapshot: latest?.state ?? null,
        updates: tail.map((row) => row.update),
        lastSeq: tail.at(-1)?.seq ?? since,
        settings: board,
      };
    },

    async commit(boardId, rows, attempt) {
      if (rows.length === 0) return [];
      if (attempt.retry) {
        const stored = await db
          .select({ seq: boardUpdates.seq })
          .from(boardUpdates)
          .where(eq(boardUpdates.commitId, attempt.id))
          .orderBy(boardUpdates.seq);
        if (stored.length > 0) return stored.map((row) => row.seq);
      }
      // One statement, which is a transaction of its own: the rows and their events are stored
      // together or not at all, in one round trip instead of four (BEGIN, two INSERTs, COMMIT).
      const inserted = await runPrepared(COMMIT_STATEMENT, commitParameters(boardId, rows, attempt.id));
      return inserted.map((row) => Number(row.seq));
    },

    async snapshot(input) {
      const id = newId();
      await db.insert(boardSnapshots).values({ id, label: '', ...input });
      return id;
    },

    async compact(boardId, state, upToSeq) {
      await db.transaction(async (tx) => {
        await tx.insert(boardSnapshots).values({
          id: newId(),
          boardId,
          kind: 'compaction',
          state,
          upToSeq,
          takenBy: 'server',
        });
        await tx
          .delete(boardUpdates)
          .where(and(eq(boardUpdates.boardId, boardId), lte(boardUpdates.seq, upToSeq)));
        await tx
          .delete(boardSnapshots)
          .where(
            and(
              eq(boardSnapshots.boardId, boardId),
              eq(boardSnapshots.kind, 'compaction'),
              lt(boardSnapshots.upToSeq, upToSeq),
            ),
          );
        await takeAndThinAutoSnapshots(tx, boardId, state, upToSeq, now());
      });
    },
  };
}

/**
 * A batch's rows and, in the same statement, their events, as arrays: the text never changes, so
 * PostgreSQL plans it once per connection whatever the batch holds, and no parameter limit
 * applies. Rows and events are inserted in their order (a join may reorder them, hence the
 * ORDER BY): the n-th smallest seq is the n-th row's, and a row's events keep their order in ids.
 */
const COMMIT_STATEMENT = `
  WITH u AS (
    INSERT INTO board_updates (board_id, update, actor_id, commit_id)
    SELECT $1, r.update, r.actor_id, $2
    FROM unnest($3::bytea[], $4::text[]) WITH ORDINALITY AS r(update, actor_id, i)
    ORDER BY r.i
    RETURNING seq),
  n AS (SELECT seq, row_number() OVER (ORDER BY seq) AS i FROM u),
  e AS (
    INSERT INTO board_events (board_id, seq, type, actor_id, idea_id, project_id, step_id, data, created_at)
    SELECT $1, n.seq, v.type, v.actor_id, v.idea_id, v.project_id, v.step_id, v.data::jsonb, v.created_at::timestamptz
    FROM unnest($5::bigint[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
      WITH ORDINALITY AS v(i, type, actor_id, idea_id, project_id, step_id, data, created_at, k)
    JOIN n ON n.i = v.i
    ORDER BY v.k)
  SELECT seq FROM n ORDER BY seq`;

function commitParameters(boardId: string, rows: readonly CommitRow[], commitId: string): unknown[] {
  const columns = { row: [] as number[], type: [] as string[], actorId: [] as string[], ideaId: [] as (string | null)[], projectId: [] as (string | null)[], stepId: [] as (string | null)[], data: [] as string[], at: [] as string[] };
  rows.forEach((row, index) => {
    for (const event of row.events) {
      columns.row.push(index + 1);
      columns.type.push(event.type);
      columns.actorId.push(event.actorId);
      columns.ideaId.push(event.ideaId ?? null);
      columns.projectId.push(event.projectId ?? null);
      columns.stepId.push(event.stepId ?? null);
      columns.data.push(JSON.stringify(event.data));
      columns.at.push(event.at.toISOString());
    }
  });
  return [
    boardId,
    commitId,
    rows.map((row) => row.update),
    rows.map((row) => row.actorId),
    columns.row,
    columns.type,
    columns.actorId,
    columns.ideaId,
    columns.projectId,
    columns.stepId,
    columns.data,
    columns.at,
  ];
}

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Compaction's share of the history (issue 10, item 6): an hourly `auto` snapshot, and thinning. */
async function takeAndThinAutoSnapshots(tx: Transaction, boardId: string, state: Uint8Array, upToSeq: number, at: Date): Promise<void> {
  const autos = await tx
    .select({ id: boardSnapshots.id, kind: boardSnapshots.kind, takenAt: boardSnapshots.createdAt })
    .from(boardSnapshots)
    .where(and(eq(boardSnapshots.boardId, boardId), eq(boardSnapshots.kind, 'auto')));
  let newest = autos.reduce<Date | null>((latest, { takenAt }) => (latest && latest >= takenAt ? latest : takenAt), null);
  if (!newest) {
    // Boards made through the API start with one; a board without counts from its creation.
    const [board] = await tx.select({ createdAt: boards.createdAt }).from(boards).where(eq(boards.id, boardId));
    newest = board?.createdAt ?? at;
  }
  if (autoSnapshotDue(newest, at)) {
    const id = newId();
    await tx.insert(boardSnapshots).values({ id, boardId, kind: 'auto', state, upToSeq, takenBy: 'server', createdAt: at });
    autos.push({ id, kind: 'auto', takenAt: at });
  }
  const doomed = autoSnapshotsToThin(autos, at);
  for (let start = 0; start < doomed.length; start += IDS_PER_DELETE) {
    await tx.delete(boardSnapshots).where(inArray(boardSnapshots.id, doomed.slice(start, start + IDS_PER_DELETE)));
  }
}
