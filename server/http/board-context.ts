/**
 * What a board page needs besides the document (docs/api.md): the board's settings, a name for
 * every actor id that may appear in it, and the facility's categories. Never PINs or logins, and
 * the authors of anonymous ideas only for staff (docs/permissions.md, "Anonymous ideas").
 */
import { and, eq, isNull, or } from 'drizzle-orm';
import type { BoardContext, Person } from '../../shared/api';
import { boards, facilities, participants, staffUsers } from '../../drizzle/schema';
import type { AnonymousIds } from '../auth/anonymous-ids';
import type { Database } from '../db/database';
import { configuredCategories } from './facility';

export interface ContextReader {
  actorId: string;
  staff: boolean;
  anonymousIds: AnonymousIds;
}

export async function boardContext(
  db: Database,
  board: typeof boards.$inferSelect,
  reader: ContextReader,
): Promise<BoardContext> {
  const [people, [facility]] = await Promise.all([
    boardPeople(db, board),
    db.select({ settings: facilities.settings }).from(facilities).where(eq(facilities.id, board.facilityId)),
  ]);
  const showAuthors = reader.staff && staffSeeAnonymousAuthors(facility?.settings);
  return {
    board: {
      id: board.id,
      title: board.title,
      voteBudget: board.voteBudget,
      allowGuests: board.allowGuests,
      allowAnonymous: board.allowAnonymous,
    },
    people,
    categories: configuredCategories(facility?.settings).categories,
    anonymousId: reader.anonymousIds.of(board.id, reader.actorId),
    ...(showAuthors ? { anonymousAuthors: reader.anonymousIds.authorsOn(board.id, people.map((person) => person.id)) } : {}),
  };
}

/**
 * Everybody who may appear in the board's document, by actor id: the facility's roster, the board's
 * guests and the facility's staff (names only: the staff are the supporters a project can name).
 */
export async function boardPeople(db: Database, board: Pick<typeof boards.$inferSelect, 'id' | 'facilityId'>): Promise<Person[]> {
  const [roster, staff] = await Promise.all([
    db
      .select()
      .from(participants)
      .where(
        and(
          eq(participants.facilityId, board.facilityId),
          or(isNull(participants.guestBoardId), eq(participants.guestBoardId, board.id)),
        ),
      ),
    db.select({ id: staffUsers.id, name: staffUsers.name }).from(staffUsers).where(eq(staffUsers.facilityId, board.facilityId)),
  ]);
  return [
    ...roster.map((row) => ({
      id: row.id,
      name: row.displayName,
      reading: row.reading,
      avatar: row.avatar,
      kind: row.guestBoardId === null ? ('participant' as const) : ('guest' as const),
    })),
    ...staff.map((row) => ({ id: row.id, name: row.name, reading: '', avatar: '', kind: 'staff' as const })),
  ];
}

/** On unless the facility's settings say `staffSeeAnonymousAuthors: false`. */
export function staffSeeAnonymousAuthors(settings: unknown): boolean {
  return (settings as { staffSeeAnonymousAuthors?: unknown } | undefined)?.staffSeeAnonymousAuthors !== false;
}
