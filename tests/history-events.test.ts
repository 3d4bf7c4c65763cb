/**
 * [spec 7] History events: a scripted meeting through real y-websocket clients yields exactly the
 * expected events, each attributed to the connection that made the change, and nothing for a
 * refused change. An offline client's sync of many changes yields one event per change.
 */
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { boardEvents } from '../drizzle/schema';
import {
  addIdea,
  addStep,
  castVote,
  createProject,
  deleteIdea,
  editIdea,
  giveThanks,
  removeProject,
  setLead,
  setMember,
  tickStep,
  withdrawThanks,
} from '../shared/board';
import { useScenes, type Scene } from './helpers/permission-scene';
import { eventually } from './helpers/yjs-client';

const scenes = useScenes();

async function eventsOf(scene: Scene) {
  const rows = await scenes.server.database.db
    .select()
    .from(boardEvents)
    .where(eq(boardEvents.boardId, scene.board.id))
    .orderBy(asc(boardEvents.id));
  return rows.map(({ type, actorId, ideaId, projectId, stepId, data }) => ({
    type,
    actor: scene.people.find((person) => person.actorId === actorId)?.name ?? actorId,
    ...(ideaId ? { ideaId } : {}),
    ...(projectId ? { projectId } : {}),
    ...(stepId ? { stepId } : {}),
    data,
  }));
}

describe('[spec 7] history events', () => {
  it('records a scripted meeting exactly, attributed to each connection, and nothing for a refused change', async () => {
    const scene = await scenes.open();
    const { aoi, ken, staff } = scene;
    await scene.allowed(aoi, 'aoi posts', (doc) => addIdea(doc, { id: 'i1', text: '箱に色をつける', authorId: aoi.actorId, category: 'packing' }),
      (view) => view.board.ideas.i1 !== undefined);
    await scene.allowed(ken, 'ken posts anonymously', (doc) => addIdea(doc, { id: 'i2', text: '休けいを長く', authorId: ken.anonymousId, anonymous: true }),
      (view) => view.board.ideas.i2 !== undefined);
    await scene.allowed(aoi, 'aoi edits', (doc) => editIdea(doc, 'i1', { text: '箱に色のシールをはる' }),
      (view) => view.board.ideas.i1?.text === '箱に色のシールをはる');
    await scene.allowed(ken, 'ken deletes', (doc) => deleteIdea(doc, 'i2'), (view) => view.board.ideas.i2 === undefined);
    // A refused change: ken may not edit aoi's idea. It leaves no event.
    await scene.refused(ken, 'ken edits aoi’s idea', 'idea.edit', (doc) => editIdea(doc, 'i1', { text: 'けんの案' }),
      (view) => view.board.ideas.i1?.text === 'けんの案');
    await scene.allowed(ken, 'ken thanks', (doc) => giveThanks(doc, ken.actorId, 'i1'), (view) => view.board.thanks[ken.actorId]?.i1 === true);
    await scene.allowed(ken, 'ken takes the thanks back', (doc) => withdrawThanks(doc, ken.actorId, 'i1'),
      (view) => view.board.thanks[ken.actorId]?.i1 === undefined);
    await scene.staffSets({ phase: 'vote' });
    await scene.allowed(ken, 'ken votes twice', (doc) => castVote(doc, ken.actorId, 'i1', 2), (view) => view.board.votes[ken.actorId]?.i1 === 2);
    await scene.allowed(ken, 'ken takes one back', (doc) => castVote(doc, ken.actorId, 'i1', -1), (view) => view.board.votes[ken.actorId]?.i1 === 1);
    await scene.staffSets({ phase: 'projects' });
    await scene.allowed(staff, 'staff make a project', (doc) => createProject(doc, { id: 'p1', ideaId: 'i1', title: '色シール' }),
      (view) => view.board.projects.p1 !== undefined);
    await scene.allowed(aoi, 'aoi leads', (doc) => setLead(doc, 'p1', aoi.actorId), (view) => view.board.projects.p1?.leadId === aoi.actorId);
    await scene.allowed(ken, 'ken joins', (doc) => setMember(doc, 'p1', ken.actorId, true),
      (view) => view.board.projects.p1?.members.includes(ken.actorId) === true);
    await scene.allowed(aoi, 'aoi adds a step', (doc) => addStep(doc, 'p1', { id: 's1', text: 'シールを買う' }),
      (view) => view.board.projects.p1?.steps.length === 1);
    await scene.allowed(ken, 'ken ticks it', (doc) => tickStep(doc, 'p1', 's1', ken.actorId, true, 1_700_000_000_000),
      (view) => view.board.projects.p1?.steps[0]?.done === true);
    await scene.allowed(ken, 'ken unticks it', (doc) => tickStep(doc, 'p1', 's1', ken.actorId, false),
      (view) => view.board.projects.p1?.steps[0]?.done === false);
    await scene.allowed(ken, 'ken leaves', (doc) => setMember(doc, 'p1', ken.actorId, false),
      (view) => view.board.projects.p1?.members.length === 0);
    await scene.allowed(aoi, 'aoi steps down', (doc) => setLead(doc, 'p1', ''), (view) => view.board.projects.p1?.leadId === '');

    expect(await eventsOf(scene)).toEqual([
      { type: 'idea.created', actor: 'aoi', ideaId: 'i1', data: { text: '箱に色をつける', category: 'packing', anonymous: false, help: 'none', authorId: aoi.actorId } },
      // Anonymous on the board, attributed in the history that only staff read.
      { type: 'idea.created', actor: 'ken', ideaId: 'i2', data: { text: '休けいを長く', category: '', anonymous: true, help: 'none', authorId: ken.anonymousId } },
      { type: 'idea.edited', actor: 'aoi', ideaId: 'i1', data: { field: 'text', from: '箱に色をつける', to: '箱に色のシールをはる' } },
      { type: 'idea.deleted', actor: 'ken', ideaId: 'i2', data: { text: '休けいを長く' } },
      { type: 'thanks.given', actor: 'ken', ideaId: 'i1', data: {} },
      { type: 'thanks.withdrawn', actor: 'ken', ideaId: 'i1', data: {} },
      { type: 'board.changed', actor: 'staff', data: { field: 'phase', from: 'collect', to: 'vote' } },
      { type: 'vote.cast', actor: 'ken', ideaId: 'i1', data: { from: 0, to: 2 } },
      { type: 'vote.withdrawn', actor: 'ken', ideaId: 'i1', data: { from: 2, to: 1 } },
      { type: 'board.changed', actor: 'staff', data: { field: 'phase', from: 'vote', to: 'projects' } },
      { type: 'project.created', actor: 'staff', ideaId: 'i1', projectId: 'p1', data: { title: '色シール', status: 'planning' } },
      { type: 'idea.status', actor: 'staff', ideaId: 'i1', data: { from: 'open', to: 'project' } },
      { type: 'project.lead_claimed', actor: 'aoi', ideaId: 'i1', projectId: 'p1', data: { leadId: aoi.actorId } },
      { type: 'project.member_joined', actor: 'ken', ideaId: 'i1', projectId: 'p1', data: { memberId: ken.actorId } },
      { type: 'step.added', actor: 'aoi', ideaId: 'i1', projectId: 'p1', stepId: 's1', data: { text: 'シールを買う' } },
      { type: 'step.done', actor: 'ken', ideaId: 'i1', projectId: 'p1', stepId: 's1', data: { doneBy: ken.actorId } },
      { type: 'step.undone', actor: 'ken', ideaId: 'i1', projectId: 'p1', stepId: 's1', data: {} },
      { type: 'project.member_left', actor: 'ken', ideaId: 'i1', projectId: 'p1', data: { memberId: ken.actorId } },
      { type: 'project.lead_released', actor: 'aoi', ideaId: 'i1', projectId: 'p1', data: { leadId: aoi.actorId } },
    ]);
  });

  it('gives an offline client’s sync one event per change, attributed to that client', async () => {
    const scene = await scenes.open();
    const { ken } = scene;
    // ken's tablet loses the network, and ken keeps writing.
    ken.client.provider.disconnect();
    for (let i = 0; i < 25; i++) addIdea(ken.doc, { id: `offline-${i}`, text: `オフラインの案 ${i}`, authorId: ken.actorId });
    editIdea(ken.doc, 'offline-3', { text: 'なおした案' });
    ken.client.provider.connect();
    await eventually(() => expect(Object.keys(scene.observer.doc.getMap('ideas').toJSON())).toHaveLength(25));

    const events = await eventsOf(scene);
    expect(events.filter((event) => event.type === 'idea.created')).toHaveLength(25);
    expect(events.every((event) => event.actor === 'ken')).toBe(true);
    // The edit was folded into the idea before it ever reached the server: it arrives as created.
    expect(events.find((event) => event.ideaId === 'offline-3')?.data).toMatchObject({ text: 'なおした案' });
  });

  it('attributes a server change (an HTTP route) to the staff member who made it', async () => {
    const scene = await scenes.open();
    const answer = await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { title: '新しい題', voteBudget: 5 });
    expect(answer.status).toBe(200);
    const events = await eventsOf(scene);
    expect(events).toEqual([
      { type: 'board.changed', actor: 'staff', data: { field: 'title', from: 'permissions', to: '新しい題' } },
      { type: 'board.changed', actor: 'staff', data: { field: 'voteBudget', from: 3, to: 5 } },
    ]);
  });

  it('records every tidying step and its undo (issue 9, item 7): park and back, a category, a project made and taken back', async () => {
    const scene = await scenes.open();
    const { staff } = scene;
    await scene.posts(scene.aoi, 'idea-1');
    const before = (await eventsOf(scene)).length;
    await scene.allowed(staff, 'staff park idea-1', (doc) => editIdea(doc, 'idea-1', { status: 'parked' }), (view) => view.board.ideas['idea-1']?.status === 'parked');
    await scene.allowed(staff, 'staff bring it back', (doc) => editIdea(doc, 'idea-1', { status: 'open' }), (view) => view.board.ideas['idea-1']?.status === 'open');
    await scene.allowed(staff, 'staff set a category', (doc) => editIdea(doc, 'idea-1', { category: 'packing' }), (view) => view.board.ideas['idea-1']?.category === 'packing');
    await scene.allowed(staff, 'staff make a project with two steps', (doc) => doc.transact(() => {
      createProject(doc, { id: 'p1', ideaId: 'idea-1', title: '箱' });
      addStep(doc, 'p1', { id: 's1', text: '買う' });
      addStep(doc, 'p1', { id: 's2', text: 'はる' });
    }), (view) => view.board.projects.p1?.steps.length === 2);
    await scene.allowed(staff, 'staff take the project back', (doc) => removeProject(doc, 'p1'), (view) => view.board.projects.p1 === undefined);
    await eventually(async () => {
      const events = (await eventsOf(scene)).slice(before);
      expect(events.slice(0, 3)).toEqual([
        { type: 'idea.status', actor: 'staff', ideaId: 'idea-1', data: { from: 'open', to: 'parked' } },
        { type: 'idea.status', actor: 'staff', ideaId: 'idea-1', data: { from: 'parked', to: 'open' } },
        { type: 'idea.edited', actor: 'staff', ideaId: 'idea-1', data: { field: 'category', from: '', to: 'packing' } },
      ]);
      // Within one transaction the entries' order is Yjs's; the events are these, once each.
      expect(events).toHaveLength(9);
      expect(events.slice(3)).toEqual(expect.arrayContaining([
        { type: 'idea.status', actor: 'staff', ideaId: 'idea-1', data: { from: 'open', to: 'project' } },
        { type: 'project.created', actor: 'staff', ideaId: 'idea-1', projectId: 'p1', data: { title: '箱', status: 'planning' } },
        { type: 'step.added', actor: 'staff', ideaId: 'idea-1', projectId: 'p1', stepId: 's1', data: { text: '買う' } },
        { type: 'step.added', actor: 'staff', ideaId: 'idea-1', projectId: 'p1', stepId: 's2', data: { text: 'はる' } },
        { type: 'idea.status', actor: 'staff', ideaId: 'idea-1', data: { from: 'project', to: 'open' } },
        { type: 'project.deleted', actor: 'staff', ideaId: 'idea-1', projectId: 'p1', data: { title: '箱' } },
      ]));
    });
  });
});
