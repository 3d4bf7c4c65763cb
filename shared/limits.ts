/**
 * Every limit and default of a board and of the people on it, written once. The API schemas
 * (`shared/api.ts`), the document schemas (`shared/board-schema.ts`), the permission guard, the
 * database defaults (`drizzle/schema.ts`) and the client's forms all read them from here, so that
 * a form never offers what the server refuses.
 *
 * Changing a database default here changes `drizzle/schema.ts`: run `npm run db:generate` and commit
 * the migration it writes (tests/limits.test.ts fails until the database agrees).
 *
 * Lengths count UTF-16 code units, as zod's `.max()` and the HTML `maxlength` attribute both do.
 *
 * @example
 * import { VOTE_BUDGET_DEFAULT, VOTE_BUDGET_MAX, VOTE_BUDGET_MIN } from '../shared/limits';
 * z.int().min(VOTE_BUDGET_MIN).max(VOTE_BUDGET_MAX).default(VOTE_BUDGET_DEFAULT);
 */

/** Dots each participant may place on a board when staff do not choose (spec 3: "default 3"). */
export const VOTE_BUDGET_DEFAULT = 3;
/** The smallest budget staff may set: a vote phase with no dots would be no vote at all. */
export const VOTE_BUDGET_MIN = 1;
/** The largest budget staff may set; the dots-left row draws up to this many dots. */
export const VOTE_BUDGET_MAX = 20;

/** A board's title, in the row and in the document's `meta.title`. */
export const BOARD_TITLE_MAX = 100;
/** A board's description (the row only; the document does not carry it). */
export const BOARD_DESCRIPTION_MAX = 1000;

/** An idea's text (spec 5: "≤ 500 chars"). */
export const IDEA_TEXT_MAX = 500;
/** An idea's `category`: a category id, not its label. */
export const CATEGORY_MAX = 40;
/** Work-area categories a facility may configure (`PUT /api/facility/categories`). */
export const CATEGORIES_MAX = 12;
/** A category's label, in each language: a word or two on a tile. */
export const CATEGORY_LABEL_MAX = 30;
/** A project's title; a new project takes its idea's text, cut to this. */
export const PROJECT_TITLE_MAX = 200;
/** Steps in one project: steps are small, and a checklist this long is a plan of its own. */
export const PROJECT_STEPS_MAX = 100;
/** One step's text. */
export const STEP_TEXT_MAX = 200;
/** The timer's label in `meta.timer`. */
export const TIMER_LABEL_MAX = 100;
/**
 * Dots one voter has on one idea. Participants are held to their budget by the permission rules;
 * staff vote without one, and this bounds what any entry may hold.
 */
export const DOTS_PER_IDEA_MAX = 100;
/** Ids in the document and in request bodies (ours are 16 characters; clients make their own). */
export const ID_MAX = 64;

/** A participant's or guest's display name. */
export const DISPLAY_NAME_MAX = 50;
/** A participant's reading of their name, in kana. */
export const READING_MAX = 100;
/** A participant's avatar: an emoji (several code points for some) or a pictogram id. */
export const AVATAR_MAX = 64;

/** A staff member's login. */
export const LOGIN_MAX = 100;
/** A staff member's name. */
export const STAFF_NAME_MAX = 100;
/** The shortest staff password that setup accepts: long enough to resist guessing. */
export const PASSWORD_MIN = 10;
/** The longest staff password, at setup and at login alike. */
export const PASSWORD_MAX = 200;

/**
 * The largest HTTP request body the server reads (413 beyond it). The longest valid JSON body, a
 * board with a 1,000-character description written as `\u` escapes, is about 12 KiB.
 */
export const API_BODY_MAX_BYTES = 64 * 1024;
