/**
 * [spec 3, 7] Meetings: staff start one on a board and close it; closing takes a `meeting`
 * snapshot of the committed board and records who attended from the sockets that were on the board,
 * correctable by staff. Real server, real y-websocket clients, PGlite and PostgreSQL.
 */
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardEvents, boardSnapshots, facilities, staffUsers } from '../drizzle/schema';
import { hashSecret } from '../server/auth/passwords';
import type { Board, Me, Meeting, Participant } from '../shared/api';
import { addIdea, boardToJson } from '../shared/board';
import { newId } from '../shared/ids';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

describe.each(databaseKinds())('[spec 3] meetings (%s)', (kind) => {
  let server: TestServer;
  let staff: ApiClient;
  let staffMe: Me;
  let board: Board;
  let aoi: Participant;
  let ken: Participant;
  const clients: BoardClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ kind });
    staff = new ApiClient(server.url);
    staffMe = await staff.login();
    board = await staff.createBoard('会議のボード');
    aoi = expectOk(await staff.post<Participant>('/api/participants', { displayName: 'あおい' }));
    ken = expectOk(await staff.post<Participant>('/api/participants', { displayName: 'けん' }));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.stop();
  });

  async function joined(participant: Participant, onBoard: Board = board): Promise<ApiClient> {
    const api = new ApiClient(server.url);
    expectOk(await api.post<Me>('/api/join', { code: onBoard.joinCode, participantId: participant.id }));
    return api;
  }

  async function connect(api: ApiClient, boardId = board.id): Promise<BoardClient> {
    const client = connectBoard(server.url, boardId, (await api.boardToken(boardId)).token);
    clients.push(client);
    await client.synced;
    return client;
  }

  async function eventsOf(boardId: string, meetingId: string) {
    const rows = await server.database.db.select().from(boardEvents).where(eq(boardEvents.boardId, boardId)).orderBy(asc(boardEvents.id));
    return rows
      .filter((row) => row.type.startsWith('meeting.') || row.type === 'attendance')
      .filter((row) => (row.data as { meetingId?: string }).meetingId === meetingId)
      .map(({ type, actorId, seq }) => ({ type, actorId, seq }));
  }

  it('closes a meeting with a snapshot of what was committed and everyone who was on the board', async () => {
    const started = await staff.post<Meeting>(`/api/boards/${board.id}/meetings`);
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ boardId: board.id, closedAt: null, startedBy: staffMe.actorId, attendance: [] });
    const meeting = started.body;
    expect(new Date(meeting.startedAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    const staffClient = await connect(staff);
    const aoiClient = await connect(await joined(aoi));
    const kenClient = await connect(await joined(ken));
    aoiClient.doc.transact(() => addIdea(aoiClient.doc, { id: 'i1', text: '箱に色をつける', authorId: aoi.id }));
    kenClient.doc.transact(() => addIdea(kenClient.doc, { id: 'i2', text: '休けいの時間をわかりやすく', authorId: ken.id }));
    await eventually(() => boardToJson(staffClient.doc).ideas.i2 !== undefined && boardToJson(staffClient.doc).ideas.i1 !== undefined);
    // While it is open, the meeting says who has been seen so far (staff and projectors never count).
    await eventually(async () => {
      const open = expectOk(await staff.get<Meeting>(`/api/meetings/${meeting.id}`));
      expect([...open.attendance].sort()).toEqual([aoi.id, ken.id].sort());
    });
    // ken leaves early; what aoi writes after that is in the snapshot too.
    kenClient.close();
    aoiClient.doc.transact(() => addIdea(aoiClient.doc, { id: 'i3', text: 'はさみの置き場所を決める', authorId: aoi.id }));
    await eventually(() => boardToJson(staffClient.doc).ideas.i3 !== undefined);

    const closed = expectOk(await staff.post<Meeting>(`/api/meetings/${meeting.id}/close`));
    expect(closed).toMatchObject({ id: meeting.id, closedBy: staffMe.actorId, startedAt: meeting.startedAt });
    expect(closed.closedAt).not.toBeNull();
    expect([...closed.attendance].sort()).toEqual([aoi.id, ken.id].sort());

    const [snapshot] = await server.database.db.select().from(boardSnapshots).where(eq(boardSnapshots.id, closed.snapshotId!));
    expect(snapshot).toMatchObject({ boardId: board.id, kind: 'meeting', takenBy: staffMe.actorId });
    expect(snapshot!.label).toMatch(/^\d{4}-\d{2}-\d{2} の会議$/);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot!.state);
    expect(Object.keys(boardToJson(doc).ideas).sort()).toEqual(['i1', 'i2', 'i3']);

    const events = await eventsOf(board.id, meeting.id);
    expect(events.filter((event) => event.type !== 'attendance')).toEqual([
      { type: 'meeting.started', actorId: staffMe.actorId, seq: null },
      { type: 'meeting.closed', actorId: staffMe.actorId, seq: null },
    ]);
    expect(events.filter((event) => event.type === 'attendance').map((event) => event.actorId).sort()).toEqual([aoi.id, ken.id].sort());

    // Closed is closed, and the list shows it.
    const again = await staff.post(`/api/meetings/${meeting.id}/close`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    const list = expectOk(await staff.get<Meeting[]>(`/api/boards/${board.id}/meetings`));
    expect(list).toEqual([closed]);
  });

  it('holds one open meeting per board, and a later one on the same board, with attendance corrected by staff', async () => {
    const first = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const twice = await staff.post(`/api/boards/${board.id}/meetings`);
    expect(twice.status).toBe(409);
    // Two starts at once: still one meeting.
    const racing = await Promise.all([1, 2].map(() => staff.post(`/api/boards/${board.id}/meetings`)));
    expect(racing.map((answer) => answer.status)).toEqual([409, 409]);

    // aoi is still connected from the first test: she is seen at once.
    await eventually(async () => expect(expectOk(await staff.get<Meeting>(`/api/meetings/${first.id}`)).attendance).toEqual([aoi.id]));
    // Staff know better: ken was there (on a shared tablet under aoi's card, say), aoi was not.
    const closed = expectOk(await staff.post<Meeting>(`/api/meetings/${first.id}/close`, { attendance: [ken.id, ken.id] }));
    expect(closed.attendance).toEqual([ken.id]);
    const attendance = await server.database.db
      .select()
      .from(boardEvents)
      .where(and(eq(boardEvents.boardId, board.id), eq(boardEvents.type, 'attendance')));
    const ofThis = attendance.filter((row) => (row.data as { meetingId: string }).meetingId === first.id);
    expect(ofThis.map((row) => [row.actorId, row.data])).toEqual([[ken.id, { meetingId: first.id, recordedBy: staffMe.actorId, corrected: true }]]);

    // Weeks later, another meeting on the same board. ken looks in and goes; the board unloads
    // (nobody is on it); aoi comes later, to a room loaded afresh: both are seen.
    for (const client of clients.splice(0)) client.close();
    await eventually(() => server.registry.connectionCount === 0);
    const later = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const kenAgain = await connect(await joined(ken));
    await eventually(async () => expect(expectOk(await staff.get<Meeting>(`/api/meetings/${later.id}`)).attendance).toEqual([ken.id]));
    kenAgain.close();
    await new Promise((resolve) => setTimeout(resolve, 800)); // the test server unloads after 200 ms
    await connect(await joined(aoi));
    const both = expectOk(await staff.post<Meeting>(`/api/meetings/${later.id}/close`));
    expect([...both.attendance].sort()).toEqual([aoi.id, ken.id].sort());
    const notAgain = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const empty = expectOk(await staff.post<Meeting>(`/api/meetings/${notAgain.id}/close`, { attendance: [] }));
    expect(empty.attendance).toEqual([]);
    const list = expectOk(await staff.get<Meeting[]>(`/api/boards/${board.id}/meetings`));
    expect(list.map((m) => m.id).slice(0, 3)).toEqual([notAgain.id, later.id, first.id]);
    expect(list).toHaveLength(4);
    const snapshots = await server.database.db
      .select()
      .from(boardSnapshots)
      .where(and(eq(boardSnapshots.boardId, board.id), eq(boardSnapshots.kind, 'meeting')));
    expect(snapshots).toHaveLength(4);
  });

  it('refuses attendance that names somebody who is not a participant of the facility or the board', async () => {
    const meeting = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const otherBoard = await staff.createBoard('となりのボード');
    const guestApi = new ApiClient(server.url);
    const guest = await guestApi.joinAsGuest(otherBoard.joinCode!, 'みお');
    for (const stranger of ['nobody-at-all', staffMe.actorId, guest.actorId]) {
      const answer = await staff.post(`/api/meetings/${meeting.id}/close`, { attendance: [aoi.id, stranger] });
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields.attendance).toEqual([`Not a participant: ${stranger}`]);
    }
    const unknown = await staff.post(`/api/meetings/${meeting.id}/close`, { attendees: [aoi.id] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain('attendees');
    expect((await staff.post(`/api/meetings/${meeting.id}/close`, { attendance: 'aoi' })).status).toBe(400);
    expect((await staff.post(`/api/boards/${board.id}/meetings`, { title: 'x' })).body.error.fields).toEqual({ title: ['Unknown field'] });
    // None of that closed it.
    expect(expectOk(await staff.get<Meeting>(`/api/meetings/${meeting.id}`)).closedAt).toBeNull();
    expectOk(await staff.post(`/api/meetings/${meeting.id}/close`, { attendance: [aoi.id] }));
  });

  it('answers 401 without a session, 403 to a participant and 404 to another facility', async () => {
    const meeting = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const routes: [string, string][] = [
      ['GET', `/api/boards/${board.id}/meetings`],
      ['POST', `/api/boards/${board.id}/meetings`],
      ['GET', `/api/meetings/${meeting.id}`],
      ['POST', `/api/meetings/${meeting.id}/close`],
    ];
    const nobody = new ApiClient(server.url);
    const participant = await joined(aoi);
    const { db } = server.database;
    const facilityId = newId();
    await db.insert(facilities).values({ id: facilityId, name: 'となりの施設' });
    await db.insert(staffUsers).values({ id: newId(), facilityId, login: 'tonari-m', name: 'となり', role: 'admin', passwordHash: await hashSecret('another-facilitys-password') });
    const foreign = new ApiClient(server.url);
    await foreign.login('tonari-m', 'another-facilitys-password');
    for (const [method, path] of routes) {
      const body = method === 'POST' ? {} : undefined;
      expect((await nobody.request(method, path, body)).status, `${method} ${path}`).toBe(401);
      expect((await participant.request(method, path, body)).status, `${method} ${path}`).toBe(403);
      expect((await foreign.request(method, path, body)).status, `${method} ${path}`).toBe(404);
    }
    expect(expectOk(await staff.get<Meeting>(`/api/meetings/${meeting.id}`)).closedAt).toBeNull();
    expect((await staff.post(`/api/meetings/no-such-meeting/close`)).status).toBe(404);
    expectOk(await staff.post(`/api/meetings/${meeting.id}/close`));
  });
});
