/**
 * [issue 9, item 7] The merge rules (shared/merge.ts) as properties over random boards and random
 * sequences of merges and unmerges: no voter ever exceeds the budget, no dot is lost or duplicated,
 * a merged idea holds no dots, chains of merges end, a refused merge changes nothing, and undoing the merges (in reverse
 * order) gives every voter back exactly the dots they had.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, boardRoots, readIdea } from '../shared/board';
import { DOTS_PER_IDEA_MAX } from '../shared/limits';
import { mergeIdea, mergeProblem, unmergeIdea } from '../shared/merge';

const IDEAS = ['i0', 'i1', 'i2', 'i3', 'i4', 'i5'];
const VOTERS = ['v0', 'v1', 'v2', 'v3'];
type Votes = Record<string, Record<string, number>>;

/** A board with six ideas and each voter's dots, as written (counts of zero are left out). */
function board(votes: Votes): Y.Doc {
  const doc = new Y.Doc();
  doc.transact(() => {
    for (const id of IDEAS) addIdea(doc, { id, text: id, authorId: 'author', createdAt: 1 });
    for (const [voterId, own] of Object.entries(votes)) {
      const map = new Y.Map<number>();
      for (const [ideaId, count] of Object.entries(own)) if (count > 0) map.set(ideaId, count);
      boardRoots(doc).votes.set(voterId, map);
    }
  });
  return doc;
}

function votesOf(doc: Y.Doc): Votes {
  const result: Votes = {};
  boardRoots(doc).votes.forEach((own, voterId) => {
    const counts: Record<string, number> = {};
    own.forEach((count, ideaId) => {
      if (count > 0) counts[ideaId] = count;
    });
    if (Object.keys(counts).length > 0) result[voterId] = counts;
  });
  return result;
}

const total = (own: Record<string, number> | undefined) => Object.values(own ?? {}).reduce((sum, count) => sum + count, 0);
const ideasState = (doc: Y.Doc) => JSON.stringify(boardRoots(doc).ideas.toJSON());

/** Each voter spreads at most `budget` dots over the ideas. */
const votesWithin = (budget: number) =>
  fc.record(
    Object.fromEntries(VOTERS.map((voter) => [voter, fc.array(fc.constantFrom(...IDEAS), { maxLength: budget })])),
  ).map((picks) => {
    const votes: Votes = {};
    for (const [voter, ideas] of Object.entries(picks)) {
      votes[voter] = {};
      for (const idea of ideas) votes[voter][idea] = (votes[voter][idea] ?? 0) + 1;
    }
    return votes;
  });

const op = fc.oneof(
  fc.record({ kind: fc.constant('merge' as const), from: fc.constantFrom(...IDEAS), into: fc.constantFrom(...IDEAS) }),
  fc.record({ kind: fc.constant('unmerge' as const), from: fc.constantFrom(...IDEAS) }),
);

describe('[issue 9, item 7] merging ideas', () => {
  it('keeps every voter within the budget and every dot accounted for, through any sequence of merges and unmerges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }).chain((budget) => fc.tuple(fc.constant(budget), votesWithin(budget))), fc.array(op, { maxLength: 30 }), ([budget, votes], ops) => {
        const doc = board(votes);
        const start = votesOf(doc);
        for (const step of ops) {
          const before = votesOf(doc);
          const ideasBefore = ideasState(doc);
          const result = step.kind === 'merge' ? mergeIdea(doc, step.from, step.into) : unmergeIdea(doc, step.from);
          const after = votesOf(doc);
          if (!result.ok) {
            expect(after, 'a refused merge moves no dot').toEqual(before);
            expect(ideasState(doc), 'and changes no idea').toBe(ideasBefore);
            continue;
          }
          for (const voter of VOTERS) {
            // Within the budget, a voter's dots on one idea never reach the cap: nothing comes back,
            // so every dot is still theirs, somewhere.
            expect(total(after[voter]), `${voter}'s dots are neither lost nor duplicated`).toBe(total(start[voter]));
            expect(total(after[voter])).toBeLessThanOrEqual(budget);
          }
          for (const id of IDEAS) {
            const idea = readIdea(id, boardRoots(doc).ideas.get(id)!);
            if (idea.mergedInto === undefined) continue;
            for (const voter of VOTERS) expect(after[voter]?.[id] ?? 0, `the merged ${id} holds no dots`).toBe(0);
            // Chains (a into b, then b into c) end at an idea that stands on its own: never a loop.
            let survivor: string | undefined = idea.mergedInto;
            for (let hops = 0; survivor !== undefined && hops <= IDEAS.length; hops++) {
              const next: string | undefined = readIdea(survivor, boardRoots(doc).ideas.get(survivor)!).mergedInto;
              if (next === undefined) break;
              survivor = next;
            }
            expect(readIdea(survivor!, boardRoots(doc).ideas.get(survivor!)!).mergedInto, `${id}'s chain ends`).toBeUndefined();
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('restores the votes exactly when each merge is undone at once, and when all are undone in reverse order', () => {
    fc.assert(
      fc.property(votesWithin(20), fc.array(fc.tuple(fc.constantFrom(...IDEAS), fc.constantFrom(...IDEAS)), { maxLength: 12 }), (votes, pairs) => {
        const doc = board(votes);
        const start = votesOf(doc);
        const done: string[] = [];
        for (const [from, into] of pairs) {
          const before = votesOf(doc);
          if (!mergeIdea(doc, from, into).ok) continue;
          // Undo at once and redo: the same dots, exactly.
          expect(unmergeIdea(doc, from).ok).toBe(true);
          expect(votesOf(doc), `merge ${from} → ${into} then unmerge`).toEqual(before);
          expect(mergeIdea(doc, from, into).ok).toBe(true);
          done.push(from);
        }
        // A chain (a into b, then b into c) unmerges from its end back.
        for (const from of done.reverse()) expect(unmergeIdea(doc, from), `unmerge ${from}`).toEqual(expect.objectContaining({ ok: true }));
        expect(votesOf(doc)).toEqual(start);
        for (const id of IDEAS) expect(boardRoots(doc).ideas.get(id)!.has('mergedInto')).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the larger allowed total when one voter had dots on both, and gives the rest back', () => {
    const doc = board({ staff: { i0: 80, i1: 50 }, v0: { i0: 2, i1: 1 } });
    expect(mergeIdea(doc, 'i0', 'i1')).toEqual({ ok: true, moved: 82 });
    expect(votesOf(doc)).toEqual({ staff: { i1: DOTS_PER_IDEA_MAX }, v0: { i1: 3 } });
    expect(readIdea('i0', boardRoots(doc).ideas.get('i0')!).mergedDots).toEqual({ staff: { took: 80, gave: 50 }, v0: { took: 2, gave: 2 } });
    unmergeIdea(doc, 'i0');
    expect(votesOf(doc)).toEqual({ staff: { i0: 80, i1: 50 }, v0: { i0: 2, i1: 1 } });
  });

  it('gives back on unmerge only what is still on the survivor, so taking dots back after a merge counts', () => {
    const doc = board({ v0: { i0: 2, i1: 1 } });
    mergeIdea(doc, 'i0', 'i1');
    boardRoots(doc).votes.get('v0')!.set('i1', 1);
    unmergeIdea(doc, 'i0');
    expect(votesOf(doc)).toEqual({ v0: { i0: 1 } });
  });

  it('refuses merging into itself, into a merged idea, a merged idea again, and a project', () => {
    const doc = board({});
    expect(mergeProblem(doc, 'i0', 'i0')).toBe('same');
    expect(mergeProblem(doc, 'i0', 'nope')).toBe('missing');
    mergeIdea(doc, 'i0', 'i1');
    expect(mergeProblem(doc, 'i0', 'i2')).toBe('merged');
    expect(mergeProblem(doc, 'i2', 'i0')).toBe('target-merged');
    boardRoots(doc).ideas.get('i3')!.set('status', 'project');
    expect(mergeProblem(doc, 'i3', 'i2')).toBe('project');
    // i1 has i0 under it; merging it on is a chain, and i0 unmerges only after i1 does.
    expect(mergeIdea(doc, 'i1', 'i2').ok).toBe(true);
    expect(unmergeIdea(doc, 'i0')).toEqual({ ok: false, problem: 'target-merged' });
  });
});

