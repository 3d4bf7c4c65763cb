/**
 * Joining a board with its code (spec 3): anybody holding the code sees the board's title and the
 * roster's name cards, and becomes a participant of that board by picking a card (with its PIN, if
 * it has one) or, where the board allows guests, by typing a name.
 */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { joinBody, joinCodeParam, type JoinInfo } from '../../shared/api';
import { newId } from '../../shared/ids';
import { boards, participants } from '../../drizzle/schema';
import type { Lock } from '../auth/guess-limits';
import { verifySecret } from '../auth/passwords';
import { meOf } from './auth';
import { clientAddress } from './client-address';
import { apiError, lockedOut } from './errors';
import type { AppDeps, AppEnv } from './context';
import { setSessionCookie } from './session-cookie';
import { validate } from './validate';

export function joinRoutes({ db, sessions, guesses, trustProxy }: AppDeps) {
  /**
   * The open board with this code, or 404 (an unknown and a closed code look the same). Every
   * lookup counts against the address until the code proves right; a locked address learns
   * nothing, not even whether the code was right.
   */
  async function openBoardByCode(c: Context, code: string) {
    const attempt = await guesses.joinCode(clientAddress(c, { trustProxy }));
    if (attempt.state === 'locked') throw tooManyGuesses(attempt.lock);
    const [board] = await db.select().from(boards).where(eq(boards.joinCode, code));
    if (!board || board.closedAt) {
      const lock = await attempt.miss();
      if (lock) throw tooManyGuesses(lock);
      throw apiError(404, 'No board has this code. Please check the number.');
    }
    await attempt.hit();
    return board;
  }

  return new Hono<AppEnv>()
    .get('/join/:code', validate('param', z.object({ code: joinCodeParam })), async (c) => {
      const board = await openBoardByCode(c, c.req.valid('param').code);
      const roster = await db
        .select()
        .from(participants)
        .where(
          and(
            eq(participants.facilityId, board.facilityId),
            eq(participants.active, true),
            isNull(participants.guestBoardId),
          ),
        )
        .orderBy(asc(participants.reading), asc(participants.displayName));
      const info: JoinInfo = {
        board: {
          id: board.id,
          title: board.title,
          allowGuests: board.allowGuests,
          allowAnonymous: board.allowAnonymous,
        },
        participants: roster.map((row) => ({
          id: row.id,
          displayName: row.displayName,
          reading: row.reading,
          avatar: row.avatar,
          hasPin: row.pinHash !== null,
        })),
      };
      return c.json(info);
    })

    .post('/join', validate('json', joinBody), async (c) => {
      const body = c.req.valid('json');
      const board = await openBoardByCode(c, body.code);
      let person: typeof participants.$inferSelect | undefined;
      if (body.guestName !== undefined) {
        if (!board.allowGuests) throw apiError(403, 'This board does not take guests. Please ask the staff.');
        [person] = await db
          .insert(participants)
          .values({ id: newId(), facilityId: board.facilityId, displayName: body.guestName, guestBoardId: board.id })
          .returning();
      } else {
        [person] = await db
          .select()
          .from(participants)
          .where(
            and(
              eq(participants.id, body.participantId ?? ''),
              eq(participants.facilityId, board.facilityId),
              eq(participants.active, true),
              isNull(participants.guestBoardId),
            ),
          );
        if (!person) throw apiError(404, 'That name card is not on this board. Please pick your card again.');
        if (person.pinHash) {
          const attempt = await guesses.pin({
            address: clientAddress(c, { trustProxy }),
            participantId: person.id,
            facilityId: board.facilityId,
          });
          // Locked means locked: the right PIN is refused too, until staff lift it or it runs out.
          if (attempt.state === 'locked') throw tooManyGuesses(attempt.lock);
          const pinOk = body.pin !== undefined && (await verifySecret(body.pin, person.pinHash));
          if (!pinOk) {
            const lock = await attempt.miss();
            if (lock) throw tooManyGuesses(lock);
            throw apiError(401, 'The PIN is not right. Please try again, or ask the staff.', { pin: ['wrong PIN'] });
          }
          await attempt.hit();
        }
      }
      if (!person) throw apiError(500, 'The guest could not be added');
      const subject = { facilityId: board.facilityId, boardId: board.id };
      setSessionCookie(c, await sessions.open({ kind: 'participant', participantId: person.id, ...subject }));
      return c.json(
        meOf({
          kind: 'participant',
          ...subject,
          participant: {
            id: person.id,
            name: person.displayName,
            avatar: person.avatar,
            guest: person.guestBoardId !== null,
          },
        }),
      );
    });
}

/** The lockout answer of the join page: only staff can help now (or waiting). */
function tooManyGuesses(lock: Lock) {
  return lockedOut('locked_out', lock.until, 'Too many wrong tries. Please ask the staff to let you in.');
}
