/**
 * [issue 9, item 7; spec 6, 7] Merging through the API: staff merge a duplicate on the server, which
 * moves other voters' dots (no client may), every stock y-websocket client sees the result, the
 * budgets hold, the history names the staff member (`idea.merged`, `vote.moved`), and unmerging
 * gives every dot back. A merged idea takes no new dots.
 */
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardEvents } from '../drizzle/schema';
import type { Board, IdeaMergeAnswer, Me, Participant } from '../shared/api';
import { addIdea, boardToJson, castVote, setMeta, setPass } from '../shared/board';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

describe.each(databaseKinds())('[issue 9] merging ideas through the API (%s)', (kind) => {
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
    board = await staff.createBoard('まとめるボード');
    aoi = expectOk(await staff.post<Participant>('/api/participants', { displayName: 'あおい' }));
    ken = expectOk(await staff.post<Participant>('/api/participants', { displayName: 'けん' }));
  });
  afterAll(async () => {
    for (const client of clients) client.close();
    await server.stop();
  });

  async function connect(participant: Participant | null): Promise<BoardClient> {
    let api = staff;
    if (participant) {
      api = new ApiClient(server.url);
      expectOk(await api.post<Me>('/api/join', { code: board.joinCode, participantId: participant.id }));
    }
    const client = connectBoard(server.url, board.id, (await api.boardToken(board.id)).token);
    clients.push(client);
    await client.synced;
    return client;
  }

  const votes = (client: BoardClient) => boardToJson(client.doc).votes;

  it('moves the dots to the survivor within every budget, for every client, and back on unmerge', async () => {
    const staffClient = await connect(null);
    const aoiClient = await connect(aoi);
    const kenClient = await connect(ken);
    addIdea(aoiClient.doc, { id: 'box', text: '箱に色をつける', authorId: aoi.id });
    addIdea(kenClient.doc, { id: 'box2', text: '箱の色を分ける', authorId: ken.id });
    addIdea(kenClient.doc, { id: 'rest', text: '休けいを長く', authorId: ken.id });
    await eventually(() => Object.keys(boardToJson(staffClient.doc).ideas).length === 3);
    setMeta(staffClient.doc, { phase: 'vote' });
    await eventually(() => boardToJson(aoiClient.doc).meta.phase === 'vote' && boardToJson(kenClient.doc).meta.phase === 'vote');
    // aoi spends her three dots on both duplicates; ken one on the duplicate and two elsewhere.
    castVote(aoiClient.doc, aoi.id, 'box', 2);
    castVote(aoiClient.doc, aoi.id, 'box2', 1);
    castVote(kenClient.doc, ken.id, 'box2', 1);
    castVote(kenClient.doc, ken.id, 'rest', 2);
    const before = { [aoi.id]: { box: 2, box2: 1 }, [ken.id]: { box2: 1, rest: 2 } };
    await eventually(() => expect(votes(staffClient)).toEqual(before));

    const merged = await staff.post<IdeaMergeAnswer>(`/api/boards/${board.id}/ideas/box2/merge`, { into: 'box' });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({ ideaId: 'box2', mergedInto: 'box', moved: 2 });
    const after = { [aoi.id]: { box: 3 }, [ken.id]: { box: 1, rest: 2 } };
    for (const client of [staffClient, aoiClient, kenClient]) {
      await eventually(() => {
        expect(votes(client)).toEqual(after);
        expect(boardToJson(client.doc).ideas.box2).toMatchObject({ mergedInto: 'box', authorId: ken.id, text: '箱の色を分ける' });
      });
    }

    // A merged idea takes no new dots (ken took one back off the survivor to try).
    castVote(kenClient.doc, ken.id, 'box', -1);
    await eventually(() => expect(votes(staffClient)[ken.id]).toEqual({ rest: 2 }));
    castVote(kenClient.doc, ken.id, 'box2', 1);
    await eventually(() => expect(votes(kenClient)[ken.id]).toEqual({ rest: 2 }));
    castVote(kenClient.doc, ken.id, 'box', 1);
    await eventually(() => expect(votes(staffClient)).toEqual(after));

    // The history says who merged and whose dots moved, never as if the voters had voted.
    await eventually(async () => {
      const rows = await server.database.db.select().from(boardEvents).where(eq(boardEvents.boardId, board.id)).orderBy(asc(boardEvents.id));
      const tidying = rows.filter((row) => row.type === 'idea.merged' || row.type === 'vote.moved');
      expect(tidying.map(({ type, actorId, ideaId, data }) => ({ type, actorId, ideaId, data }))).toEqual(
        expect.arrayContaining([
          { type: 'idea.merged', actorId: staffMe.actorId, ideaId: 'box2', data: { from: null, into: 'box' } },
          { type: 'vote.moved', actorId: staffMe.actorId, ideaId: 'box2', data: { voterId: aoi.id, from: 1, to: 0 } },
          { type: 'vote.moved', actorId: staffMe.actorId, ideaId: 'box', data: { voterId: aoi.id, from: 2, to: 3 } },
          { type: 'vote.moved', actorId: staffMe.actorId, ideaId: 'box', data: { voterId: ken.id, from: 0, to: 1 } },
        ]),
      );
    });

    const unmerged = await staff.post<IdeaMergeAnswer>(`/api/boards/${board.id}/ideas/box2/unmerge`);
    expect(unmerged.body).toEqual({ ideaId: 'box2', mergedInto: null, moved: 2 });
    for (const client of [staffClient, aoiClient, kenClient]) {
      await eventually(() => {
        expect(votes(client)).toEqual(before);
        expect(boardToJson(client.doc).ideas.box2?.mergedInto).toBeUndefined();
      });
    }
  });

  it('answers 404 for an unknown idea, 409 for a merge the rules refuse, 400 for a bad body, 403 for a participant', async () => {
    expect((await staff.post(`/api/boards/${board.id}/ideas/nope/merge`, { into: 'box' })).status).toBe(404);
    expect((await staff.post(`/api/boards/${board.id}/ideas/box/merge`, { into: 'box' })).status).toBe(409);
    expect((await staff.post(`/api/boards/${board.id}/ideas/rest/unmerge`)).status).toBe(409);
    expect((await staff.post(`/api/boards/${board.id}/ideas/box/merge`, { into: '' })).status).toBe(400);
    expect((await staff.post(`/api/boards/${board.id}/ideas/box/merge`, { into: 'rest', extra: 1 })).status).toBe(400);
    const participant = new ApiClient(server.url);
    expectOk(await participant.post<Me>('/api/join', { code: board.joinCode, participantId: aoi.id }));
    expect((await participant.post(`/api/boards/${board.id}/ideas/box2/merge`, { into: 'box' })).status).toBe(403);
  });

  it('records a pass as vote.passed and taking it back as vote.unpassed', async () => {
    const aoiClient = await connect(aoi);
    setPass(aoiClient.doc, aoi.id, true);
    setPass(aoiClient.doc, aoi.id, false);
    await eventually(async () => {
      const rows = await server.database.db.select().from(boardEvents).where(eq(boardEvents.boardId, board.id)).orderBy(asc(boardEvents.id));
      const passes = rows.filter((row) => row.type.startsWith('vote.') && row.type.includes('pass'));
      expect(passes.map(({ type, actorId }) => ({ type, actorId }))).toEqual([
        { type: 'vote.passed', actorId: aoi.id },
        { type: 'vote.unpassed', actorId: aoi.id },
      ]);
    });
  });
});
