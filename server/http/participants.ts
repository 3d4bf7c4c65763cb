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

export function participantRoutes({ db, registry }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireStaff)
    .get('/', async (c) => {
      const rows = await db
        .select()
        .from(participants)
        // Guests belong to the board they joined, not to the roster.
        .where(and(eq(participants.facilityId, staffOf(c).facilityId), isNull(participants.guestBoardId)))
        .orderBy(asc(participants.reading), asc(participants.displayName));
      return c.json(rows.map(toParticipant));
    })

    .post('/', validate('json', participantCreateBody), async (c) => {
      const { pin, ...body } = c.req.valid('json');
      const [row] = await db
        .insert(participants)
        .values({ id: newId(), facilityId: staffOf(c).facilityId, pinHash: pin ? await hashSecret(pin) : null, ...body })
        .returning();
      return c.json(toParticipant(row!), 201);
    })

    .patch('/:id', validate('json', participantPatchBody), async (c) => {
      const { pin, ...change } = c.req.valid('json');
      const pinChange = pin === undefined ? {} : { pinHash: pin === null ? null : await hashSecret(pin) };
      const [row] = await db
        .update(participants)
        .set({ ...change, ...pinChange })
        .where(and(eq(participants.id, c.req.param('id')), eq(participants.facilityId, staffOf(c).facilityId)))
        .returning();
      if (!row) throw apiError(404, 'No such participant');
      // Rights end now, not when a token runs out: their open boards close at once.
      if (change.active === false) registry.closeActor(row.id, CloseCode.forbidden, 'you are no longer on this roster');
      return c.json(toParticipant(row));
    });
}

function toParticipant(row: ParticipantRow): Participant {
  return {
    id: row.id,
    displayName: row.displayName,
    reading: row.reading,
    avatar: row.avatar,
    hasPin: row.pinHash !== null,
    active: row.active,
  };
}
