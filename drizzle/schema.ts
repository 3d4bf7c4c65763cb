/**
 * Every table Teian stores, in one module (drizzle-kit reads it to generate `drizzle/migrations`).
 *
 * Rows that belong to a facility carry `facility_id`, and every query of the API filters on it:
 * no route reads or writes another facility's rows. Ids are short random strings (nanoid), except the
 * update log, whose order matters and is kept by a sequence.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { VOTE_BUDGET_DEFAULT } from '../shared/limits';

/** `bytea` as a Uint8Array on both drivers (postgres.js hands out Buffers, PGlite Uint8Arrays). */
const bytes = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value.buffer, value.byteOffset, value.byteLength),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const facilities = pgTable('facilities', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  /** Facility-wide settings such as the work-area categories; shaped by `shared/api.ts`. */
  settings: jsonb('settings').notNull().default(sql`'{}'::jsonb`),
  createdAt: createdAt(),
});

export const staffUsers = pgTable('staff_users', {
  id: text('id').primaryKey(),
  facilityId: text('facility_id').notNull().references(() => facilities.id),
  login: text('login').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: ['admin', 'staff'] }).notNull(),
  passwordHash: text('password_hash').notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});

/**
 * The roster. Guests who typed a name at the join page are participants too (so that every actor id
 * in a board document names a row), marked by the board they joined as a guest.
 */
export const participants = pgTable(
  'participants',
  {
    id: text('id').primaryKey(),
    facilityId: text('facility_id').notNull().references(() => facilities.id),
    displayName: text('display_name').notNull(),
    reading: text('reading').notNull().default(''),
    avatar: text('avatar').notNull().default(''),
    pinHash: text('pin_hash'),
    active: boolean('active').notNull().default(true),
    guestBoardId: text('guest_board_id'),
    createdAt: createdAt(),
  },
  (t) => [index('participants_facility_idx').on(t.facilityId)],
);

export const boards = pgTable(
  'boards',
  {
    id: text('id').primaryKey(),
    facilityId: text('facility_id').notNull().references(() => facilities.id),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    voteBudget: integer('vote_budget').notNull().default(VOTE_BUDGET_DEFAULT),
    allowGuests: boolean('allow_guests').notNull().default(true),
    allowAnonymous: boolean('allow_anonymous').notNull().default(true),
    /**
     * Six digits, unique among boards that have one. A closed board keeps its code (joining with it
     * answers 404) so that reopening the board lets people join with the code they know.
     */
    joinCode: text('join_code').unique(),
    createdBy: text('created_by').notNull(),
    /** Set while the board is closed: nobody but staff may use it (docs/permissions.md). */
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /**
     * Projector (viewer) tokens carry the generation they were issued under; revoking them, or
     * closing the board, counts it up, and a token of an older generation opens nothing.
     */
    viewerGeneration: integer('viewer_generation').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('boards_facility_idx').on(t.facilityId)],
);

/**
 * Meetings held on a board (spec 3, docs/api.md "Meetings"). At most one is open per board at a
 * time: the partial unique index makes a second start a conflict even when two arrive at once.
 */
export const meetings = pgTable(
  'meetings',
  {
    id: text('id').primaryKey(),
    boardId: text('board_id').notNull().references(() => boards.id),
    startedBy: text('started_by').notNull(),
    startedAt: createdAt(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    closedBy: text('closed_by'),
    snapshotId: text('snapshot_id'),
    /**
     * Actor ids of the participants and guests seen on the board since the start (kept as they
     * arrive, so a restart loses nobody); on close, the attendance as recorded (or as staff corrected it).
     */
    attendance: jsonb('attendance').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  },
  (t) => [
    index('meetings_board_idx').on(t.boardId),
    uniqueIndex('meetings_one_open_per_board_idx').on(t.boardId).where(sql`${t.closedAt} is null`),
  ],
);

/**
 * Cookie sessions, staff and participant alike. The cookie holds a random token; only its SHA-256
 * is stored, so a leaked table does not sign anybody in.
 */
export const sessions = pgTable('sessions', {
  tokenHash: text('token_hash').primaryKey(),
  facilityId: text('facility_id').notNull().references(() => facilities.id),
  staffId: text('staff_id').references(() => staffUsers.id),
  participantId: text('participant_id').references(() => participants.id),
  /** The board a participant session was opened for; staff sessions span the facility. */
  boardId: text('board_id').references(() => boards.id),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  createdAt: createdAt(),
});

/** The append-only log of accepted Yjs updates (spec 7). Compaction folds old rows into a snapshot. */
export const boardUpdates = pgTable(
  'board_updates',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    boardId: text('board_id').notNull().references(() => boards.id),
    update: bytes('update').notNull(),
    actorId: text('actor_id').notNull(),
    /**
     * The commit that wrote the row, the same for every row of one group commit. A retry after a
     * failure that may have hidden a success (the reply to COMMIT lost) looks it up first, so that a
     * batch and its history events are never stored twice.
     */
    commitId: text('commit_id'),
    createdAt: createdAt(),
  },
  (t) => [index('board_updates_board_seq_idx').on(t.boardId, t.seq), index('board_updates_commit_idx').on(t.commitId)],
);

export const boardSnapshots = pgTable(
  'board_snapshots',
  {
    id: text('id').primaryKey(),
    boardId: text('board_id').notNull().references(() => boards.id),
    kind: text('kind', { enum: ['auto', 'named', 'meeting', 'compaction'] }).notNull(),
    label: text('label').notNull().default(''),
    state: bytes('state').notNull(),
    /** Every log row of this board with `seq <= upToSeq` is contained in `state`. */
    upToSeq: bigint('up_to_seq', { mode: 'number' }).notNull(),
    takenBy: text('taken_by').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('board_snapshots_board_idx').on(t.boardId, t.upToSeq)],
);

/**
 * History derived on the server from each accepted update, attributed to the connection (spec 7),
 * written in the same transaction as the update it came from (server/history/derive.ts). `seq` names
 * that update; compaction may remove the log row later, the event stays. Indexed for the history
 * queries: a board's events by time, an idea's or a project's timeline, a person's contributions.
 */
export const boardEvents = pgTable(
  'board_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    boardId: text('board_id').notNull().references(() => boards.id),
    /** The update this event came with; null for events that no update carries (a meeting closed). */
    seq: bigint('seq', { mode: 'number' }),
    type: text('type').notNull(),
    actorId: text('actor_id').notNull(),
    ideaId: text('idea_id'),
    projectId: text('project_id'),
    stepId: text('step_id'),
    data: jsonb('data').notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    index('board_events_board_idx').on(t.boardId, t.createdAt),
    // The events API pages a board's events newest first by id.
    index('board_events_board_id_idx').on(t.boardId, t.id),
    index('board_events_actor_idx').on(t.actorId, t.createdAt),
    // Whom an event names besides its actor (server/history/person.ts keeps the same expression).
    index('board_events_person_idx').using(
      'btree',
      sql`(coalesce(${t.data} ->> 'authorId', ${t.data} ->> 'leadId', ${t.data} ->> 'memberId', ${t.data} ->> 'doneBy', ${t.data} ->> 'voterId', ${t.data} ->> 'passerId', ${t.data} ->> 'giverId'))`,
      t.createdAt,
    ),
    index('board_events_idea_idx').on(t.ideaId, t.createdAt),
    index('board_events_project_idx').on(t.projectId, t.createdAt),
  ],
);

/**
 * Staff's corrections of the analyser's readings (docs/furigana.md, "Corrections"): in this
 * facility, wherever `surface` is one or more whole words of a text, it is read `reading`
 * (hiragana). One per surface and facility, since a name or a work term is read the same on every
 * board; readings are worked out again on every request, so a change here shows at once.
 */
export const readingCorrections = pgTable(
  'reading_corrections',
  {
    facilityId: text('facility_id').notNull().references(() => facilities.id),
    surface: text('surface').notNull(),
    reading: text('reading').notNull(),
    updatedBy: text('updated_by').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.facilityId, t.surface] })],
);
