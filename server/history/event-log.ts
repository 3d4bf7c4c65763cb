/**
 * A board's history events as staff read them (docs/api.md "Events"): filtered, newest first, in
 * keyset pages or all at once, with anonymous authors hidden when the facility asks for it.
 *
 * Pages are keyset pages on `(board_id, id)` (`board_events_board_id_idx`): a page is "the newest
 * `limit` events below the cursor", so events stored while staff page through land above the first
 * page and never shift the later ones (no duplicates, no gaps), and a deep page costs what the
 * first one does.
 *
 * The board is named as a range of one (`board_id >= $1 and board_id <= $1`) and the order is
 * `board_id desc, id desc`. With `board_id = $1` PostgreSQL treats the board as a constant, drops it
 * from the order, and may then prefer the primary key read backwards with a filter: it does for a
 * board that holds most of the table, and then a first page reads every newer event of every other
 * board before it finds the board's (6.5 ms and 60,000 rows instead of 0.05 ms and 101 in
 * `npm run bench history`, with 60,000 newer events of 20 other boards). A range is no constant, so
 * the order keeps the board, and only the board's index gives that order.
 */
import { and, desc, eq, gte, inArray, lt, lte, notInArray, sql, type SQL } from 'drizzle-orm';
import { boardEvents } from '../../drizzle/schema';
import type { EventPage, EventType, HistoryEvent } from '../../shared/history';
import type { AnonymousIds } from '../auth/anonymous-ids';
import type { Database } from '../db/database';
import { involves } from './person';

export interface EventFilters {
  ideaId?: string | undefined;
  projectId?: string | undefined;
  participantId?: string | undefined;
  /** Inclusive. */
  from?: Date | undefined;
  /** Exclusive. */
  to?: Date | undefined;
}

/**
 * Whether the reader may see who wrote an anonymous idea (`staffSeeAnonymousAuthors`, on unless
 * the facility turned it off). Off, every event the author did on their anonymous idea names the
 * idea's anonymous id instead of them, and filtering by the author does not find those events.
 */
export interface Reading {
  boardId: string;
  revealAnonymousAuthors: boolean;
}

type EventRow = typeof boardEvents.$inferSelect;

/** Newest first, in the order of `board_events_board_id_idx` (the board is one, see above). */
const newestFirst = [desc(boardEvents.boardId), desc(boardEvents.id)];

export function createEventLog(db: Database, anonymousIds: AnonymousIds) {
  /** The filters as SQL, including the author's hidden events when they must stay hidden. */
  async function conditions(reading: Reading, filters: EventFilters): Promise<SQL[]> {
    const where: SQL[] = [gte(boardEvents.boardId, reading.boardId), lte(boardEvents.boardId, reading.boardId)];
    if (filters.ideaId !== undefined) where.push(eq(boardEvents.ideaId, filters.ideaId));
    if (filters.projectId !== undefined) where.push(eq(boardEvents.projectId, filters.projectId));
    if (filters.from !== undefined) where.push(gte(boardEvents.createdAt, filters.from));
    if (filters.to !== undefined) where.push(lt(boardEvents.createdAt, filters.to));
    const personId = filters.participantId;
    if (personId !== undefined) {
      where.push(involves(personId));
      if (!reading.revealAnonymousAuthors) {
        const hidden = await anonymousIdeasOf(reading.boardId, anonymousIds.of(reading.boardId, personId));
        if (hidden.length > 0) {
          where.push(sql`(${boardEvents.ideaId} is null or ${boardEvents.actorId} <> ${personId} or ${notInArray(boardEvents.ideaId, hidden)})`);
        }
      }
    }
    return where;
  }

  /** The board's anonymous ideas posted under `anonymousId`. */
  async function anonymousIdeasOf(boardId: string, anonymousId: string): Promise<string[]> {
    const rows = await db
      .select({ ideaId: boardEvents.ideaId })
      .from(boardEvents)
      .where(and(eq(boardEvents.boardId, boardId), eq(boardEvents.type, 'idea.created'), sql`${boardEvents.data} ->> 'authorId' = ${anonymousId}`));
    return rows.flatMap((row) => (row.ideaId ? [row.ideaId] : []));
  }

  /** Anonymous idea id → its anonymous `authorId`, for the ideas of `rows`. */
  async function anonymousAuthors(boardId: string, rows: readonly EventRow[]): Promise<Map<string, string>> {
    const ideaIds = [...new Set(rows.flatMap((row) => (row.ideaId ? [row.ideaId] : [])))];
    if (ideaIds.length === 0) return new Map();
    const created = await db
      .select({ ideaId: boardEvents.ideaId, authorId: sql<string | null>`${boardEvents.data} ->> 'authorId'` })
      .from(boardEvents)
      .where(
        and(
          eq(boardEvents.boardId, boardId),
          eq(boardEvents.type, 'idea.created'),
          inArray(boardEvents.ideaId, ideaIds),
          sql`(${boardEvents.data} ->> 'anonymous')::boolean`,
        ),
      );
    return new Map(created.flatMap(({ ideaId, authorId }) => (ideaId && authorId ? [[ideaId, authorId] as const] : [])));
  }

  async function toEvents(reading: Reading, rows: readonly EventRow[]): Promise<HistoryEvent[]> {
    const hidden = reading.revealAnonymousAuthors ? new Map<string, string>() : await anonymousAuthors(reading.boardId, rows);
    return rows.map((row) => {
      const authorId = row.ideaId ? hidden.get(row.ideaId) : undefined;
      // The author acting on their own anonymous idea: their anonymous id on this board is the idea's.
      const masked = authorId !== undefined && anonymousIds.of(reading.boardId, row.actorId) === authorId;
      return toEvent(row, masked ? authorId : row.actorId);
    });
  }

  return {
    /** One page, newest first, below `cursor` (an event id) when given. */
    async page(reading: Reading, filters: EventFilters, { cursor, limit }: { cursor?: number | undefined; limit: number }): Promise<EventPage> {
      const where = await conditions(reading, filters);
      if (cursor !== undefined) where.push(lt(boardEvents.id, cursor));
      // One more than the page: whether it exists says whether there is a next page.
      const rows = await db.select().from(boardEvents).where(and(...where)).orderBy(...newestFirst).limit(limit + 1);
      const page = rows.slice(0, limit);
      return {
        events: await toEvents(reading, page),
        nextCursor: rows.length > limit ? String(page.at(-1)!.id) : null,
      };
    },

    /** Every matching event, newest first (the CSV). */
    async all(reading: Reading, filters: EventFilters): Promise<HistoryEvent[]> {
      const rows = await db.select().from(boardEvents).where(and(...(await conditions(reading, filters)))).orderBy(...newestFirst);
      return toEvents(reading, rows);
    },

    /**
     * What each idea of the board said over time, from its `idea.created`, text edits and
     * `idea.deleted`: `textAt(ideaId, eventId)` is the text as of that event.
     */
    async ideaTexts(boardId: string): Promise<IdeaTexts> {
      const rows = await db
        .select({ id: boardEvents.id, ideaId: boardEvents.ideaId, type: boardEvents.type, data: boardEvents.data })
        .from(boardEvents)
        .where(
          and(
            eq(boardEvents.boardId, boardId),
            sql`(${boardEvents.type} = 'idea.created' or (${boardEvents.type} = 'idea.edited' and ${boardEvents.data} ->> 'field' = 'text'))`,
          ),
        )
        .orderBy(boardEvents.boardId, boardEvents.id);
      const byIdea = new Map<string, { id: number; text: string }[]>();
      for (const row of rows) {
        if (!row.ideaId) continue;
        const data = row.data as Record<string, unknown>;
        const text = row.type === 'idea.created' ? data.text : data.to;
        if (typeof text !== 'string') continue;
        const versions = byIdea.get(row.ideaId) ?? [];
        versions.push({ id: row.id, text });
        byIdea.set(row.ideaId, versions);
      }
      return new IdeaTexts(byIdea);
    },
  };
}

export type EventLog = ReturnType<typeof createEventLog>;

export class IdeaTexts {
  readonly #byIdea: Map<string, { id: number; text: string }[]>;

  constructor(byIdea: Map<string, { id: number; text: string }[]>) {
    this.#byIdea = byIdea;
  }

  /** The idea's text once event `eventId` had happened; '' for an idea the log never saw posted. */
  textAt(ideaId: string, eventId: number): string {
    const versions = this.#byIdea.get(ideaId);
    if (!versions) return '';
    let text = versions[0]!.text;
    for (const version of versions) {
      if (version.id > eventId) break;
      text = version.text;
    }
    return text;
  }

  /** The idea's last text. */
  latest(ideaId: string): string {
    return this.#byIdea.get(ideaId)?.at(-1)?.text ?? '';
  }
}

function toEvent(row: EventRow, actorId: string): HistoryEvent {
  return {
    id: String(row.id),
    boardId: row.boardId,
    type: row.type as EventType,
    actorId,
    ideaId: row.ideaId,
    projectId: row.projectId,
    stepId: row.stepId,
    data: row.data as Record<string, unknown>,
    at: row.createdAt.toISOString(),
  };
}
