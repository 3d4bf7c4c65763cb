/**
 * [spec 6] The idea rows of the permission table, one test per role column, with real y-websocket
 * clients: an allowed change reaches the observer; a forbidden one is undone by the server, never
 * reaches anybody else, and is logged under its rule (tests/helpers/permission-scene.ts).
 */
import { describe, it } from 'vitest';
import * as Y from 'yjs';
import { addIdea, boardRoots, deleteIdea, editIdea } from '../shared/board';
import { useScenes } from './helpers/permission-scene';

const scenes = useScenes();

describe('[spec 6] create an idea', () => {
  it('participant and guest: as themselves in collect; refused in any other phase (idea.create)', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.posts(aoi, 'aoi-1');
    await scene.posts(ken, 'ken-1');

    await scene.staffSets({ phase: 'vote' });
    await scene.refused(ken, 'ken posts in the vote phase', 'idea.create',
      (doc) => addIdea(doc, { id: 'ken-late', text: '遅れた案', authorId: ken.actorId }),
      (view) => 'ken-late' in view.raw.ideas);
    await scene.staffSets({ phase: 'projects' });
    await scene.refused(aoi, 'aoi posts in the projects phase', 'idea.create',
      (doc) => addIdea(doc, { id: 'aoi-late', text: '遅れた案', authorId: aoi.actorId }),
      (view) => 'aoi-late' in view.raw.ideas);
  });

  it('staff: in any phase, also for a participant with help and enteredBy; never in another’s name (idea.author)', async () => {
    const scene = await scenes.open();
    const { staff, ken } = scene;
    await scene.staffSets({ phase: 'vote' });
    await scene.posts(staff, 'staff-1');
    await scene.allowed(staff, 'staff write down ken’s idea for him',
      (doc) => addIdea(doc, { id: 'for-ken', text: '棚に名前', authorId: ken.actorId, help: 'scribed', enteredBy: staff.actorId }),
      (view) => view.board.ideas['for-ken']?.authorId === ken.actorId && view.board.ideas['for-ken']?.enteredBy === staff.actorId);

    await scene.refused(staff, 'staff post in ken’s name without saying so', 'idea.author',
      (doc) => addIdea(doc, { id: 'as-ken', text: 'けんの案?', authorId: ken.actorId }),
      (view) => 'as-ken' in view.raw.ideas);
    await scene.refused(staff, 'staff post for ken, entered by someone else', 'idea.author',
      (doc) => addIdea(doc, { id: 'by-other', text: 'けんの案?', authorId: ken.actorId, help: 'prompted', enteredBy: scene.mio.actorId }),
      (view) => 'by-other' in view.raw.ideas);
  });

  it('viewer: never (viewer.read-only)', async () => {
    const scene = await scenes.open();
    const { viewer } = scene;
    await scene.refused(viewer, 'the projector posts an idea', 'viewer.read-only',
      (doc) => addIdea(doc, { id: 'projector', text: '映す案', authorId: viewer.actorId }),
      (view) => 'projector' in view.raw.ideas);
  });
});

describe('[spec 6] edit or delete an idea', () => {
  it('participant and guest: their own in collect; not another’s, and not their own after collect (idea.edit)', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    await scene.posts(aoi, 'aoi-1', '箱を色で分ける');
    await scene.posts(aoi, 'aoi-2', '消す案');
    await scene.posts(ken, 'ken-1', '手袋を入口に置く');

    await scene.allowed(aoi, 'aoi edits her idea', (doc) => editIdea(doc, 'aoi-1', { text: '箱を色と形で分ける' }),
      (view) => view.board.ideas['aoi-1']?.text === '箱を色と形で分ける');
    await scene.allowed(aoi, 'aoi deletes her idea', (doc) => deleteIdea(doc, 'aoi-2'), (view) => !('aoi-2' in view.raw.ideas));

    await scene.refused(aoi, 'aoi edits ken’s idea', 'idea.edit', (doc) => editIdea(doc, 'ken-1', { text: 'いらない' }),
      (view) => view.board.ideas['ken-1']?.text === 'いらない');
    await scene.refused(aoi, 'aoi deletes ken’s idea', 'idea.edit', (doc) => deleteIdea(doc, 'ken-1'),
      (view) => !('ken-1' in view.raw.ideas));

    await scene.staffSets({ phase: 'vote' });
    await scene.refused(aoi, 'aoi edits her idea in the vote phase', 'idea.edit',
      (doc) => editIdea(doc, 'aoi-1', { text: '投票中に変える' }),
      (view) => view.board.ideas['aoi-1']?.text === '投票中に変える');
    await scene.refused(aoi, 'aoi deletes her idea in the vote phase', 'idea.edit', (doc) => deleteIdea(doc, 'aoi-1'),
      (view) => !('aoi-1' in view.raw.ideas));
  });

  it('staff: any idea, in any phase', async () => {
    const scene = await scenes.open();
    const { staff, ken } = scene;
    await scene.posts(ken, 'ken-1', '手袋を入口に置く');
    await scene.posts(ken, 'ken-2', '重なった案');
    await scene.staffSets({ phase: 'vote' });
    await scene.allowed(staff, 'staff edit ken’s idea', (doc) => editIdea(doc, 'ken-1', { text: '手袋を入口の棚に置く' }),
      (view) => view.board.ideas['ken-1']?.text === '手袋を入口の棚に置く');
    await scene.allowed(staff, 'staff delete ken’s idea', (doc) => deleteIdea(doc, 'ken-2'), (view) => !('ken-2' in view.raw.ideas));
  });

  it('viewer: never (viewer.read-only)', async () => {
    const scene = await scenes.open();
    const { viewer, ken } = scene;
    await scene.posts(ken, 'ken-1', '手袋を入口に置く');
    await scene.refused(viewer, 'the projector edits an idea', 'viewer.read-only',
      (doc) => editIdea(doc, 'ken-1', { text: '映しながら変える' }),
      (view) => view.board.ideas['ken-1']?.text === '映しながら変える');
    await scene.refused(viewer, 'the projector deletes an idea', 'viewer.read-only', (doc) => deleteIdea(doc, 'ken-1'),
      (view) => !('ken-1' in view.raw.ideas));
  });
});

describe('[spec 6] set status, mergedInto, category', () => {
  it('participant and guest: no, not even on their own idea in collect (idea.curate)', async () => {
    const scene = await scenes.open();
    const { ken } = scene;
    await scene.posts(ken, 'ken-1');
    await scene.posts(ken, 'ken-2');
    await scene.refused(ken, 'ken parks his idea', 'idea.curate', (doc) => editIdea(doc, 'ken-1', { status: 'parked' }),
      (view) => view.board.ideas['ken-1']?.status === 'parked');
    await scene.refused(ken, 'ken merges his idea into another', 'idea.curate',
      (doc) => editIdea(doc, 'ken-2', { mergedInto: 'ken-1' }),
      (view) => view.board.ideas['ken-2']?.mergedInto === 'ken-1');
    await scene.refused(ken, 'ken files his idea under a category', 'idea.curate',
      (doc) => editIdea(doc, 'ken-1', { category: '安全' }),
      (view) => view.board.ideas['ken-1']?.category === '安全');
    await scene.refused(ken, 'ken posts an idea already marked done', 'idea.curate',
      (doc) =>
        doc.transact(() => {
          addIdea(doc, { id: 'ken-done', text: 'もう済んだ', authorId: ken.actorId });
          boardRoots(doc).ideas.get('ken-done')!.set('status', 'done');
        }),
      (view) => 'ken-done' in view.raw.ideas);
    await scene.refused(ken, 'ken posts as if staff had helped', 'idea.curate',
      (doc) => addIdea(doc, { id: 'ken-helped', text: '手伝ってもらった', authorId: ken.actorId, help: 'scribed', enteredBy: ken.actorId }),
      (view) => 'ken-helped' in view.raw.ideas);
  });

  it('staff: yes, on anybody’s idea', async () => {
    const scene = await scenes.open();
    const { staff, ken, mio } = scene;
    await scene.posts(ken, 'ken-1');
    await scene.posts(mio, 'mio-1');
    await scene.allowed(staff, 'staff file ken’s idea and park it',
      (doc) => editIdea(doc, 'ken-1', { category: '安全', status: 'parked' }),
      (view) => view.board.ideas['ken-1']?.category === '安全' && view.board.ideas['ken-1']?.status === 'parked');
    await scene.allowed(staff, 'staff merge mio’s idea into ken’s', (doc) => editIdea(doc, 'mio-1', { mergedInto: 'ken-1' }),
      (view) => view.board.ideas['mio-1']?.mergedInto === 'ken-1');
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await scenes.open();
    const { viewer, ken } = scene;
    await scene.posts(ken, 'ken-1');
    await scene.refused(viewer, 'the projector parks an idea', 'viewer.read-only',
      (doc) => editIdea(doc, 'ken-1', { status: 'parked' }),
      (view) => view.board.ideas['ken-1']?.status === 'parked');
  });
});

describe('[spec 5, 6] the shape of an idea', () => {
  it('refuses an idea over 500 characters, or with a field the board does not have (shape)', async () => {
    const scene = await scenes.open();
    const { ken } = scene;
    await scene.refused(ken, 'ken posts 501 characters', 'shape',
      (doc) => addIdea(doc, { id: 'long', text: 'あ'.repeat(501), authorId: ken.actorId }),
      (view) => 'long' in view.raw.ideas);
    await scene.posts(ken, 'ken-1');
    await scene.refused(ken, 'ken adds a field to his idea', 'shape',
      (doc) => doc.transact(() => boardRoots(doc).ideas.get('ken-1')!.set('score', 99)),
      (view) => view.raw.ideas['ken-1']?.score === 99);
    await scene.refused(ken, 'ken posts an idea whose text is a Y.Text (every reader would see no text)', 'shape',
      (doc) => doc.transact(() => {
        addIdea(doc, { id: 'y-text', text: '', authorId: ken.actorId });
        boardRoots(doc).ideas.get('y-text')!.set('text', new Y.Text('見えない案'));
      }),
      (view) => 'y-text' in view.raw.ideas);
    await scene.refused(ken, 'ken puts a plain value where an idea belongs', 'shape',
      (doc) => doc.transact(() => boardRoots(doc).ideas.set('plain', new Y.Text('x') as never)),
      (view) => 'plain' in view.raw.ideas);
  });
});
