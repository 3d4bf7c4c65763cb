/**
 * What people did in a period, counted from the history events (docs/api.md "Participant report"):
 * one participant's report, and the whole facility's counts for the contributions CSV.
 *
 * Both run the same counting (`tally`) over the period's events, so a person's CSV row and their
 * report always agree. The report reads only the events that involve the person (indexed, see
 * person.ts) plus the thanks on their ideas and the fate of their steps; the CSV reads the period's
 * events of the whole facility once and counts everybody from that one pass.
 */
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import * as Y from 'yjs';
import { boardEvents, boards, facilities, participants } from '../../drizzle/schema';
import { boardToJson, HELP_LEVELS, type BoardJson, type HelpLevel } from '../../shared/board';
import { CONTRIBUTION_FIELDS, type ContributionCounts, type EventType, type MonthCounts, type ParticipantReport, type ReportIdea } from '../../shared/history';

export { CONTRIBUTION_FIELDS };
import { monthOf, monthsBetween } from '../../shared/period';
import type { Database } from '../db/database';
import { staffSeeAnonymousAuthors } from '../http/board-context';
import { createBoardStore } from '../persistence/board-store';
import { involves } from './person';


export interface Period {
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

type EventRow = typeof boardEvents.$inferSelect;

/** The event types that count for somebody; every other type only describes. */
const COUNTED_TYPES = [
  'idea.created',
  'vote.cast',
  'vote.withdrawn',
  'thanks.given',
  'thanks.withdrawn',
  'project.lead_claimed',
  'project.member_joined',
  'step.done',
  'step.undone',
  'attendance',
] as const satisfies readonly EventType[];

const STEP_TYPES = ['step.done', 'step.undone'] as const satisfies readonly EventType[];

/** Whose an idea is, and how it was written (the latest help recorded for it). */
interface IdeaOwner {
  ownerId: string;
  anonymous: boolean;
  help: HelpLevel;
}

/** Ideas, projects and steps are keyed by board too: their ids are only unique on a board. */
function key(boardId: string, id: string | null): string {
  return `${boardId}\u0000${id ?? ''}`;
}

/** Changes a snapshot restore made are the board going back, not anybody's contribution. */
function isRestore(event: EventRow): boolean {
  const restore = (event.data as Record<string, unknown>).restore;
  return restore !== undefined && restore !== null && restore !== false;
}

/**
 * The person an `idea.created` is theirs: the named author, or for an anonymous idea (whose
 * `authorId` is an anonymous reference) the actor, who is always the real author.
 */
function ideaOwnerOf(created: EventRow): string {
  const data = created.data as { authorId?: unknown; anonymous?: unknown };
  if (data.anonymous === true || typeof data.authorId !== 'string' || data.authorId === '') return created.actorId;
  return data.authorId;
}

function helpOf(value: unknown): HelpLevel {
  return (HELP_LEVELS as readonly unknown[]).includes(value) ? (value as HelpLevel) : 'none';
}

/**
 * The owners of the ideas whose `idea.created` is among `events`, with the latest help recorded for
 * each (`events` in log order: the creation, then any `idea.edited` of `help`).
 */
function ownersFrom(events: readonly EventRow[]): Map<string, IdeaOwner> {
  const owners = new Map<string, IdeaOwner>();
  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    const ideaKey = key(event.boardId, event.ideaId);
    if (event.type === 'idea.created') {
      owners.set(ideaKey, { ownerId: ideaOwnerOf(event), anonymous: data.anonymous === true, help: helpOf(data.help) });
    } else if (event.type === 'idea.edited' && data.field === 'help') {
      const owner = owners.get(ideaKey);
      if (owner) owner.help = helpOf(data.to);
    }
  }
  return owners;
}

export function zeroCounts(): ContributionCounts {
  return {
    ideasIndependent: 0,
    ideasHelped: 0,
    votesCast: 0,
    thanksGiven: 0,
    thanksReceived: 0,
    projectsLed: 0,
    projectsJoined: 0,
    stepsDone: 0,
    meetingsAttended: 0,
  };
}

interface Tally {
  ideasIndependent: number;
  ideasHelped: number;
  votes: number;
  thanksGiven: number;
  thanksReceived: number;
  led: Set<string>;
  joined: Set<string>;
  steps: Set<string>;
  meetings: Set<string>;
}

/**
 * Everybody's counts over `events` (one period or one month, in log order, restores already left
 * out). `owners` knows the ideas the events are about; `leaveOutAnonymous` drops anonymous ideas
 * from every count, as the facility's setting asks.
 */
function tally(events: readonly EventRow[], owners: ReadonlyMap<string, IdeaOwner>, leaveOutAnonymous: boolean): Map<string, ContributionCounts> {
  const people = new Map<string, Tally>();
  const of = (personId: string): Tally => {
    let found = people.get(personId);
    if (!found) {
      found = {
        ideasIndependent: 0,
        ideasHelped: 0,
        votes: 0,
        thanksGiven: 0,
        thanksReceived: 0,
        led: new Set(),
        joined: new Set(),
        steps: new Set(),
        meetings: new Set(),
      };
      people.set(personId, found);
    }
    return found;
  };
  const ownerOf = (event: EventRow): IdeaOwner | undefined => {
    const owner = owners.get(key(event.boardId, event.ideaId));
    return owner && !(leaveOutAnonymous && owner.anonymous) ? owner : undefined;
  };
  /** Each step's latest done/undone in these events: who it is credited to, or null when undone. */
  const latestStep = new Map<string, string | null>();

  for (const event of events) {
    const data = event.data as Record<string, unknown>;
    switch (event.type) {
      case 'idea.created': {
        const owner = ownerOf(event);
        if (!owner) break;
        if (owner.help === 'none') of(owner.ownerId).ideasIndependent += 1;
        else of(owner.ownerId).ideasHelped += 1;
        break;
      }
      case 'vote.cast':
      case 'vote.withdrawn':
        of(event.actorId).votes += Number(data.to ?? 0) - Number(data.from ?? 0);
        break;
      case 'thanks.given':
      case 'thanks.withdrawn': {
        const sign = event.type === 'thanks.given' ? 1 : -1;
        of(event.actorId).thanksGiven += sign;
        const owner = ownerOf(event);
        if (owner && owner.ownerId !== event.actorId) of(owner.ownerId).thanksReceived += sign;
        break;
      }
      case 'project.lead_claimed':
        if (typeof data.leadId === 'string') of(data.leadId).led.add(key(event.boardId, event.projectId));
        break;
      case 'project.member_joined':
        if (typeof data.memberId === 'string') of(data.memberId).joined.add(key(event.boardId, event.projectId));
        break;
      case 'step.done':
        latestStep.set(key(event.boardId, event.stepId), typeof data.doneBy === 'string' && data.doneBy !== '' ? data.doneBy : event.actorId);
        break;
      case 'step.undone':
        latestStep.set(key(event.boardId, event.stepId), null);
        break;
      case 'attendance':
        if (typeof data.meetingId === 'string') of(event.actorId).meetings.add(data.meetingId);
        break;
    }
  }
  for (const [stepKey, doneBy] of latestStep) if (doneBy !== null) of(doneBy).steps.add(stepKey);

  const counts = new Map<string, ContributionCounts>();
  for (const [personId, person] of people) {
    counts.set(personId, {
      ideasIndependent: person.ideasIndependent,
      ideasHelped: person.ideasHelped,
      votesCast: Math.max(0, person.votes),
      thanksGiven: Math.max(0, person.thanksGiven),
      thanksReceived: Math.max(0, person.thanksReceived),
      projectsLed: person.led.size,
      projectsJoined: person.joined.size,
      stepsDone: person.steps.size,
      meetingsAttended: person.meetings.size,
    });
  }
  return counts;
}

function inPeriod(period: Period): SQL {
  return and(gte(boardEvents.createdAt, period.from), lt(boardEvents.createdAt, period.to))!;
}

function isIn(period: Period, at: Date): boolean {
  return at >= period.from && at < period.to;
}

/** Unique by id, in log order, without the changes restores made. */
function logOrder(...lists: readonly EventRow[][]): EventRow[] {
  const byId = new Map<number, EventRow>();
  for (const list of lists) for (const event of list) byId.set(event.id, event);
  return [...byId.values()].filter((event) => !isRestore(event)).sort((a, b) => a.id - b.id);
}

async function facilityOf(db: Database, facilityId: string) {
  const [facility] = await db.select({ name: facilities.name, settings: facilities.settings }).from(facilities).where(eq(facilities.id, facilityId));
  return { name: facility?.name ?? '', leaveOutAnonymous: !staffSeeAnonymousAuthors(facility?.settings) };
}

async function facilityBoards(db: Database, facilityId: string): Promise<Map<string, string>> {
  const rows = await db.select({ id: boards.id, title: boards.title }).from(boards).where(eq(boards.facilityId, facilityId));
  return new Map(rows.map((row) => [row.id, row.title]));
}

/** One participant's report, or null when the facility has no such participant. */
export async function participantReport(
  db: Database,
  { facilityId, participantId, period }: { facilityId: string; participantId: string; period: Period },
): Promise<ParticipantReport | null> {
  const [[person], facility, boardTitles] = await Promise.all([
    db.select().from(participants).where(and(eq(participants.id, participantId), eq(participants.facilityId, facilityId))),
    facilityOf(db, facilityId),
    facilityBoards(db, facilityId),
  ]);
  if (!person) return null;
  const boardIds = [...boardTitles.keys()];
  const onBoards = inArray(boardEvents.boardId, boardIds.length > 0 ? boardIds : ['']);

  const [theirs, everIdeas] = await Promise.all([
    // What they did or what names them, in the period.
    db.select().from(boardEvents).where(and(onBoards, involves(participantId), inPeriod(period))).orderBy(asc(boardEvents.id)),
    // Every idea of theirs, of any time: others may thank an old idea in this period.
    db
      .select()
      .from(boardEvents)
      .where(and(onBoards, eq(boardEvents.type, 'idea.created'), involves(participantId)))
      .orderBy(asc(boardEvents.id)),
  ]);
  const ownIdeas = everIdeas.filter((event) => !isRestore(event) && ideaOwnerOf(event) === participantId);
  const ownIdeaIds = [...new Set(ownIdeas.map((event) => event.ideaId!))];
  // Steps credited to them in the period: whoever unticked one later in the period undoes the credit.
  const stepProjects = [...new Set(theirs.filter((event) => event.type === 'step.done').map((event) => event.projectId!))];

  const [aboutIdeas, stepEvents] = await Promise.all([
    ownIdeaIds.length === 0
      ? []
      : db
          .select()
          .from(boardEvents)
          .where(
            and(
              onBoards,
              inArray(boardEvents.ideaId, ownIdeaIds),
              inArray(boardEvents.type, ['idea.edited', 'idea.deleted', 'thanks.given', 'thanks.withdrawn']),
            ),
          )
          .orderBy(asc(boardEvents.id)),
    stepProjects.length === 0
      ? []
      : db
          .select()
          .from(boardEvents)
          .where(and(onBoards, inArray(boardEvents.projectId, stepProjects), inArray(boardEvents.type, [...STEP_TYPES]), inPeriod(period)))
          .orderBy(asc(boardEvents.id)),
  ]);
  const ownKeys = new Set(ownIdeas.map((event) => key(event.boardId, event.ideaId)));
  const onOwnIdeas = aboutIdeas.filter((event) => ownKeys.has(key(event.boardId, event.ideaId)));
  const owners = ownersFrom(logOrder(ownIdeas, onOwnIdeas));
  const counted = logOrder(
    theirs,
    onOwnIdeas.filter((event) => event.type.startsWith('thanks.') && isIn(period, event.createdAt)),
    stepEvents,
  );

  const countsOf = (events: readonly EventRow[]) => tally(events, owners, facility.leaveOutAnonymous).get(participantId) ?? zeroCounts();
  const byMonth = new Map<string, EventRow[]>();
  for (const event of counted) {
    const month = monthOf(event.createdAt);
    const list = byMonth.get(month);
    if (list) list.push(event);
    else byMonth.set(month, [event]);
  }

  const listed = ownIdeas.filter(
    (event) => isIn(period, event.createdAt) && !(facility.leaveOutAnonymous && owners.get(key(event.boardId, event.ideaId))?.anonymous),
  );
  return {
    facility: { name: facility.name },
    participant: {
      id: person.id,
      displayName: person.displayName,
      reading: person.reading,
      avatar: person.avatar,
      guest: person.guestBoardId !== null,
    },
    period: { from: period.from.toISOString(), to: period.to.toISOString() },
    generatedAt: new Date().toISOString(),
    totals: countsOf(counted),
    months: monthsBetween(period.from, period.to).map((month) => ({ month, ...countsOf(byMonth.get(month) ?? []) }) satisfies MonthCounts),
    ideas: await reportIdeas(db, listed, onOwnIdeas, owners, boardTitles),
    anonymousLeftOut: facility.leaveOutAnonymous,
  };
}

/** The listed ideas, newest first, with what became of each on the board as it is now. */
async function reportIdeas(
  db: Database,
  created: readonly EventRow[],
  aboutIdeas: readonly EventRow[],
  owners: ReadonlyMap<string, IdeaOwner>,
  boardTitles: ReadonlyMap<string, string>,
): Promise<ReportIdea[]> {
  const docs = await currentBoards(db, [...new Set(created.map((event) => event.boardId))]);
  /** The text each idea had last, for the ones that are gone. */
  const lastText = new Map<string, string>();
  for (const event of [...created, ...aboutIdeas].sort((a, b) => a.id - b.id)) {
    const data = event.data as Record<string, unknown>;
    const text =
      event.type === 'idea.created' || event.type === 'idea.deleted'
        ? data.text
        : event.type === 'idea.edited' && data.field === 'text'
          ? data.to
          : undefined;
    if (typeof text === 'string') lastText.set(key(event.boardId, event.ideaId), text);
  }

  return [...created]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.id - a.id)
    .map((event): ReportIdea => {
      const ideaId = event.ideaId!;
      const ideaKey = key(event.boardId, ideaId);
      const board = docs.get(event.boardId);
      const idea = board?.ideas[ideaId];
      const base = {
        id: ideaId,
        boardId: event.boardId,
        boardTitle: boardTitles.get(event.boardId) ?? '',
        createdAt: event.createdAt.toISOString(),
        help: owners.get(ideaKey)?.help ?? 'none',
        anonymous: owners.get(ideaKey)?.anonymous ?? false,
      };
      if (!board || !idea) return { ...base, text: lastText.get(ideaKey) ?? '', fate: 'deleted', dots: 0, thanks: 0 };
      const project = Object.values(board.projects).find((candidate) => candidate.ideaId === ideaId);
      const survivor = idea.mergedInto === undefined ? undefined : survivorOf(board, idea.mergedInto);
      return {
        ...base,
        text: idea.text,
        fate: idea.mergedInto !== undefined ? 'merged' : idea.status,
        ...(idea.mergedInto !== undefined ? { mergedIntoText: survivor?.text ?? '' } : {}),
        ...(project
          ? {
              project: {
                id: project.id,
                title: project.title,
                status: project.status,
                stepsDone: project.steps.filter((step) => step.done).length,
                steps: project.steps.length,
              },
            }
          : {}),
        dots: Object.values(board.votes).reduce((sum, own) => sum + (own[ideaId] ?? 0), 0),
        thanks: Object.values(board.thanks).filter((given) => given[ideaId] === true).length,
      };
    });
}

/** The idea at the end of a merge chain (each merged idea points at the one it went into). */
function survivorOf(board: BoardJson, ideaId: string) {
  let idea = board.ideas[ideaId];
  const seen = new Set<string>();
  while (idea?.mergedInto !== undefined && !seen.has(idea.id) && board.ideas[idea.mergedInto]) {
    seen.add(idea.id);
    idea = board.ideas[idea.mergedInto];
  }
  return idea;
}

/** The stored documents of these boards as they are now, loaded side by side. */
async function currentBoards(db: Database, boardIds: readonly string[]): Promise<Map<string, BoardJson>> {
  const store = createBoardStore(db);
  const loaded = await Promise.all(
    boardIds.map(async (boardId) => {
      const stored = await store.load(boardId);
      if (!stored) return null;
      const doc = new Y.Doc();
      try {
        // One transaction for the log: one by one, each update pays for a cleanup of its own.
        doc.transact(() => {
          if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
          for (const update of stored.updates) Y.applyUpdate(doc, update);
        });
        return [boardId, boardToJson(doc)] as const;
      } finally {
        doc.destroy();
      }
    }),
  );
  return new Map(loaded.filter((entry) => entry !== null));
}

export interface ContributionRow {
  participant: { id: string; displayName: string; reading: string; guest: boolean };
  counts: ContributionCounts;
}

/**
 * Every participant's counts for the period: each active roster participant, and any inactive one
 * or guest with something counted. From one pass over the period's events of the facility.
 */
export async function facilityContributions(db: Database, { facilityId, period }: { facilityId: string; period: Period }): Promise<ContributionRow[]> {
  const [people, facility, boardTitles] = await Promise.all([
    db
      .select()
      .from(participants)
      .where(eq(participants.facilityId, facilityId))
      .orderBy(sql`${participants.guestBoardId} is not null`, asc(participants.reading), asc(participants.displayName), asc(participants.id)),
    facilityOf(db, facilityId),
    facilityBoards(db, facilityId),
  ]);
  const boardIds = [...boardTitles.keys()];
  const onBoards = inArray(boardEvents.boardId, boardIds.length > 0 ? boardIds : ['']);
  const events = logOrder(
    await db
      .select()
      .from(boardEvents)
      .where(and(onBoards, inPeriod(period), inArray(boardEvents.type, [...COUNTED_TYPES])))
      .orderBy(asc(boardEvents.id)),
  );

  // Thanks in the period may be for ideas of any time; and each idea's help may have been corrected later.
  const createdHere = new Set(events.filter((event) => event.type === 'idea.created').map((event) => key(event.boardId, event.ideaId)));
  const olderIdeaIds = [
    ...new Set(
      events
        .filter((event) => event.type.startsWith('thanks.') && !createdHere.has(key(event.boardId, event.ideaId)))
        .map((event) => event.ideaId!),
    ),
  ];
  const allIdeaIds = [...new Set([...olderIdeaIds, ...events.filter((event) => event.type === 'idea.created').map((event) => event.ideaId!)])];
  const [olderIdeas, helpEdits] = await Promise.all([
    olderIdeaIds.length === 0
      ? []
      : db
          .select()
          .from(boardEvents)
          .where(and(onBoards, eq(boardEvents.type, 'idea.created'), inArray(boardEvents.ideaId, olderIdeaIds))),
    allIdeaIds.length === 0
      ? []
      : db
          .select()
          .from(boardEvents)
          .where(
            and(
              onBoards,
              eq(boardEvents.type, 'idea.edited'),
              sql`${boardEvents.data} ->> 'field' = 'help'`,
              inArray(boardEvents.ideaId, allIdeaIds),
            ),
          ),
  ]);
  const owners = ownersFrom(logOrder(events.filter((event) => event.type === 'idea.created'), olderIdeas, helpEdits));
  const counts = tally(events, owners, facility.leaveOutAnonymous);

  return people
    .map((row) => ({
      participant: { id: row.id, displayName: row.displayName, reading: row.reading, guest: row.guestBoardId !== null },
      active: row.active && row.guestBoardId === null,
      counts: counts.get(row.id) ?? zeroCounts(),
    }))
    .filter((row) => row.active || CONTRIBUTION_FIELDS.some((field) => row.counts[field] > 0))
    .map(({ participant, counts: personCounts }) => ({ participant, counts: personCounts }));
}
