/**
 * Meetings (spec 3, docs/api.md "Meetings"): staff start one on a board and close it; closing
 * takes a `meeting` snapshot of what the relay has committed and records who attended. Every
 * query is scoped to the session's facility: another facility's board or meeting is a 404.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { eq } from 'drizzle-orm';
import * as Y from 'yjs';
import { boardSnapshots } from '../../drizzle/schema';
import { meetingCloseBody, type Meeting, type MeetingSummary } from '../../shared/api';
import { boardToJson } from '../../shared/board';
import { AttendanceTracker } from '../history/attendance';
import { createMeetingStore, type MeetingRow } from '../persistence/meetings';
import { boardPeople } from './board-context';
import { findBoard } from './boards';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

/** Closing answers 503 with this when the relay cannot store what it holds in time. */
const CANNOT_SAVE = 'The board cannot be saved just now, so the meeting stays open. Please try again in a moment.';

export function meetingRoutes({ db, registry, log }: AppDeps) {
  const store = createMeetingStore(db);
  const tracker = new AttendanceTracker({ registry, store, log });
  // Meetings left open by the last run are watched again.
  tracker.resume().catch((error: unknown) => log.error('could not watch the open meetings again', { error }));

  return new Hono<AppEnv>()
    .get('/boards/:id/meetings', requireStaff, async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      return c.json((await store.list(board.id)).map(toMeeting));
    })

    .post('/boards/:id/meetings', requireStaff, validate('json', z.strictObject({})), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      if (board.closedAt) throw apiError(409, 'This board is closed; reopen it to hold a meeting');
      const meeting = await store.start(board.id, session.staff.id);
      if (!meeting) throw apiError(409, 'A meeting is already open on this board; close it first');
      tracker.watch(meeting.id, board.id);
      // The projector opens the meeting with what got done since the last one (docs/protocol.md, "notice").
      registry.notify(board.id, 'meeting', ['staff', 'viewer']);
      return c.json(toMeeting(meeting), 201);
    })

    .get('/meetings/:id', requireStaff, async (c) => {
      const meeting = await store.find(c.req.param('id'), staffOf(c).facilityId);
      if (!meeting) throw apiError(404, 'No such meeting');
      return c.json(toMeeting(await withAttendanceSoFar(meeting)));
    })

    .post('/meetings/:id/close', requireStaff, validate('json', meetingCloseBody), async (c) => {
      const session = staffOf(c);
      const body = c.req.valid('json');
      const meeting = await store.find(c.req.param('id'), session.facilityId);
      if (!meeting) throw apiError(404, 'No such meeting');
      if (meeting.closedAt) throw apiError(409, 'This meeting is closed already');
      if (body.attendance) {
        const strangers = await store.notAttendees(session.facilityId, meeting.boardId, body.attendance);
        if (strangers.length > 0) {
          throw apiError(400, 'The attendance names people who are not participants of this facility', {
            attendance: strangers.map((id) => `Not a participant: ${id}`),
          });
        }
      }
      const attendance = body.attendance ? [...new Set(body.attendance)] : (await tracker.attendance(meeting.id)) ?? meeting.attendance;
      const closedAt = new Date();
      const state = await registry.committedState(meeting.boardId, CANNOT_SAVE);
      const closed = await store.close({
        meetingId: meeting.id,
        boardId: meeting.boardId,
        staffId: session.staff.id,
        attendance,
        corrected: body.attendance !== undefined,
        snapshot: { ...state, label: meetingLabel(closedAt) },
      });
      if (!closed) throw apiError(409, 'This meeting is closed already');
      tracker.stop(meeting.id);
      registry.notify(meeting.boardId, 'meeting', ['staff', 'viewer']);
      return c.json(toMeeting(closed));
    })

    .get('/meetings/:id/summary', requireStaff, async (c) => {
      const session = staffOf(c);
      const meeting = await store.find(c.req.param('id'), session.facilityId);
      if (!meeting) throw apiError(404, 'No such meeting');
      const board = await findBoard(db, meeting.boardId, session.facilityId);
      const state = await summaryState(meeting);
      const doc = new Y.Doc();
      try {
        Y.applyUpdate(doc, state);
        const summary: MeetingSummary = {
          meeting: toMeeting(await withAttendanceSoFar(meeting)),
          title: board.title,
          board: boardToJson(doc),
          people: await boardPeople(db, board),
        };
        return c.json(summary);
      } finally {
        doc.destroy();
      }
    });

  /** A closed meeting's own snapshot; while it is open, what the relay has committed so far. */
  async function summaryState(meeting: MeetingRow): Promise<Uint8Array> {
    if (meeting.snapshotId) {
      const [row] = await db.select({ state: boardSnapshots.state }).from(boardSnapshots).where(eq(boardSnapshots.id, meeting.snapshotId));
      if (row) return row.state;
    }
    return (await registry.committedState(meeting.boardId, CANNOT_SAVE)).state;
  }

  async function withAttendanceSoFar(meeting: MeetingRow): Promise<MeetingRow> {
    if (meeting.closedAt) return meeting;
    return { ...meeting, attendance: (await tracker.attendance(meeting.id)) ?? meeting.attendance };
  }
}

/** The snapshot's label: the date the meeting closed, in the server's time zone (`TZ`). */
export function meetingLabel(at: Date): string {
  const day = [at.getFullYear(), at.getMonth() + 1, at.getDate()].map((n) => String(n).padStart(2, '0')).join('-');
  return `${day} の会議`;
}

function toMeeting(row: MeetingRow): Meeting {
  return {
    id: row.id,
    boardId: row.boardId,
    startedAt: row.startedAt.toISOString(),
    startedBy: row.startedBy,
    closedAt: row.closedAt?.toISOString() ?? null,
    closedBy: row.closedBy,
    snapshotId: row.snapshotId,
    attendance: row.attendance,
  };
}
