/**
 * Merging duplicate ideas (spec 1, issue 9 item 7), as one function over the board document that
 * the server runs for staff (server/http/ideas.ts) and the property test runs on its own.
 *
 * A merge keeps the merged idea (its author and its thanks stay on it; it shows under the survivor)
 * and moves its dots to the survivor, voter by voter, without ever growing anybody's total: a voter
 * with dots on both keeps the larger allowed total — the sum, up to DOTS_PER_IDEA_MAX on one idea —
 * and what is above that comes back to them. What moved is written on the merged idea
 * (`mergedDots`), so that unmerging gives each voter back what the merge took.
 *
 * The survivor may not itself be merged. An idea that others were merged into may be merged in turn
 * (a chain: its dots, theirs among them, move on); an idea is unmerged only while its survivor is
 * not merged, so undo runs in the reverse order of the merges and every record still describes the
 * dots it moved.
 *
 * @example
 * const result = mergeIdea(doc, 'dup', 'original');
 * if (!result.ok) throw apiError(409, mergeProblemText[result.problem]);
 */
import * as Y from 'yjs';
import { boardRoots, readIdea, type MovedDots } from './board';
import { DOTS_PER_IDEA_MAX } from './limits';

/** Why a merge or unmerge cannot be done; each is a 404 or a 409 at the API. */
export type MergeProblem =
  | 'missing' // either idea does not exist
  | 'same' // an idea into itself
  | 'merged' // the idea is merged already (merge) or not merged (unmerge)
  | 'target-merged' // the survivor is itself merged into another idea
  | 'project'; // the idea is a project (the project names it)

export type MergeResult = { ok: true; moved: number } | { ok: false; problem: MergeProblem };

/** What each problem means, in the API's words. */
export const mergeProblemText: Record<MergeProblem, string> = {
  missing: 'No such idea on this board',
  same: 'An idea cannot be merged into itself',
  merged: 'This idea is merged already',
  'target-merged': 'That idea is merged into another; merge into that one',
  project: 'This idea is a project; it cannot be merged',
};

/** Whether `fromId` may be merged into `intoId` now. */
export function mergeProblem(doc: Y.Doc, fromId: string, intoId: string): MergeProblem | null {
  const { ideas } = boardRoots(doc);
  const from = ideas.get(fromId);
  const into = ideas.get(intoId);
  if (!(from instanceof Y.Map) || !(into instanceof Y.Map)) return 'missing';
  if (fromId === intoId) return 'same';
  const fromIdea = readIdea(fromId, from);
  if (fromIdea.mergedInto !== undefined) return 'merged';
  if (readIdea(intoId, into).mergedInto !== undefined) return 'target-merged';
  if (fromIdea.status === 'project' || fromIdea.status === 'done') return 'project';
  return null;
}

/** Merges `fromId` into `intoId` in one transaction, or answers why not (and writes nothing). */
export function mergeIdea(doc: Y.Doc, fromId: string, intoId: string): MergeResult {
  const problem = mergeProblem(doc, fromId, intoId);
  if (problem) return { ok: false, problem };
  const { ideas, votes } = boardRoots(doc);
  let moved = 0;
  doc.transact(() => {
    const record: Record<string, MovedDots> = {};
    votes.forEach((own, voterId) => {
      if (!(own instanceof Y.Map)) return;
      const took = dotsIn(own, fromId);
      if (took === 0) return;
      const had = dotsIn(own, intoId);
      const gave = Math.min(took, Math.max(0, DOTS_PER_IDEA_MAX - had));
      own.delete(fromId);
      if (gave > 0) own.set(intoId, had + gave);
      record[voterId] = { took, gave };
      moved += took;
    });
    const idea = ideas.get(fromId)!;
    idea.set('mergedInto', intoId);
    idea.set('mergedDots', record);
  });
  return { ok: true, moved };
}

/**
 * Undoes a merge: each voter gets back on the merged idea what the merge took from them, less any
 * of it they have since taken back off the survivor; the idea stands on its own again.
 */
export function unmergeIdea(doc: Y.Doc, fromId: string): MergeResult {
  const { ideas, votes } = boardRoots(doc);
  const map = ideas.get(fromId);
  if (!(map instanceof Y.Map)) return { ok: false, problem: 'missing' };
  const idea = readIdea(fromId, map);
  const intoId = idea.mergedInto;
  if (intoId === undefined) return { ok: false, problem: 'merged' };
  const into = ideas.get(intoId);
  if (into instanceof Y.Map && readIdea(intoId, into).mergedInto !== undefined) return { ok: false, problem: 'target-merged' };
  let moved = 0;
  doc.transact(() => {
    for (const [voterId, { took, gave }] of Object.entries(idea.mergedDots ?? {})) {
      const own = votes.get(voterId);
      if (!(own instanceof Y.Map)) continue;
      const onInto = dotsIn(own, intoId);
      // What is still on the survivor of what the merge gave, and what came back to them then.
      const back = Math.min(gave, onInto);
      const returned = Math.max(0, took - gave);
      const give = Math.min(DOTS_PER_IDEA_MAX, back + returned);
      if (give === 0) continue;
      if (onInto - back > 0) own.set(intoId, onInto - back);
      else own.delete(intoId);
      own.set(fromId, dotsIn(own, fromId) + give);
      moved += give;
    }
    map.delete('mergedInto');
    map.delete('mergedDots');
  });
  return { ok: true, moved };
}

/** The ids of the ideas merged directly into `intoId`. */
export function mergedInto(doc: Y.Doc, intoId: string): string[] {
  const result: string[] = [];
  boardRoots(doc).ideas.forEach((map, id) => {
    if (map instanceof Y.Map && map.get('mergedInto') === intoId) result.push(id);
  });
  return result;
}

function dotsIn(own: Y.Map<number>, ideaId: string): number {
  const count = own.get(ideaId);
  return typeof count === 'number' && count > 0 ? count : 0;
}
