/**
 * [spec 6] The votes, thanks and meta rows of the permission table, one test per role column, and
 * what happens to dots when staff lower the budget (tests/helpers/permission-scene.ts).
 */
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardRoots, castVote, giveThanks, setMeta, setPass, withdrawThanks } from '../shared/board';
import { useScenes, type Person, type Scene, type View } from './helpers/permission-scene';

const scenes = useScenes();

const dots = (view: View, person: Person, ideaId: string) => view.raw.votes[person.actorId]?.[ideaId];
const sum = (view: View, person: Person) =>
  Object.values(view.raw.votes[person.actorId] ?? {}).reduce<number>((total, count) => total + Number(count), 0);

/** Two ideas, then the vote phase. */
async function votingScene(voteBudget = 3): Promise<Scene> {
  const scene = await scenes.open({ voteBudget });
  await scene.posts(scene.ken, 'idea-1');
  await scene.posts(scene.mio, 'idea-2');
  await scene.staffSets({ phase: 'vote' });
  return scene;
}

/** Writes a raw count into one's own votes, past `castVote`'s clamping. */
function writeDots(doc: Y.Doc, voterId: string, ideaId: string, count: number): void {
  doc.transact(() => {
    const { votes } = boardRoots(doc);
    if (!votes.get(voterId)) votes.set(voterId, new Y.Map<number>());
    votes.get(voterId)!.set(ideaId, count);
  });
}

describe('[spec 6] write votes/<actor>', () => {
  it('participant and guest: their own, in the vote phase, within the budget, never negative', async () => {
    const scene = await votingScene(3);
    const { aoi, ken } = scene;
    await scene.allowed(aoi, 'aoi puts two dots on idea-1', (doc) => castVote(doc, aoi.actorId, 'idea-1', 2),
      (view) => dots(view, aoi, 'idea-1') === 2);
    await scene.allowed(ken, 'ken puts a dot on idea-2', (doc) => castVote(doc, ken.actorId, 'idea-2', 1),
      (view) => dots(view, ken, 'idea-2') === 1);
    await scene.allowed(aoi, 'aoi takes a dot back', (doc) => castVote(doc, aoi.actorId, 'idea-1', -1),
      (view) => dots(view, aoi, 'idea-1') === 1);

    await scene.refused(aoi, 'aoi votes beyond her budget', 'votes.budget', (doc) => castVote(doc, aoi.actorId, 'idea-2', 3),
      (view) => sum(view, aoi) > 3);
    await scene.refused(ken, 'ken writes a negative count', 'shape', (doc) => writeDots(doc, ken.actorId, 'idea-1', -1),
      (view) => dots(view, ken, 'idea-1') === -1);
    await scene.refused(ken, 'ken writes a fraction of a dot', 'shape', (doc) => writeDots(doc, ken.actorId, 'idea-1', 0.5),
      (view) => dots(view, ken, 'idea-1') === 0.5);
    await scene.refused(ken, 'ken votes for an idea that does not exist', 'votes.unknown-idea',
      (doc) => castVote(doc, ken.actorId, 'no-such-idea', 1),
      (view) => dots(view, ken, 'no-such-idea') !== undefined);

    await scene.staffSets({ phase: 'collect' });
    await scene.refused(ken, 'ken votes in the collect phase', 'votes.phase', (doc) => castVote(doc, ken.actorId, 'idea-1', 1),
      (view) => dots(view, ken, 'idea-1') !== undefined);
    await scene.staffSets({ phase: 'projects' });
    await scene.refused(aoi, 'aoi takes a dot back in the projects phase', 'votes.phase',
      (doc) => castVote(doc, aoi.actorId, 'idea-1', -1),
      (view) => dots(view, aoi, 'idea-1') === undefined);
  });

  it('participant and guest: when staff lower the budget, dots above it stay; their owner may take them back but not add', async () => {
    const scene = await votingScene(3);
    const { aoi } = scene;
    await scene.allowed(aoi, 'aoi spends her three dots', (doc) => castVote(doc, aoi.actorId, 'idea-1', 3),
      (view) => dots(view, aoi, 'idea-1') === 3);
    await scene.staffSets({ voteBudget: 1 });
    expect(dots(scene.observer.seen.at(-1)!, aoi, 'idea-1'), 'the dots above the new budget stay').toBe(3);
    expect(sum(scene.aoi.seen.at(-1)!, aoi)).toBe(3);

    await scene.allowed(aoi, 'aoi takes one dot back', (doc) => castVote(doc, aoi.actorId, 'idea-1', -1),
      (view) => dots(view, aoi, 'idea-1') === 2);
    await scene.refused(aoi, 'aoi puts the dot back', 'votes.budget', (doc) => castVote(doc, aoi.actorId, 'idea-1', 1),
      (view) => dots(view, aoi, 'idea-1') === 3);
    await scene.refused(aoi, 'aoi moves a dot while still above the budget', 'votes.budget',
      (doc) => doc.transact(() => {
        castVote(doc, aoi.actorId, 'idea-1', -1);
        castVote(doc, aoi.actorId, 'idea-2', 1);
      }),
      (view) => dots(view, aoi, 'idea-2') !== undefined && sum(view, aoi) > 1);
    await scene.allowed(aoi, 'aoi comes down to the budget', (doc) => castVote(doc, aoi.actorId, 'idea-1', -1),
      (view) => dots(view, aoi, 'idea-1') === 1);
    await scene.allowed(aoi, 'aoi moves her one dot, within the budget',
      (doc) => doc.transact(() => {
        castVote(doc, aoi.actorId, 'idea-1', -1);
        castVote(doc, aoi.actorId, 'idea-2', 1);
      }),
      (view) => dots(view, aoi, 'idea-1') === undefined && dots(view, aoi, 'idea-2') === 1);
  });

  it('staff: their own, with no budget; not a participant’s (votes.own)', async () => {
    const scene = await votingScene(3);
    const { staff, ken } = scene;
    await scene.allowed(staff, 'staff put five dots on idea-1', (doc) => castVote(doc, staff.actorId, 'idea-1', 5),
      (view) => dots(view, staff, 'idea-1') === 5);
    await scene.refused(staff, 'staff vote with ken’s dots', 'votes.own', (doc) => castVote(doc, ken.actorId, 'idea-2', 1),
      (view) => dots(view, ken, 'idea-2') !== undefined);
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await votingScene(3);
    const { viewer } = scene;
    await scene.refused(viewer, 'the projector votes', 'viewer.read-only', (doc) => castVote(doc, viewer.actorId, 'idea-1', 1),
      (view) => dots(view, viewer, 'idea-1') !== undefined);
  });
});

describe('[spec 6] write thanks/<actor>', () => {
  const thanked = (view: View, person: Person, ideaId: string) => view.raw.thanks[person.actorId]?.[ideaId] !== undefined;

  it('participant and guest: their own, to an idea that exists', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.allowed(aoi, 'aoi thanks ken', (doc) => giveThanks(doc, aoi.actorId, 'idea-1'), (view) => thanked(view, aoi, 'idea-1'));
    await scene.allowed(aoi, 'aoi withdraws her thanks', (doc) => withdrawThanks(doc, aoi.actorId, 'idea-1'),
      (view) => !thanked(view, aoi, 'idea-1'));
    await scene.refused(aoi, 'aoi thanks an idea that does not exist', 'thanks.unknown-idea',
      (doc) => giveThanks(doc, aoi.actorId, 'no-such-idea'), (view) => thanked(view, aoi, 'no-such-idea'));
    await scene.refused(ken, 'ken writes something other than true', 'shape',
      (doc) => doc.transact(() => {
        boardRoots(doc).thanks.set(ken.actorId, new Y.Map<true>());
        boardRoots(doc).thanks.get(ken.actorId)!.set('idea-1', 5 as never);
      }),
      (view) => thanked(view, ken, 'idea-1'));
  });

  it('staff: their own; not a participant’s (thanks.own)', async () => {
    const scene = await scenes.open();
    const { staff, ken, mio } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.allowed(staff, 'staff thank ken', (doc) => giveThanks(doc, staff.actorId, 'idea-1'),
      (view) => thanked(view, staff, 'idea-1'));
    await scene.refused(staff, 'staff thank ken in mio’s name', 'thanks.own', (doc) => giveThanks(doc, mio.actorId, 'idea-1'),
      (view) => thanked(view, mio, 'idea-1'));
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await scenes.open();
    const { viewer, ken } = scene;
    await scene.posts(ken, 'idea-1');
    await scene.refused(viewer, 'the projector says thank you', 'viewer.read-only',
      (doc) => giveThanks(doc, viewer.actorId, 'idea-1'), (view) => thanked(view, viewer, 'idea-1'));
  });
});

describe('[spec 6] meta (phase, timer, budget, votesHidden, furigana)', () => {
  const setTimer = (doc: Y.Doc, endsAt: number) =>
    doc.transact(() => {
      const timer = boardRoots(doc).meta.get('timer') as Y.Map<unknown>;
      timer.set('endsAt', endsAt);
      timer.set('label', '休憩');
    });

  it('participant and guest: no (meta.staff)', async () => {
    const scene = await scenes.open({ voteBudget: 3 });
    const { aoi, ken } = scene;
    await scene.refused(ken, 'ken starts the vote', 'meta.staff', (doc) => setMeta(doc, { phase: 'vote' }),
      (view) => view.raw.meta.phase === 'vote');
    await scene.refused(aoi, 'aoi raises the budget', 'meta.staff', (doc) => setMeta(doc, { voteBudget: 10 }),
      (view) => view.raw.meta.voteBudget === 10);
    await scene.refused(ken, 'ken hides the votes', 'meta.staff', (doc) => setMeta(doc, { votesHidden: true }),
      (view) => view.raw.meta.votesHidden === true);
    await scene.refused(aoi, 'aoi sets the timer', 'meta.staff', (doc) => setTimer(doc, 1_900_000_000_000),
      (view) => view.raw.meta.timer?.endsAt === 1_900_000_000_000);
    await scene.refused(ken, 'ken renames the board', 'meta.staff', (doc) => setMeta(doc, { title: 'けんのボード' }),
      (view) => view.raw.meta.title === 'けんのボード');
    // The board's furigana is everybody's default (issue 12): one participant's choice stays on their device.
    await scene.refused(aoi, "aoi turns on the board's furigana", 'meta.staff', (doc) => setMeta(doc, { furigana: 'all' }),
      (view) => view.raw.meta.furigana === 'all');
  });

  it('staff: yes', async () => {
    const scene = await scenes.open({ voteBudget: 3 });
    await scene.staffSets({ phase: 'vote', voteBudget: 5, votesHidden: true, furigana: 'grade-2' });
    await scene.allowed(scene.staff, 'staff set the timer', (doc) => setTimer(doc, 1_900_000_000_000),
      (view) => view.board.meta.timer.endsAt === 1_900_000_000_000 && view.board.meta.timer.label === '休憩');
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await scenes.open();
    await scene.refused(scene.viewer, 'the projector moves on to projects', 'viewer.read-only',
      (doc) => setMeta(doc, { phase: 'projects' }), (view) => view.raw.meta.phase === 'projects');
  });
});

describe('[spec 6, issue 9] write passes/<actor> ("I\'ll pass this time")', () => {
  const passes = (view: View, person: Person) => view.raw.passes[person.actorId] === true;

  it('participant and guest: their own, in the vote phase, and take it back; staff clear anybody\'s but pass for nobody', async () => {
    const scene = await votingScene(3);
    const { aoi, ken, staff, viewer } = scene;
    await scene.allowed(aoi, 'aoi passes', (doc) => setPass(doc, aoi.actorId, true), (view) => passes(view, aoi));
    await scene.allowed(aoi, 'aoi takes her pass back', (doc) => setPass(doc, aoi.actorId, false), (view) => !passes(view, aoi));
    await scene.allowed(ken, 'ken (a guest) passes', (doc) => setPass(doc, ken.actorId, true), (view) => passes(view, ken));
    await scene.refused(aoi, 'aoi passes for mio', 'pass.own', (doc) => setPass(doc, scene.mio.actorId, true),
      (view) => passes(view, scene.mio));
    await scene.refused(aoi, 'aoi writes something other than true', 'shape', (doc) => boardRoots(doc).passes.set(aoi.actorId, 'yes' as unknown as true),
      (view) => view.raw.passes[aoi.actorId] === 'yes');
    await scene.refused(staff, 'staff pass for somebody', 'pass.own', (doc) => setPass(doc, 'somebody', true), (view) => view.raw.passes.somebody === true);
    await scene.refused(viewer, 'the projector passes', 'viewer.read-only', (doc) => setPass(doc, viewer.actorId, true),
      (view) => passes(view, viewer));
    await scene.allowed(staff, 'staff clear ken’s pass (a new vote)', (doc) => setPass(doc, ken.actorId, false), (view) => !passes(view, ken));

    await scene.staffSets({ phase: 'projects' });
    await scene.refused(aoi, 'aoi passes after the vote', 'pass.phase', (doc) => setPass(doc, aoi.actorId, true), (view) => passes(view, aoi));
  });

  it('refuses a dot on a merged idea: its dots live on the idea it was merged into', async () => {
    const scene = await votingScene(3);
    const { aoi, staff } = scene;
    await scene.allowed(staff, 'staff merge idea-2 into idea-1 (no dots to move)', (doc) => boardRoots(doc).ideas.get('idea-2')!.set('mergedInto', 'idea-1'),
      (view) => view.board.ideas['idea-2']?.mergedInto === 'idea-1');
    await scene.refused(aoi, 'aoi votes for the merged idea', 'votes.merged', (doc) => castVote(doc, aoi.actorId, 'idea-2', 1),
      (view) => dots(view, aoi, 'idea-2') !== undefined);
    await scene.allowed(aoi, 'aoi votes for the survivor', (doc) => castVote(doc, aoi.actorId, 'idea-1', 1), (view) => dots(view, aoi, 'idea-1') === 1);
  });
});
