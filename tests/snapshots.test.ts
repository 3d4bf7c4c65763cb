/**
 * [issue 10, items 1 and 3] Snapshots, differences and restore through real y-websocket clients:
 * the difference between two named snapshots is exactly the scripted changes made between them;
 * restoring the first makes the board equal to it on every client while the event log and the
 * update log keep everything, and the restore's events say who restored what. Staff only.
 */
import { asc, eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardEvents, boardUpdates } from '../drizzle/schema';
import {
  addIdea,
  addStep,
  boardToJson,
  castVote,
  createProject,
  deleteIdea,
  editIdea,
  giveThanks,
  initBoard,
  removeProject,
  setLead,
  setMember,
  setMeta,
  tickStep,
  withdrawThanks,
  type BoardJson,
} from '../shared/board';
import { diffBoards, isEmptyDiff } from '../shared/board-diff';
import { mergeIdea } from '../shared/merge';
import { restoreContent } from '../server/history/restore';
import type { BoardDiff, DiffAnswer, RestoreAnswer, SnapshotBoard, SnapshotInfo } from '../shared/history';
import { expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { useScenes, type Scene } from './helpers/permission-scene';
import { connectBoard, eventually } from './helpers/yjs-client';

/** The board without `meta`: what a snapshot's restore brings back. */
const contentOf = ({ ideas, votes, thanks, projects }: BoardJson) => ({ ideas, votes, thanks, projects });

const IDEAS = ['i0', 'i1', 'i2', 'i3'];
const PEOPLE = ['a', 'b', 'c'];
const PROJECTS = ['p0', 'p1'];

/** One writer of shared/board.ts with random arguments: what clients and staff do to a board. */
const act = fc.oneof(
  fc.record({ op: fc.constant('add'), idea: fc.constantFrom(...IDEAS), text: fc.string({ maxLength: 5 }), at: fc.nat(10) }),
  fc.record({ op: fc.constant('edit'), idea: fc.constantFrom(...IDEAS), text: fc.string({ maxLength: 5 }), status: fc.constantFrom('open', 'parked', 'done') }),
  fc.record({ op: fc.constant('delete'), idea: fc.constantFrom(...IDEAS) }),
  fc.record({ op: fc.constant('vote'), person: fc.constantFrom(...PEOPLE), idea: fc.constantFrom(...IDEAS), delta: fc.integer({ min: -2, max: 2 }) }),
  fc.record({ op: fc.constant('thank'), person: fc.constantFrom(...PEOPLE), idea: fc.constantFrom(...IDEAS), give: fc.boolean() }),
  fc.record({ op: fc.constant('merge'), idea: fc.constantFrom(...IDEAS), into: fc.constantFrom(...IDEAS) }),
  fc.record({ op: fc.constant('project'), project: fc.constantFrom(...PROJECTS), idea: fc.constantFrom(...IDEAS), remove: fc.boolean() }),
  fc.record({ op: fc.constant('people'), project: fc.constantFrom(...PROJECTS), person: fc.constantFrom(...PEOPLE, ''), member: fc.boolean() }),
  fc.record({ op: fc.constant('step'), project: fc.constantFrom(...PROJECTS), step: fc.constantFrom('s0', 's1'), tick: fc.boolean(), by: fc.constantFrom(...PEOPLE) }),
);
type Act = typeof act extends fc.Arbitrary<infer T> ? T : never;

function play(doc: Y.Doc, acts: readonly Act[]): void {
  for (const a of acts) {
    switch (a.op) {
      case 'add': if (!boardToJson(doc).ideas[a.idea]) addIdea(doc, { id: a.idea, text: a.text, authorId: 'a', createdAt: a.at }); break;
      case 'edit': editIdea(doc, a.idea, { text: a.text, status: a.status }); break;
      case 'delete': deleteIdea(doc, a.idea); break;
      case 'vote': castVote(doc, a.person, a.idea, a.delta); break;
      case 'thank': (a.give ? giveThanks : withdrawThanks)(doc, a.person, a.idea); break;
      case 'merge': mergeIdea(doc, a.idea, a.into); break;
      case 'project':
        if (a.remove) removeProject(doc, a.project);
        else if (!boardToJson(doc).projects[a.project]) createProject(doc, { id: a.project, ideaId: a.idea, title: a.project, createdAt: 1 });
        break;
      case 'people':
        if (a.member && a.person) setMember(doc, a.project, a.person, true);
        else setLead(doc, a.project, a.person);
        break;
      case 'step':
        if (boardToJson(doc).projects[a.project]?.steps.some((step) => step.id === a.step)) tickStep(doc, a.project, a.step, a.by, a.tick, 5);
        else addStep(doc, a.project, { id: a.step, text: a.step });
        break;
    }
  }
}

describe('[issue 10] restore as a property', () => {
  it('makes any board’s content equal to any earlier snapshot of it, leaves meta alone, and answers what it changed', () => {
    fc.assert(
      fc.property(fc.array(act, { maxLength: 25 }), fc.array(act, { maxLength: 25 }), (before, after) => {
        const doc = new Y.Doc();
        initBoard(doc, { title: 'prop', voteBudget: 3 });
        play(doc, before);
        const snapshot = Y.encodeStateAsUpdate(doc);
        const then = boardToJson(doc);
        play(doc, after);
        setMeta(doc, { phase: 'vote', votesHidden: true });
        const now = boardToJson(doc);
        restoreContent(doc, snapshot);
        const restored = boardToJson(doc);
        expect(contentOf(restored)).toEqual(contentOf(then));
        expect(restored.meta).toEqual(now.meta);
        expect(diffBoards(now, restored)).toEqual(diffBoards(now, then));
        expect(isEmptyDiff(diffBoards(restored, then))).toBe(true);
        doc.destroy();
      }),
      { numRuns: 200 },
    );
  });
});

describe.each(databaseKinds())('[issue 10] snapshots, differences and restore on %s', (kind) => {
  const scenes = useScenes({ kind });

  async function named(scene: Scene, label: string): Promise<SnapshotInfo> {
    const answer = await scenes.staffApi.post<SnapshotInfo>(`/api/boards/${scene.board.id}/snapshots`, { label });
    expect(answer.status).toBe(201);
    return answer.body;
  }

  async function eventRows(scene: Scene) {
    return scenes.server.database.db.select().from(boardEvents).where(eq(boardEvents.boardId, scene.board.id)).orderBy(asc(boardEvents.id));
  }

  async function updateRows(scene: Scene) {
    const rows = await scenes.server.database.db.select().from(boardUpdates).where(eq(boardUpdates.boardId, scene.board.id)).orderBy(asc(boardUpdates.seq));
    return rows.map(({ seq, update, actorId }) => ({ seq, update: Buffer.from(update).toString('base64'), actorId }));
  }

  it('diffs two snapshots exactly as scripted, and restores the first on every client while the logs keep everything', async () => {
    const scene = await scenes.open({ voteBudget: 3 });
    const { aoi, ken, mio, staff } = scene;
    const boardId = scene.board.id;

    // Before the first snapshot: three ideas, a project with a lead and two steps, dots and a thank-you.
    await scene.allowed(aoi, 'aoi posts i1', (doc) => addIdea(doc, { id: 'i1', text: '箱に色をつける', authorId: aoi.actorId, createdAt: 1000 }),
      (view) => view.board.ideas.i1 !== undefined);
    await scene.allowed(ken, 'ken posts i2', (doc) => addIdea(doc, { id: 'i2', text: '休けいを長く', authorId: ken.actorId, createdAt: 2000 }),
      (view) => view.board.ideas.i2 !== undefined);
    await scene.allowed(mio, 'mio posts i3', (doc) => addIdea(doc, { id: 'i3', text: 'いすを高く', authorId: mio.actorId, createdAt: 3000 }),
      (view) => view.board.ideas.i3 !== undefined);
    await scene.allowed(staff, 'staff make p1 with two steps', (doc) => doc.transact(() => {
      createProject(doc, { id: 'p1', ideaId: 'i1', title: '色シール', createdAt: 5000 });
      addStep(doc, 'p1', { id: 's1', text: 'シールを買う' });
      addStep(doc, 'p1', { id: 's2', text: 'はる' });
    }), (view) => view.board.projects.p1?.steps.length === 2);
    await scene.allowed(aoi, 'aoi leads p1', (doc) => setLead(doc, 'p1', aoi.actorId), (view) => view.board.projects.p1?.leadId === aoi.actorId);
    await scene.staffSets({ phase: 'vote' });
    await scene.allowed(ken, 'ken votes i1 twice', (doc) => castVote(doc, ken.actorId, 'i1', 2), (view) => view.board.votes[ken.actorId]?.i1 === 2);
    await scene.allowed(aoi, 'aoi votes i2', (doc) => castVote(doc, aoi.actorId, 'i2', 1), (view) => view.board.votes[aoi.actorId]?.i2 === 1);
    await scene.allowed(ken, 'ken thanks i1', (doc) => giveThanks(doc, ken.actorId, 'i1'), (view) => view.board.thanks[ken.actorId]?.i1 === true);
    await scene.everybodyHas(ken);
    const atFirst = boardToJson(scene.observer.doc);
    const first = await named(scene, '会議の前');

    // The scripted change set.
    await scene.allowed(ken, 'ken moves a dot from i1 to i3', (doc) => doc.transact(() => {
      castVote(doc, ken.actorId, 'i1', -1);
      castVote(doc, ken.actorId, 'i3', 1);
    }), (view) => view.board.votes[ken.actorId]?.i3 === 1);
    await scene.allowed(mio, 'mio votes i1 twice', (doc) => castVote(doc, mio.actorId, 'i1', 2), (view) => view.board.votes[mio.actorId]?.i1 === 2);
    await scene.allowed(aoi, 'aoi thanks i1', (doc) => giveThanks(doc, aoi.actorId, 'i1'), (view) => view.board.thanks[aoi.actorId]?.i1 === true);
    await scene.allowed(staff, 'staff make ken the lead', (doc) => setLead(doc, 'p1', ken.actorId), (view) => view.board.projects.p1?.leadId === ken.actorId);
    await scene.allowed(ken, 'ken ticks s1', (doc) => tickStep(doc, 'p1', 's1', ken.actorId, true, 7000),
      (view) => view.board.projects.p1?.steps[0]?.done === true);
    await scene.allowed(mio, 'mio joins p1', (doc) => setMember(doc, 'p1', mio.actorId, true),
      (view) => view.board.projects.p1?.members.includes(mio.actorId) === true);
    await scene.staffSets({ phase: 'collect' });
    await scene.allowed(aoi, 'aoi posts i4', (doc) => addIdea(doc, { id: 'i4', text: '音楽をかける', authorId: aoi.actorId, createdAt: 8000 }),
      (view) => view.board.ideas.i4 !== undefined);
    await scene.allowed(mio, 'mio edits i3', (doc) => editIdea(doc, 'i3', { text: 'いすを少し高く' }), (view) => view.board.ideas.i3?.text === 'いすを少し高く');
    await scene.allowed(ken, 'ken deletes i2', (doc) => deleteIdea(doc, 'i2'), (view) => view.board.ideas.i2 === undefined);
    await scene.allowed(staff, 'staff make p2 of i3', (doc) => createProject(doc, { id: 'p2', ideaId: 'i3', title: 'いすの高さ', createdAt: 9000 }),
      (view) => view.board.projects.p2 !== undefined);
    for (const person of scene.people) await scene.everybodyHas(person);
    const atSecond = boardToJson(scene.observer.doc);
    const second = await named(scene, '会議のあと');

    // Each snapshot holds the board as every client had it then.
    const firstBoard = expectOk(await scenes.staffApi.get<SnapshotBoard>(`/api/boards/${boardId}/snapshots/${first.id}`));
    const secondBoard = expectOk(await scenes.staffApi.get<SnapshotBoard>(`/api/boards/${boardId}/snapshots/${second.id}`));
    expect(firstBoard).toEqual({ snapshot: first, board: atFirst });
    expect(secondBoard).toEqual({ snapshot: second, board: atSecond });
    expect(first).toMatchObject({ kind: 'named', label: '会議の前', takenBy: staff.actorId });

    // The list: newest first, the board's first state last, no compaction snapshot.
    const listed = expectOk(await scenes.staffApi.get<SnapshotInfo[]>(`/api/boards/${boardId}/snapshots`));
    expect(listed.map((snapshot) => [snapshot.kind, snapshot.label])).toEqual([['named', '会議のあと'], ['named', '会議の前'], ['auto', 'created']]);

    // The difference is the script, field by field.
    const was = atFirst;
    const now = atSecond;
    const expected: BoardDiff = {
      ideas: {
        added: [now.ideas.i4!],
        removed: [was.ideas.i2!],
        changed: [{ id: 'i3', idea: now.ideas.i3!, text: { from: 'いすを高く', to: 'いすを少し高く' }, status: { from: 'open', to: 'project' } }],
      },
      dots: [
        { ideaId: 'i1', from: 2, to: 3 },
        { ideaId: 'i3', from: 0, to: 1 },
      ],
      thanks: [{ ideaId: 'i1', from: 1, to: 2 }],
      projects: {
        added: [now.projects.p2!],
        removed: [],
        changed: [
          {
            id: 'p1',
            project: now.projects.p1!,
            lead: { from: aoi.actorId, to: ken.actorId },
            membersJoined: [mio.actorId],
            membersLeft: [],
            stepsAdded: [],
            stepsRemoved: [],
            stepsDone: [{ id: 's1', text: 'シールを買う', done: true, doneBy: ken.actorId, doneAt: 7000 }],
            stepsUndone: [],
          },
        ],
      },
    };
    const diff = expectOk(await scenes.staffApi.get<DiffAnswer>(`/api/boards/${boardId}/diff?from=${first.id}&to=${second.id}`));
    expect(diff).toEqual({ from: first, to: second, diff: expected });
    // `now` is the second snapshot's board: nothing changed since.
    expect(expectOk(await scenes.staffApi.get<DiffAnswer>(`/api/boards/${boardId}/diff?from=${second.id}&to=now`)).diff).toEqual({
      ideas: { added: [], removed: [], changed: [] },
      dots: [],
      thanks: [],
      projects: { added: [], removed: [], changed: [] },
    });

    // What the restore's confirm lists, then the restore.
    const confirm = expectOk(await scenes.staffApi.get<DiffAnswer>(`/api/boards/${boardId}/diff?from=now&to=${first.id}`));
    expect(confirm.from).toBeNull();
    expect(confirm.diff.ideas.added.map((idea) => idea.id)).toEqual(['i2']);
    expect(confirm.diff.ideas.removed.map((idea) => idea.id)).toEqual(['i4']);
    expect(confirm.diff.projects.removed.map((project) => project.id)).toEqual(['p2']);
    const eventsBefore = await eventRows(scene);
    const updatesBefore = await updateRows(scene);
    const metaBefore = boardToJson(scene.observer.doc).meta;

    const restored = await scenes.staffApi.post<RestoreAnswer>(`/api/boards/${boardId}/snapshots/${first.id}/restore`, {});
    expect(restored.status).toBe(200);
    expect(restored.body).toEqual({ snapshot: first, diff: confirm.diff });

    // A fresh client reads the first snapshot's content, and the meeting's own state as it was.
    const fresh = connectBoard(scenes.server.url, boardId, (await scenes.staffApi.boardToken(boardId)).token);
    try {
      await fresh.synced;
      expect(contentOf(boardToJson(fresh.doc))).toEqual(contentOf(firstBoard.board));
      expect(boardToJson(fresh.doc).meta).toEqual(metaBefore);
      for (const person of scene.people) {
        await eventually(() => expect(boardToJson(person.doc), `${person.name} has the restored board`).toEqual(boardToJson(fresh.doc)));
      }
    } finally {
      fresh.close();
    }

    // Nothing was rewritten: every earlier event and update is still there, unchanged.
    const eventsAfter = await eventRows(scene);
    expect(eventsAfter.slice(0, eventsBefore.length)).toEqual(eventsBefore);
    const updatesAfter = await updateRows(scene);
    expect(updatesAfter.slice(0, updatesBefore.length)).toEqual(updatesBefore);
    expect(updatesAfter.length).toBe(updatesBefore.length + 1);

    // The restore's events: the act, by the staff member, then what it changed, each tagged.
    const added = eventsAfter.slice(eventsBefore.length).map((event) => ({ ...event, data: event.data as Record<string, unknown> }));
    expect(added[0]).toMatchObject({ type: 'board.restored', actorId: staff.actorId, data: { snapshotId: first.id, label: '会議の前', kind: 'named' } });
    expect(added.every((event) => event.actorId === staff.actorId && event.seq === added[0]!.seq)).toBe(true);
    expect(added.slice(1).every((event) => event.data.restore === first.id)).toBe(true);
    const story = added.slice(1).map(({ type, ideaId, projectId, stepId, data }) => {
      const { restore: _restore, ...rest } = data;
      return { type, ...(ideaId ? { ideaId } : {}), ...(projectId ? { projectId } : {}), ...(stepId ? { stepId } : {}), data: rest };
    });
    // PostgreSQL's jsonb orders keys its own way: sort by what tells these events apart.
    const sortKey = ({ type, ideaId, projectId, data }: { type: string; ideaId?: string | null; projectId?: string | null; data: Record<string, unknown> }) =>
      [type, ideaId, projectId, data.voterId].join('|');
    // Another person's dots and thanks change as the staff member's act that names them, never as theirs.
    expect(story.sort((a, b) => sortKey(a).localeCompare(sortKey(b)))).toEqual(
      [
        { type: 'idea.created', ideaId: 'i2', data: { text: '休けいを長く', category: '', anonymous: false, help: 'none', authorId: ken.actorId } },
        { type: 'idea.deleted', ideaId: 'i4', data: { text: '音楽をかける' } },
        { type: 'idea.edited', ideaId: 'i3', data: { field: 'text', from: 'いすを少し高く', to: 'いすを高く' } },
        { type: 'idea.status', ideaId: 'i3', data: { from: 'project', to: 'open' } },
        { type: 'project.deleted', ideaId: 'i3', projectId: 'p2', data: { title: 'いすの高さ' } },
        { type: 'project.lead_released', ideaId: 'i1', projectId: 'p1', data: { leadId: ken.actorId } },
        { type: 'project.lead_claimed', ideaId: 'i1', projectId: 'p1', data: { leadId: aoi.actorId } },
        { type: 'project.member_left', ideaId: 'i1', projectId: 'p1', data: { memberId: mio.actorId } },
        { type: 'step.undone', ideaId: 'i1', projectId: 'p1', stepId: 's1', data: {} },
        { type: 'vote.moved', ideaId: 'i1', data: { voterId: ken.actorId, from: 1, to: 2 } },
        { type: 'vote.moved', ideaId: 'i3', data: { voterId: ken.actorId, from: 1, to: 0 } },
        { type: 'vote.moved', ideaId: 'i1', data: { voterId: mio.actorId, from: 2, to: 0 } },
        { type: 'thanks.withdrawn', ideaId: 'i1', data: { giverId: aoi.actorId } },
      ].sort((a, b) => sortKey(a).localeCompare(sortKey(b))),
    );

    // Restoring again changes nothing, and is still on record.
    const again = expectOk(await scenes.staffApi.post<RestoreAnswer>(`/api/boards/${boardId}/snapshots/${first.id}/restore`, {}));
    expect(again.diff).toEqual({ ideas: { added: [], removed: [], changed: [] }, dots: [], thanks: [], projects: { added: [], removed: [], changed: [] } });
    const last = (await eventRows(scene)).slice(eventsAfter.length);
    expect(last.map((event) => event.type)).toEqual(['board.restored']);
  });

  it('is staff only, and answers 400 for bad input and 404 for an unknown snapshot or another board’s', async () => {
    const scene = await scenes.open();
    const boardId = scene.board.id;
    const staffApi = scenes.staffApi;
    const mine = await named(scene, 'mine');
    const other = await staffApi.createBoard('ほかのボード');
    const theirs = expectOk(await staffApi.post<SnapshotInfo>(`/api/boards/${other.id}/snapshots`, { label: 'theirs' }));

    const routes: [string, string, unknown?][] = [
      ['GET', `/api/boards/${boardId}/snapshots`],
      ['POST', `/api/boards/${boardId}/snapshots`, { label: 'x' }],
      ['GET', `/api/boards/${boardId}/snapshots/${mine.id}`],
      ['GET', `/api/boards/${boardId}/diff?from=${mine.id}&to=now`],
      ['POST', `/api/boards/${boardId}/snapshots/${mine.id}/restore`, {}],
    ];
    for (const participant of [scene.aoi, scene.ken]) {
      for (const [method, path, body] of routes) {
        expect((await participant.api.request(method, path, body)).status, `${participant.name}: ${method} ${path}`).toBe(403);
      }
    }

    for (const query of ['from=now', 'to=now', 'from=&to=now', `from=now&to=${'x'.repeat(300)}`, 'from=now&to=now&extra=1']) {
      expect((await staffApi.get(`/api/boards/${boardId}/diff?${query}`)).status, query).toBe(400);
    }
    for (const body of [{}, { label: '' }, { label: '   ' }, { label: 'x'.repeat(101) }, { label: 'ok', extra: 1 }]) {
      expect((await staffApi.post(`/api/boards/${boardId}/snapshots`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await staffApi.post(`/api/boards/${boardId}/snapshots/${mine.id}/restore`, { now: true })).status).toBe(400);

    for (const sid of ['nope', theirs.id]) {
      expect((await staffApi.get(`/api/boards/${boardId}/snapshots/${sid}`)).status).toBe(404);
      expect((await staffApi.get(`/api/boards/${boardId}/diff?from=${sid}&to=now`)).status).toBe(404);
      expect((await staffApi.get(`/api/boards/${boardId}/diff?from=now&to=${sid}`)).status).toBe(404);
      expect((await staffApi.post(`/api/boards/${boardId}/snapshots/${sid}/restore`, {})).status).toBe(404);
    }
    expect((await staffApi.get(`/api/boards/nope/snapshots`)).status).toBe(404);
    // Nothing above took a snapshot or restored anything.
    expect(expectOk(await staffApi.get<SnapshotInfo[]>(`/api/boards/${boardId}/snapshots`)).map((snapshot) => snapshot.label)).toEqual(['mine', 'created']);
  });
});
