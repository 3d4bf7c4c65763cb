/**
 * What staff's history reads cost on PostgreSQL (issue 10, item 7), each measured side by side with
 * its reference in the same run, alternating one request of each:
 *
 * 1. `GET /api/boards/:id/events` on a board with `BENCH_HISTORY_EVENTS` (100,000) events, through
 *    the whole app in-process (`app.request`, a staff cookie: session, board and facility lookups,
 *    the query, JSON) at limit 100: the first page, deep pages by cursor (the middle of the log and
 *    near its start), and a page filtered by participant. The reference is the same keyset SQL
 *    sent raw on postgres.js; the ratio is what the app adds. The page query's
 *    `EXPLAIN (ANALYZE, BUFFERS)` is printed, and the run fails if it does not use
 *    `board_events_board_id_idx` or scans the table.
 * 2. `GET /api/participants/:id/report` for six months, for one participant who took part on
 *    `BENCH_REPORT_BOARDS` (20) boards of `BENCH_REPORT_EVENTS` (3,000) events each over eight
 *    months, each board with a stored document (real Y.Docs from shared/board.ts, written as
 *    snapshots) so that the report reads what became of every idea. The reference is the person's
 *    events of the period read raw (the indexed `involves` query): the floor of any report.
 *
 * Events are seeded with one `INSERT … SELECT generate_series` per board: ideas posted (some written
 * down by staff for someone), edits, votes, thanks, project members, steps, attendance, phase changes,
 * by 30 participants and a staff member. The database is created under `BENCH_DATABASE_URL` and
 * dropped at the end; without it the benchmark says so and measures nothing (PGlite's figures would
 * say nothing about PostgreSQL's planner).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import * as Y from 'yjs';
import type { Me } from '../shared/api';
import { addIdea, addStep, createProject, editIdea, initBoard, setLead, tickStep } from '../shared/board';
import type { EventPage, ParticipantReport } from '../shared/history';
import { facilityDate } from '../shared/period';
import { ApiClient, expectOk } from '../tests/helpers/api-client';
import { buildTestApp } from '../tests/helpers/server';
import { NAMED_PERSON_FIELDS } from '../server/history/person';

const settings = {
  events: Number(process.env.BENCH_HISTORY_EVENTS ?? 100_000),
  reportBoards: Number(process.env.BENCH_REPORT_BOARDS ?? 20),
  reportEvents: Number(process.env.BENCH_REPORT_EVENTS ?? 3_000),
  samples: Number(process.env.BENCH_HISTORY_SAMPLES ?? 100),
};

const PEOPLE = 30;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Every 20th event posts an idea; the 19 after it are about that idea. */
const EVENTS_PER_IDEA = 20;

const person = (index: number) => `benchp${index}`;
/** A participant with few events on the big board. */
const RARE = 'benchrare';

export interface Timing {
  name: string;
  route: number[];
  reference: number[];
}

export interface HistoryQueriesResult {
  settings: typeof settings;
  seedSeconds: number;
  pages: Timing[];
  report: Timing;
  explain: string[];
  usesIndex: boolean;
  reportSummary: string;
}

/** `npm run bench history`; null without `BENCH_DATABASE_URL`. */
export async function historyQueries(): Promise<HistoryQueriesResult | null> {
  const baseUrl = process.env.BENCH_DATABASE_URL;
  if (!baseUrl) return null;
  const name = `teian_bench_history_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = withDatabase(baseUrl, name);
  const raw = postgres(url, { max: 4, onnotice: () => {} });
  const server = await buildTestApp({ database: { url, dataDir: 'memory://', drop: async () => {} } });
  try {
    const staff = new ApiClient(server.app);
    const me = await staff.login();
    const seedStarted = performance.now();
    const seeded = await seed(raw, staff, me);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const { big } = seeded;
    const [bounds] = await raw<{ min: string; max: string }[]>`select min(id)::text as min, max(id)::text as max from board_events where board_id = ${big}`;
    const { min, max } = bounds!;
    const span = Number(max) - Number(min);
    const middle = String(Number(min) + Math.floor(span / 2));
    const nearStart = String(Number(min) + 1_000);
    const participant = person(3);
    // Fresh queries every call: a postgres.js query runs once, however often it is awaited.
    const pageSql = (cursor: string | null) =>
      cursor === null
        ? raw.unsafe(`select * from board_events where board_id >= $1 and board_id <= $1 order by board_id desc, id desc limit 101`, [big])
        : raw.unsafe(`select * from board_events where board_id >= $1 and board_id <= $1 and id < $2 order by board_id desc, id desc limit 101`, [big, cursor]);
    const personSql = () =>
      raw.unsafe(`select * from board_events where board_id >= $1 and board_id <= $1 and (actor_id = $2 or ${namedPersonText} = $2) order by board_id desc, id desc limit 101`, [big, participant]);
    const rareSql = () =>
      raw.unsafe(`select * from board_events where board_id >= $1 and board_id <= $1 and (actor_id = $2 or ${namedPersonText} = $2) order by board_id desc, id desc limit 101`, [big, RARE]);
    const route = (query: string, expected = 100) => async () => {
      const page = expectOk(await staff.get<EventPage>(`/api/boards/${big}/events?limit=100${query}`));
      if (page.events.length !== expected) throw new Error(`a page of ${page.events.length} events for ${query}`);
    };
    const pages: Timing[] = [];
    for (const [label, query, reference] of [
      ['first page', '', () => pageSql(null)],
      ['deep page (middle)', `&cursor=${middle}`, () => pageSql(middle)],
      ['deep page (near the start)', `&cursor=${nearStart}`, () => pageSql(nearStart)],
      ['participant-filtered page', `&participantId=${participant}`, personSql],
    ] as const) {
      pages.push(await sideBySide(label, route(query), async () => void (await reference())));
    }
    pages.push(await sideBySide('rare participant (50 events)', route(`&participantId=${RARE}`, 50), async () => void (await rareSql())));

    const plan = async (query: string, parameters: string[]) =>
      (await raw.unsafe(`explain (analyze, buffers) ${query}`, parameters)).map((row) => String(row['QUERY PLAN']));
    const firstPlan = await plan(`select * from board_events where board_id >= $1 and board_id <= $1 order by board_id desc, id desc limit 101`, [big]);
    const deepPlan = await plan(`select * from board_events where board_id >= $1 and board_id <= $1 and id < $2 order by board_id desc, id desc limit 101`, [big, middle]);
    const usesIndex = [firstPlan, deepPlan].every(
      (lines) => lines.some((line) => line.includes('board_events_board_id_idx')) && !lines.some((line) => /Seq Scan|board_events_pkey/.test(line)),
    );
    // For comparison: the plain form, which the planner may answer from the primary key (server/history/event-log.ts).
    const plainPlan = await plan(`select * from board_events where board_id = $1 order by id desc limit 101`, [big]);
    const explain = [
      'first page:', ...firstPlan, '',
      'deep page (cursor in the middle):', ...deepPlan, '',
      'for comparison, the first page as `board_id = $1 order by id desc`:', ...plainPlan,
    ];
    const personExplain = (await raw.unsafe(
      `explain (analyze, buffers) select * from board_events where board_id >= $1 and board_id <= $1 and (actor_id = $2 or ${namedPersonText} = $2) order by board_id desc, id desc limit 101`,
      [big, participant],
    )).map((row) => String(row['QUERY PLAN']));

    const now = Date.now();
    const from = facilityDate(now - 182 * DAY_MS);
    const to = facilityDate(now);
    const reportPath = `/api/participants/${seeded.reportPerson}/report?from=${from}&to=${to}`;
    const probe = await staff.get<ParticipantReport>(reportPath);
    let report: Timing;
    let reportSummary: string;
    if (probe.status === 404 && !JSON.stringify(probe.body).includes('participant')) {
      report = { name: 'report (route missing)', route: [], reference: [] };
      reportSummary = `GET /api/participants/:id/report answered ${probe.status}: not measured`;
    } else {
      const body = expectOk(probe);
      reportSummary =
        `${body.ideas.length} ideas listed, ${body.totals.ideasIndependent + body.totals.ideasHelped} posted, ` +
        `${body.totals.votesCast} votes, ${body.totals.thanksReceived} thanks received, ${body.months.length} months`;
      const fromAt = new Date(`${from}T00:00:00+09:00`);
      const toAt = new Date(new Date(`${to}T00:00:00+09:00`).getTime() + DAY_MS);
      report = await sideBySide(
        'six-month report, 20 boards',
        async () => void expectOk(await staff.get(reportPath)),
        async () =>
          void (await raw.unsafe(
            `select e.* from board_events e join boards b on b.id = e.board_id
              where b.facility_id = $1 and (e.actor_id = $2 or ${namedPersonText.replaceAll('data', 'e.data')} = $2)
              and e.created_at >= $3 and e.created_at < $4 order by e.id`,
            [me.facilityId, seeded.reportPerson, fromAt.toISOString(), toAt.toISOString()],
          )),
        Math.max(20, Math.floor(settings.samples / 3)),
      );
    }
    const rareExplain = await plan(
      `select * from board_events where board_id >= $1 and board_id <= $1 and (actor_id = $2 or ${namedPersonText} = $2) order by board_id desc, id desc limit 101`,
      [big, RARE],
    );
    return {
      settings, seedSeconds, pages, report, usesIndex, reportSummary,
      explain: [...explain, '', 'participant-filtered page:', ...personExplain, '', 'rare participant:', ...rareExplain],
    };
  } finally {
    await server.stop();
    await raw.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export function reportHistoryQueries(result: HistoryQueriesResult | null): string[] {
  if (!result) {
    return ['history queries: not measured: set BENCH_DATABASE_URL=postgres://… (they are PostgreSQL figures; a database is created and dropped)'];
  }
  const { settings: s } = result;
  const lines = [
    `history queries on PostgreSQL: ${s.events.toLocaleString('en')} events on one board; ` +
      `${s.reportBoards} boards × ${s.reportEvents.toLocaleString('en')} events for the report (seeded in ${result.seedSeconds.toFixed(0)} s)`,
    '  events route, limit 100, in-process app vs the same SQL raw on postgres.js (ms per page):',
  ];
  for (const timing of [...result.pages, result.report]) {
    if (timing.route.length === 0) {
      lines.push(`  ${timing.name}`);
      continue;
    }
    const ratio = percentile(timing.route, 50) / percentile(timing.reference, 50);
    lines.push(
      `    ${timing.name.padEnd(30)} route p50 ${ms(percentile(timing.route, 50))} p99 ${ms(percentile(timing.route, 99))}` +
        ` | raw p50 ${ms(percentile(timing.reference, 50))} p99 ${ms(percentile(timing.reference, 99))} | ratio ${ratio.toFixed(2)}` +
        ` (${timing.route.length} samples)`,
    );
    if (timing === result.pages.at(-1)) lines.push('  participant report, route vs the person\'s events of the period read raw (ms):');
  }
  lines.push(`  report: ${result.reportSummary}`);
  lines.push(`  page query plans ${result.usesIndex ? 'use board_events_board_id_idx (no sequential scan, not the primary key)' : 'DO NOT use board_events_board_id_idx'}:`);
  for (const line of result.explain) lines.push(`    ${line}`);
  return lines;
}

/** Alternates one call of each, after a warm-up, and keeps each one's time in ms. */
async function sideBySide(name: string, route: () => Promise<void>, reference: () => Promise<void>, samples = settings.samples): Promise<Timing> {
  const timing: Timing = { name, route: [], reference: [] };
  for (let index = 0; index < 10; index++) {
    await route();
    await reference();
  }
  for (let index = 0; index < samples; index++) {
    // Who goes first alternates too, so neither always finds the other's pages in the cache.
    const order = index % 2 === 0 ? ([route, reference] as const) : ([reference, route] as const);
    for (const run of order) {
      const started = performance.now();
      await run();
      (run === route ? timing.route : timing.reference).push(performance.now() - started);
    }
  }
  return timing;
}

/** The same expression as server/history/person.ts's, for the raw reference queries. */
const namedPersonText = `coalesce(${NAMED_PERSON_FIELDS.map((field) => `data ->> '${field}'`).join(', ')})`;

interface Seeded {
  big: string;
  reportPerson: string;
}

async function seed(raw: postgres.Sql, staff: ApiClient, me: Me): Promise<Seeded> {
  const staffId = me.actorId;
  await raw`insert into participants ${raw(
    Array.from({ length: PEOPLE }, (_, index) => ({ id: person(index), facility_id: me.facilityId, display_name: `利用者${index}`, reading: '' })),
  )}`;
  const now = Date.now();
  const big = (await staff.createBoard('大きなボード')).id;
  await seedEvents(raw, { boardId: big, staffId, count: settings.events, firstAt: now - 365 * DAY_MS, lastAt: now });
  // Somebody who came now and then: 50 events among the 100,000, so a filtered page reads the whole board's index.
  await raw`update board_events set actor_id = ${RARE} where board_id = ${big} and id % ${Math.max(1, Math.floor(settings.events / 50))} = 7`;

  // Boards of eight months; the report's six reach back into the third.
  const reportBoards: string[] = [];
  for (let index = 0; index < settings.reportBoards; index++) {
    const boardId = (await staff.createBoard(`ボード${index + 1}`)).id;
    reportBoards.push(boardId);
    const lastAt = now - index * 12 * DAY_MS;
    const firstAt = lastAt - 45 * DAY_MS;
    await seedEvents(raw, { boardId, staffId, count: settings.reportEvents, firstAt, lastAt });
    await raw`insert into board_snapshots (id, board_id, kind, label, state, up_to_seq, taken_by)
      values (${`snap${randomBytes(8).toString('hex')}`}, ${boardId}, 'compaction', '', ${Buffer.from(documentOf(boardId, settings.reportEvents, staffId))}, 1, 'server')`;
  }
  await raw`analyze`;
  return { big, reportPerson: person(0) };
}

/**
 * `count` events on the board, evenly from `firstAt` to `lastAt`, in one statement. Event g belongs
 * to idea floor(g / 20): g % 20 == 0 posts it (its author is person k % 30; every tenth written down
 * by staff, scribed), the others are other people's acts on it.
 */
async function seedEvents(raw: postgres.Sql, { boardId, staffId, count, firstAt, lastAt }: { boardId: string; staffId: string; count: number; firstAt: number; lastAt: number }) {
  const step = (lastAt - firstAt) / count;
  await raw`
    insert into board_events (board_id, seq, type, actor_id, idea_id, project_id, step_id, data, created_at)
    select ${boardId}::text, g, kind.type, kind.actor, ${boardId}::text || '-i' || (g / 20),
      case when kind.type in ('project.member_joined', 'step.done') then ${boardId}::text || '-p' || (g / 20) end,
      case when kind.type = 'step.done' then ${boardId}::text || '-s' || (g / 20) end,
      kind.data,
      to_timestamp((${firstAt}::float8 + g * ${step}::float8) / 1000)
    from generate_series(0, ${count - 1}) as g,
    lateral (select 'benchp' || ((g / 20) % ${PEOPLE}) as author, 'benchp' || ((g * 7 + g / 20 + 3) % ${PEOPLE}) as other) as who,
    lateral (
      select * from (values
        (0, 'idea.created', case when (g / 20) % 10 = 0 then ${staffId}::text else who.author end,
          jsonb_build_object('text', 'アイデア ' || (g / 20), 'category', '', 'anonymous', false,
            'help', case when (g / 20) % 10 = 0 then 'scribed' else 'none' end, 'authorId', who.author)
          || case when (g / 20) % 10 = 0 then jsonb_build_object('enteredBy', ${staffId}::text) else '{}'::jsonb end),
        (1, 'idea.edited', who.author, jsonb_build_object('field', 'text', 'from', 'アイデア ' || (g / 20), 'to', 'アイデア ' || (g / 20) || '（直した）')),
        (2, 'vote.cast', who.other, jsonb_build_object('from', 0, 'to', 1)),
        (3, 'thanks.given', who.other, '{}'::jsonb),
        (4, 'project.member_joined', ${staffId}::text, jsonb_build_object('memberId', who.other)),
        (5, 'step.done', who.other, jsonb_build_object('doneBy', who.other)),
        (6, 'vote.withdrawn', who.other, jsonb_build_object('from', 1, 'to', 0)),
        (7, 'attendance', who.other, jsonb_build_object('meetingId', 'm' || (g / 200), 'recordedBy', ${staffId}::text, 'corrected', false)),
        (8, 'board.changed', ${staffId}::text, jsonb_build_object('field', 'phase', 'from', 'collect', 'to', 'vote'))
      ) as t(slot, type, actor, data)
      where t.slot = case
        when g % 20 = 0 then 0
        when g % 20 = 1 then 1
        when g % 20 between 2 and 8 then 2
        when g % 20 between 9 and 12 then 3
        when g % 20 = 13 then 4
        when g % 20 = 14 then 5
        when g % 20 = 15 then 6
        when g % 20 in (16, 17) then 7
        else 8
      end
    ) as kind`;
}

/** The board's document as the seeded events left it: every idea, some parked, done or projects. */
function documentOf(boardId: string, count: number, staffId: string): Uint8Array {
  const doc = new Y.Doc();
  initBoard(doc, { title: boardId, voteBudget: 3 });
  for (let k = 0; k * EVENTS_PER_IDEA < count; k++) {
    const id = `${boardId}-i${k}`;
    const author = person(k % PEOPLE);
    addIdea(doc, { id, text: `アイデア ${k}（直した）`, authorId: author, ...(k % 10 === 0 ? { help: 'scribed' as const, enteredBy: staffId } : {}) });
    if (k % 7 === 3) editIdea(doc, id, { status: 'parked' });
    else if (k % 7 === 5) editIdea(doc, id, { status: 'done' });
    else if (k % 5 === 0) {
      const projectId = `${boardId}-p${k}`;
      createProject(doc, { id: projectId, ideaId: id, title: `プロジェクト ${k}` });
      setLead(doc, projectId, author);
      addStep(doc, projectId, { id: `${boardId}-s${k}`, text: 'はじめる' });
      tickStep(doc, projectId, `${boardId}-s${k}`, author, true);
    }
  }
  const state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return state;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function ms(value: number): string {
  return value.toFixed(1).padStart(6);
}

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
