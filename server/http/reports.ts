/**
 * A participant's report and the facility's contributions CSV (docs/api.md "Participant report",
 * "CSV"). Staff only, and only their own facility's participants: another facility's is a 404.
 */
import { Hono } from 'hono';
import type { ContributionCounts } from '../../shared/history';
import { contributionsCsvQuery, reportQuery } from '../../shared/history';
import { facilityDate, periodEnd, periodStart } from '../../shared/period';
import { attachment, CSV_CONTENT_TYPE, toCsv } from '../history/csv';
import { CONTRIBUTION_FIELDS, facilityContributions, participantReport, type Period } from '../history/report';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

/** Longer periods are a typo (`0026-06-01`), and would list thousands of empty months. */
const PERIOD_YEARS_MAX = 10;

type ColumnNames = Record<'name' | 'reading' | keyof ContributionCounts, string>;

/** The CSV's column names: plain words that count what people did. */
const COLUMNS: Record<'ja' | 'en', ColumnNames> = {
  ja: {
    name: '名前',
    reading: 'よみがな',
    ideasIndependent: '自分で出したアイデア',
    ideasHelped: '手伝ってもらって出したアイデア',
    votesCast: '入れた票',
    thanksGiven: '送ったありがとう',
    thanksReceived: 'もらったありがとう',
    projectsLed: 'リーダーをしたプロジェクト',
    projectsJoined: '参加したプロジェクト',
    stepsDone: 'できたステップ',
    meetingsAttended: '出席した会議',
  },
  en: {
    name: 'Name',
    reading: 'Reading',
    ideasIndependent: 'Ideas posted on their own',
    ideasHelped: 'Ideas posted with help',
    votesCast: 'Votes cast',
    thanksGiven: 'Thanks given',
    thanksReceived: 'Thanks received',
    projectsLed: 'Projects led',
    projectsJoined: 'Projects joined',
    stepsDone: 'Steps done',
    meetingsAttended: 'Meetings attended',
  },
};

/** The query's bounds as instants; 400 when the period is empty or backwards, or absurdly long. */
function periodOf(query: { from: string; to: string }): Period {
  const period = { from: periodStart(query.from), to: periodEnd(query.to) };
  if (period.from >= period.to) throw apiError(400, '`from` must come before `to`', { from: ['must come before `to`'] });
  const longest = new Date(period.from);
  longest.setUTCFullYear(longest.getUTCFullYear() + PERIOD_YEARS_MAX);
  if (period.to > longest) throw apiError(400, `A period is at most ${PERIOD_YEARS_MAX} years`, { to: [`at most ${PERIOD_YEARS_MAX} years after \`from\``] });
  return period;
}

export function reportRoutes({ db }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/participants/:id/report', requireStaff, validate('query', reportQuery), async (c) => {
      const period = periodOf(c.req.valid('query'));
      const report = await participantReport(db, { facilityId: staffOf(c).facilityId, participantId: c.req.param('id'), period });
      if (!report) throw apiError(404, 'No such participant');
      return c.json(report);
    })

    .get('/reports/contributions.csv', requireStaff, validate('query', contributionsCsvQuery), async (c) => {
      const query = c.req.valid('query');
      const period = periodOf(query);
      const rows = await facilityContributions(db, { facilityId: staffOf(c).facilityId, period });
      const names = COLUMNS[query.lang];
      const csv = toCsv(
        [names.name, names.reading, ...CONTRIBUTION_FIELDS.map((field) => names[field])],
        rows.map(({ participant, counts }) => [participant.displayName, participant.reading, ...CONTRIBUTION_FIELDS.map((field) => counts[field])]),
      );
      // The last day the period covers: a period "to 2026-06-30" ends at the start of July 1st.
      const name = `teian-contributions-${facilityDate(period.from)}_${facilityDate(period.to.getTime() - 1)}.csv`;
      return c.body(csv, 200, { 'content-type': CSV_CONTENT_TYPE, 'content-disposition': attachment(name) });
    });
}
