/**
 * Cookie sessions for staff and participants. The cookie carries a random token; the table keeps
 * only its SHA-256, and every lookup re-reads the person so that a deactivated account or a closed
 * board ends its sessions at once.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, inArray } from 'drizzle-orm';
import { boards, participants, sessions, staffUsers } from '../../drizzle/schema';
import type { Database } from '../db/database';

export const SESSION_COOKIE = 'teian_session';
export const STAFF_SESSION_MS = 12 * 60 * 60 * 1000;
export const PARTICIPANT_SESSION_MS = 7 * 24 * 60 * 60 * 1000;

export type Session =
  | {
      kind: 'staff';
      facilityId: string;
      staff: { id: string; name: string; role: 'admin' | 'staff' };
    }
  | {
      kind: 'participant';
      facilityId: string;
      boardId: string;
      participant: { id: string; name: string; avatar: string; guest: boolean };
    };

export type SessionSubject =
  | { kind: 'staff'; facilityId: string; staffId: string }
  | { kind: 'participant'; facilityId: string; participantId: string; boardId: string };

export interface Sessions {
  /** Opens a session and returns the token for the cookie. */
  open(subject: SessionSubject): Promise<{ token: string; maxAgeSeconds: number }>;
  find(token: string | undefined): Promise<Session | null>;
  end(token: string | undefined): Promise<void>;
}

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');

export function createSessions(db: Database): Sessions {
  return {
    async open(subject) {
      const token = randomBytes(32).toString('base64url');
      const lifetime = subject.kind === 'staff' ? STAFF_SESSION_MS : PARTICIPANT_SESSION_MS;
      await db.insert(sessions).values({
        tokenHash: hash(token),
        facilityId: subject.facilityId,
        staffId: subject.kind === 'staff' ? subject.staffId : null,
        participantId: subject.kind === 'participant' ? subject.participantId : null,
        boardId: subject.kind === 'participant' ? subject.boardId : null,
        expiresAt: new Date(Date.now() + lifetime),
      });
      return { token, maxAgeSeconds: lifetime / 1000 };
    },

    async find(token) {
      if (!token) return null;
      const [row] = await db
        .select({
          facilityId: sessions.facilityId,
          boardId: sessions.boardId,
          boardClosedAt: boards.closedAt,
          staffId: staffUsers.id,
          staffName: staffUsers.name,
          staffRole: staffUsers.role,
          staffActive: staffUsers.active,
          participantId: participants.id,
          participantName: participants.displayName,
          participantAvatar: participants.avatar,
          participantActive: participants.active,
          guestBoardId: participants.guestBoardId,
        })
        .from(sessions)
        .leftJoin(staffUsers, eq(staffUsers.id, sessions.staffId))
        .leftJoin(participants, eq(participants.id, sessions.participantId))
        .leftJoin(boards, eq(boards.id, sessions.boardId))
        .where(and(eq(sessions.tokenHash, hash(token)), gt(sessions.expiresAt, new Date())));
      if (!row) return null;
      if (row.staffId && row.staffName && row.staffRole && row.staffActive) {
        return {
          kind: 'staff',
          facilityId: row.facilityId,
          staff: { id: row.staffId, name: row.staffName, role: row.staffRole },
        };
      }
      if (row.participantId && row.participantName !== null && row.participantActive && row.boardId && !row.boardClosedAt) {
        return {
          kind: 'participant',
          facilityId: row.facilityId,
          boardId: row.boardId,
          participant: {
            id: row.participantId,
            name: row.participantName,
            avatar: row.participantAvatar ?? '',
            guest: row.guestBoardId !== null,
          },
        };
      }
      return null;
    },

    async end(token) {
      if (token) await db.delete(sessions).where(eq(sessions.tokenHash, hash(token)));
    },
  };
}

/**
 * Ends the participant sessions of one board: its guests' (the join code changed) or everybody's
 * (the board closed). Takes a transaction, so that it happens together with the change that ends them.
 */
export async function endBoardSessions(db: Database, boardId: string, whose: 'guests' | 'everyone'): Promise<void> {
  const onBoard = eq(sessions.boardId, boardId);
  if (whose === 'everyone') {
    await db.delete(sessions).where(onBoard);
    return;
  }
  const guests = db.select({ id: participants.id }).from(participants).where(eq(participants.guestBoardId, boardId));
  await db.delete(sessions).where(and(onBoard, inArray(sessions.participantId, guests)));
}
