/**
 * [spec 6] A property of enforcement: three guests, a staff member and the projector make random
 * changes, allowed and forbidden alike, several in the same tick and some while disconnected (sent
 * when they reconnect, against a board that moved on meanwhile). After every round all documents,
 * the server's too, are equal, and the rules' invariants hold on them: dots within budget (or
 * above a budget staff lowered since) and never negative, every idea written by the actor whose
 * client created it, one real lead per project, meta only as staff set it, and so on.
 *
 * The model below records every attempt, not whether the server took it: an invariant says which
 * states some sequence of permitted attempts could have produced, so a forbidden attempt that got
 * through shows up as a state no permitted one explains.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ActorRole, Board, BoardToken, Me } from '../shared/api';
import {
  addIdea,
  addStep,
  boardRoots,
  castVote,
  createProject,
  deleteIdea,
  editIdea,
  editStep,
  giveThanks,
  PHASES,
  readMeta,
  setLead,
  setMember,
  setMeta,
  tickStep,
  withdrawThanks,
  type Phase,
} from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { capturingLogger } from './helpers/log';
import { contentOf, type RawBoard } from './helpers/permission-scene';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

const GUESTS = [0, 1, 2];
const STAFF = 3;
const VIEWER = 4;
const TITLE = 'property';
const BUDGET = 3;

/** `other: null` means "as myself"; a number names whose id the actor writes. */
type Op =
  | { kind: 'post'; actor: number; other: number | null }
  | { kind: 'edit' | 'delete' | 'curate' | 'negative' | 'project'; actor: number; pick: number }
  | { kind: 'vote'; actor: number; other: number | null; pick: number; delta: number }
  | { kind: 'thank'; actor: number; other: number | null; pick: number; give: boolean }
  | { kind: 'meta'; actor: number; phase: Phase | null; budget: number | null; hidden: boolean | null; retitle: boolean }
  | { kind: 'lead'; actor: number; pick: number; to: number | 'self' | 'none' }
  | { kind: 'member'; actor: number; pick: number; other: number | null; join: boolean }
  | { kind: 'step'; actor: number; pick: number; step: number; other: number | null; action: 'add' | 'edit' | 'tick' | 'untick' | 'remove' };

interface Round {
  /** Staff move to this phase as the round's first op (in the same tick as the next ones). */
  phase: Phase;
  offline: number[];
  /** Offline actors reconnect after this many ops (or at the end): some act the moment they are back. */
  reconnectAfter: number;
  ops: { op: Op; gap: 0 | 1 | 5 }[];
}

/** Guests act most, the projector least; `other` is mostly "myself", sometimes someone else. */
const actor = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...GUESTS) },
  { weight: 2, arbitrary: fc.constant(STAFF) },
  { weight: 1, arbitrary: fc.constant(VIEWER) },
);
const staffMostly = fc.oneof({ weight: 3, arbitrary: fc.constant(STAFF) }, { weight: 1, arbitrary: actor });
const other = fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.nat(VIEWER) });
const pick = fc.nat(9);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('post' as const), actor, other }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('edit' as const, 'delete' as const, 'curate' as const, 'negative' as const), actor, pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('project' as const), actor: staffMostly, pick }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('vote' as const), actor, other, pick, delta: fc.constantFrom(-1, 1, 1, 2, 3) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('thank' as const), actor, other, pick, give: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('meta' as const),
      actor: staffMostly,
      phase: fc.option(fc.constantFrom(...PHASES)),
      budget: fc.option(fc.integer({ min: 1, max: 5 })),
      hidden: fc.option(fc.boolean()),
      retitle: fc.boolean(),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('lead' as const), actor, pick, to: fc.oneof(fc.constantFrom('self' as const, 'none' as const), fc.nat(VIEWER)) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('member' as const), actor, pick, other, join: fc.boolean() }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('step' as const),
      actor,
      pick,
      step: pick,
      other,
      action: fc.constantFrom('add' as const, 'add' as const, 'edit' as const, 'tick' as const, 'tick' as const, 'untick' as const, 'remove' as const),
    }),
  },
);
const roundArb: fc.Arbitrary<Round> = fc.record({
  phase: fc.oneof(
    { weight: 2, arbitrary: fc.constant<Phase>('collect') },
    { weight: 3, arbitrary: fc.constant<Phase>('vote') },
    { weight: 3, arbitrary: fc.constant<Phase>('projects') },
    { weight: 1, arbitrary: fc.constant<Phase>('closed') },
  ),
  offline: fc.uniqueArray(fc.nat(VIEWER), { maxLength: 2 }),
  reconnectAfter: fc.nat(12),
  ops: fc.array(fc.record({ op: opArb, gap: fc.constantFrom(0 as const, 0 as const, 1 as const, 5 as const) }), { minLength: 1, maxLength: 12 }),
});

let server: TestServer;
let staffApi: ApiClient;
const log = capturingLogger();

beforeAll(async () => {
  server = await startTestServer({ log });
  staffApi = new ApiClient(server.url);
  await staffApi.login();
});
afterAll(() => server.stop());

interface Actor {
  index: number;
  id: string;
  role: ActorRole;
  client: BoardClient;
  /** Close codes the server sent (4403 after 20 refusals; anything else is a failure). */
  closes: number[];
}

async function connectActors(board: Board): Promise<Actor[]> {
  const tokens: { id: string; role: ActorRole; token: string }[] = [];
  for (const index of GUESTS) {
    const api = new ApiClient(server.url);
    const me = await api.joinAsGuest(board.joinCode!, `guest ${index}`);
    tokens.push({ id: me.actorId, role: 'guest', token: (await api.boardToken(board.id)).token });
  }
  const staffMe = (await staffApi.get<Me>('/api/me')).body;
  tokens.push({ id: staffMe.actorId, role: 'staff', token: (await staffApi.boardToken(board.id)).token });
  const viewer = (await staffApi.post<BoardToken>(`/api/boards/${board.id}/viewer-token`)).body;
  tokens.push({ id: `viewer:${board.id}`, role: 'viewer', token: viewer.token });

  return Promise.all(
    tokens.map(async ({ id, role, token }, index) => {
      const client = connectBoard(server.url, board.id, token);
      const person: Actor = { index, id, role, client, closes: [] };
      client.provider.on('connection-close', (event) => event && person.closes.push(event.code));
      await client.synced;
      return person;
    }),
  );
}

/** Everything every actor attempted, whether or not the server took it. */
class Model {
  counter = 0;
  ideas = new Map<string, { creator: number; authorId: string; legit: boolean }>();
  /** Which actor wrote each (unique) idea text and category. */
  texts = new Map<string, number>();
  categories = new Map<string, number>();
  /** Ideas staff curated or made a project of: their status may have left 'open'. */
  curatedByStaff = new Set<string>();
  staffPhases = new Set<Phase>(['collect']);
  staffBudgets = new Set<number>([BUDGET]);
  staffHidden = new Set<boolean>([false]);
  staffTitles = new Set<string>([TITLE]);
  selfVoters = new Set<string>();
  selfThanks = new Set<string>();
  projects = new Map<string, { title: string; ideaId: string }>();
  /**
   * Per project: who claimed the lead for themselves or was named lead by staff; likewise members.
   * Staff may name anyone (spec 6: "set any"), even the projector's id: the rules cannot tell.
   */
  leadCandidates = new Map<string, Set<string>>();
  memberCandidates = new Map<string, Set<string>>();
  steps = new Map<string, { creator: number; project: string }>();
  /** `${stepId}:${actorId}` for each tick made in one's own name, or by staff in anybody's (spec 6: "any"). */
  ticks = new Set<string>();

  // What happened in the current round.
  phases = new Set<Phase>();
  budgets = new Set<number>();
  deletes = new Map<string, Set<number>>();
  leadActors = new Map<string, Set<number>>();
  stepRemovers = new Map<string, Set<number>>();

  startRound(meta: { phase: Phase; voteBudget: number }): void {
    this.phases = new Set([meta.phase]);
    this.budgets = new Set([meta.voteBudget]);
    this.deletes.clear();
    this.leadActors.clear();
    this.stepRemovers.clear();
  }

  next(prefix: string): string {
    return `${prefix}${++this.counter}`;
  }
}

const add = <K, V>(map: Map<K, Set<V>>, key: K, value: V) => map.set(key, (map.get(key) ?? new Set()).add(value));

function sortedKeys<T>(map: Y.Map<T>): string[] {
  return [...map.keys()].sort();
}

/** Applies one op to its actor's own document, choosing targets from what that document holds. */
function apply(op: Op, actors: Actor[], model: Model): void {
  const me = actors[op.actor]!;
  const doc = me.client.doc;
  const roots = boardRoots(doc);
  const ideas = sortedKeys(roots.ideas);
  const projects = sortedKeys(roots.projects);
  const idea = ideas.length > 0 && 'pick' in op ? ideas[op.pick % ideas.length]! : 'no-such-idea';
  const project = projects.length > 0 && 'pick' in op ? projects[op.pick % projects.length] : undefined;
  const isStaff = op.actor === STAFF;
  const whom = (other: number | null) => (other === null ? me : actors[other]!);

  switch (op.kind) {
    case 'post': {
      const id = model.next('i');
      const text = model.next('text-');
      const author = whom(op.other);
      const forOther = author !== me;
      addIdea(doc, { id, text, authorId: author.id, ...(isStaff && forOther ? { help: 'scribed', enteredBy: me.id } : {}) });
      model.ideas.set(id, { creator: op.actor, authorId: author.id, legit: isStaff || (me.role === 'guest' && !forOther) });
      model.texts.set(text, op.actor);
      return;
    }
    case 'edit': {
      const text = model.next('text-');
      model.texts.set(text, op.actor);
      return editIdea(doc, idea, { text });
    }
    case 'delete':
      add(model.deletes, idea, op.actor);
      return deleteIdea(doc, idea);
    case 'curate': {
      const category = model.next('cat-');
      model.categories.set(category, op.actor);
      if (isStaff) model.curatedByStaff.add(idea);
      return editIdea(doc, idea, { category, status: 'parked' });
    }
    case 'negative':
      return doc.transact(() => {
        if (!roots.votes.get(me.id)) roots.votes.set(me.id, new Y.Map<number>());
        roots.votes.get(me.id)!.set(idea, -1);
      });
    case 'project': {
      if (ideas.length === 0) return;
      const id = model.next('p');
      const title = model.next('project-');
      if (isStaff) {
        model.projects.set(id, { title, ideaId: idea });
        model.curatedByStaff.add(idea);
      }
      return createProject(doc, { id, ideaId: idea, title });
    }
    case 'vote': {
      const voter = whom(op.other);
      if (voter === me && me.role !== 'viewer') model.selfVoters.add(me.id);
      return castVote(doc, voter.id, idea, op.delta);
    }
    case 'thank': {
      const giver = whom(op.other);
      if (giver === me && op.give && me.role !== 'viewer') model.selfThanks.add(`${me.id}:${idea}`);
      return op.give ? giveThanks(doc, giver.id, idea) : withdrawThanks(doc, giver.id, idea);
    }
    case 'meta': {
      const title = op.retitle ? model.next('title-') : null;
      if (isStaff) {
        if (op.phase) {
          model.staffPhases.add(op.phase);
          model.phases.add(op.phase);
        }
        if (op.budget) {
          model.staffBudgets.add(op.budget);
          model.budgets.add(op.budget);
        }
        if (op.hidden !== null) model.staffHidden.add(op.hidden);
        if (title) model.staffTitles.add(title);
      }
      return setMeta(doc, {
        ...(op.phase ? { phase: op.phase } : {}),
        ...(op.budget ? { voteBudget: isStaff ? op.budget : op.budget + 10 } : {}),
        ...(op.hidden !== null ? { votesHidden: op.hidden } : {}),
        ...(title ? { title } : {}),
      });
    }
    case 'lead': {
      if (!project) return;
      const leadId = op.to === 'self' ? me.id : op.to === 'none' ? '' : actors[op.to]!.id;
      add(model.leadActors, project, op.actor);
      if (leadId !== '' && (isStaff || (leadId === me.id && me.role !== 'viewer'))) add(model.leadCandidates, project, leadId);
      return setLead(doc, project, leadId);
    }
    case 'member': {
      if (!project) return;
      const member = whom(op.other);
      if (op.join && (isStaff || (member === me && me.role !== 'viewer'))) add(model.memberCandidates, project, member.id);
      return setMember(doc, project, member.id, op.join);
    }
    case 'step': {
      if (!project) return;
      const list = boardRoots(doc).projects.get(project)!.get('steps') as Y.Array<Y.Map<unknown>>;
      const stepIds = list.toArray().map((step) => String(step.get('id')));
      if (op.action === 'add') {
        const id = model.next('s');
        model.steps.set(id, { creator: op.actor, project });
        return addStep(doc, project, { id, text: model.next('step-') });
      }
      if (stepIds.length === 0) return;
      const index = op.step % stepIds.length;
      const stepId = stepIds[index]!;
      switch (op.action) {
        case 'edit':
          return editStep(doc, project, stepId, model.next('step-'));
        case 'tick': {
          const by = whom(op.other);
          if (isStaff || (by === me && me.role !== 'viewer')) model.ticks.add(`${stepId}:${by.id}`);
          return tickStep(doc, project, stepId, by.id, true);
        }
        case 'untick':
          return tickStep(doc, project, stepId, me.id, false);
        case 'remove':
          add(model.stepRemovers, stepId, op.actor);
          return doc.transact(() => list.delete(index, 1));
      }
    }
  }
}

/** Waits until every actor is connected and synced and all documents, the server's too, are equal. */
async function converge(actors: Actor[], serverDoc: Y.Doc): Promise<RawBoard> {
  for (const person of actors) {
    // A connection closed for breaking the rules 20 times may come back, like a real client would.
    if (!person.client.provider.shouldConnect) person.client.provider.connect();
  }
  await eventually(
    () => {
      const expected = contentOf(serverDoc);
      const vector = Y.encodeStateVector(serverDoc);
      for (const person of actors) {
        expect(person.client.provider.synced, `actor ${person.index} synced`).toBe(true);
        expect(contentOf(person.client.doc), `actor ${person.index} has the server's board`).toEqual(expected);
        expect(Y.encodeStateVector(person.client.doc), `actor ${person.index} has the server's state`).toEqual(vector);
      }
    },
    { timeoutMs: 15_000, intervalMs: 25 },
  );
  return contentOf(serverDoc);
}

function checkInvariants(board: RawBoard, previous: RawBoard, model: Model, actors: Actor[]): void {
  const idOf = new Map(actors.map((person) => [person.id, person.index]));
  const staffId = actors[STAFF]!.id;

  // meta: only as staff set it
  expect(model.staffTitles.has(board.meta.title), `title ${board.meta.title} was set by staff`).toBe(true);
  expect(model.staffPhases.has(board.meta.phase), `phase ${board.meta.phase} was set by staff`).toBe(true);
  expect(model.staffBudgets.has(board.meta.voteBudget), `budget ${board.meta.voteBudget} was set by staff`).toBe(true);
  expect(model.staffHidden.has(board.meta.votesHidden)).toBe(true);

  // ideas: created by the actor named as author (or entered by staff for them), edited by them or staff
  for (const [id, idea] of Object.entries(board.ideas)) {
    const created = model.ideas.get(id);
    expect(created?.legit, `idea ${id} was posted by its author or by staff`).toBe(true);
    expect(idea.authorId).toBe(created!.authorId);
    if (created!.creator === STAFF && idea.authorId !== staffId) expect(idea.enteredBy).toBe(staffId);
    const writer = model.texts.get(idea.text);
    expect([idOf.get(idea.authorId), STAFF], `idea ${id}'s text is by its author or staff`).toContain(writer);
    if (writer !== STAFF && idea.text !== previous.ideas[id]?.text) {
      expect(model.phases.has('collect'), `idea ${id} was written by a participant outside collect`).toBe(true);
    }
    if (idea.category !== '') expect(model.categories.get(idea.category), `idea ${id}'s category`).toBe(STAFF);
    if (idea.status !== 'open') expect(model.curatedByStaff.has(id), `idea ${id}'s status ${idea.status}`).toBe(true);
    expect(idea.mergedInto).toBeUndefined();
  }
  for (const [id, idea] of Object.entries(previous.ideas)) {
    if (id in board.ideas) continue;
    const deleters = model.deletes.get(id) ?? new Set();
    expect([...deleters].some((index) => index === STAFF || actors[index]!.id === idea.authorId), `idea ${id} deleted by its author or staff`).toBe(true);
  }

  // votes: one's own, whole, non-negative, within the budget or below what one held when it was lowered
  for (const [voterId, dots] of Object.entries(board.votes)) {
    expect(model.selfVoters.has(voterId), `${voterId} voted for themselves`).toBe(true);
    const counts = Object.values(dots);
    for (const count of counts) expect(Number.isInteger(count) && (count as number) >= 0, `dot count ${String(count)}`).toBe(true);
    if (voterId === staffId) continue;
    const sum = counts.reduce<number>((total, count) => total + Number(count), 0);
    const before = Object.values(previous.votes[voterId] ?? {}).reduce<number>((total, count) => total + Number(count), 0);
    expect(sum, `${voterId}'s dots within the budget`).toBeLessThanOrEqual(Math.max(before, ...model.budgets));
    if (!model.phases.has('vote')) expect(dots, `${voterId}'s dots moved outside the vote phase`).toEqual(previous.votes[voterId] ?? {});
  }
  for (const [giverId, given] of Object.entries(board.thanks)) {
    for (const [ideaId, value] of Object.entries(given)) {
      expect(value).toBe(true);
      expect(model.selfThanks.has(`${giverId}:${ideaId}`), `${giverId} thanked ${ideaId} themselves`).toBe(true);
    }
  }

  // projects: staff's, one real lead who claimed it or was named by staff, members who joined or were added
  for (const [id, project] of Object.entries(board.projects)) {
    const created = model.projects.get(id);
    expect(created, `project ${id} was created by staff`).toBeDefined();
    expect(project.title).toBe(created!.title);
    const leadId = project.leadId as string;
    if (leadId !== '') {
      expect(model.leadCandidates.get(id)?.has(leadId), `${leadId} leads ${id}: claimed it, or named by staff`).toBe(true);
      const was = previous.projects[id]?.leadId as string | undefined;
      if (was && was !== leadId) {
        const movers = model.leadActors.get(id) ?? new Set();
        expect(movers.has(STAFF) || movers.has(idOf.get(was)!), `the lead of ${id} was taken from ${was}`).toBe(true);
      }
    }
    for (const memberId of Object.keys(project.members as object)) {
      expect(model.memberCandidates.get(id)?.has(memberId), `${memberId} is a member of ${id} rightfully`).toBe(true);
    }
    const people = new Set([...(model.leadCandidates.get(id) ?? []), ...(model.memberCandidates.get(id) ?? [])]);
    for (const step of project.steps as { id: string; done: boolean; doneBy?: string }[]) {
      const created = model.steps.get(step.id);
      expect(created?.project, `step ${step.id} was added to ${id}`).toBe(id);
      expect(created!.creator === STAFF || people.has(actors[created!.creator]!.id), `step ${step.id} added by the lead, a member or staff`).toBe(true);
      if (step.done) expect(model.ticks.has(`${step.id}:${step.doneBy}`), `step ${step.id} ticked by ${step.doneBy} or staff`).toBe(true);
    }
    for (const step of (previous.projects[id]?.steps ?? []) as { id: string }[]) {
      if ((project.steps as { id: string }[]).some((now) => now.id === step.id)) continue;
      expect(model.stepRemovers.get(step.id)?.has(STAFF), `step ${step.id} removed by staff`).toBe(true);
    }
  }
}

it('[spec 6] random allowed and forbidden changes, concurrent and out of order, leave equal documents that keep the rules', async () => {
  let rounds = 0;
  /** What the converged boards held, summed over rounds: the runs must reach every kind of state. */
  const reached = { ideas: 0, voters: 0, thanks: 0, projects: 0, leads: 0, members: 0, steps: 0, ticked: 0 };
  await fc.assert(
    fc.asyncProperty(fc.array(roundArb, { minLength: 6, maxLength: 10 }), async (plan) => {
      const board = await staffApi.createBoard(TITLE, { voteBudget: BUDGET });
      const actors = await connectActors(board);
      const serverDoc = (await server.registry.open(board.id)).doc;
      const model = new Model();
      try {
        // Every run starts from an idea, a project and a step, which staff make like any change.
        apply({ kind: 'post', actor: STAFF, other: null }, actors, model);
        apply({ kind: 'project', actor: STAFF, pick: 0 }, actors, model);
        apply({ kind: 'step', actor: STAFF, pick: 0, step: 0, other: null, action: 'add' }, actors, model);
        let previous = await converge(actors, serverDoc);
        for (const round of plan) {
          model.startRound(readMeta(serverDoc));
          for (const index of round.offline) actors[index]!.client.provider.disconnect();
          const start: Op = { kind: 'meta', actor: STAFF, phase: round.phase, budget: null, hidden: null, retitle: false };
          for (const [at, { op, gap }] of [{ op: start, gap: 0 }, ...round.ops].entries()) {
            if (at === round.reconnectAfter) for (const index of round.offline) actors[index]!.client.provider.connect();
            apply(op, actors, model);
            if (gap > 0) await new Promise((resolve) => setTimeout(resolve, gap));
          }
          for (const index of round.offline) actors[index]!.client.provider.connect();
          const now = await converge(actors, serverDoc);
          checkInvariants(now, previous, model, actors);
          const projects = Object.values(now.projects);
          reached.ideas += Object.keys(now.ideas).length;
          reached.voters += Object.keys(now.votes).length;
          reached.thanks += Object.keys(now.thanks).length;
          reached.projects += projects.length;
          reached.leads += projects.filter((project) => project.leadId !== '').length;
          reached.members += projects.reduce((sum, project) => sum + Object.keys(project.members).length, 0);
          reached.steps += projects.reduce((sum, project) => sum + (project.steps as unknown[]).length, 0);
          reached.ticked += projects.reduce((sum, project) => sum + (project.steps as { done: boolean }[]).filter((step) => step.done).length, 0);
          previous = now;
          rounds++;
        }
        for (const person of actors) {
          expect(person.closes.filter((code) => code !== 4403), `actor ${person.index} was closed only for breaking rules`).toEqual([]);
        }
      } finally {
        for (const person of actors) person.client.close();
      }
    }),
    { numRuns: 15, endOnFailure: true },
  );

  // The runs exercised both sides of the rules: permitted changes of every kind, and many refusals.
  const refused = log.entries.filter((entry) => entry.message === 'refused a change');
  expect(rounds).toBeGreaterThanOrEqual(90);
  for (const [kind, count] of Object.entries(reached)) expect(count, `rounds ended with some ${kind}`).toBeGreaterThan(0);
  expect(new Set(refused.map((entry) => entry.fields.rule)).size).toBeGreaterThanOrEqual(10);
}, 180_000);
