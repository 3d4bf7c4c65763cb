/**
 * [spec 3, 5, 7; issue 9, items 8 and 11] The printable meeting summary's data, and ideas staff
 * post for a participant: the board shows them as the participant's, and the history keeps how
 * much help was given (so reports can count independent and helped ideas apart). Real server,
 * real y-websocket clients, PGlite (and PostgreSQL when it is there).
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardEvents } from '../drizzle/schema';
import type { Board, Me, Meeting, MeetingSummary, Participant } from '../shared/api';
import { addIdea, boardRoots, boardToJson, castVote, createProject, setLead, setMeta } from '../shared/board';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

describe.each(databaseKinds())('[issue 9] the meeting summary and help given (%s)', (kind) => {
  let server: TestServer;
  let staff: ApiClient;
  let staffMe: Me;
  let board: Board;
  let aoi: Participant;
  const clients: BoardClient[] = [];

  beforeAll(async () => {
    server = await startTestServer({ kind });
    staff = new ApiClient(server.url);
    staffMe = await staff.login();
    board = await staff.createBoard('まとめのボード');
    aoi = expectOk(await staff.post<Participant>('/api/participants', { displayName: 'あおい', reading: 'あおい', pin: '1234' }));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.stop();
  });

  async function connect(api: ApiClient): Promise<BoardClient> {
    const client = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
    clients.push(client);
    await client.synced;
    return client;
  }

  it('keeps a staff-written idea as the participant’s, with the help in the history, and sums the meeting up', async () => {
    const meeting = expectOk(await staff.post<Meeting>(`/api/boards/${board.id}/meetings`));
    const aoiApi = new ApiClient(server.url);
    expectOk(await aoiApi.post<Me>('/api/join', { code: board.joinCode, participantId: aoi.id, pin: '1234' }));
    const staffClient = await connect(staff);
    const aoiClient = await connect(aoiApi);

    // aoi writes one herself; staff write one that aoi said (scribed) and one they thought out together.
    aoiClient.doc.transact(() => addIdea(aoiClient.doc, { id: 'own', text: '箱に色をつける', authorId: aoi.id }));
    addIdea(staffClient.doc, { id: 'said', text: '道具に名前を書く', authorId: aoi.id, help: 'scribed', enteredBy: staffMe.actorId });
    addIdea(staffClient.doc, { id: 'together', text: '朝に今日の順番を見る', authorId: aoi.id, help: 'prompted', enteredBy: staffMe.actorId });
    await eventually(() => Object.keys(boardToJson(aoiClient.doc).ideas).length === 3);
    expect(boardToJson(aoiClient.doc).ideas.said).toMatchObject({ authorId: aoi.id, help: 'scribed', enteredBy: staffMe.actorId });

    setMeta(staffClient.doc, { phase: 'vote' });
    await eventually(() => boardToJson(aoiClient.doc).meta.phase === 'vote');
    castVote(aoiClient.doc, aoi.id, 'said', 2);
    castVote(staffClient.doc, staffMe.actorId, 'own', 1);
    createProject(staffClient.doc, { id: 'p1', ideaId: 'said', title: '道具に名前を書く' });
    boardRoots(staffClient.doc).projects.get('p1')?.set('supporterId', staffMe.actorId);
    await eventually(() => boardToJson(aoiClient.doc).projects.p1 !== undefined);
    setLead(aoiClient.doc, 'p1', aoi.id);
    await eventually(() => boardToJson(staffClient.doc).projects.p1?.leadId === aoi.id && boardToJson(staffClient.doc).votes[aoi.id]?.said === 2);

    // The history: the idea is aoi's, the staff member entered it, and how much help it had.
    await eventually(async () => {
      const created = await server.database.db
        .select()
        .from(boardEvents)
        .where(and(eq(boardEvents.boardId, board.id), eq(boardEvents.type, 'idea.created')));
      const byIdea = Object.fromEntries(created.map((row) => [row.ideaId, row]));
      expect(byIdea.own?.data).toMatchObject({ authorId: aoi.id, help: 'none' });
      expect(byIdea.own?.data).not.toHaveProperty('enteredBy');
      expect(byIdea.said).toMatchObject({ actorId: staffMe.actorId, data: { authorId: aoi.id, help: 'scribed', enteredBy: staffMe.actorId } });
      expect(byIdea.together?.data).toMatchObject({ authorId: aoi.id, help: 'prompted', enteredBy: staffMe.actorId });
    });

    // While the meeting is open, the summary is a preview of the board as it is.
    const preview = expectOk(await staff.get<MeetingSummary>(`/api/meetings/${meeting.id}/summary`));
    expect(preview.meeting.closedAt).toBeNull();
    expect(Object.keys(preview.board.ideas).sort()).toEqual(['own', 'said', 'together']);

    const closed = expectOk(await staff.post<Meeting>(`/api/meetings/${meeting.id}/close`));
    // Written after the close: not in the summary, which reads the meeting's snapshot.
    addIdea(staffClient.doc, { id: 'after', text: 'あとで書いた', authorId: staffMe.actorId });
    await eventually(() => boardToJson(aoiClient.doc).ideas.after !== undefined);

    const summary = expectOk(await staff.get<MeetingSummary>(`/api/meetings/${meeting.id}/summary`));
    expect(summary.meeting).toEqual(closed);
    expect(summary.title).toBe('まとめのボード');
    expect(Object.keys(summary.board.ideas).sort()).toEqual(['own', 'said', 'together']);
    expect(summary.board.votes[aoi.id]).toEqual({ said: 2 });
    expect(summary.board.projects.p1).toMatchObject({ leadId: aoi.id, supporterId: staffMe.actorId });
    // Names for the lead and the supporter, and nothing private (no PIN, no login).
    expect(summary.people).toContainEqual({ id: aoi.id, name: 'あおい', reading: 'あおい', avatar: '', kind: 'participant' });
    expect(summary.people).toContainEqual(expect.objectContaining({ id: staffMe.actorId, name: staffMe.name, kind: 'staff' }));
    expect(JSON.stringify(summary)).not.toMatch(/pin|login|password/i);
  });

  it('answers 404 for an unknown meeting', async () => {
    const answer = await staff.get('/api/meetings/no-such-meeting/summary');
    expect(answer.status).toBe(404);
    expect(answer.body.error.code).toBe('not_found');
  });
});
