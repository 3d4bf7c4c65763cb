/** The roster (spec 3): staff list, add and change the participants of their facility. */
import { and, asc, eq, isNull } from 'drizzle-orm';
import { Hono } from 'hono';
import { participantCreateBody, participantPatchBody, type Participant } from '../../shared/api';
import { CloseCode } from '../../shared/close-codes';
import { newId } from '../../shared/ids';
import { participants } from '../../drizzle/schema';
import { hashSecret } from '../auth/passwords';
import { apiError } from './errors';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { validate } from './validate';

type ParticipantRow = typeof participants.$inferSelect;

export function participantRoutes({ db, registry, guesses }: AppDeps) {
  /** The roster's view of a card, with its PIN lock (wrong PINs, server/auth/guess-limits.ts). */
  async function toParticipant(row: ParticipantRow): Promise<Participant> {
    const lockedUntil = row.pinHash === null ? null : await guesses.pinLockedUntil(row.id);
    return {
      id: row.id,
      displayName: row.displayName,
      reading: row.reading,
      avatar: row.avatar,
      hasPin: row.pinHash !== null,
      active: row.active,
      pinLockedUntil: lockedUntil?.toISOString() ?? null,
    };
  }

  return new Hono<AppEnv>()
    .use(requireStaff)
    .get('/', async (c) => {
      const rows = await db
        .select()
        .from(participants)
        // Guests belong to the board they joined, not to the roster.
        .where(and(eq(participants.facilityId, staffOf(c).facilityId), isNull(participants.guestBoardId)))
        .orderBy(asc(participants.reading), asc(participants.displayName));
      return c.json(await Promise.all(rows.map(toParticipant)));
    })

    .post('/', validate('json', participantCreateBody), async (c) => {
      const { pin, ...body } = c.req.valid('json');
      const [row] = await db
        .insert(participants)
        .values({ id: newId(), facilityId: staffOf(c).facilityId, pinHash: pin ? await hashSecret(pin) : null, ...body })
        .returning();
      return c.json(await toParticipant(row!), 201);
    })

    .patch('/:id', validate('json', participantPatchBody), async (c) => {
      const { pin, ...change } = c.req.valid('json');
      const pinChange = pin === undefined ? {} : { pinHash: pin === null ? null : await hashSecret(pin) };
      // Staff may end a guest's visit (docs/permissions.md "Rights that end"), but a guest is not on
      // the roster: nothing else about one changes, and a guest whose code changed never comes back.
      const endsAGuest = pin === undefined && change.active === false && Object.keys(change).length === 1;
      const [row] = await db
        .update(participants)
        .set({ ...change, ...pinChange })
        .where(
          and(
            eq(participants.id, c.req.param('id')),
            eq(participants.facilityId, staffOf(c).facilityId),
            endsAGuest ? undefined : isNull(participants.guestBoardId),
          ),
        )
        .returning();
      if (!row) throw apiError(404, 'No such participant');
      // Rights end now, not when a token runs out: their open boards close at once.
      if (change.active === false) registry.closeActor(row.id, CloseCode.forbidden, 'you are no longer on this roster');
      // A new PIN (or none) is staff's answer to a forgotten one: the old one's lock goes with it.
      if (pin !== undefined) await guesses.unlockParticipant(row.id);
      return c.json(await toParticipant(row));
    })

    // Staff lift a card's PIN lock once they know who was trying (docs/security.md).
    .post('/:id/unlock', async (c) => {
      const [row] = await db
        .select()
        .from(participants)
        .where(
          and(
            eq(participants.id, c.req.param('id')),
            eq(participants.facilityId, staffOf(c).facilityId),
            isNull(participants.guestBoardId),
          ),
        );
      if (!row) throw apiError(404, 'No such participant');
      await guesses.unlockParticipant(row.id);
      return c.json(await toParticipant(row));
    });
}
