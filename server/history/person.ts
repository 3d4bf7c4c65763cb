/**
 * Which events are about a person (the events API's `participantId`, a participant's report).
 *
 * An event involves a person when they did it (`actor_id`) or when it names them: the author of an
 * idea staff entered for them, a lead or member staff set, a step staff ticked for them, a voter
 * whose dots a merge moved, a pass staff cleared, a thank-you a restore wrote back for its giver. At most one of those fields is set on any event
 * (docs/api.md "History events"), so one expression covers them, and one index on it
 * (`board_events_person_idx`) next to the actor's makes the OR a cheap bitmap scan.
 */
import { or, sql, type SQL } from 'drizzle-orm';
import { boardEvents } from '../../drizzle/schema';

/** The payload fields that name a person, in the index's order (drizzle/schema.ts spells it out too). */
export const NAMED_PERSON_FIELDS = ['authorId', 'leadId', 'memberId', 'doneBy', 'voterId', 'passerId', 'giverId'] as const;

/** The person an event names besides its actor; the same expression as the index's (literal keys, so it matches). */
export const namedPerson = sql`coalesce(${sql.join(
  NAMED_PERSON_FIELDS.map((field) => sql`${boardEvents.data} ->> ${sql.raw(`'${field}'`)}`),
  sql`, `,
)})`;

/** Events this person did or that name them. */
export function involves(personId: string): SQL {
  return or(sql`${boardEvents.actorId} = ${personId}`, sql`${namedPerson} = ${personId}`)!;
}
