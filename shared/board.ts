/**
 * The board document (spec 5): its shape, and the only functions that write it.
 *
 * The server, the client and the tests all change a board through these functions, so the shape is
 * written down once. Each writer runs in one Yjs transaction, so a change reaches the others (and
 * the permission check) as one update.
 */
import * as Y from 'yjs';
import { VOTE_BUDGET_DEFAULT } from './limits';
import { FURIGANA_LEVELS, type FuriganaLevel } from './reading';

export const PHASES = ['collect', 'vote', 'projects', 'closed'] as const;
export type Phase = (typeof PHASES)[number];

export const IDEA_STATUSES = ['open', 'project', 'done', 'parked'] as const;
export type IdeaStatus = (typeof IDEA_STATUSES)[number];

export const PROJECT_STATUSES = ['planning', 'active', 'done', 'paused'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

export const HELP_LEVELS = ['none', 'prompted', 'scribed'] as const;
export type HelpLevel = (typeof HELP_LEVELS)[number];

export interface Idea {
  id: string;
  text: string;
  authorId: string;
  anonymous: boolean;
  category: string;
  createdAt: number;
  status: IdeaStatus;
  mergedInto?: string;
  /** On a merged idea: what the merge moved, per voter, so that unmerging gives it back (shared/merge.ts). */
  mergedDots?: Record<string, MovedDots>;
  help: HelpLevel;
  enteredBy?: string;
}

/** One voter's dots in a merge: `took` came off the merged idea, `gave` of them went onto the survivor. */
export interface MovedDots {
  took: number;
  gave: number;
}

export interface Step {
  id: string;
  text: string;
  done: boolean;
  doneBy?: string;
  doneAt?: number;
}

export interface Project {
  id: string;
  ideaId: string;
  title: string;
  leadId: string;
  supporterId: string;
  members: string[];
  status: ProjectStatus;
  createdAt: number;
  steps: Step[];
}

/** `meta.timer`; every time is the server's. The rules and writers are in shared/timer.ts. */
export interface Timer {
  /** When the time is up; null: no timer. While paused, the end as it was at the pause. */
  endsAt: number | null;
  label: string;
  paused: boolean;
  /** When it was paused (null while running); what is left is `endsAt − pausedAt`. Absent in older boards. */
  pausedAt: number | null;
  /** The whole length, for a progress bar; null when unknown. Absent in older boards. */
  durationMs: number | null;
}

export interface Meta {
  title: string;
  phase: Phase;
  voteBudget: number;
  votesHidden: boolean;
  /** The furigana a device shows on this board until it makes its own choice (docs/furigana.md). */
  furigana: FuriganaLevel;
  timer: Timer;
}

/** The whole board as plain data: what snapshots and diffs are made of. */
export interface BoardJson {
  meta: Meta;
  ideas: Record<string, Idea>;
  votes: Record<string, Record<string, number>>;
  thanks: Record<string, Record<string, true>>;
  projects: Record<string, Project>;
}

/** The root types of a board document. Root types never conflict, so any peer may ask for them. */
export function boardRoots(doc: Y.Doc) {
  return {
    meta: doc.getMap<unknown>('meta'),
    ideas: doc.getMap<Y.Map<unknown>>('ideas'),
    votes: doc.getMap<Y.Map<number>>('votes'),
    thanks: doc.getMap<Y.Map<true>>('thanks'),
    projects: doc.getMap<Y.Map<unknown>>('projects'),
    /** `actorId → true`: this person passes on this vote, which counts as done (docs/permissions.md). */
    passes: doc.getMap<true>('passes'),
  };
}

/**
 * Writes a new board's `meta`. Only the server calls this, once, when the board is created, so that
 * no two peers ever race to create the nested timer map.
 */
/** A new board's meta: collecting ideas, tallies visible, no timer. */
export function newMeta(init: { title: string; voteBudget: number }): Meta {
  return {
    title: init.title,
    phase: 'collect',
    voteBudget: init.voteBudget,
    votesHidden: false,
    furigana: 'none',
    timer: { endsAt: null, label: '', paused: false, pausedAt: null, durationMs: null },
  };
}

export function initBoard(doc: Y.Doc, init: { title: string; voteBudget: number }): void {
  const { timer, ...fields } = newMeta(init);
  doc.transact(() => {
    const { meta } = boardRoots(doc);
    for (const [key, value] of Object.entries(fields)) meta.set(key, value);
    const timerMap = new Y.Map<unknown>();
    for (const [key, value] of Object.entries(timer)) timerMap.set(key, value);
    meta.set('timer', timerMap);
  });
}

export function readMeta(doc: Y.Doc): Meta {
  const { meta } = boardRoots(doc);
  const timer = meta.get('timer');
  const timerMap = timer instanceof Y.Map ? timer : undefined;
  return {
    title: stringOr(meta.get('title'), ''),
    phase: oneOf(meta.get('phase'), PHASES, 'collect'),
    voteBudget: numberOr(meta.get('voteBudget'), VOTE_BUDGET_DEFAULT),
    votesHidden: meta.get('votesHidden') === true,
    // Boards made before issue 12 have no key: no furigana, as then.
    furigana: oneOf(meta.get('furigana'), FURIGANA_LEVELS, 'none'),
    timer: {
      endsAt: numberOr(timerMap?.get('endsAt'), null),
      label: stringOr(timerMap?.get('label'), ''),
      paused: timerMap?.get('paused') === true,
      pausedAt: numberOr(timerMap?.get('pausedAt'), null),
      durationMs: numberOr(timerMap?.get('durationMs'), null),
    },
  };
}

export function setMeta(doc: Y.Doc, change: Partial<Omit<Meta, 'timer'>>): void {
  doc.transact(() => {
    const { meta } = boardRoots(doc);
    for (const [key, value] of Object.entries(change)) meta.set(key, value);
  });
}

export interface NewIdea {
  id: string;
  text: string;
  authorId: string;
  anonymous?: boolean;
  category?: string;
  createdAt?: number;
  help?: HelpLevel;
  enteredBy?: string;
}

export function addIdea(doc: Y.Doc, idea: NewIdea): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    map.set('text', idea.text);
    map.set('authorId', idea.authorId);
    map.set('anonymous', idea.anonymous ?? false);
    map.set('category', idea.category ?? '');
    map.set('createdAt', idea.createdAt ?? Date.now());
    map.set('status', 'open');
    map.set('help', idea.help ?? 'none');
    if (idea.enteredBy) map.set('enteredBy', idea.enteredBy);
    boardRoots(doc).ideas.set(idea.id, map);
  });
}

export function editIdea(
  doc: Y.Doc,
  id: string,
  change: Partial<Pick<Idea, 'text' | 'category' | 'anonymous' | 'status' | 'mergedInto'>>,
): void {
  const map = boardRoots(doc).ideas.get(id);
  if (!map) return;
  doc.transact(() => {
    for (const [key, value] of Object.entries(change)) map.set(key, value);
  });
}

export function deleteIdea(doc: Y.Doc, id: string): void {
  doc.transact(() => boardRoots(doc).ideas.delete(id));
}

export function readIdea(id: string, map: Y.Map<unknown>): Idea {
  const mergedInto = map.get('mergedInto');
  const mergedDots = readMergedDots(map.get('mergedDots'));
  const enteredBy = map.get('enteredBy');
  return {
    id,
    text: stringOr(map.get('text'), ''),
    authorId: stringOr(map.get('authorId'), ''),
    anonymous: map.get('anonymous') === true,
    category: stringOr(map.get('category'), ''),
    createdAt: numberOr(map.get('createdAt'), 0),
    status: oneOf(map.get('status'), IDEA_STATUSES, 'open'),
    help: oneOf(map.get('help'), HELP_LEVELS, 'none'),
    ...(typeof mergedInto === 'string' ? { mergedInto } : {}),
    ...(mergedDots ? { mergedDots } : {}),
    ...(typeof enteredBy === 'string' ? { enteredBy } : {}),
  };
}

function readMergedDots(value: unknown): Record<string, MovedDots> | undefined {
  if (typeof value !== 'object' || value === null || value instanceof Y.AbstractType) return undefined;
  const result: Record<string, MovedDots> = {};
  for (const [voterId, moved] of Object.entries(value as Record<string, unknown>)) {
    if (typeof moved !== 'object' || moved === null) continue;
    const { took, gave } = moved as Record<string, unknown>;
    result[voterId] = { took: numberOr(took, 0), gave: numberOr(gave, 0) };
  }
  return result;
}

/** Says that `actorId` passes on this vote (counts as done), or takes it back. */
export function setPass(doc: Y.Doc, actorId: string, passing: boolean): void {
  doc.transact(() => {
    const { passes } = boardRoots(doc);
    if (passing) passes.set(actorId, true);
    else passes.delete(actorId);
  });
}

/** Who passes on this vote. */
export function passesOf(doc: Y.Doc): Set<string> {
  const result = new Set<string>();
  boardRoots(doc).passes.forEach((value, actorId) => {
    if (value === true) result.add(actorId);
  });
  return result;
}

/** One voter's dots, `ideaId → count`. */
export function votesOf(doc: Y.Doc, actorId: string): Map<string, number> {
  const own = boardRoots(doc).votes.get(actorId);
  const result = new Map<string, number>();
  own?.forEach((count, ideaId) => {
    if (typeof count === 'number' && count > 0) result.set(ideaId, count);
  });
  return result;
}

export function dotsUsed(doc: Y.Doc, actorId: string): number {
  let used = 0;
  for (const count of votesOf(doc, actorId).values()) used += count;
  return used;
}

/**
 * Adds `delta` dots (negative to take them back) from `actorId` to an idea. Counts never go below
 * zero here; the budget is the permission rules' business, so that a client that ignores it is
 * caught by the same rule on the server.
 */
export function castVote(doc: Y.Doc, actorId: string, ideaId: string, delta: number): void {
  doc.transact(() => {
    const own = ownEntry(boardRoots(doc).votes, actorId);
    const next = Math.max(0, (own.get(ideaId) ?? 0) + delta);
    if (next === 0) own.delete(ideaId);
    else own.set(ideaId, next);
  });
}

/** Every idea's total dots. */
export function tallies(doc: Y.Doc): Map<string, number> {
  const result = new Map<string, number>();
  boardRoots(doc).votes.forEach((own) => {
    own.forEach((count, ideaId) => {
      if (typeof count === 'number' && count > 0) {
        result.set(ideaId, (result.get(ideaId) ?? 0) + count);
      }
    });
  });
  return result;
}

export function giveThanks(doc: Y.Doc, actorId: string, ideaId: string): void {
  doc.transact(() => ownEntry(boardRoots(doc).thanks, actorId).set(ideaId, true));
}

/** A person's own map under `votes` or `thanks`, created on first use. */
function ownEntry<T>(root: Y.Map<Y.Map<T>>, actorId: string): Y.Map<T> {
  let own = root.get(actorId);
  if (!own) {
    own = new Y.Map<T>();
    root.set(actorId, own);
  }
  return own;
}

export function withdrawThanks(doc: Y.Doc, actorId: string, ideaId: string): void {
  doc.transact(() => boardRoots(doc).thanks.get(actorId)?.delete(ideaId));
}

/** How many people said thank you to each idea. */
export function thanksCounts(doc: Y.Doc): Map<string, number> {
  const result = new Map<string, number>();
  boardRoots(doc).thanks.forEach((own) => {
    own.forEach((value, ideaId) => {
      if (value === true) result.set(ideaId, (result.get(ideaId) ?? 0) + 1);
    });
  });
  return result;
}

export interface NewProject {
  id: string;
  ideaId: string;
  title: string;
  createdAt?: number;
}

/** Staff turn an idea into a project (spec 6); the idea's status follows. */
export function createProject(doc: Y.Doc, project: NewProject): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    map.set('ideaId', project.ideaId);
    map.set('title', project.title);
    map.set('leadId', '');
    map.set('supporterId', '');
    map.set('members', new Y.Map<true>());
    map.set('status', 'planning');
    map.set('createdAt', project.createdAt ?? Date.now());
    map.set('steps', new Y.Array<Y.Map<unknown>>());
    boardRoots(doc).projects.set(project.id, map);
    boardRoots(doc).ideas.get(project.ideaId)?.set('status', 'project');
  });
}

/**
 * Takes a project back (staff undoing "make a project"): the project goes and its idea gets back
 * the status it had, in one transaction.
 */
export function removeProject(doc: Y.Doc, projectId: string, ideaStatus: IdeaStatus = 'open'): void {
  doc.transact(() => {
    const { projects, ideas } = boardRoots(doc);
    const ideaId = projectMap(doc, projectId)?.get('ideaId');
    projects.delete(projectId);
    if (typeof ideaId === 'string') ideas.get(ideaId)?.set('status', ideaStatus);
  });
}

function projectMap(doc: Y.Doc, projectId: string): Y.Map<unknown> | undefined {
  const map = boardRoots(doc).projects.get(projectId);
  return map instanceof Y.Map ? map : undefined;
}

/** The staff member who backs the project's lead, or '' for none (staff only, spec 6). */
export function setSupporter(doc: Y.Doc, projectId: string, supporterId: string): void {
  doc.transact(() => projectMap(doc, projectId)?.set('supporterId', supporterId));
}

/** `leadId` to `actorId` (claim) or to '' (step down). */
export function setLead(doc: Y.Doc, projectId: string, leadId: string): void {
  doc.transact(() => projectMap(doc, projectId)?.set('leadId', leadId));
}

export function setMember(doc: Y.Doc, projectId: string, actorId: string, member: boolean): void {
  doc.transact(() => {
    const members = projectMap(doc, projectId)?.get('members');
    if (!(members instanceof Y.Map)) return;
    if (member) members.set(actorId, true);
    else members.delete(actorId);
  });
}

function stepsOf(doc: Y.Doc, projectId: string): Y.Array<Y.Map<unknown>> | undefined {
  const steps = projectMap(doc, projectId)?.get('steps');
  return steps instanceof Y.Array ? (steps as Y.Array<Y.Map<unknown>>) : undefined;
}

export function addStep(doc: Y.Doc, projectId: string, step: { id: string; text: string }): void {
  doc.transact(() => {
    const map = new Y.Map<unknown>();
    map.set('id', step.id);
    map.set('text', step.text);
    map.set('done', false);
    stepsOf(doc, projectId)?.push([map]);
  });
}

function findStep(doc: Y.Doc, projectId: string, stepId: string): Y.Map<unknown> | undefined {
  return stepsOf(doc, projectId)
    ?.toArray()
    .find((step) => step instanceof Y.Map && step.get('id') === stepId);
}

export function editStep(doc: Y.Doc, projectId: string, stepId: string, text: string): void {
  doc.transact(() => findStep(doc, projectId, stepId)?.set('text', text));
}

/** Ticking records who and when; unticking clears both (spec 6). */
export function tickStep(doc: Y.Doc, projectId: string, stepId: string, actorId: string, done: boolean, at = Date.now()): void {
  doc.transact(() => {
    const step = findStep(doc, projectId, stepId);
    if (!step) return;
    step.set('done', done);
    if (done) {
      step.set('doneBy', actorId);
      step.set('doneAt', at);
    } else {
      step.delete('doneBy');
      step.delete('doneAt');
    }
  });
}

/** The whole board as plain data (spec 5's shape). */
export function boardToJson(doc: Y.Doc): BoardJson {
  const roots = boardRoots(doc);
  const ideas: Record<string, Idea> = {};
  roots.ideas.forEach((map, id) => {
    if (map instanceof Y.Map) ideas[id] = readIdea(id, map);
  });
  const votes: BoardJson['votes'] = {};
  roots.votes.forEach((own, actorId) => {
    if (own instanceof Y.Map) votes[actorId] = Object.fromEntries(votesOf(doc, actorId));
  });
  const thanks: BoardJson['thanks'] = {};
  roots.thanks.forEach((own, actorId) => {
    if (!(own instanceof Y.Map)) return;
    const given: Record<string, true> = {};
    own.forEach((value, ideaId) => {
      if (value === true) given[ideaId] = true;
    });
    thanks[actorId] = given;
  });
  const projects: Record<string, Project> = {};
  roots.projects.forEach((map, id) => {
    if (map instanceof Y.Map) projects[id] = readProject(id, map);
  });
  return { meta: readMeta(doc), ideas, votes, thanks, projects };
}

export function readProject(id: string, map: Y.Map<unknown>): Project {
  const members = map.get('members');
  const steps = map.get('steps');
  return {
    id,
    ideaId: stringOr(map.get('ideaId'), ''),
    title: stringOr(map.get('title'), ''),
    leadId: stringOr(map.get('leadId'), ''),
    supporterId: stringOr(map.get('supporterId'), ''),
    members: members instanceof Y.Map ? [...members.keys()] : [],
    status: oneOf(map.get('status'), PROJECT_STATUSES, 'planning'),
    createdAt: numberOr(map.get('createdAt'), 0),
    steps: steps instanceof Y.Array ? steps.toArray().flatMap(readStep) : [],
  };
}

function readStep(value: unknown): Step[] {
  if (!(value instanceof Y.Map)) return [];
  const doneBy = value.get('doneBy');
  const doneAt = value.get('doneAt');
  return [
    {
      id: stringOr(value.get('id'), ''),
      text: stringOr(value.get('text'), ''),
      done: value.get('done') === true,
      ...(typeof doneBy === 'string' ? { doneBy } : {}),
      ...(typeof doneAt === 'number' ? { doneAt } : {}),
    },
  ];
}

function stringOr<T>(value: unknown, fallback: T): string | T {
  return typeof value === 'string' ? value : fallback;
}

function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.includes(value as T) ? (value as T) : fallback;
}
