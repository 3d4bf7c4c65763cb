/**
 * Whether the actor a websocket token names may still be on a board. A token lives for minutes
 * (a projector's for a day) and proves who someone was when it was issued; staff may have taken
 * them off the roster, rotated the join code, revoked the projector link or closed the board since,
 * so every new socket asks the database again (docs/permissions.md, "rights that end").
 */
import { and, eq, sql } from 'drizzle-orm';
import { boards, participants, staffUsers } from '../../drizzle/schema';
import { exhaustive } from '../../shared/exhaustive';
import type { Database } from '../db/database';
import type { AccessVerdict, Admission } from '../sync/registry';

const allowed: AccessVerdict = { allowed: true };
const refused = (reason: string): AccessVerdict => ({ allowed: false, reason });

/** Close reasons (at most 123 bytes each, a websocket limit), shared with the routes that end rights. */
export const AccessReason = {
  boardClosed: 'this board has been closed',
  viewerRevoked: 'this projector link was revoked: ask the staff for a new one',
  joinCodeChanged: 'the join code changed: please join again with the new code',
  notOnRoster: 'you are no longer on this roster',
  guestEnded: 'your visit as a guest has ended: please join again with the join code',
  noGuests: 'this board no longer takes guests',
  notStaff: 'you are no longer staff of this facility',
} as const;

export function createBoardAccess(db: Database): (admission: Admission) => Promise<AccessVerdict> {
  // Built once and prepared: every socket asks these at its upgrade and again while it lives, and
  // building a drizzle query each time was most of what a connecting socket allocated (about 56 KB).
  const boardQuery = db
    .select({
      facilityId: boards.facilityId,
      closedAt: boards.closedAt,
      allowGuests: boards.allowGuests,
      viewerGeneration: boards.viewerGeneration,
    })
    .from(boards)
    .where(eq(boards.id, sql.placeholder('boardId')))
    .prepare('board_access_board');
  const staffQuery = db
    .select({ id: staffUsers.id })
    .from(staffUsers)
    .where(and(eq(staffUsers.id, sql.placeholder('actorId')), eq(staffUsers.facilityId, sql.placeholder('facilityId')), eq(staffUsers.active, true)))
    .prepare('board_access_staff');
  const personQuery = db
    .select({ guestBoardId: participants.guestBoardId, active: participants.active })
    .from(participants)
    .where(and(eq(participants.id, sql.placeholder('actorId')), eq(participants.facilityId, sql.placeholder('facilityId'))))
    .prepare('board_access_person');

  return async function mayUseBoard({ actor, boardId, viewerGeneration }) {
    const [board] = await boardQuery.execute({ boardId });
    if (!board) return allowed; // the registry answers an unknown board with 4404
    if (board.closedAt && actor.role !== 'staff') return refused(AccessReason.boardClosed);
    switch (actor.role) {
      case 'staff': {
        const [staff] = await staffQuery.execute({ actorId: actor.id, facilityId: board.facilityId });
        return staff ? allowed : refused(AccessReason.notStaff);
      }
      case 'participant':
      case 'guest': {
        const [person] = await personQuery.execute({ actorId: actor.id, facilityId: board.facilityId });
        if (actor.role === 'participant') {
          return person?.active && person.guestBoardId === null ? allowed : refused(AccessReason.notOnRoster);
        }
        if (!person || person.guestBoardId !== boardId) return refused(AccessReason.notOnRoster);
        // A guest is made inactive when the join code they came with changes, or the board closes.
        if (!person.active) return refused(AccessReason.guestEnded);
        return board.allowGuests ? allowed : refused(AccessReason.noGuests);
      }
      case 'viewer':
        // Read-only, issued for this board only (the token's board is checked at the upgrade).
        if (actor.id !== `viewer:${boardId}`) return refused('this projector link is for another board');
        return viewerGeneration === board.viewerGeneration ? allowed : refused(AccessReason.viewerRevoked);
      default:
        return exhaustive(actor.role);
    }
  };
}
