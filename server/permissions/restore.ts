/**
 * Writes an entry back to the value it had before a refused update: the compensating change (spec
 * 4, 6). It runs as an ordinary Yjs transaction on the server's document, so it reaches every
 * client like any other change, and everybody converges on the permitted state.
 *
 * Entries are restored in place where their shape allows, so that a concurrent, permitted edit of
 * another field of the same idea survives.
 */
import * as Y from 'yjs';
import { boardRoots } from '../../shared/board';
import type { IdeaEntry, MetaEntry, ProjectEntry, ThanksEntry, VotesEntry } from '../../shared/board-schema';
import type { SharedType } from './entries';

type Roots = ReturnType<typeof boardRoots>;

export function restoreMeta(roots: Roots, before: MetaEntry): void {
  const { timer, ...fields } = before;
  assignFields(roots.meta, fields, ['timer']);
  const current = roots.meta.get('timer');
  if (current instanceof Y.Map) assignFields(current, timer);
  else roots.meta.set('timer', mapOf(timer));
}

export function restoreIdea(roots: Roots, id: string, before: IdeaEntry | null): void {
  restoreFlat(roots.ideas as Y.Map<unknown>, id, before);
}

export function restoreVotes(roots: Roots, voterId: string, before: VotesEntry): void {
  restoreFlat(roots.votes as Y.Map<unknown>, voterId, Object.keys(before).length > 0 ? before : null);
}

export function restoreThanks(roots: Roots, giverId: string, before: ThanksEntry): void {
  restoreFlat(roots.thanks as Y.Map<unknown>, giverId, Object.keys(before).length > 0 ? before : null);
}

export function restorePass(roots: Roots, actorId: string, before: boolean): void {
  if (before) roots.passes.set(actorId, true);
  else if (roots.passes.has(actorId)) roots.passes.delete(actorId);
}

export function restoreProject(roots: Roots, id: string, before: ProjectEntry | null): void {
  const current = roots.projects.get(id);
  if (before === null) {
    if (current !== undefined) roots.projects.delete(id);
    return;
  }
  const members = current instanceof Y.Map ? current.get('members') : undefined;
  const steps = current instanceof Y.Map ? current.get('steps') : undefined;
  if (!(current instanceof Y.Map) || !(members instanceof Y.Map) || !(steps instanceof Y.Array)) {
    roots.projects.set(id, projectMap(before));
    return;
  }
  const { members: beforeMembers, steps: beforeSteps, ...fields } = before;
  assignFields(current, fields, ['members', 'steps']);
  assignFields(members, beforeMembers);
  if (JSON.stringify(steps.toJSON()) !== JSON.stringify(beforeSteps)) {
    steps.delete(0, steps.length);
    steps.insert(0, beforeSteps.map((step) => mapOf(step)));
  }
}

/** Deletes everything in a type that is not part of the board's shape. */
export function clearForeign(type: SharedType, transaction: Y.Transaction): void {
  // Yjs has no public way to empty a type of unknown kind; its items are reachable only here.
  for (const item of type._map.values()) if (!item.deleted) item.delete(transaction);
  for (let item = type._start; item !== null; item = item.right) if (!item.deleted) item.delete(transaction);
}

/** An entry that is one flat map (an idea, one voter's dots, one person's thank-yous). */
export function restoreFlat(root: Y.Map<unknown>, key: string, before: object | null): void {
  const current = root.get(key);
  if (before === null) {
    if (current !== undefined) root.delete(key);
  } else if (current instanceof Y.Map) {
    assignFields(current, before);
  } else {
    root.set(key, mapOf(before));
  }
}

/** Makes `map` hold exactly `fields` (ignoring `keep`), touching only keys that differ. */
function assignFields(map: Y.Map<unknown>, fields: object, keep: string[] = []): void {
  const want = new Map(Object.entries(fields).filter(([, value]) => value !== undefined));
  for (const key of [...map.keys()]) {
    if (!want.has(key) && !keep.includes(key)) map.delete(key);
  }
  for (const [key, value] of want) {
    if (map.get(key) !== value) map.set(key, value);
  }
}

function mapOf(fields: object): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) map.set(key, value);
  return map;
}

function projectMap(project: ProjectEntry): Y.Map<unknown> {
  const { members, steps, ...fields } = project;
  const map = mapOf(fields);
  map.set('members', mapOf(members));
  const list = new Y.Array<Y.Map<unknown>>();
  list.insert(0, steps.map((step) => mapOf(step)));
  map.set('steps', list);
  return map;
}
