/**
 * The board document seen as entries: `meta`, each idea, each project, each voter's dots, each
 * person's thank-yous. Permissions are decided per entry, so this module finds which entries a
 * transaction touched and reads them strictly (shared/board-schema.ts).
 */
import * as Y from 'yjs';
import { boardRoots } from '../../shared/board';
import {
  ideaSchema,
  metaSchema,
  passSchema,
  projectSchema,
  thanksSchema,
  votesSchema,
  type IdeaEntry,
  type MetaEntry,
  type ProjectEntry,
  type ThanksEntry,
  type VotesEntry,
} from '../../shared/board-schema';

/** Any shared type. Yjs parameterises its types by their event type, which no caller here cares about. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SharedType = Y.AbstractType<any>;

export type EntryRef =
  | { kind: 'meta' }
  | { kind: 'idea'; id: string }
  | { kind: 'project'; id: string }
  | { kind: 'votes'; voterId: string }
  | { kind: 'thanks'; giverId: string }
  | { kind: 'pass'; actorId: string }
  /** Content outside the board's shape: another root type, or list content in a map root. */
  | { kind: 'foreign'; type: SharedType };

/** A stable string for an entry, to collect each touched entry once. */
export function entryKey(ref: EntryRef): string {
  switch (ref.kind) {
    case 'meta':
      return 'meta';
    case 'idea':
      return `idea:${ref.id}`;
    case 'project':
      return `project:${ref.id}`;
    case 'votes':
      return `votes:${ref.voterId}`;
    case 'thanks':
      return `thanks:${ref.giverId}`;
    case 'pass':
      return `pass:${ref.actorId}`;
    case 'foreign':
      return `foreign:${foreignName(ref.type)}`;
  }
}

type Roots = ReturnType<typeof boardRoots>;

/** The entries a transaction changed, from the types it changed (`transaction.changed`). */
export function touchedEntries(roots: Roots, transaction: Y.Transaction): Map<string, EntryRef> {
  const touched = new Map<string, EntryRef>();
  const add = (ref: EntryRef) => touched.set(entryKey(ref), ref);
  for (const [type, keys] of transaction.changed) {
    if (type._item === null) {
      // A root changed directly: each changed key is an entry (null is list content, never valid).
      for (const key of keys) add(key === null ? { kind: 'foreign', type } : refAt(roots, type, key));
      continue;
    }
    // A nested type changed: climb to the item that sits directly in a root; its key is the entry.
    let item: Y.Item = type._item;
    while (item.parent instanceof Y.AbstractType && item.parent._item !== null) item = item.parent._item;
    const root = item.parent;
    if (!(root instanceof Y.AbstractType)) continue;
    add(item.parentSub === null ? { kind: 'foreign', type: root } : refAt(roots, root, item.parentSub));
  }
  return touched;
}

function refAt(roots: Roots, root: SharedType, key: string): EntryRef {
  if (root === roots.meta) return { kind: 'meta' };
  if (root === roots.ideas) return { kind: 'idea', id: key };
  if (root === roots.projects) return { kind: 'project', id: key };
  if (root === roots.votes) return { kind: 'votes', voterId: key };
  if (root === roots.thanks) return { kind: 'thanks', giverId: key };
  if (root === roots.passes) return { kind: 'pass', actorId: key };
  return { kind: 'foreign', type: root };
}

/** The result of reading an entry: its value, absent (`null`), or not of the board's shape. */
export type Read<T> = { ok: true; value: T } | { ok: false };

const malformed = { ok: false } as const;

export function readMetaEntry(roots: Roots): Read<MetaEntry> {
  const timer = roots.meta.get('timer');
  if (!(timer instanceof Y.Map) || !plainValues(roots.meta, ['timer']) || !plainValues(timer)) return malformed;
  return parsed(metaSchema.safeParse(roots.meta.toJSON()));
}

export function readIdeaEntry(roots: Roots, id: string): Read<IdeaEntry | null> {
  const value = roots.ideas.get(id);
  if (value === undefined) return { ok: true, value: null };
  if (!(value instanceof Y.Map) || !plainValues(value)) return malformed;
  return parsed(ideaSchema.safeParse(value.toJSON()));
}

export function readProjectEntry(roots: Roots, id: string): Read<ProjectEntry | null> {
  const value = roots.projects.get(id);
  if (value === undefined) return { ok: true, value: null };
  if (!(value instanceof Y.Map) || !plainValues(value, ['members', 'steps'])) return malformed;
  const members = value.get('members');
  const steps = value.get('steps');
  // The CRDT types matter, not only the JSON: members must merge by key, steps as a list of maps.
  if (!(members instanceof Y.Map) || !(steps instanceof Y.Array) || !plainValues(members)) return malformed;
  if (!steps.toArray().every((step) => step instanceof Y.Map && plainValues(step))) return malformed;
  return parsed(projectSchema.safeParse(value.toJSON()));
}

export function readVotesEntry(roots: Roots, voterId: string): Read<VotesEntry> {
  const value = roots.votes.get(voterId);
  if (value === undefined) return { ok: true, value: {} };
  if (!(value instanceof Y.Map) || !plainValues(value)) return malformed;
  return parsed(votesSchema.safeParse(value.toJSON()));
}

export function readThanksEntry(roots: Roots, giverId: string): Read<ThanksEntry> {
  const value = roots.thanks.get(giverId);
  if (value === undefined) return { ok: true, value: {} };
  if (!(value instanceof Y.Map) || !plainValues(value)) return malformed;
  return parsed(thanksSchema.safeParse(value.toJSON()));
}

/** `passes/<actor>`: true when present (and exactly `true`), false when absent. */
export function readPassEntry(roots: Roots, actorId: string): Read<boolean> {
  const value = roots.passes.get(actorId);
  if (value === undefined) return { ok: true, value: false };
  return passSchema.safeParse(value).success ? { ok: true, value: true } : malformed;
}

/**
 * Whether a map holds plain values only, but for the `nested` keys. `toJSON()` turns a Y.Text into
 * its string, so the schemas alone would take a Y.Text where a string belongs, while every
 * client's reader (shared/board.ts) sees no string there at all: a lead nobody can see.
 */
function plainValues<T>(map: Y.Map<T>, nested: readonly string[] = []): boolean {
  for (const [key, value] of map.entries()) {
    if (value instanceof Y.AbstractType && !nested.includes(key)) return false;
  }
  return true;
}

function parsed<T>(result: { success: true; data: T } | { success: false }): Read<T> {
  return result.success ? { ok: true, value: result.data } : malformed;
}

function foreignName(type: SharedType): string {
  const doc = type.doc;
  if (doc) {
    for (const [name, shared] of doc.share) if (shared === type) return name;
  }
  return '?';
}
