/**
 * [spec 6] The project rows of the permission table — create a project, lead, members, steps — one
 * test per role column (tests/helpers/permission-scene.ts).
 */
import { describe, it } from 'vitest';
import * as Y from 'yjs';
import { addStep, boardRoots, createProject, editStep, setLead, setMember, tickStep, type Project } from '../shared/board';
import { useScenes, type Scene, type View } from './helpers/permission-scene';

const scenes = useScenes();

const project = (view: View): Project | undefined => view.board.projects.p1;
const step = (view: View, id: string) => project(view)?.steps.find((candidate) => candidate.id === id);

/** Ideas by ken and mio, the projects phase, and staff's project `p1` from ken's idea. */
async function projectScene(): Promise<Scene> {
  const scene = await scenes.open();
  await scene.posts(scene.ken, 'idea-1');
  await scene.posts(scene.mio, 'idea-2');
  await scene.staffSets({ phase: 'projects' });
  await scene.allowed(scene.staff, 'staff make idea-1 a project',
    (doc) => createProject(doc, { id: 'p1', ideaId: 'idea-1', title: '色分けの箱' }),
    (view) => project(view)?.title === '色分けの箱' && view.board.ideas['idea-1']?.status === 'project');
  await scene.everybodyHas(scene.staff);
  return scene;
}

function setProjectField(doc: Y.Doc, key: string, value: unknown): void {
  doc.transact(() => boardRoots(doc).projects.get('p1')!.set(key, value));
}

describe('[spec 6] create a project', () => {
  it('participant and guest: no, nor change its title or remove it (project.staff)', async () => {
    const scene = await projectScene();
    const { ken } = scene;
    await scene.refused(ken, 'ken makes mio’s idea a project', ['idea.edit', 'project.staff'],
      (doc) => createProject(doc, { id: 'p2', ideaId: 'idea-2', title: 'みおの案' }),
      (view) => 'p2' in view.raw.projects || view.board.ideas['idea-2']?.status === 'project');
    await scene.refused(ken, 'ken renames the project', 'project.staff', (doc) => setProjectField(doc, 'title', 'けんの箱'),
      (view) => project(view)?.title === 'けんの箱');
    await scene.refused(ken, 'ken marks the project done', 'project.staff', (doc) => setProjectField(doc, 'status', 'done'),
      (view) => project(view)?.status === 'done');
    await scene.refused(ken, 'ken removes the project', 'project.staff',
      (doc) => doc.transact(() => boardRoots(doc).projects.delete('p1')), (view) => !('p1' in view.raw.projects));
  });

  it('staff: yes, and they run it', async () => {
    const scene = await projectScene();
    await scene.allowed(scene.staff, 'staff make idea-2 a project',
      (doc) => createProject(doc, { id: 'p2', ideaId: 'idea-2', title: '手袋置き場' }),
      (view) => view.board.projects.p2?.title === '手袋置き場');
    await scene.allowed(scene.staff, 'staff start the project and back it',
      (doc) => doc.transact(() => {
        setProjectField(doc, 'status', 'active');
        setProjectField(doc, 'supporterId', scene.staff.actorId);
      }),
      (view) => project(view)?.status === 'active' && project(view)?.supporterId === scene.staff.actorId);
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await projectScene();
    await scene.refused(scene.viewer, 'the projector makes idea-2 a project', ['viewer.read-only', 'viewer.read-only'],
      (doc) => createProject(doc, { id: 'p2', ideaId: 'idea-2', title: '映す案' }),
      (view) => 'p2' in view.raw.projects || view.board.ideas['idea-2']?.status === 'project');
  });
});

describe('[spec 6] claim lead (leadId: "" → self) / release (self → "")', () => {
  it('participant and guest: claim a free lead and step down; not name somebody else (project.lead)', async () => {
    const scene = await projectScene();
    const { aoi, ken, mio } = scene;
    await scene.refused(ken, 'ken makes aoi the lead', 'project.lead', (doc) => setLead(doc, 'p1', aoi.actorId),
      (view) => project(view)?.leadId === aoi.actorId);
    await scene.allowed(ken, 'ken claims the lead', (doc) => setLead(doc, 'p1', ken.actorId), (view) => project(view)?.leadId === ken.actorId);
    await scene.allowed(ken, 'ken steps down', (doc) => setLead(doc, 'p1', ''), (view) => project(view)?.leadId === '');
    await scene.everybodyHas(ken);
    await scene.allowed(mio, 'mio claims the free lead', (doc) => setLead(doc, 'p1', mio.actorId),
      (view) => project(view)?.leadId === mio.actorId);
    await scene.everybodyHas(mio);
    await scene.refused(ken, 'ken steps mio down', 'project.lead', (doc) => setLead(doc, 'p1', ''), (view) => project(view)?.leadId === '');
  });

  it('staff: set anyone, replace, or clear', async () => {
    const scene = await projectScene();
    const { staff, ken, mio } = scene;
    await scene.allowed(staff, 'staff make ken the lead', (doc) => setLead(doc, 'p1', ken.actorId), (view) => project(view)?.leadId === ken.actorId);
    await scene.allowed(staff, 'staff hand the lead to mio', (doc) => setLead(doc, 'p1', mio.actorId),
      (view) => project(view)?.leadId === mio.actorId);
    await scene.allowed(staff, 'staff clear the lead', (doc) => setLead(doc, 'p1', ''), (view) => project(view)?.leadId === '');
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await projectScene();
    await scene.refused(scene.viewer, 'the projector claims the lead', 'viewer.read-only',
      (doc) => setLead(doc, 'p1', scene.viewer.actorId), (view) => project(view)?.leadId === scene.viewer.actorId);
  });
});

describe('[spec 6] join/leave members', () => {
  it('participant and guest: themselves only (project.members)', async () => {
    const scene = await projectScene();
    const { aoi, ken } = scene;
    await scene.allowed(ken, 'ken joins', (doc) => setMember(doc, 'p1', ken.actorId, true), (view) => !!project(view)?.members.includes(ken.actorId));
    await scene.allowed(aoi, 'aoi joins', (doc) => setMember(doc, 'p1', aoi.actorId, true), (view) => !!project(view)?.members.includes(aoi.actorId));
    await scene.allowed(aoi, 'aoi leaves', (doc) => setMember(doc, 'p1', aoi.actorId, false), (view) => !project(view)?.members.includes(aoi.actorId));
    await scene.everybodyHas(aoi);
    await scene.refused(aoi, 'aoi removes ken', 'project.members', (doc) => setMember(doc, 'p1', ken.actorId, false),
      (view) => !project(view)?.members.includes(ken.actorId));
  });

  it('staff: anyone in or out', async () => {
    const scene = await projectScene();
    const { staff, ken, mio } = scene;
    await scene.allowed(staff, 'staff add ken and mio', (doc) => doc.transact(() => {
      setMember(doc, 'p1', ken.actorId, true);
      setMember(doc, 'p1', mio.actorId, true);
    }), (view) => project(view)?.members.length === 2);
    await scene.allowed(staff, 'staff take mio off', (doc) => setMember(doc, 'p1', mio.actorId, false),
      (view) => project(view)?.members.join() === ken.actorId);
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await projectScene();
    await scene.refused(scene.viewer, 'the projector joins', 'viewer.read-only', (doc) => setMember(doc, 'p1', scene.viewer.actorId, true),
      (view) => (project(view)?.members.length ?? 0) > 0);
  });
});

describe('[spec 6] add, edit, tick steps', () => {
  it('participant and guest: the lead and the members of that project; nobody else (project.steps)', async () => {
    const scene = await projectScene();
    const { aoi, ken, mio } = scene;
    await scene.allowed(ken, 'ken takes the lead', (doc) => setLead(doc, 'p1', ken.actorId), (view) => project(view)?.leadId === ken.actorId);
    await scene.allowed(mio, 'mio joins', (doc) => setMember(doc, 'p1', mio.actorId, true), (view) => !!project(view)?.members.includes(mio.actorId));
    await scene.everybodyHas(ken);
    await scene.everybodyHas(mio);
    await scene.allowed(ken, 'the lead adds a step', (doc) => addStep(doc, 'p1', { id: 's1', text: '箱を買う' }), (view) => step(view, 's1')?.text === '箱を買う');
    await scene.everybodyHas(ken);
    await scene.allowed(mio, 'a member edits it', (doc) => editStep(doc, 'p1', 's1', '箱を三つ買う'), (view) => step(view, 's1')?.text === '箱を三つ買う');
    await scene.allowed(mio, 'a member ticks it', (doc) => tickStep(doc, 'p1', 's1', mio.actorId, true),
      (view) => step(view, 's1')?.done === true && step(view, 's1')?.doneBy === mio.actorId);
    await scene.everybodyHas(mio);

    await scene.refused(aoi, 'aoi, not a member, adds a step', 'project.steps', (doc) => addStep(doc, 'p1', { id: 's2', text: 'よこどり' }),
      (view) => step(view, 's2') !== undefined);
    await scene.refused(aoi, 'aoi, not a member, edits a step', 'project.steps', (doc) => editStep(doc, 'p1', 's1', 'ちがう'),
      (view) => step(view, 's1')?.text === 'ちがう');
    await scene.refused(aoi, 'aoi, not a member, unticks a step', 'project.steps', (doc) => tickStep(doc, 'p1', 's1', aoi.actorId, false),
      (view) => step(view, 's1')?.done === false);
    await scene.refused(ken, 'the lead ticks a step in mio’s name', 'project.steps',
      (doc) => doc.transact(() => {
        tickStep(doc, 'p1', 's1', ken.actorId, false);
        tickStep(doc, 'p1', 's1', mio.actorId, true, 1);
      }),
      (view) => step(view, 's1')?.doneAt === 1);
    await scene.refused(ken, 'the lead removes a step', 'project.steps',
      (doc) => doc.transact(() => (boardRoots(doc).projects.get('p1')!.get('steps') as Y.Array<unknown>).delete(0, 1)),
      (view) => step(view, 's1') === undefined);
  });

  it('staff: any step of any project', async () => {
    const scene = await projectScene();
    const { staff } = scene;
    await scene.allowed(staff, 'staff add steps', (doc) => doc.transact(() => {
      addStep(doc, 'p1', { id: 's1', text: '箱を買う' });
      addStep(doc, 'p1', { id: 's2', text: 'ラベルを貼る' });
    }), (view) => project(view)?.steps.length === 2);
    await scene.allowed(staff, 'staff edit and tick a step', (doc) => doc.transact(() => {
      editStep(doc, 'p1', 's1', '箱を三つ買う');
      tickStep(doc, 'p1', 's1', staff.actorId, true);
    }), (view) => step(view, 's1')?.done === true && step(view, 's1')?.text === '箱を三つ買う');
    await scene.allowed(staff, 'staff remove a step',
      (doc) => doc.transact(() => (boardRoots(doc).projects.get('p1')!.get('steps') as Y.Array<unknown>).delete(1, 1)),
      (view) => project(view)?.steps.length === 1);
  });

  it('viewer: no (viewer.read-only)', async () => {
    const scene = await projectScene();
    await scene.allowed(scene.staff, 'staff add a step', (doc) => addStep(doc, 'p1', { id: 's1', text: '箱を買う' }), (view) => step(view, 's1') !== undefined);
    await scene.everybodyHas(scene.staff);
    await scene.refused(scene.viewer, 'the projector ticks a step', 'viewer.read-only',
      (doc) => tickStep(doc, 'p1', 's1', scene.viewer.actorId, true), (view) => step(view, 's1')?.done === true);
  });
});

describe('[spec 5, 6] the shape of a project', () => {
  it('refuses a Y.Text where a string belongs: the server would read the id, every client nobody (shape)', async () => {
    const scene = await projectScene();
    const { ken, mio } = scene;
    await scene.refused(ken, 'ken claims the lead as a Y.Text', 'shape',
      (doc) => setProjectField(doc, 'leadId', new Y.Text(ken.actorId)),
      (view) => view.raw.projects.p1?.leadId === ken.actorId);
    await scene.refused(scene.staff, 'even staff: a step whose text is a Y.Text', 'shape',
      (doc) => doc.transact(() => {
        addStep(doc, 'p1', { id: 's1', text: '' });
        (boardRoots(doc).projects.get('p1')!.get('steps') as Y.Array<Y.Map<unknown>>).get(0).set('text', new Y.Text('見えない'));
      }),
      (view) => (view.raw.projects.p1?.steps.length ?? 0) > 0);
    await scene.allowed(mio, 'mio then claims the lead she sees free', (doc) => setLead(doc, 'p1', mio.actorId),
      (view) => project(view)?.leadId === mio.actorId);
  });
});
