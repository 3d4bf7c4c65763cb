/**
 * Meetings as stored (spec 3, 7; docs/api.md "Meetings"): the row, the `meeting` snapshot taken
 * when it closes, and the history events that go with starting and closing it. Each change and its
 * events are written in one transaction, so that history never tells of a meeting that is not there.
 */
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { boardEvents, boardSnapshots, boards, meetings, participants } from '../../drizzle/schema';
import type { Database } from '../db/database';
import type { EventType } from '../history/events';
import { newId } from '../../shared/ids';

export type MeetingRow = typeof meetings.$inferSelect;

/** What closing a meeting writes. */
export interface MeetingClosing {
  meetingId: string;
  boardId: string;
  staffId: string;
  attendance: readonly string[];
  /** Whether staff gave the attendance (a correction) rather than the server recording it. */
  corrected: boolean;
  snapshot: { state: Uint8Array; upToSeq: number; label: string };
}

export interface MeetingStore {
  /** Opens a meeting and writes `meeting.started`; null when the board already has an open one. */
  start(boardId: string, staffId: string): Promise<MeetingRow | null>;
  /** The meeting, if it is on a board of `facilityId`. */
  find(meetingId: string, facilityId: string): Promise<MeetingRow | null>;
  /** A board's meetings, newest first. */
  list(boardId: string): Promise<MeetingRow[]>;
  /** Every open meeting, to watch again after a restart. */
  open(): Promise<MeetingRow[]>;
  /** Keeps who has been seen so far on an open meeting (a closed one is left as it is). */
  recordAttendance(meetingId: string, attendance: readonly string[]): Promise<void>;
  /**
   * Closes the meeting: the snapshot, the row, `meeting.closed` and one `attendance` event per
   * attendee, together. Null when it was closed already (nothing is written then).
   */
  close(closing: MeetingClosing): Promise<MeetingRow | null>;
  /** Of `ids`, those that are not people who may attend a meeting on the board (unknown ids, staff, other boards' guests). */
  notAttendees(facilityId: string, boardId: string, ids: readonly string[]): Promise<string[]>;
}

export function createMeetingStore(db: Database): MeetingStore {
  return {
    async start(boardId, staffId) {
      return db.transaction(async (tx) => {
        // The partial unique index (one open meeting per board) turns a second start into no row.
        const [row] = await tx
          .insert(meetings)
          .values({ id: newId(), boardId, startedBy: staffId })
          .onConflictDoNothing()
          .returning();
        if (!row) return null;
        await tx.insert(boardEvents).values(event(boardId, 'meeting.started', staffId, { meetingId: row.id }, row.startedAt));
        return row;
      });
    },

    async find(meetingId, facilityId) {
      const [row] = await db
        .select({ meeting: meetings })
        .from(meetings)
        .innerJoin(boards, eq(boards.id, meetings.boardId))
        .where(and(eq(meetings.id, meetingId), eq(boards.facilityId, facilityId)));
      return row?.meeting ?? null;
    },

    async list(boardId) {
      return db.select().from(meetings).where(eq(meetings.boardId, boardId)).orderBy(desc(meetings.startedAt), desc(meetings.id));
    },

    async open() {
      return db.select().from(meetings).where(isNull(meetings.closedAt));
    },

    async recordAttendance(meetingId, attendance) {
      await db
        .update(meetings)
        .set({ attendance: [...attendance] })
        .where(and(eq(meetings.id, meetingId), isNull(meetings.closedAt)));
    },

    async close({ meetingId, boardId, staffId, attendance, corrected, snapshot }) {
      return db.transaction(async (tx) => {
        const snapshotId = newId();
        const closedAt = new Date();
        // The row first: a close that lost a race to another writes nothing at all.
        const [row] = await tx
          .update(meetings)
          .set({ closedAt, closedBy: staffId, snapshotId, attendance: [...attendance] })
          .where(and(eq(meetings.id, meetingId), isNull(meetings.closedAt)))
          .returning();
        if (!row) return null;
        // Written here rather than through `BoardStore.snapshot`, to share the transaction.
        await tx.insert(boardSnapshots).values({
          id: snapshotId,
          boardId,
          kind: 'meeting',
          label: snapshot.label,
          state: snapshot.state,
          upToSeq: snapshot.upToSeq,
          takenBy: staffId,
          createdAt: closedAt,
        });
        await tx.insert(boardEvents).values([
          event(boardId, 'meeting.closed', staffId, { meetingId, snapshotId, attendance: [...attendance], corrected }, closedAt),
          ...attendance.map((actorId) => event(boardId, 'attendance', actorId, { meetingId, recordedBy: staffId, corrected }, closedAt)),
        ]);
        return row;
      });
    },

    async notAttendees(facilityId, boardId, ids) {
      const wanted = [...new Set(ids)];
      if (wanted.length === 0) return [];
      const rows = await db
        .select({ id: participants.id, guestBoardId: participants.guestBoardId })
        .from(participants)
        .where(and(eq(participants.facilityId, facilityId), inArray(participants.id, wanted)));
      const attendees = new Set(rows.filter((row) => row.guestBoardId === null || row.guestBoardId === boardId).map((row) => row.id));
      return wanted.filter((id) => !attendees.has(id));
    },
  };
}

function event(boardId: string, type: EventType, actorId: string, data: Record<string, unknown>, createdAt: Date) {
  // No update carries these: `seq` stays null (drizzle/schema.ts).
  return { boardId, type, actorId, data, createdAt };
}
