/**
 * The history API's shapes (spec 3, docs/api.md "History"): the event log, snapshots and their
 * differences, a participant's report and the CSV exports. Staff read all of it; a participant's
 * session gets 403 on every route.
 *
 * Periods are read in the facility's time zone: a workshop in Japan means Japan's "June", whatever
 * zone the server's clock is set to.
 */
import { z } from 'zod';
import type { BoardJson, HelpLevel, Idea, IdeaStatus, Project, Step } from './board';
import { ID_MAX } from './limits';

/** Where a day, and so a month, begins and ends. Japan has no daylight saving time. */
export const FACILITY_TIME_ZONE = 'Asia/Tokyo';

export const EVENT_TYPES = [
  'idea.created',
  'idea.edited',
  'idea.deleted',
  'idea.merged',
  'idea.status',
  'vote.cast',
  'vote.withdrawn',
  /** A merge (or a restore) moved a voter's dots: the actor is the staff member, `data.voterId` the voter. */
  'vote.moved',
  /** "I'll pass this time", and taking it back (`data.passerId` when staff cleared someone's). */
  'vote.passed',
  'vote.unpassed',
  'thanks.given',
  'thanks.withdrawn',
  'project.created',
  'project.edited',
  'project.deleted',
  'project.lead_claimed',
  'project.lead_released',
  'project.member_joined',
  'project.member_left',
  'project.status',
  'step.added',
  'step.edited',
  'step.removed',
  'step.done',
  'step.undone',
  'board.changed',
  /** Staff brought back a snapshot's content (`data.snapshotId`, `data.label`, `data.kind`); the changes it made carry `data.restore`. */
  'board.restored',
  'meeting.started',
  'meeting.closed',
  'attendance',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const id = z.string().min(1).max(ID_MAX);

/**
 * A period's end: a calendar day `YYYY-MM-DD` in the facility's time zone (the whole day counts),
 * or an exact instant with its offset (`2026-06-01T09:00:00+09:00`).
 */
export const periodBound = z.union([
  z.iso.date({ error: 'a date is YYYY-MM-DD, or a time with its offset' }),
  z.iso.datetime({ offset: true, error: 'a date is YYYY-MM-DD, or a time with its offset' }),
]);

/** `?lang=`: the language of the CSV's column names (and of its fixed words). */
export const csvLanguage = z.enum(['ja', 'en']).default('ja');

/** `GET /api/boards/:id/events`. `cursor` is the `nextCursor` of the page before. */
export const eventsQuery = z.strictObject({
  ideaId: id.optional(),
  projectId: id.optional(),
  participantId: id.optional(),
  from: periodBound.optional(),
  to: periodBound.optional(),
  cursor: z.string().regex(/^\d{1,19}$/, 'a cursor is the nextCursor of the page before').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /api/boards/:id/events.csv`: the same filters, every page at once. */
export const eventsCsvQuery = eventsQuery.omit({ cursor: true, limit: true }).extend({ lang: csvLanguage });

/** One history event (spec 7), as the API shows it. */
export interface HistoryEvent {
  /** Increases with every event stored; the log's order. */
  id: string;
  boardId: string;
  type: EventType;
  /** Who did it: the connection's or the session's identity. */
  actorId: string;
  ideaId: string | null;
  projectId: string | null;
  stepId: string | null;
  /** The type's own payload (docs/api.md "History events"). */
  data: Record<string, unknown>;
  /** ISO time. */
  at: string;
}

/** A page of events, newest first; `nextCursor` is null on the last page. */
export interface EventPage {
  events: HistoryEvent[];
  nextCursor: string | null;
}

export const SNAPSHOT_LABEL_MAX = 100;

/** `POST /api/boards/:id/snapshots`. */
export const snapshotBody = z.strictObject({
  label: z.string().trim().min(1).max(SNAPSHOT_LABEL_MAX),
});

/** The snapshots staff can go back to (compaction snapshots are the store's own, never listed). */
export type SnapshotKind = 'auto' | 'named' | 'meeting';

export interface SnapshotInfo {
  id: string;
  kind: SnapshotKind;
  label: string;
  /** Staff id, or `server` for automatic ones. */
  takenBy: string;
  /** ISO time. */
  takenAt: string;
}

/** `GET /api/boards/:id/snapshots/:sid`: the board as it was, spec 5's shape. */
export interface SnapshotBoard {
  snapshot: SnapshotInfo;
  board: BoardJson;
}

/**
 * `GET /api/boards/:id/diff?from=:sid|now&to=:sid|now`. `from=now&to=:sid` is what restoring that
 * snapshot would change, which the restore's confirm lists.
 */
export const diffQuery = z.strictObject({
  from: z.union([z.literal('now'), id]),
  to: z.union([z.literal('now'), id]),
});

export interface Change<T> {
  from: T;
  to: T;
}

export interface IdeaChange {
  id: string;
  /** The idea as it is at `to`. */
  idea: Idea;
  text?: Change<string>;
  category?: Change<string>;
  status?: Change<IdeaStatus>;
  mergedInto?: Change<string | null>;
}

/** An idea's dots (all voters together) at both points. */
export interface DotsChange {
  ideaId: string;
  from: number;
  to: number;
}

export interface ProjectChange {
  id: string;
  /** The project as it is at `to`. */
  project: Project;
  title?: Change<string>;
  status?: Change<Project['status']>;
  lead?: Change<string>;
  membersJoined: string[];
  membersLeft: string[];
  stepsAdded: Step[];
  stepsRemoved: Step[];
  stepsDone: Step[];
  stepsUndone: Step[];
}

/** What changed from one point of a board's history to another (shared/board-diff.ts makes it). */
export interface BoardDiff {
  ideas: { added: Idea[]; removed: Idea[]; changed: IdeaChange[] };
  dots: DotsChange[];
  thanks: DotsChange[];
  projects: { added: Project[]; removed: Project[]; changed: ProjectChange[] };
}

export interface DiffAnswer {
  /** Null for `now`. */
  from: SnapshotInfo | null;
  /** Null for `now`. */
  to: SnapshotInfo | null;
  diff: BoardDiff;
}

/** `POST /api/boards/:id/snapshots/:sid/restore`: what the restore changed (now → the snapshot). */
export interface RestoreAnswer {
  snapshot: SnapshotInfo;
  diff: BoardDiff;
}

/** `GET /api/participants/:id/report?from&to` and the contributions CSV. */
export const reportQuery = z.strictObject({
  from: periodBound,
  to: periodBound,
});

export const contributionsCsvQuery = reportQuery.extend({ lang: csvLanguage });

/** What a person did in a period: counts only, never what they did not do. */
export interface ContributionCounts {
  /** Ideas they posted themselves (help `none`). */
  ideasIndependent: number;
  /** Ideas posted with staff's help (`prompted` or `scribed`): theirs, counted apart. */
  ideasHelped: number;
  /** Dots they placed, net of the ones they took back. */
  votesCast: number;
  thanksGiven: number;
  /** Thanks others gave their ideas. */
  thanksReceived: number;
  projectsLed: number;
  projectsJoined: number;
  stepsDone: number;
  meetingsAttended: number;
}

/** Every count, in the order the CSV's columns and the report's table show them. */
export const CONTRIBUTION_FIELDS = [
  'ideasIndependent',
  'ideasHelped',
  'votesCast',
  'thanksGiven',
  'thanksReceived',
  'projectsLed',
  'projectsJoined',
  'stepsDone',
  'meetingsAttended',
] as const satisfies readonly (keyof ContributionCounts)[];

/** One calendar month (facility time) of the period. */
export interface MonthCounts extends ContributionCounts {
  /** `YYYY-MM`. */
  month: string;
}

/** What became of an idea, as the report words it. */
export type IdeaFate = IdeaStatus | 'merged' | 'deleted';

export interface ReportIdea {
  id: string;
  boardId: string;
  boardTitle: string;
  text: string;
  /** ISO time. */
  createdAt: string;
  help: HelpLevel;
  anonymous: boolean;
  fate: IdeaFate;
  /** For `merged`: the survivor's text. */
  mergedIntoText?: string;
  /** For an idea that became a project. */
  project?: { id: string; title: string; status: Project['status']; stepsDone: number; steps: number };
  dots: number;
  thanks: number;
}

export interface ParticipantReport {
  facility: { name: string };
  participant: { id: string; displayName: string; reading: string; avatar: string; guest: boolean };
  /** ISO instants: `from` inclusive, `to` exclusive. */
  period: { from: string; to: string };
  generatedAt: string;
  totals: ContributionCounts;
  months: MonthCounts[];
  /** Newest first. */
  ideas: ReportIdea[];
  /**
   * True when the facility keeps anonymous authors from staff: the person's anonymous ideas are
   * then neither counted nor listed, so the report cannot reveal them.
   */
  anonymousLeftOut: boolean;
}
