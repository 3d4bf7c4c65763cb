/**
 * Who may change what in a board (spec 6), as code that both sides run: the server to enforce it on
 * every update, the client to show only the buttons a person may use.
 *
 * The first half, `can`, is the spec's table row by row. The second half, `checkChange`, applies
 * it to one changed entry of the document (an idea, a project, one voter's dots, …) given the entry
 * before and after the change, and names the rule that a forbidden change breaks.
 */
import type { Actor } from './actor';
import type { Phase } from './board';
import type { IdeaEntry, MetaEntry, ProjectEntry, ThanksEntry, VotesEntry } from './board-schema';
import { exhaustive } from './exhaustive';

/** What the rules look at of an actor: who, in which role, and what their anonymous ideas carry. */
export type RuleActor = Pick<Actor, 'id' | 'role' | 'anonymousId'>;

/**
 * Every anonymous id starts with this, and no actor id does (ids are alphanumeric), so the rules can
 * insist that an anonymous idea never carries a real actor id, even one that staff typed in.
 */
export const ANONYMOUS_ID_PREFIX = 'anon_';

export const isAnonymousId = (authorId: string) => authorId.startsWith(ANONYMOUS_ID_PREFIX);

/** Whether `actor` wrote an idea: under their own id, or under their anonymous id on this board. */
export const isAuthor = (actor: RuleActor, idea: Pick<IdeaEntry, 'authorId'>) =>
  idea.authorId === actor.id || (actor.anonymousId !== undefined && idea.authorId === actor.anonymousId);

const isStaff = (actor: RuleActor) => actor.role === 'staff';
/** Guests have exactly a participant's rights. */
const isParticipant = (actor: RuleActor) => actor.role === 'participant' || actor.role === 'guest';

type ProjectPeople = Pick<ProjectEntry, 'leadId' | 'members'>;
const isLeadOrMember = (actor: RuleActor, project: ProjectPeople) =>
  project.leadId === actor.id || project.members[actor.id] === true;

/** The spec's permission table. A viewer (the projector) may do nothing. */
export const can = {
  // create an idea (authorId = self, or self's anonymous id): participant in phase `collect`; staff always
  postIdea: (actor: RuleActor, phase: Phase) => isStaff(actor) || (isParticipant(actor) && phase === 'collect'),
  // edit or delete an idea: participant their own, in `collect`; staff any
  editIdea: (actor: RuleActor, phase: Phase, idea: Pick<IdeaEntry, 'authorId'>) =>
    isStaff(actor) || (isParticipant(actor) && isAuthor(actor, idea) && phase === 'collect'),
  // set status, mergedInto, category: staff
  curateIdeas: (actor: RuleActor) => isStaff(actor),
  // write votes/<actor>: participant their own, in phase `vote`; staff their own
  vote: (actor: RuleActor, phase: Phase) => isStaff(actor) || (isParticipant(actor) && phase === 'vote'),
  // write thanks/<actor>: their own
  thank: (actor: RuleActor) => isStaff(actor) || isParticipant(actor),
  // write passes/<actor> ("I'll pass this time"): participant their own, in phase `vote`; staff clear any
  pass: (actor: RuleActor, phase: Phase) => isParticipant(actor) && phase === 'vote',
  // meta (phase, timer, budget, votesHidden): staff
  runMeeting: (actor: RuleActor) => isStaff(actor),
  // create a project: staff
  createProject: (actor: RuleActor) => isStaff(actor),
  // claim lead ('' → self): participant; staff set any
  claimLead: (actor: RuleActor, project: ProjectPeople) =>
    isStaff(actor) || (isParticipant(actor) && project.leadId === ''),
  // release lead (self → ''): participant; staff set any
  releaseLead: (actor: RuleActor, project: ProjectPeople) =>
    isStaff(actor) || (isParticipant(actor) && project.leadId === actor.id),
  // join/leave members: self only; staff any
  joinProject: (actor: RuleActor) => isStaff(actor) || isParticipant(actor),
  // add, edit, tick steps: lead or member of that project; staff any
  editSteps: (actor: RuleActor, project: ProjectPeople) =>
    isStaff(actor) || (isParticipant(actor) && isLeadOrMember(actor, project)),
} as const;

/** Dots a voter has left; never negative, even after staff lowered the budget. */
export function dotsLeft(budget: number, votes: VotesEntry): number {
  return Math.max(0, budget - sumDots(votes));
}

export function sumDots(votes: VotesEntry): number {
  let sum = 0;
  for (const count of Object.values(votes)) sum += count;
  return sum;
}

/** One entry of the document, before and after an update. `null` means absent. */
export type EntryChange =
  | { kind: 'meta'; before: MetaEntry; after: MetaEntry }
  | { kind: 'idea'; id: string; before: IdeaEntry | null; after: IdeaEntry | null }
  | { kind: 'project'; id: string; before: ProjectEntry | null; after: ProjectEntry | null }
  | { kind: 'votes'; voterId: string; before: VotesEntry; after: VotesEntry }
  | { kind: 'thanks'; giverId: string; before: ThanksEntry; after: ThanksEntry }
  /** `passes/<actor>`: whether this person passes on the vote. */
  | { kind: 'pass'; actorId: string; before: boolean; after: boolean };

/** What the rules may look at besides the entry: the board as it was, and which ideas exist. */
export interface RuleContext {
  /** Meta before the update: a participant's rights depend on the phase they acted in. */
  meta: MetaEntry;
  /** Whether an idea exists once the update (minus any refused part) is applied. */
  ideaExists(id: string): boolean;
  /** Whether an idea is merged into another (it takes no new dots). Absent: no idea is. */
  ideaMerged?(id: string): boolean;
}

export interface Violation {
  rule: string;
  reason: string;
}

/** A board's settings that the rules depend on; they live in the board's row, not its document. */
export interface BoardSettings {
  allowGuests: boolean;
  allowAnonymous: boolean;
}

/**
 * Null when the board's settings allow `change`; otherwise the rule it breaks. Checked on top of
 * `checkChange`: with guests turned off a guest changes nothing, and with anonymity turned off no
 * idea becomes anonymous (ideas that already are stay so: turning it off is not a reveal).
 */
export function checkSettings(actor: RuleActor, change: EntryChange, settings: BoardSettings): Violation | null {
  if (actor.role === 'guest' && !settings.allowGuests) return refuse('settings.guests', 'this board no longer takes guests');
  if (change.kind !== 'idea' || !change.after?.anonymous || settings.allowAnonymous) return null;
  if (change.before?.anonymous) return null;
  return refuse('settings.anonymous', 'this board does not take anonymous ideas');
}

/** Null when `actor` may make `change`; otherwise the rule it breaks. */
export function checkChange(actor: RuleActor, change: EntryChange, context: RuleContext): Violation | null {
  if (actor.role === 'viewer') return refuse('viewer.read-only', 'a projector connection may not change the board');
  switch (change.kind) {
    case 'meta':
      return can.runMeeting(actor) ? null : refuse('meta.staff', 'only staff run the meeting');
    case 'idea':
      return checkIdea(actor, change.before, change.after, context.meta.phase);
    case 'project':
      return checkProject(actor, change.before, change.after);
    case 'votes':
      return checkVotes(actor, change.voterId, change.before, change.after, context);
    case 'thanks':
      return checkThanks(actor, change.giverId, change.before, change.after, context);
    case 'pass':
      return checkPass(actor, change.actorId, change.before, change.after, context.meta.phase);
    default:
      return exhaustive(change);
  }
}

function checkIdea(actor: RuleActor, before: IdeaEntry | null, after: IdeaEntry | null, phase: Phase): Violation | null {
  if (!before && !after) return null;
  if (!before && after) {
    if (!can.postIdea(actor, phase)) return refuse('idea.create', 'ideas are posted in the collect phase');
    // An anonymous idea never carries a real actor id, and a named one never an anonymous id.
    if (after.anonymous !== isAnonymousId(after.authorId)) {
      return refuse('idea.anonymous', 'an anonymous idea carries an anonymous id, a named idea its author');
    }
    if (isStaff(actor)) {
      // Staff post as themselves, or for a participant with `enteredBy` naming themselves.
      const authorOk = after.enteredBy === undefined ? ownAuthorId(actor, after) : after.enteredBy === actor.id;
      return authorOk ? null : refuse('idea.author', 'an idea is posted as yourself, or entered by you');
    }
    if (!ownAuthorId(actor, after)) return refuse('idea.author', 'an idea is posted as yourself');
    const curated =
      after.status !== 'open' || after.mergedInto !== undefined || after.mergedDots !== undefined || after.enteredBy !== undefined || after.help !== 'none';
    return curated ? refuse('idea.curate', 'only staff set status, merges and help') : null;
  }
  if (before && !after) {
    return can.editIdea(actor, phase, before) ? null : refuse('idea.edit', 'only your own ideas, in the collect phase');
  }
  const was = before!;
  const now = after!;
  // Anonymity is part of who wrote it: unmasking would change `authorId`, and masking a named idea
  // later would hide nothing that peers had not already seen.
  if (
    now.authorId !== was.authorId ||
    now.anonymous !== was.anonymous ||
    now.createdAt !== was.createdAt ||
    now.enteredBy !== was.enteredBy
  ) {
    return refuse('idea.identity', 'who wrote an idea, whether anonymously, and when, never changes');
  }
  if (!can.editIdea(actor, phase, was)) return refuse('idea.edit', 'only your own ideas, in the collect phase');
  const curatedChanged =
    now.status !== was.status ||
    now.mergedInto !== was.mergedInto ||
    JSON.stringify(now.mergedDots) !== JSON.stringify(was.mergedDots) ||
    now.category !== was.category ||
    now.help !== was.help;
  if (curatedChanged && !can.curateIdeas(actor)) return refuse('idea.curate', 'only staff set status, category and merges');
  return null;
}

/** An idea posted by `actor` under their own name, or anonymously under their anonymous id. */
function ownAuthorId(actor: RuleActor, idea: IdeaEntry): boolean {
  return idea.anonymous ? actor.anonymousId !== undefined && idea.authorId === actor.anonymousId : idea.authorId === actor.id;
}

function checkProject(actor: RuleActor, before: ProjectEntry | null, after: ProjectEntry | null): Violation | null {
  if (!before || !after) {
    if (!before && !after) return null;
    return can.createProject(actor) ? null : refuse('project.staff', 'only staff create or remove projects');
  }
  if (isStaff(actor)) return null;
  const staffFields = ['ideaId', 'title', 'supporterId', 'status', 'createdAt'] as const;
  if (staffFields.some((field) => before[field] !== after[field])) {
    return refuse('project.staff', 'only staff change a project’s title, idea, supporter or status');
  }
  if (after.leadId !== before.leadId) {
    const claims = after.leadId === actor.id && can.claimLead(actor, before);
    const releases = after.leadId === '' && can.releaseLead(actor, before);
    if (!claims && !releases) return refuse('project.lead', 'you can become lead of a project with none, or step down');
  }
  const membersChanged = new Set([...Object.keys(before.members), ...Object.keys(after.members)]);
  for (const memberId of membersChanged) {
    if ((before.members[memberId] === true) === (after.members[memberId] === true)) continue;
    if (memberId !== actor.id || !can.joinProject(actor)) {
      return refuse('project.members', 'you can join or leave a project only yourself');
    }
  }
  return checkSteps(actor, before, after);
}

function checkSteps(actor: RuleActor, before: ProjectEntry, after: ProjectEntry): Violation | null {
  if (JSON.stringify(before.steps) === JSON.stringify(after.steps)) return null;
  if (!can.editSteps(actor, after)) return refuse('project.steps', 'steps are for the lead and the members');
  const afterById = new Map(after.steps.map((step) => [step.id, step]));
  if (afterById.size !== after.steps.length) return refuse('project.steps', 'every step needs its own id');
  for (const step of before.steps) {
    if (!afterById.has(step.id)) return refuse('project.steps', 'only staff remove steps');
  }
  const beforeById = new Map(before.steps.map((step) => [step.id, step]));
  for (const step of after.steps) {
    const was = beforeById.get(step.id) ?? { done: false, doneBy: undefined, doneAt: undefined };
    if (step.done === was.done && step.doneBy === was.doneBy && step.doneAt === was.doneAt) continue;
    // Ticking records who did it; unticking clears it. No participant ticks in another's name
    // (staff, who may change any step, return before this).
    const ticked = step.done && step.doneBy === actor.id && step.doneAt !== undefined;
    const unticked = !step.done && step.doneBy === undefined && step.doneAt === undefined;
    if (!ticked && !unticked) return refuse('project.steps', 'a ticked step records you and the time');
  }
  return null;
}

function checkVotes(
  actor: RuleActor,
  voterId: string,
  before: VotesEntry,
  after: VotesEntry,
  context: RuleContext,
): Violation | null {
  if (voterId !== actor.id) return refuse('votes.own', 'you can only move your own dots');
  if (!can.vote(actor, context.meta.phase)) return refuse('votes.phase', 'votes are cast in the vote phase');
  const increased = Object.keys(after).filter((ideaId) => (after[ideaId] ?? 0) > (before[ideaId] ?? 0));
  if (increased.some((ideaId) => !context.ideaExists(ideaId))) {
    return refuse('votes.unknown-idea', 'a dot goes on an idea that exists');
  }
  // A merged idea's dots live on the idea it was merged into; new ones go there too.
  if (increased.some((ideaId) => context.ideaMerged?.(ideaId) === true)) {
    return refuse('votes.merged', 'a merged idea takes no dots: vote for the idea it was merged into');
  }
  // Staff have no budget. Dots above a lowered budget stay until their owner moves them: taking
  // dots back is always allowed, adding only within the budget.
  if (isParticipant(actor) && increased.length > 0 && sumDots(after) > context.meta.voteBudget) {
    return refuse('votes.budget', 'no dots left');
  }
  return null;
}

function checkThanks(
  actor: RuleActor,
  giverId: string,
  before: ThanksEntry,
  after: ThanksEntry,
  context: RuleContext,
): Violation | null {
  if (giverId !== actor.id || !can.thank(actor)) return refuse('thanks.own', 'you can only say your own thank-yous');
  const added = Object.keys(after).filter((ideaId) => before[ideaId] === undefined);
  if (added.some((ideaId) => !context.ideaExists(ideaId))) {
    return refuse('thanks.unknown-idea', 'a thank-you goes to an idea that exists');
  }
  return null;
}

/**
 * `passes/<actor>`: a participant says "I'll pass this time" for themselves, in the vote phase, and
 * may take it back then; staff may clear anybody's pass (a new vote), and pass for nobody.
 */
function checkPass(actor: RuleActor, passerId: string, before: boolean, after: boolean, phase: Phase): Violation | null {
  if (before === after) return null;
  if (isStaff(actor) && !after) return null;
  if (passerId !== actor.id) return refuse('pass.own', 'you can only pass for yourself');
  if (!can.pass(actor, phase)) return refuse('pass.phase', 'you can pass in the vote phase');
  return null;
}

function refuse(rule: string, reason: string): Violation {
  return { rule, reason };
}
