/**
 * [issue 10, items 1, 4, 5] A participant's report and the contributions CSV, checked against a
 * script: a month and a half of meetings on two boards, played by several people through real
 * y-websocket clients and the staff routes (ideas, edits, helped and anonymous ideas, votes and
 * withdrawals, thanks and a withdrawn one, a merge, a park, projects with leads, members and steps,
 * attendance). As the script runs it keeps its own record of what each act should count, act by
 * act, and every number of the report (totals and months), its list of ideas, and every row and
 * cell of the CSV are compared with that record. Counting rules: docs/api.md "Participant report".
 *
 * On PostgreSQL when `TEST_DATABASE_URL` is set (CI requires it), else on PGlite: one database per
 * run keeps the file well under 20 s.
 */
import { eq, sql } from 'drizzle-orm';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardEvents, facilities, participants } from '../drizzle/schema';
import type { Board, Me, Meeting, Participant } from '../shared/api';
import {
  addIdea,
  addStep,
  boardRoots,
  boardToJson,
  castVote,
  createProject,
  deleteIdea,
  editIdea,
  giveThanks,
  setLead,
  setMember,
  setMeta,
  tickStep,
  withdrawThanks,
  type HelpLevel,
  type Phase,
} from '../shared/board';
import { CONTRIBUTION_FIELDS, type ContributionCounts, type ParticipantReport, type ReportIdea } from '../shared/history';
import { newId } from '../shared/ids';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { capturingLogger } from './helpers/log';
import { contentOf } from './helpers/permission-scene';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

const kind = databaseKinds().includes('postgres') ? 'postgres' : 'pglite';

/** The months the events are moved into; `before` and `after` lie outside the period asked for. */
type Bucket = 'before' | '2026-09' | '2026-10' | 'after';
const PERIOD = { from: '2026-09-01', to: '2026-10-31' };
const MONTHS = ['2026-09', '2026-10'] as const;
const PERIOD_START = '2026-08-31T15:00:00.000Z';
const PERIOD_END = '2026-10-31T15:00:00.000Z';

const FIELDS = CONTRIBUTION_FIELDS;

interface ModelIdea {
  owner: string;
  anonymous: boolean;
  help: HelpLevel;
}

/**
 * What the script says each act counts, kept as the acts happen (not read back from the events):
 * one entry per act, with the month it is moved into.
 */
class Expected {
  readonly ideas = new Map<string, ModelIdea>();
  readonly #acts: { bucket: Bucket; apply: (into: Counter) => void }[] = [];

  idea(bucket: Bucket, ideaKey: string, idea: ModelIdea) {
    this.ideas.set(ideaKey, idea);
    this.#acts.push({ bucket, apply: (into) => into.idea(ideaKey) });
  }
  /** Staff corrected the help level: it counts as corrected, whenever that was. */
  help(ideaKey: string, help: HelpLevel) {
    this.ideas.get(ideaKey)!.help = help;
  }
  vote(bucket: Bucket, voter: string, delta: number) {
    this.#acts.push({ bucket, apply: (into) => into.add(voter, 'votesCast', delta) });
  }
  thanks(bucket: Bucket, giver: string, ideaKey: string, sign: 1 | -1) {
    this.#acts.push({
      bucket,
      apply: (into) => {
        into.add(giver, 'thanksGiven', sign);
        const idea = into.visible(ideaKey);
        if (idea && idea.owner !== giver) into.add(idea.owner, 'thanksReceived', sign);
      },
    });
  }
  led(bucket: Bucket, person: string, projectKey: string) {
    this.#acts.push({ bucket, apply: (into) => into.distinct(person, 'projectsLed', projectKey) });
  }
  joined(bucket: Bucket, person: string, projectKey: string) {
    this.#acts.push({ bucket, apply: (into) => into.distinct(person, 'projectsJoined', projectKey) });
  }
  /** A step ticked for `person`, or (null) unticked. */
  step(bucket: Bucket, stepKey: string, person: string | null) {
    this.#acts.push({ bucket, apply: (into) => into.steps.set(stepKey, person) });
  }
  attended(bucket: Bucket, person: string, meetingId: string) {
    this.#acts.push({ bucket, apply: (into) => into.distinct(person, 'meetingsAttended', meetingId) });
  }

  /** Everybody's counts over these months. */
  counts(months: readonly Bucket[], leaveOutAnonymous: boolean): Map<string, ContributionCounts> {
    const counter = new Counter(this.ideas, leaveOutAnonymous);
    for (const act of this.#acts) if (months.includes(act.bucket)) act.apply(counter);
    return counter.result();
  }
}

class Counter {
  readonly #sums = new Map<string, Record<string, number>>();
  readonly #sets = new Map<string, Set<string>>();
  readonly steps = new Map<string, string | null>();
  constructor(
    readonly ideas: Map<string, ModelIdea>,
    readonly leaveOutAnonymous: boolean,
  ) {}
  visible(ideaKey: string): ModelIdea | undefined {
    const idea = this.ideas.get(ideaKey);
    return idea && !(this.leaveOutAnonymous && idea.anonymous) ? idea : undefined;
  }
  idea(ideaKey: string) {
    const idea = this.visible(ideaKey);
    if (idea) this.add(idea.owner, idea.help === 'none' ? 'ideasIndependent' : 'ideasHelped', 1);
  }
  add(person: string, field: string, delta: number) {
    const sums = this.#sums.get(person) ?? {};
    sums[field] = (sums[field] ?? 0) + delta;
    this.#sums.set(person, sums);
  }
  distinct(person: string, field: string, item: string) {
    const name = `${person}/${field}`;
    this.#sets.set(name, (this.#sets.get(name) ?? new Set()).add(item));
  }
  result(): Map<string, ContributionCounts> {
    for (const [stepKey, person] of this.steps) if (person !== null) this.distinct(person, 'stepsDone', stepKey);
    const people = new Set([...this.#sums.keys(), ...[...this.#sets.keys()].map((name) => name.split('/')[0]!)]);
    const result = new Map<string, ContributionCounts>();
    for (const person of people) {
      const sums = this.#sums.get(person) ?? {};
      const counts = Object.fromEntries(
        FIELDS.map((field) => [field, Math.max(0, (sums[field] ?? 0) + (this.#sets.get(`${person}/${field}`)?.size ?? 0))]),
      ) as unknown as ContributionCounts;
      result.set(person, counts);
    }
    return result;
  }
}

const zero = (): ContributionCounts => Object.fromEntries(FIELDS.map((field) => [field, 0])) as unknown as ContributionCounts;

describe(`[issue 10] participant report and contributions CSV (${kind})`, () => {
  const log = capturingLogger();
  let server: TestServer;
  let staff: ApiClient;
  let staffMe: Extract<Me, { kind: 'staff' }>;
  const clients: BoardClient[] = [];
  const expected = new Expected();
  let boardA: Board;
  let boardB: Board;
  const people = {} as Record<'aoi' | 'ken' | 'rin' | 'yui' | 'hana', Participant>;
  let mio: Me;
  let sora: Me;
  let aoiAnonymousId = '';
  /** The people's sessions and sockets, per board. */
  const on: Record<'A' | 'B', Record<string, { api: ApiClient; client: BoardClient }>> = { A: {}, B: {} };
  /** A second staff socket per board that never acts: a change it holds has been committed. */
  const observer: Partial<Record<'A' | 'B', BoardClient>> = {};
  const meetings: Record<string, string> = {};
  /** Each idea's text as the script last wrote it. */
  const ideaText = new Map<string, string>();

  const ideaKey = (board: 'A' | 'B', ideaId: string) => `${board}:${ideaId}`;

  async function connect(api: ApiClient, board: Board): Promise<BoardClient> {
    const token = await api.boardToken(board.id);
    const client = connectBoard(server.url, board.id, token.token);
    clients.push(client);
    await client.synced;
    return client;
  }

  async function join(participant: { id: string }, board: Board): Promise<ApiClient> {
    const api = new ApiClient(server.url);
    expectOk(await api.post<Me>('/api/join', { code: board.joinCode, participantId: participant.id }));
    return api;
  }

  /** `who` changes board `board` through their socket; returns once the server committed it. */
  async function act(board: 'A' | 'B', who: string, change: (doc: Y.Doc) => void): Promise<void> {
    const { client } = on[board][who]!;
    const refusedBefore = refusals().length;
    client.doc.transact(() => change(client.doc));
    // The relay passes a change on only after storing it (and its events).
    await eventually(() => expect(contentOf(observer[board]!.doc)).toEqual(contentOf(client.doc)));
    expect(refusals().slice(refusedBefore), `${who} on ${board}: nothing refused`).toEqual([]);
  }

  function refusals() {
    return log.entries.filter((entry) => entry.message === 'refused a change');
  }

  async function phase(board: 'A' | 'B', next: Phase) {
    await act(board, 'staff', (doc) => setMeta(doc, { phase: next }));
  }

  /** The id of the newest event so far: a segment's events are the ones after it. */
  async function lastEventId(): Promise<number> {
    const [row] = await server.database.db.select({ id: sql<string>`coalesce(max(${boardEvents.id}), 0)` }).from(boardEvents);
    return Number(row!.id);
  }

  /**
   * The server stamps events with its own clock; to spread the script over weeks, each segment's
   * events are moved back in time together (keeping their order and spacing) to start at `startsAt`.
   */
  async function moveSince(markerId: number, startsAt: string) {
    await server.database.db.execute(sql`
      update board_events
      set created_at = ${startsAt}::timestamptz + (created_at - (select min(created_at) from board_events where id > ${markerId}))
      where id > ${markerId}`);
  }

  async function startMeeting(board: Board): Promise<string> {
    return expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`)).id;
  }

  async function closeMeeting(bucket: Bucket, meetingId: string, attendance?: string[]): Promise<Meeting> {
    const closed = expectOk(await staff.post<Meeting>(`/api/meetings/${meetingId}/close`, attendance ? { attendance } : {}));
    for (const person of closed.attendance) expected.attended(bucket, person, meetingId);
    return closed;
  }

  function post(board: 'A' | 'B', bucket: Bucket, who: string, idea: { id: string; text: string; owner: string; anonymous?: boolean; help?: HelpLevel }) {
    const key = ideaKey(board, idea.id);
    ideaText.set(key, idea.text);
    expected.idea(bucket, key, { owner: idea.owner, anonymous: idea.anonymous ?? false, help: idea.help ?? 'none' });
    return act(board, who, (doc) =>
      addIdea(doc, {
        id: idea.id,
        text: idea.text,
        authorId: idea.anonymous ? aoiAnonymousId : idea.owner,
        anonymous: idea.anonymous ?? false,
        help: idea.help ?? 'none',
        ...(who === 'staff' ? { enteredBy: staffMe.actorId } : {}),
      }),
    );
  }

  function vote(board: 'A' | 'B', bucket: Bucket, who: string, ideaId: string, delta: number) {
    expected.vote(bucket, who, delta);
    return act(board, who, (doc) => castVote(doc, who, ideaId, delta));
  }

  function thank(board: 'A' | 'B', bucket: Bucket, who: string, ideaId: string, sign: 1 | -1 = 1) {
    expected.thanks(bucket, who, ideaKey(board, ideaId), sign);
    return act(board, who, (doc) => (sign === 1 ? giveThanks(doc, who, ideaId) : withdrawThanks(doc, who, ideaId)));
  }

  function tick(board: 'A' | 'B', bucket: Bucket, who: string, projectId: string, stepId: string, credited: string, done: boolean) {
    expected.step(bucket, `${board}:${stepId}`, done ? credited : null);
    return act(board, who, (doc) => tickStep(doc, projectId, stepId, credited, done));
  }

  function setHelp(board: 'A' | 'B', ideaId: string, help: HelpLevel) {
    expected.help(ideaKey(board, ideaId), help);
    return act(board, 'staff', (doc) => boardRoots(doc).ideas.get(ideaId)!.set('help', help));
  }

  async function report(api: ApiClient, participantId: string, query = `from=${PERIOD.from}&to=${PERIOD.to}`) {
    return api.get<ParticipantReport>(`/api/participants/${participantId}/report?${query}`);
  }

  async function csv(lang?: 'en'): Promise<string[][]> {
    const answer = await staff.get<string>(`/api/reports/contributions.csv?from=${PERIOD.from}&to=${PERIOD.to}${lang ? `&lang=${lang}` : ''}`);
    expect(answer.status).toBe(200);
    const parsed = Papa.parse<string[]>(answer.body.replace(/^\uFEFF/, ''), { skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    return parsed.data;
  }

  beforeAll(async () => {
    server = await startTestServer({ kind, log });
    staff = new ApiClient(server.url);
    const me = await staff.login();
    if (me.kind !== 'staff') throw new Error('expected staff');
    staffMe = me;
    boardA = await staff.createBoard('朝の会のボード', { voteBudget: 5 });
    boardB = await staff.createBoard('作業場のボード', { voteBudget: 5 });
    for (const [name, displayName, reading] of [
      ['aoi', 'あおい', 'あおい'],
      ['ken', 'けん', 'けん'],
      ['rin', 'りん', 'りん'],
      ['yui', 'ゆい', 'ゆい'],
      ['hana', 'はな', 'はな'],
    ] as const) {
      people[name] = expectOk(await staff.post<Participant>('/api/participants', { displayName, reading }));
    }
    // hana left before this period and did nothing in it: she is not in the CSV.
    expectOk(await staff.patch(`/api/participants/${people.hana.id}`, { active: false }));

    const staffA = await connect(staff, boardA);
    const staffB = await connect(staff, boardB);
    observer.A = await connect(staff, boardA);
    observer.B = await connect(staff, boardB);
    on.A.staff = { api: staff, client: staffA };
    on.B.staff = { api: staff, client: staffB };
    for (const name of ['aoi', 'ken'] as const) {
      const api = await join(people[name], boardA);
      on.A[people[name].id] = { api, client: await connect(api, boardA) };
    }
    for (const name of ['aoi', 'rin'] as const) {
      const api = await join(people[name], boardB);
      on.B[people[name].id] = { api, client: await connect(api, boardB) };
    }
    aoiAnonymousId = (await on.A[people.aoi.id]!.api.boardToken(boardA.id)).anonymousId!;
    expect(aoiAnonymousId).toMatch(/^anon_/);
    const mioApi = new ApiClient(server.url);
    mio = await mioApi.joinAsGuest(boardA.joinCode!, 'みお');
    on.A[mio.actorId] = { api: mioApi, client: await connect(mioApi, boardA) };
    // sora came as a guest and did nothing: no row for her. She never opens the board, so no meeting records her.
    sora = await new ApiClient(server.url).joinAsGuest(boardA.joinCode!, 'そら');
  });

  afterAll(async () => {
    for (const client of clients) client.close();
    await server?.stop();
  });

  it('replays the script', async () => {
    const aoi = people.aoi.id;
    const ken = people.ken.id;
    const rin = people.rin.id;
    const mioId = mio.actorId;

    // --- Before the period (moved to 27 August): an idea of aoi's that is thanked later.
    let marker = await lastEventId();
    meetings.a1 = await startMeeting(boardA);
    await post('A', 'before', aoi, { id: 'a1', text: '箱に色をつける', owner: aoi });
    await post('A', 'before', ken, { id: 'k1', text: '色で箱を分ける', owner: ken });
    await closeMeeting('before', meetings.a1, [aoi, ken]);
    await moveSince(marker, '2026-08-27T10:00:00+09:00');

    // --- 10 September, board A: ideas, helped ideas, an anonymous one, thanks, votes, a merge.
    marker = await lastEventId();
    meetings.a2 = await startMeeting(boardA);
    await post('A', '2026-09', aoi, { id: 'a2', text: '休けいの時間', owner: aoi });
    await act('A', aoi, (doc) => editIdea(doc, 'a2', { text: '休けいの時間をわかりやすく' }));
    ideaText.set(ideaKey('A', 'a2'), '休けいの時間をわかりやすく');
    await post('A', '2026-09', 'staff', { id: 's1', text: 'ごみの日を絵で知らせる', owner: aoi, help: 'prompted' });
    await post('A', '2026-09', 'staff', { id: 's2', text: '手ぶくろを入口に置く', owner: aoi, help: 'none' });
    await post('A', '2026-09', aoi, { id: 'an1', text: 'お昼の音楽を変える', owner: aoi, anonymous: true });
    await post('A', '2026-09', aoi, { id: 'a3', text: '箱の色をそろえる', owner: aoi });
    await post('A', '2026-09', aoi, { id: 'a5', text: 'まちがえた', owner: aoi });
    await act('A', aoi, (doc) => editIdea(doc, 'a5', { text: 'まちがえたアイデア' }));
    await act('A', aoi, (doc) => deleteIdea(doc, 'a5'));
    ideaText.set(ideaKey('A', 'a5'), 'まちがえたアイデア');
    await post('A', '2026-09', mioId, { id: 'm1', text: '机をならべかえる', owner: mioId });
    await thank('A', '2026-09', ken, 'a1'); // an idea of August, thanked in September
    await thank('A', '2026-09', mioId, 'a2');
    await thank('A', '2026-09', ken, 'an1');
    await thank('A', '2026-09', aoi, 'k1');
    await thank('A', '2026-09', aoi, 'm1');
    await thank('A', '2026-09', aoi, 'm1', -1);
    await phase('A', 'vote');
    await vote('A', '2026-09', aoi, 'k1', 2);
    await vote('A', '2026-09', aoi, 'a2', 1);
    await vote('A', '2026-09', aoi, 'k1', -1);
    await vote('A', '2026-09', ken, 'a2', 1);
    await vote('A', '2026-09', ken, 'an1', 1);
    await vote('A', '2026-09', mioId, 'a3', 2);
    // Staff merge aoi's a3 into ken's k1: mio's two dots move with it, which is nobody's vote.
    expectOk(await staff.post(`/api/boards/${boardA.id}/ideas/a3/merge`, { into: 'k1' }));
    await eventually(() => expect(boardToJson(observer.A!.doc).ideas.a3?.mergedInto).toBe('k1'));
    await phase('A', 'collect');
    // Everyone on the board is recorded as there: aoi, ken and mio (staff never count, sora never came).
    const closedA2 = await closeMeeting('2026-09', meetings.a2);
    expect([...closedA2.attendance].sort()).toEqual([aoi, ken, mioId].sort());
    await moveSince(marker, '2026-09-10T10:00:00+09:00');

    // --- 24 September, board B: a project from aoi's idea, she leads it, steps.
    marker = await lastEventId();
    meetings.b1 = await startMeeting(boardB);
    await post('B', '2026-09', aoi, { id: 'b1', text: '道具の置き場所に名前をはる', owner: aoi });
    await post('B', '2026-09', rin, { id: 'r1', text: 'そうじの当番表', owner: rin });
    await thank('B', '2026-09', rin, 'b1');
    await act('A', 'staff', (doc) => editIdea(doc, 'a2', { status: 'parked' }));
    await act('B', 'staff', (doc) => createProject(doc, { id: 'p1', ideaId: 'b1', title: '名前シールをつくる' }));
    expected.led('2026-09', aoi, 'B:p1');
    await act('B', aoi, (doc) => setLead(doc, 'p1', aoi));
    expected.joined('2026-09', rin, 'B:p1');
    await act('B', rin, (doc) => setMember(doc, 'p1', rin, true));
    expected.joined('2026-09', aoi, 'B:p1');
    await act('B', aoi, (doc) => setMember(doc, 'p1', aoi, true));
    for (const [id, text] of [
      ['st1', 'シールを買う'],
      ['st2', '名前を書く'],
      ['st3', 'はる'],
    ] as const) {
      await act('B', aoi, (doc) => addStep(doc, 'p1', { id, text }));
    }
    await tick('B', '2026-09', aoi, 'p1', 'st1', aoi, true);
    await tick('B', '2026-09', rin, 'p1', 'st2', rin, true);
    await tick('B', '2026-09', aoi, 'p1', 'st3', aoi, true);
    await tick('B', '2026-09', aoi, 'p1', 'st3', aoi, false);
    await closeMeeting('2026-09', meetings.b1, [aoi, rin]);
    await moveSince(marker, '2026-09-24T10:00:00+09:00');

    // --- 8 October: a project from ken's idea whose lead and member staff set; a step staff tick for aoi.
    marker = await lastEventId();
    meetings.a3 = await startMeeting(boardA);
    await post('B', '2026-10', 'staff', { id: 's3', text: '作業の順番を写真で見せる', owner: aoi, help: 'scribed' });
    await act('A', 'staff', (doc) => createProject(doc, { id: 'p2', ideaId: 'k1', title: '色分けの箱' }));
    expected.led('2026-10', aoi, 'A:p2');
    await act('A', 'staff', (doc) => setLead(doc, 'p2', aoi));
    expected.joined('2026-10', aoi, 'A:p2');
    await act('A', 'staff', (doc) => setMember(doc, 'p2', aoi, true));
    expected.joined('2026-10', ken, 'A:p2');
    await act('A', ken, (doc) => setMember(doc, 'p2', ken, true));
    await act('A', 'staff', (doc) => addStep(doc, 'p2', { id: 'st4', text: '色を決める' }));
    await tick('A', '2026-10', 'staff', 'p2', 'st4', aoi, true);
    await act('A', ken, (doc) => addStep(doc, 'p2', { id: 'st5', text: '箱を買う' }));
    await tick('A', '2026-10', ken, 'p2', 'st5', ken, true);
    // September's tick of st1 is taken back in October; st3 is ticked again.
    await tick('B', '2026-10', aoi, 'p1', 'st1', aoi, false);
    await tick('B', '2026-10', aoi, 'p1', 'st3', aoi, true);
    await phase('A', 'vote');
    await vote('A', '2026-10', aoi, 'a2', -1); // October alone: −1, shown as 0
    await phase('A', 'collect');
    await thank('A', '2026-10', ken, 'a1', -1); // October alone: aoi received −1, shown as 0
    await thank('B', '2026-10', aoi, 'r1');
    await closeMeeting('2026-10', meetings.a3, [aoi, ken]);
    meetings.b2 = await startMeeting(boardB);
    await closeMeeting('2026-10', meetings.b2, [rin]);
    await moveSince(marker, '2026-10-08T10:00:00+09:00');

    // --- After the period (5 November): nothing here counts, but the help corrected now does.
    marker = await lastEventId();
    await post('A', 'after', aoi, { id: 'a4', text: '窓をあける時間', owner: aoi });
    await thank('A', 'after', ken, 'a2');
    await setHelp('A', 's2', 'prompted');
    await moveSince(marker, '2026-11-05T10:00:00+09:00');

    // The period's edges: its first instant counts, its end (exclusive) does not.
    const db = server.database.db;
    await db.execute(sql`update board_events set created_at = ${PERIOD_START}::timestamptz where type = 'idea.created' and idea_id = 'a2'`);
    await db.execute(sql`update board_events set created_at = ${PERIOD_END}::timestamptz where type = 'idea.created' and idea_id = 'a4'`);
    await db.execute(sql`update board_events set created_at = ${PERIOD_START}::timestamptz - interval '1 millisecond' where type = 'idea.created' and idea_id = 'a1'`);

    // A snapshot restore's changes carry `data.restore`: the board going back is nobody's doing.
    // (Written here as the restore route writes them, so that this file does not depend on it.)
    const restoredAt = new Date('2026-09-15T01:00:00Z');
    await db.insert(boardEvents).values([
      { boardId: boardA.id, type: 'idea.created', actorId: aoi, ideaId: 'gone', data: { text: '戻した', authorId: aoi, anonymous: false, help: 'none', category: '', restore: true }, createdAt: restoredAt },
      { boardId: boardA.id, type: 'vote.cast', actorId: aoi, ideaId: 'k1', data: { from: 0, to: 3, restore: true }, createdAt: restoredAt },
      { boardId: boardA.id, type: 'thanks.given', actorId: ken, ideaId: 'a1', data: { restore: true }, createdAt: restoredAt },
      { boardId: boardB.id, type: 'project.lead_claimed', actorId: staffMe.actorId, projectId: 'p9', data: { leadId: rin, restore: true }, createdAt: restoredAt },
    ]);

    // rin has left by now: her row stays, for what she did in the period.
    expectOk(await staff.patch(`/api/participants/${rin}`, { active: false }));
    expect(refusals()).toEqual([]);
  });

  function expectedIdeas(leaveOutAnonymous: boolean): Partial<ReportIdea>[] {
    const titleA = boardA.title;
    const titleB = boardB.title;
    const ideas: Partial<ReportIdea>[] = [
      // newest first
      { id: 's3', boardId: boardB.id, boardTitle: titleB, help: 'scribed', anonymous: false, fate: 'open', dots: 0, thanks: 0 },
      {
        id: 'b1',
        boardId: boardB.id,
        boardTitle: titleB,
        help: 'none',
        fate: 'project',
        project: { id: 'p1', title: '名前シールをつくる', status: 'planning', stepsDone: 2, steps: 3 },
        dots: 0,
        thanks: 1,
      },
      { id: 'a5', boardId: boardA.id, boardTitle: titleA, text: 'まちがえたアイデア', fate: 'deleted', dots: 0, thanks: 0 },
      { id: 'a3', boardId: boardA.id, boardTitle: titleA, fate: 'merged', mergedIntoText: '色で箱を分ける', dots: 0, thanks: 0 },
      { id: 'an1', boardId: boardA.id, anonymous: true, help: 'none', fate: 'open', dots: 1, thanks: 1 },
      { id: 's2', boardId: boardA.id, help: 'prompted', fate: 'open', dots: 0, thanks: 0 },
      { id: 's1', boardId: boardA.id, help: 'prompted', fate: 'open', dots: 0, thanks: 0 },
      // the period's first instant; parked, and thanked again after the period (the board as it is now)
      { id: 'a2', boardId: boardA.id, createdAt: PERIOD_START, help: 'none', fate: 'parked', dots: 1, thanks: 2 },
    ];
    return ideas
      .filter((idea) => !(leaveOutAnonymous && idea.anonymous))
      .map((idea) => ({ text: ideaText.get(ideaKey(idea.boardId === boardA.id ? 'A' : 'B', idea.id!)), ...idea }));
  }

  async function checkReport(leaveOutAnonymous: boolean) {
    const aoi = people.aoi.id;
    const answer = await report(staff, aoi);
    expect(answer.status).toBe(200);
    const body = answer.body;
    expect(body.participant).toEqual({ id: aoi, displayName: 'あおい', reading: 'あおい', avatar: '', guest: false });
    expect(body.period).toEqual({ from: PERIOD_START, to: PERIOD_END });
    expect(body.anonymousLeftOut).toBe(leaveOutAnonymous);
    expect(body.facility.name).toEqual(expect.any(String));
    expect(body.totals).toEqual(expected.counts(MONTHS, leaveOutAnonymous).get(aoi));
    expect(body.months).toEqual(MONTHS.map((month) => ({ month, ...(expected.counts([month], leaveOutAnonymous).get(aoi) ?? zero()) })));
    expect(body.ideas.map((idea) => idea.id)).toEqual(expectedIdeas(leaveOutAnonymous).map((idea) => idea.id));
    for (const [index, idea] of expectedIdeas(leaveOutAnonymous).entries()) expect(body.ideas[index]).toMatchObject(idea);
    for (const idea of body.ideas) {
      expect(idea.createdAt >= PERIOD_START && idea.createdAt < PERIOD_END, idea.id).toBe(true);
    }
    return body;
  }

  it('counts everything of aoi’s report exactly as the script did it, month by month', async () => {
    const body = await checkReport(false);
    // The script's own arithmetic, written out once for the reader (the model above computes it too).
    expect(body.totals).toEqual({
      ideasIndependent: 5, // a2, an1, a3, a5 (deleted since), b1
      ideasHelped: 3, // s1, s2 (its help corrected after the period), s3
      votesCast: 1,
      thanksGiven: 2,
      thanksReceived: 3,
      projectsLed: 2,
      projectsJoined: 2,
      stepsDone: 2,
      meetingsAttended: 3,
    } satisfies ContributionCounts);
    expect(body.months.map((month) => [month.month, month.votesCast, month.thanksReceived, month.stepsDone])).toEqual([
      ['2026-09', 2, 4, 1],
      ['2026-10', 0, 0, 2],
    ]);
  });

  it('gives every other participant’s counts too (a guest’s, and one who has left)', async () => {
    for (const person of [people.ken.id, people.rin.id, mio.actorId, people.yui.id]) {
      const answer = expectOk(await report(staff, person));
      expect(answer.totals, person).toEqual(expected.counts(MONTHS, false).get(person) ?? zero());
    }
    expect(expectOk(await report(staff, mio.actorId)).participant.guest).toBe(true);
  });

  it('has one CSV row per participant of the period, every cell as the script counted', async () => {
    const rows = await csv();
    const counts = expected.counts(MONTHS, false);
    const row = (name: string, reading: string, id: string) => [name, reading, ...FIELDS.map((field) => String((counts.get(id) ?? zero())[field]))];
    expect(rows[0]).toEqual([
      '名前',
      'よみがな',
      '自分で出したアイデア',
      '手伝ってもらって出したアイデア',
      '入れた票',
      '送ったありがとう',
      'もらったありがとう',
      'リーダーをしたプロジェクト',
      '参加したプロジェクト',
      'できたステップ',
      '出席した会議',
    ]);
    // The roster by reading (hana left and did nothing; rin left but did things), then the guests
    // who did something (mio; not sora).
    expect(rows.slice(1)).toEqual([
      row('あおい', 'あおい', people.aoi.id),
      row('けん', 'けん', people.ken.id),
      row('ゆい', 'ゆい', people.yui.id),
      row('りん', 'りん', people.rin.id),
      row('みお', '', mio.actorId),
    ]);
    expect(expectOk(await report(staff, sora.actorId)).totals).toEqual(zero());
    const english = await csv('en');
    expect(english[0]!.slice(0, 3)).toEqual(['Name', 'Reading', 'Ideas posted on their own']);
    expect(english.slice(1)).toEqual(rows.slice(1));
  });

  it('leaves anonymous ideas out of the report and the CSV when the facility keeps their authors from staff', async () => {
    const facilityId = staffMe.facilityId;
    await server.database.db.update(facilities).set({ settings: { staffSeeAnonymousAuthors: false } }).where(eq(facilities.id, facilityId));
    try {
      await checkReport(true);
      const rows = await csv();
      const aoiCounts = expected.counts(MONTHS, true).get(people.aoi.id)!;
      expect(rows[1]).toEqual(['あおい', 'あおい', ...FIELDS.map((field) => String(aoiCounts[field]))]);
      expect(aoiCounts.ideasIndependent).toBe(expected.counts(MONTHS, false).get(people.aoi.id)!.ideasIndependent - 1);
    } finally {
      await server.database.db.update(facilities).set({ settings: {} }).where(eq(facilities.id, facilityId));
    }
  });

  it('is for staff of the participant’s facility only, and refuses a bad period', async () => {
    const aoi = people.aoi.id;
    expect((await report(staff, aoi)).status).toBe(200);
    expect((await report(on.A[aoi]!.api, aoi)).status).toBe(403);
    expect((await report(new ApiClient(server.url), aoi)).status).toBe(401);
    expect((await on.A[aoi]!.api.get(`/api/reports/contributions.csv?from=${PERIOD.from}&to=${PERIOD.to}`)).status).toBe(403);
    expect((await new ApiClient(server.url).get(`/api/reports/contributions.csv?from=${PERIOD.from}&to=${PERIOD.to}`)).status).toBe(401);

    // Another facility's participant is no participant of ours; nor is a staff id.
    const otherFacility = newId();
    await server.database.db.insert(facilities).values({ id: otherFacility, name: 'ほかの施設' });
    const [stranger] = await server.database.db.insert(participants).values({ id: newId(), facilityId: otherFacility, displayName: 'よその人' }).returning();
    expect((await report(staff, stranger!.id)).status).toBe(404);
    expect((await report(staff, staffMe.actorId)).status).toBe(404);
    expect((await report(staff, 'nobody')).status).toBe(404);
    const rows = await csv();
    expect(rows.map((row) => row[0])).not.toContain('よその人');

    for (const query of ['from=2026-10-31&to=2026-09-01', 'from=2026-09-01', 'from=2026-09-01&to=someday', 'from=2026-09-01&to=2026-10-31&lang=en', 'from=2016-01-01&to=2030-01-01']) {
      const answer = await report(staff, aoi, query);
      expect(answer.status, query).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
    }
    expect((await staff.get(`/api/reports/contributions.csv?from=2026-10-31&to=2026-09-01`)).status).toBe(400);
  });
});
