/**
 * The board's history events, as pages and as CSV (docs/api.md "Events", "CSV"). Staff of the
 * board's facility only; who wrote an anonymous idea stays hidden when the facility says so.
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { facilities } from '../../drizzle/schema';
import { eventsCsvQuery, eventsQuery } from '../../shared/history';
import { facilityDate, periodEnd, periodStart } from '../../shared/period';
import { attachment, CSV_CONTENT_TYPE, toCsv } from '../history/csv';
import { eventCsvRow, eventsCsvHeader, nameFinder } from '../history/event-csv';
import { createEventLog, type EventFilters, type Reading } from '../history/event-log';
import type { Database } from '../db/database';
import { boardPeople, staffSeeAnonymousAuthors } from './board-context';
import { findBoard } from './boards';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

export function historyRoutes({ db, anonymousIds }: AppDeps) {
  const log = createEventLog(db, anonymousIds);

  return new Hono<AppEnv>()
    .get('/boards/:id/events', requireStaff, validate('query', eventsQuery), async (c) => {
      const { cursor, limit, ...query } = c.req.valid('query');
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      const filters = filtersOf(query);
      return c.json(await log.page(await readingOf(db, board), filters, { cursor: cursorOf(cursor), limit }));
    })

    .get('/boards/:id/events.csv', requireStaff, validate('query', eventsCsvQuery), async (c) => {
      const { lang, ...query } = c.req.valid('query');
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      const filters = filtersOf(query);
      const [events, texts, people] = await Promise.all([
        log.all(await readingOf(db, board), filters),
        log.ideaTexts(board.id),
        boardPeople(db, board),
      ]);
      const names = nameFinder(lang, new Map(people.map((person) => [person.id, person.name])));
      const csv = toCsv(eventsCsvHeader(lang), events.map((event) => eventCsvRow(event, lang, names, texts)));
      return c.body(csv, 200, {
        'content-type': CSV_CONTENT_TYPE,
        'content-disposition': attachment(`teian-events-${board.title}-${facilityDate(new Date())}.csv`),
      });
    });
}

async function readingOf(db: Database, board: { id: string; facilityId: string }): Promise<Reading> {
  const [facility] = await db.select({ settings: facilities.settings }).from(facilities).where(eq(facilities.id, board.facilityId));
  return { boardId: board.id, revealAnonymousAuthors: staffSeeAnonymousAuthors(facility?.settings) };
}

/** The query's filters, with its days read in Japan time; a period that ends before it starts is a 400. */
function filtersOf(query: { ideaId?: string; projectId?: string; participantId?: string; from?: string; to?: string }): EventFilters {
  const from = query.from === undefined ? undefined : periodStart(query.from);
  const to = query.to === undefined ? undefined : periodEnd(query.to);
  if (from && to && from.getTime() >= to.getTime()) {
    throw apiError(400, '`from` must be before `to`', { from: ['Must be before `to`'] });
  }
  return { ideaId: query.ideaId, projectId: query.projectId, participantId: query.participantId, from, to };
}

/** Event ids are safe integers; a cursor beyond them names no page. */
function cursorOf(cursor: string | undefined): number | undefined {
  if (cursor === undefined) return undefined;
  const value = Number(cursor);
  if (!Number.isSafeInteger(value)) throw apiError(400, 'a cursor is the nextCursor of the page before', { cursor: ['Not a cursor of this API'] });
  return value;
}
