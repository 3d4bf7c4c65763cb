/**
 * The HTTP API's shapes (spec 3): request bodies as zod schemas, which the server validates with and
 * the client reuses for its forms, and the answers as types. Every body schema is strict: a field it
 * does not name is refused with 400, never dropped silently (a misspelt `alowGuests` would otherwise
 * look like a success that changed nothing).
 */
import { z } from 'zod';
import type { BoardJson } from './board';
import type { Category } from './categories';
import type { ErrorCode } from './error-codes';
import {
  AVATAR_MAX,
  BOARD_DESCRIPTION_MAX,
  BOARD_TITLE_MAX,
  CATEGORIES_MAX,
  CATEGORY_LABEL_MAX,
  CATEGORY_MAX,
  DISPLAY_NAME_MAX,
  ID_MAX,
  LOGIN_MAX,
  PASSWORD_MAX,
  PASSWORD_MIN,
  READING_MAX,
  STAFF_NAME_MAX,
  VOTE_BUDGET_DEFAULT,
  VOTE_BUDGET_MAX,
  VOTE_BUDGET_MIN,
} from './limits';
import { CATEGORY_COLOURS, CATEGORY_PICTOGRAMS, findPictogram } from './pictogram-choices';

const trimmed = (max: number) => z.string().trim().min(1).max(max);

export const loginBody = z.strictObject({
  login: trimmed(LOGIN_MAX),
  password: z.string().min(1).max(PASSWORD_MAX),
});

/** Staff passwords: long enough to resist guessing, short enough to type on a tablet. */
const password = z.string().min(PASSWORD_MIN).max(PASSWORD_MAX);

export const setupBody = z.strictObject({
  token: z.string().min(1).max(200),
  login: trimmed(LOGIN_MAX),
  name: trimmed(STAFF_NAME_MAX),
  password,
});

/** A board's vote budget, whole dots within the limits. */
const voteBudget = z.int().min(VOTE_BUDGET_MIN).max(VOTE_BUDGET_MAX);

export const boardCreateBody = z.strictObject({
  title: trimmed(BOARD_TITLE_MAX),
  description: z.string().trim().max(BOARD_DESCRIPTION_MAX).default(''),
  voteBudget: voteBudget.default(VOTE_BUDGET_DEFAULT),
  allowGuests: z.boolean().default(true),
  allowAnonymous: z.boolean().default(true),
});

export const boardPatchBody = z
  .strictObject({
    title: trimmed(BOARD_TITLE_MAX),
    description: z.string().trim().max(BOARD_DESCRIPTION_MAX),
    voteBudget,
    allowGuests: z.boolean(),
    allowAnonymous: z.boolean(),
    /** Closing ends every right but staff's (docs/permissions.md); `false` reopens the board. */
    closed: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to change' });

const pin = z.string().regex(/^\d{4}$/, 'A PIN is four digits');

export const participantCreateBody = z.strictObject({
  displayName: trimmed(DISPLAY_NAME_MAX),
  reading: z.string().trim().max(READING_MAX).default(''),
  avatar: z.string().trim().max(AVATAR_MAX).default(''),
  pin: pin.optional(),
});

export const participantPatchBody = z
  .strictObject({
    displayName: trimmed(DISPLAY_NAME_MAX),
    reading: z.string().trim().max(READING_MAX),
    avatar: z.string().trim().max(AVATAR_MAX),
    pin: pin.nullable(),
    active: z.boolean(),
  })
  .partial()
  .refine((body) => Object.keys(body).length > 0, { message: 'Nothing to change' });

/**
 * One work-area category as staff configure it. `id` is what ideas store, so a kept category keeps
 * its id; a new one comes without and the server gives it one. An English label left empty is the
 * Japanese one. The pictogram and the colour are from the picker's sets (shared/pictogram-choices.ts).
 */
const categoryInput = z.strictObject({
  id: z
    .string()
    .min(1)
    .max(CATEGORY_MAX)
    .regex(/^[A-Za-z0-9_-]+$/, 'A category id is letters, digits, - and _')
    .optional(),
  label: z.strictObject({
    ja: z.string().trim().min(1).max(CATEGORY_LABEL_MAX),
    en: z.string().trim().max(CATEGORY_LABEL_MAX).default(''),
  }),
  pictogram: z
    .string()
    .max(16)
    .transform((emoji, ctx) => {
      const choice = findPictogram(CATEGORY_PICTOGRAMS, emoji);
      if (!choice) ctx.addIssue({ code: 'custom', message: 'Choose one of the offered pictograms' });
      return choice?.emoji ?? emoji;
    }),
  colour: z
    .string()
    .max(16)
    .transform((colour, ctx) => {
      const choice = CATEGORY_COLOURS.find((option) => option.colour.toLowerCase() === colour.toLowerCase());
      if (!choice) ctx.addIssue({ code: 'custom', message: 'Choose one of the offered colours' });
      return choice?.colour ?? colour;
    }),
});

/** `PUT /api/facility/categories`: the whole list, in the order the composer shows it. */
export const facilityCategoriesBody = z
  .strictObject({ categories: z.array(categoryInput).min(1).max(CATEGORIES_MAX) })
  .superRefine(({ categories }, ctx) => {
    const ids = categories.flatMap((category) => (category.id === undefined ? [] : [category.id]));
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'Two categories have the same id' });
    const names = categories.map((category) => category.label.ja);
    if (new Set(names).size !== names.length) ctx.addIssue({ code: 'custom', path: ['categories'], message: 'Two categories have the same name' });
  });

export const joinCodeParam = z.string().regex(/^\d{6}$/, 'A join code is six digits');

/** Either a roster name card (`participantId`, with `pin` when the card has one) or a guest name. */
export const joinBody = z
  .strictObject({
    code: joinCodeParam,
    participantId: z.string().min(1).max(ID_MAX).optional(),
    pin: pin.optional(),
    guestName: trimmed(DISPLAY_NAME_MAX).optional(),
  })
  .refine((body) => (body.participantId === undefined) !== (body.guestName === undefined), {
    message: 'Give either participantId or guestName',
  });

/** People one meeting's attendance may name: far more than any workshop's roster. */
export const MEETING_ATTENDANCE_MAX = 500;

/**
 * `POST /api/meetings/:id/close`. `attendance`, when given, replaces the attendance the server
 * recorded from presence (staff correcting it): actor ids of the facility's participants and guests.
 */
export const meetingCloseBody = z.strictObject({
  attendance: z.array(z.string().min(1).max(ID_MAX)).max(MEETING_ATTENDANCE_MAX).optional(),
});

/** `POST /api/boards/:id/ideas/:ideaId/merge`: the idea that survives (docs/api.md, "Tidying ideas"). */
export const ideaMergeBody = z.strictObject({
  into: z.string().min(1).max(ID_MAX),
});

/** The answer of merge and unmerge: the idea, what it is merged into now, and how many dots moved. */
export interface IdeaMergeAnswer {
  ideaId: string;
  mergedInto: string | null;
  moved: number;
}

export type LoginBody = z.infer<typeof loginBody>;
export type SetupBody = z.infer<typeof setupBody>;
export type BoardCreateBody = z.input<typeof boardCreateBody>;
export type BoardPatchBody = z.infer<typeof boardPatchBody>;
export type ParticipantCreateBody = z.input<typeof participantCreateBody>;
export type ParticipantPatchBody = z.infer<typeof participantPatchBody>;
export type FacilityCategoriesBody = z.input<typeof facilityCategoriesBody>;
export type JoinBody = z.infer<typeof joinBody>;
export type MeetingCloseBody = z.infer<typeof meetingCloseBody>;
export type IdeaMergeBody = z.infer<typeof ideaMergeBody>;

/** Who may do what on a board: the role travels in the websocket token. */
export type ActorRole = 'participant' | 'guest' | 'staff' | 'viewer';

/** `GET /api/me`. `actorId` is the id the board document uses for this person. */
export type Me =
  | { kind: 'staff'; id: string; actorId: string; name: string; role: 'admin' | 'staff'; facilityId: string }
  | {
      kind: 'participant';
      id: string;
      actorId: string;
      name: string;
      avatar: string;
      role: 'participant' | 'guest';
      facilityId: string;
      boardId: string;
    };

export interface Board {
  id: string;
  title: string;
  description: string;
  voteBudget: number;
  allowGuests: boolean;
  allowAnonymous: boolean;
  joinCode: string | null;
  createdAt: string;
  closedAt: string | null;
}

/**
 * A meeting on a board (`/api/boards/:id/meetings`, `/api/meetings/:id`, docs/api.md "Meetings").
 * While it is open, `attendance` is who has been seen on the board so far; once closed, who attended.
 */
export interface Meeting {
  id: string;
  boardId: string;
  startedAt: string;
  startedBy: string;
  closedAt: string | null;
  closedBy: string | null;
  /** The `meeting` snapshot taken when it closed. */
  snapshotId: string | null;
  /** Actor ids of participants and guests (never staff or the projector). */
  attendance: string[];
}

/**
 * `GET /api/meetings/:id/summary` (staff, docs/api.md "Meetings"): what the printable summary
 * needs. `board` is the document as the meeting's snapshot holds it (as it is now while the
 * meeting is still open); `people` names every actor id the board may hold, never PINs, and never
 * the author of an anonymous idea.
 */
export interface MeetingSummary {
  meeting: Meeting;
  title: string;
  board: BoardJson;
  people: Person[];
}

export interface Participant {
  id: string;
  displayName: string;
  reading: string;
  avatar: string;
  hasPin: boolean;
  active: boolean;
  /** While too many wrong PINs keep this card's sign-in locked: when it unlocks by itself (ISO). */
  pinLockedUntil: string | null;
}

/**
 * `GET`/`PUT /api/facility/categories` (staff, docs/api.md "Facility settings"): the facility's
 * work-area categories, or the defaults while it has configured none (`configured: false`).
 */
export interface FacilityCategories {
  categories: Category[];
  configured: boolean;
}

/** A name card on the join page: what anybody holding the code may see of the roster. */
export type NameCard = Pick<Participant, 'id' | 'displayName' | 'reading' | 'avatar' | 'hasPin'>;

export interface JoinInfo {
  board: { id: string; title: string; allowGuests: boolean; allowAnonymous: boolean };
  participants: NameCard[];
}

/** Somebody who may appear in a board document: roster, the board's guests, and staff. */
export interface Person {
  /** The actor id the document uses. */
  id: string;
  name: string;
  reading: string;
  avatar: string;
  kind: 'participant' | 'guest' | 'staff';
}

/**
 * `GET /api/boards/:id/context` (an extension of spec 3, docs/api.md): what a board page needs
 * besides the document, for staff and the board's participants alike.
 */
export interface BoardContext {
  board: Pick<Board, 'id' | 'title' | 'voteBudget' | 'allowGuests' | 'allowAnonymous'>;
  people: Person[];
  categories: Category[];
  /** The caller's own anonymous id on this board: what their anonymous ideas carry as `authorId`. */
  anonymousId?: string;
  /**
   * Staff only, unless the facility turned it off: anonymous id → actor id for everyone who may
   * post on the board, so staff views can name the author. Never sent to a participant or guest.
   */
  anonymousAuthors?: Record<string, string>;
}

/**
 * `GET /api/boards/:id/present-info` (the projector, with its viewer token as a bearer token;
 * docs/api.md "Projector"): what the projector page shows besides the document. Never PINs, never
 * the author of an anonymous idea, nothing about who voted for what.
 */
export interface PresentInfo {
  board: { id: string; title: string; joinCode: string | null };
  people: Person[];
  categories: Category[];
  /** The open meeting, if any, with what its opening celebration needs. */
  meeting: {
    id: string;
    startedAt: string;
    /** When the meeting before it ended (its close, or its start if it never closed); null for the first. */
    since: string | null;
    /** Projects already done when the meeting before it closed: not news any more. */
    doneBefore: string[];
  } | null;
}

export interface BoardToken {
  token: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** The same as `BoardContext.anonymousId`. */
  anonymousId?: string;
}

/** What a lock was guessing at: join codes, PINs of this facility's cards, or a staff password. */
export type LockoutKind = 'join-code' | 'pin' | 'sign-in';

/**
 * `GET /api/lockouts` (staff, docs/api.md): an address locked after too many wrong guesses. A card
 * locked by wrong PINs shows on the roster instead (`Participant.pinLockedUntil`).
 */
export interface Lockout {
  id: string;
  kind: LockoutKind;
  /** Where the guesses came from (an IPv6 address as its /64). */
  address: string;
  /** For `sign-in`: the account guessed at; null when the lock covers every account. */
  login: string | null;
  /** When it lifts by itself (ISO). */
  until: string;
}

export { ERROR_CODES, errorCodeForStatus, type ErrorCode } from './error-codes';

/** Every error answer: `{ error: { code, message, fields? } }`. */
export interface ApiError {
  error: { code: ErrorCode; message: string; fields?: Record<string, string[]> };
}
