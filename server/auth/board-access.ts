/**
 * Whether the actor a websocket token names may still be on a board. A token lives for minutes
 * (a projector's for a day) and proves who someone was when it was issued; staff may have taken
 * them off the roster since, so every new socket asks the database again.
 */
import { and, eq } from 'drizzle-orm';
import { boards, participants, staffUsers } from '../../drizzle/schema';
import type { Actor } from '../../shared/actor';
import { exhaustive } from '../../shared/exhaustive';
import type { Database } from '../db/database';

export function createBoardAccess(db: Database): (actor: Actor, boardId: string) => Promise<boolean> {
  return async function mayUseBoard(actor, boardId) {
    const [board] = await db.select({ facilityId: boards.facilityId }).from(boards).where(eq(boards.id, boardId));
    if (!board) return true; // the registry answers an unknown board with 4404
    switch (actor.role) {
      case 'staff': {
        const [staff] = await db
          .select({ id: staffUsers.id })
          .from(staffUsers)
          .where(and(eq(staffUsers.id, actor.id), eq(staffUsers.facilityId, board.facilityId), eq(staffUsers.active, true)));
        return staff !== undefined;
      }
      case 'participant':
      case 'guest': {
        const [person] = await db
          .select({ guestBoardId: participants.guestBoardId })
          .from(participants)
          .where(and(eq(participants.id, actor.id), eq(participants.facilityId, board.facilityId), eq(participants.active, true)));
        if (!person) return false;
        return actor.role === 'guest' ? person.guestBoardId === boardId : person.guestBoardId === null;
      }
      case 'viewer':
        // Read-only, issued for this board only (the token's board is checked at the upgrade).
        return actor.id === `viewer:${boardId}`;
      default:
        return exhaustive(actor.role);
    }
  };
}
