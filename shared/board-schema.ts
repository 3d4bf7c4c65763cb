/**
 * The strict shape of every entry in the board document (spec 5), as zod schemas over the entries'
 * plain JSON. `shared/board.ts` reads leniently (a reader should not crash on odd data); these
 * schemas decide what the server accepts: unknown keys, wrong types and over-long texts are refused.
 */
import { z } from 'zod';
import { HELP_LEVELS, IDEA_STATUSES, PHASES, PROJECT_STATUSES } from './board';
import {
  BOARD_TITLE_MAX,
  CATEGORY_MAX,
  DOTS_PER_IDEA_MAX,
  ID_MAX,
  IDEA_TEXT_MAX,
  PROJECT_STEPS_MAX,
  PROJECT_TITLE_MAX,
  STEP_TEXT_MAX,
  TIMER_LABEL_MAX,
  VOTE_BUDGET_MAX,
  VOTE_BUDGET_MIN,
} from './limits';
import { FURIGANA_LEVELS } from './reading';
import { TIMER_DURATION_MAX_MS } from './timer';

const id = z.string().min(1).max(ID_MAX);
const time = z.number().int().nonnegative();

export const ideaSchema = z.strictObject({
  text: z.string().max(IDEA_TEXT_MAX),
  authorId: id,
  anonymous: z.boolean(),
  category: z.string().max(CATEGORY_MAX),
  createdAt: time,
  status: z.enum(IDEA_STATUSES),
  mergedInto: id.optional(),
  /** Written only with `mergedInto`, by the server's merge (shared/merge.ts). */
  mergedDots: z
    .record(id, z.strictObject({ took: z.number().int().nonnegative().max(DOTS_PER_IDEA_MAX), gave: z.number().int().nonnegative().max(DOTS_PER_IDEA_MAX) }))
    .optional(),
  help: z.enum(HELP_LEVELS),
  enteredBy: id.optional(),
});

export const stepSchema = z.strictObject({
  id,
  text: z.string().max(STEP_TEXT_MAX),
  done: z.boolean(),
  doneBy: id.optional(),
  doneAt: time.optional(),
});

export const projectSchema = z.strictObject({
  ideaId: id,
  title: z.string().max(PROJECT_TITLE_MAX),
  leadId: z.union([id, z.literal('')]),
  supporterId: z.union([id, z.literal('')]),
  members: z.record(id, z.literal(true)),
  status: z.enum(PROJECT_STATUSES),
  createdAt: time,
  steps: z.array(stepSchema).max(PROJECT_STEPS_MAX),
});

export const metaSchema = z.strictObject({
  title: z.string().max(BOARD_TITLE_MAX),
  phase: z.enum(PHASES),
  voteBudget: z.number().int().min(VOTE_BUDGET_MIN).max(VOTE_BUDGET_MAX),
  votesHidden: z.boolean(),
  // Added with issue 12; older boards' meta has no key.
  furigana: z.enum(FURIGANA_LEVELS).optional(),
  timer: z.strictObject({
    endsAt: time.nullable(),
    label: z.string().max(TIMER_LABEL_MAX),
    paused: z.boolean(),
    // Added with pause and progress (shared/timer.ts); older boards' timers have neither key.
    pausedAt: time.nullable().optional(),
    durationMs: z.number().int().positive().max(TIMER_DURATION_MAX_MS).nullable().optional(),
  }),
});

/** One voter's dots: whole, positive numbers (a dot taken back removes the key or lowers it). */
export const votesSchema = z.record(id, z.number().int().nonnegative().max(DOTS_PER_IDEA_MAX));
export const thanksSchema = z.record(id, z.literal(true));
/** `passes/<actor>`: present and true, or absent. */
export const passSchema = z.literal(true);

export type IdeaEntry = z.infer<typeof ideaSchema>;
export type ProjectEntry = z.infer<typeof projectSchema>;
export type MetaEntry = z.infer<typeof metaSchema>;
export type VotesEntry = z.infer<typeof votesSchema>;
export type ThanksEntry = z.infer<typeof thanksSchema>;
