/**
 * [spec 4, 6] Rights are checked for as long as a socket lives: taking a participant off the roster
 * closes their sockets at once and refuses new ones, whatever token they still hold; turning guests
 * off closes the guests; turning anonymity off refuses new anonymous ideas; revoking the projector
 * links, rotating the join code and closing the board close what they end within a second, with a
 * code the stock client does not retry (docs/permissions.md, "rights that end"). A token's expiry
 * closes with a code it does retry, and nothing made meanwhile is lost. Board settings are the
 * guard's business, not only the client's.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { facilities, staffUsers } from '../drizzle/schema';
import { AccessReason } from '../server/auth/board-access';
import { hashSecret } from '../server/auth/passwords';
import { createBoardStore } from '../server/persistence/board-store';
import type { Board, BoardToken, Me, Participant } from '../shared/api';
import { addIdea, boardRoots, editIdea } from '../shared/board';
import { CloseCode } from '../shared/close-codes';
import { newId } from '../shared/ids';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { useScenes, type Person, type Scene } from './helpers/permission-scene';
import { connectRecording, savedClock } from './helpers/recording-client';
import { connectBoard, eventually, type BoardClient } from './helpers/yjs-client';

function closesOf(person: Person): number[] {
  const codes: number[] = [];
  person.client.provider.on('connection-close', (event) => codes.push(event?.code ?? 0));
  return codes;
}

/** The closes a client's sockets saw, with their reasons and when they came. */
interface Closes {
  codes: number[];
  reasons: string[];
  at: number[];
}

function watchCloses(client: Pick<BoardClient, 'provider'>): Closes {
  const closes: Closes = { codes: [], reasons: [], at: [] };
  client.provider.on('connection-close', (event) => {
    closes.codes.push(event?.code ?? 0);
    closes.reasons.push(event?.reason ?? '');
    closes.at.push(Date.now());
  });
  return closes;
}

/** Every measured close latency, printed after the file (the report quotes them). */
const latencies: { kind: DatabaseKind; what: string; ms: number }[] = [];
afterAll(() => {
  if (latencies.length > 0) console.info(latencies.map(({ kind, what, ms }) => `${kind}: ${what} closed after ${ms} ms`).join('\n'));
});

describe.each(databaseKinds())('[spec 4] rights that end while a socket is open (%s)', (kind: DatabaseKind) => {
  const scenes = useScenes({ kind });
  const extras: { close(): void }[] = [];
  afterEach(() => {
    for (const client of extras.splice(0)) client.close();
  });

  /** A stock client on `token` that the server lets in and then closes: the code and the reason. */
  async function refusal(boardId: string, token: string): Promise<{ code: number; reason: string; synced: boolean }> {
    const client = connectBoard(scenes.server.url, boardId, token);
    extras.push(client);
    const closed = await new Promise<{ code: number; reason: string }>((resolve) => client.provider.once('closed', resolve));
    return { ...closed, synced: client.provider.synced };
  }

  async function connected(boardId: string, token: string): Promise<BoardClient> {
    const client = connectBoard(scenes.server.url, boardId, token);
    extras.push(client);
    await client.synced;
    return client;
  }

  /** Somebody who joins with the code on their own device, beside the scene's people. */
  async function joins(scene: Scene, how: { guestName: string } | { participantId: string }, code = scene.board.joinCode!) {
    const api = new ApiClient(scenes.server.url);
    const me = expectOk(await api.post<Me>('/api/join', { code, ...how }));
    const client = await connected(scene.board.id, (await api.boardToken(scene.board.id)).token);
    return { api, me, client, closes: watchCloses(client) };
  }

  /** Waits up to a second for each of `closed` to see exactly one close with `code`, and records how long it took. */
  async function closeWithinASecond(what: string, started: number, closed: Closes[], code: number, reason: string): Promise<void> {
    await eventually(() => {
      for (const closes of closed) expect(closes.codes).toEqual([code]);
    }, { timeoutMs: 1000 });
    for (const closes of closed) expect(closes.reasons).toEqual([reason]);
    const ms = Math.max(...closed.map((closes) => closes.at[0]! - started));
    latencies.push({ kind, what, ms });
    expect(ms).toBeLessThan(1000);
  }

  it('closes a participant’s socket within a second of being taken off the roster, and refuses their old token', async () => {
    const scene = await scenes.open();
    const { aoi, ken } = scene;
    const aoiCloses = closesOf(aoi);
    const kenCloses = closesOf(ken);
    // A token minted before the change, as a stolen or forgotten tablet would still hold.
    const oldToken = await scenes.server.tokens.issue(scene.board.id, { id: aoi.actorId, role: 'participant', name: 'あおい' });

    const started = Date.now();
    const answer = await scenes.staffApi.patch(`/api/participants/${aoi.actorId}`, { active: false });
    expect(answer.status).toBe(200);
    await eventually(() => expect(aoiCloses).toEqual([CloseCode.forbidden]), { timeoutMs: 1000 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(kenCloses).toEqual([]);

    const again = connectBoard(scenes.server.url, scene.board.id, oldToken.token);
    const closed = new Promise<number>((resolve) => again.provider.once('closed', (event) => resolve(event.code)));
    expect(await closed).toBe(CloseCode.forbidden);
    again.close();
  });

  it('closes a guest’s socket within a second of staff deactivating the guest, and refuses the guest’s old token', async () => {
    const scene = await scenes.open();
    const closes = new Map(scene.people.map((person) => [person, watchCloses(person.client)]));
    const kenToken = await scenes.server.tokens.issue(scene.board.id, { id: scene.ken.actorId, role: 'guest', name: 'けん' });

    const started = Date.now();
    expectOk(await scenes.staffApi.patch(`/api/participants/${scene.ken.actorId}`, { active: false }));
    await closeWithinASecond('a deactivated guest', started, [closes.get(scene.ken)!], CloseCode.forbidden, AccessReason.notOnRoster);
    for (const person of scene.people) if (person !== scene.ken) expect(closes.get(person)!.codes, person.name).toEqual([]);
    expect(await refusal(scene.board.id, kenToken.token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.guestEnded, synced: false });
  });

  it('closes the guests when staff turn guests off, and lets no guest back in; others stay', async () => {
    const scene = await scenes.open();
    const { aoi, ken, mio } = scene;
    const [aoiCloses, kenCloses, mioCloses] = [closesOf(aoi), closesOf(ken), closesOf(mio)];
    const kenToken = await scenes.server.tokens.issue(scene.board.id, { id: ken.actorId, role: 'guest', name: 'けん' });

    expect((await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { allowGuests: false })).status).toBe(200);
    await eventually(() => {
      expect(kenCloses).toEqual([CloseCode.forbidden]);
      expect(mioCloses).toEqual([CloseCode.forbidden]);
    });
    expect(aoiCloses).toEqual([]);
    const again = connectBoard(scenes.server.url, scene.board.id, kenToken.token);
    const closed = new Promise<number>((resolve) => again.provider.once('closed', (event) => resolve(event.code)));
    expect(await closed).toBe(CloseCode.forbidden);
    again.close();
    await scene.allowed(aoi, 'aoi still writes', (doc) => addIdea(doc, { id: 'still-open', text: 'まだ書ける', authorId: aoi.actorId }),
      (view) => view.board.ideas['still-open'] !== undefined);
  });

  it('refuses a new anonymous idea once staff turn anonymity off (settings.anonymous); earlier ones stay anonymous', async () => {
    const scene = await scenes.open();
    const { aoi } = scene;
    await scene.allowed(aoi, 'aoi posts anonymously while allowed',
      (doc) => addIdea(doc, { id: 'before', text: 'まえの案', authorId: aoi.anonymousId, anonymous: true }),
      (view) => view.board.ideas.before?.anonymous === true);
    expect((await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { allowAnonymous: false })).status).toBe(200);

    await scene.refused(aoi, 'aoi posts anonymously after it was turned off', 'settings.anonymous',
      (doc) => addIdea(doc, { id: 'after', text: 'あとの案', authorId: aoi.anonymousId, anonymous: true }),
      (view) => view.board.ideas.after !== undefined);
    await scene.allowed(aoi, 'aoi edits her earlier anonymous idea', (doc) => editIdea(doc, 'before', { text: 'なおした' }),
      (view) => view.board.ideas.before?.text === 'なおした' && view.board.ideas.before.anonymous);
    await scene.allowed(aoi, 'aoi posts with her name', (doc) => addIdea(doc, { id: 'named', text: '名前つき', authorId: aoi.actorId }),
      (view) => view.board.ideas.named !== undefined);
  });

  describe('revoking the projector links (DELETE /api/boards/:id/viewer-token)', () => {
    it('closes the viewer within a second (4403), refuses the old token, and a new token works', async () => {
      const scene = await scenes.open();
      const closes = new Map(scene.people.map((person) => [person, watchCloses(person.client)]));
      const path = `/api/boards/${scene.board.id}/viewer-token`;
      const old = expectOk(await scenes.staffApi.post<BoardToken>(path));

      const started = Date.now();
      expect((await scenes.staffApi.request('DELETE', path)).status).toBe(204);
      await closeWithinASecond('a revoked viewer', started, [closes.get(scene.viewer)!], CloseCode.forbidden, AccessReason.viewerRevoked);
      for (const person of scene.people) if (person !== scene.viewer) expect(closes.get(person)!.codes, person.name).toEqual([]);
      expect(await refusal(scene.board.id, old.token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.viewerRevoked, synced: false });

      const projector = await connected(scene.board.id, expectOk(await scenes.staffApi.post<BoardToken>(path)).token);
      const projectorCloses = watchCloses(projector);
      await scene.allowed(scene.aoi, 'aoi posts after the revocation', (doc) => addIdea(doc, { id: 'shown', text: 'うつる', authorId: scene.aoi.actorId }),
        (view) => view.board.ideas.shown !== undefined);
      await eventually(() => expect(boardRoots(projector.doc).ideas.has('shown')).toBe(true));
      expect(projectorCloses.codes).toEqual([]);
    });

    it('is for the facility’s staff only: 401 without a session, 403 for a guest, 404 for another facility’s staff; nothing is revoked', async () => {
      const scene = await scenes.open();
      const viewerCloses = watchCloses(scene.viewer.client);
      const path = `/api/boards/${scene.board.id}/viewer-token`;
      const { db } = scenes.server.database;
      const facilityId = newId();
      await db.insert(facilities).values({ id: facilityId, name: 'となりの施設' });
      const login = `neighbour-${facilityId}`;
      await db.insert(staffUsers).values({
        id: newId(),
        facilityId,
        login,
        name: 'となりの職員',
        role: 'admin',
        passwordHash: await hashSecret('another-long-password'),
      });
      const neighbour = new ApiClient(scenes.server.url);
      await neighbour.login(login, 'another-long-password');
      const guest = await joins(scene, { guestName: 'のぞき' });

      expect((await new ApiClient(scenes.server.url).request('DELETE', path)).status).toBe(401);
      expect((await guest.api.request('DELETE', path)).status).toBe(403);
      expect((await neighbour.request('DELETE', path)).status).toBe(404);
      expect((await neighbour.post(path)).status).toBe(404);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(viewerCloses.codes).toEqual([]);
      expect((await connected(scene.board.id, expectOk(await scenes.staffApi.post<BoardToken>(path)).token)).provider.wsconnected).toBe(true);
    });
  });

  it('rotating the join code ends the guests within a second (4403) and their sessions; participants stay', async () => {
    const scene = await scenes.open();
    const closes = new Map(scene.people.map((person) => [person, watchCloses(person.client)]));
    const card = expectOk(await scenes.staffApi.post<Participant>('/api/participants', { displayName: 'そら' }));
    const sora = await joins(scene, { participantId: card.id });
    const nao = await joins(scene, { guestName: 'なお' });
    const naoToken = await nao.api.boardToken(scene.board.id);
    const oldCode = scene.board.joinCode!;

    const started = Date.now();
    const rotated = expectOk(await scenes.staffApi.post<Board>(`/api/boards/${scene.board.id}/join-code`));
    expect(rotated.joinCode).not.toBe(oldCode);
    const guests = [closes.get(scene.ken)!, closes.get(scene.mio)!, nao.closes];
    await closeWithinASecond('guests at a join-code rotation', started, guests, CloseCode.forbidden, AccessReason.joinCodeChanged);
    for (const person of [scene.aoi, scene.staff, scene.viewer, scene.observer]) expect(closes.get(person)!.codes, person.name).toEqual([]);
    expect(sora.closes.codes).toEqual([]);

    expect((await nao.api.get('/api/me')).status).toBe(401);
    expect((await nao.api.get(`/api/boards/${scene.board.id}/token`)).status).toBe(401);
    expect(await refusal(scene.board.id, naoToken.token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.guestEnded, synced: false });
    expect((await nao.api.get(`/api/join/${oldCode}`)).status).toBe(404);
    expect((await nao.api.post('/api/join', { code: oldCode, guestName: 'なお' })).status).toBe(404);

    // The participant keeps the session and the socket.
    expect(expectOk(await sora.api.get<Me>('/api/me')).actorId).toBe(card.id);
    expectOk(await sora.api.get(`/api/boards/${scene.board.id}/token`));
    await scene.allowed(scene.aoi, 'aoi writes after the rotation', (doc) => addIdea(doc, { id: 'after-rotation', text: 'まだ書ける', authorId: scene.aoi.actorId }),
      (view) => view.board.ideas['after-rotation'] !== undefined);
    await eventually(() => expect(boardRoots(sora.client.doc).ideas.has('after-rotation')).toBe(true));

    // Joining again with the new code makes a new guest, who can write.
    const again = await joins(scene, { guestName: 'なお' }, rotated.joinCode!);
    expect(again.me.actorId).not.toBe(nao.me.actorId);
    addIdea(again.client.doc, { id: 'new-guest', text: 'もういちど', authorId: again.me.actorId });
    await eventually(() => expect(boardRoots(scene.observer.doc).ideas.has('new-guest')).toBe(true));
  });

  it('closing the board closes participants, guests and the viewer within a second (4403); staff stay; reopening lets people join again', async () => {
    const scene = await scenes.open();
    const closes = new Map(scene.people.map((person) => [person, watchCloses(person.client)]));
    const card = expectOk(await scenes.staffApi.post<Participant>('/api/participants', { displayName: 'そら' }));
    const sora = await joins(scene, { participantId: card.id });
    const nao = await joins(scene, { guestName: 'なお' });
    const soraToken = await sora.api.boardToken(scene.board.id);
    const naoToken = await nao.api.boardToken(scene.board.id);
    const viewerPath = `/api/boards/${scene.board.id}/viewer-token`;
    const viewerToken = expectOk(await scenes.staffApi.post<BoardToken>(viewerPath));
    const code = scene.board.joinCode!;

    const started = Date.now();
    const closed = expectOk(await scenes.staffApi.patch<Board>(`/api/boards/${scene.board.id}`, { closed: true }));
    expect(closed.closedAt).not.toBeNull();
    const everybodyButStaff = [scene.aoi, scene.ken, scene.mio, scene.viewer].map((person) => closes.get(person)!);
    await closeWithinASecond('everybody but staff at closing', started, [...everybodyButStaff, sora.closes, nao.closes], CloseCode.forbidden,
      AccessReason.boardClosed);
    expect(closes.get(scene.staff)!.codes).toEqual([]);
    expect(closes.get(scene.observer)!.codes).toEqual([]);
    await scene.allowed(scene.staff, 'staff still write on the closed board',
      (doc) => addIdea(doc, { id: 'closing-note', text: 'まとめ', authorId: scene.staff.actorId }),
      (view) => view.board.ideas['closing-note'] !== undefined);

    // Nobody but staff gets in: sessions are over, old tokens open nothing, no new projector token.
    for (const person of [sora, nao]) {
      expect((await person.api.get('/api/me')).status).toBe(401);
      expect((await person.api.get(`/api/boards/${scene.board.id}/token`)).status).toBe(401);
    }
    for (const token of [soraToken.token, naoToken.token, viewerToken.token]) {
      expect(await refusal(scene.board.id, token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.boardClosed, synced: false });
    }
    const projector = await scenes.staffApi.post(viewerPath);
    expect(projector.status).toBe(403);
    expect(projector.body.error.message).toMatch(/closed/);
    expect((await sora.api.get(`/api/join/${code}`)).status).toBe(404);
    expect((await sora.api.post('/api/join', { code, participantId: card.id })).status).toBe(404);
    expect((await scenes.staffApi.post(`/api/boards/${scene.board.id}/join-code`)).status).toBe(409);
    expect((await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { closed: true, closedAt: null })).status).toBe(400);

    // Reopened: the same code works again; the guests' old tokens and the projector link do not.
    const reopened = expectOk(await scenes.staffApi.patch<Board>(`/api/boards/${scene.board.id}`, { closed: false }));
    expect(reopened).toMatchObject({ closedAt: null, joinCode: code });
    const back = await joins(scene, { participantId: card.id });
    addIdea(back.client.doc, { id: 'after-reopening', text: 'またあいた', authorId: card.id });
    await eventually(() => expect(boardRoots(scene.observer.doc).ideas.has('after-reopening')).toBe(true));
    expect(await refusal(scene.board.id, naoToken.token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.guestEnded, synced: false });
    expect(await refusal(scene.board.id, viewerToken.token)).toEqual({ code: CloseCode.forbidden, reason: AccessReason.viewerRevoked, synced: false });
    await connected(scene.board.id, expectOk(await scenes.staffApi.post<BoardToken>(viewerPath)).token);
  });

  it('loses nothing acked when the board closes under a participant who is writing', async () => {
    const scene = await scenes.open();
    const card = expectOk(await scenes.staffApi.post<Participant>('/api/participants', { displayName: 'そら' }));
    const api = new ApiClient(scenes.server.url);
    expectOk(await api.post<Me>('/api/join', { code: scene.board.joinCode, participantId: card.id }));
    const writer = connectRecording(scenes.server.url, scene.board.id, (await api.boardToken(scene.board.id)).token, { acks: true });
    extras.push(writer);
    await writer.synced;
    const closes = watchCloses(writer);

    // Ideas keep coming, one update each, until the socket is gone; the close lands among them.
    let written = 0;
    const writing = setInterval(() => {
      for (let i = 0; i < 5; i++) addIdea(writer.doc, { id: `idea-${written++}`, text: `案 ${written}`, authorId: card.id });
    }, 5);
    await eventually(() => expect(writer.savedMessages).toBeGreaterThan(10));
    expectOk(await scenes.staffApi.patch(`/api/boards/${scene.board.id}`, { closed: true }));
    await eventually(() => expect(closes.codes).toEqual([CloseCode.forbidden]), { timeoutMs: 1000 });
    clearInterval(writing);

    const acked = savedClock(writer.sockets[0]!, writer.doc.clientID);
    expect(acked).toBeGreaterThan(0);
    const stored = await createBoardStore(scenes.server.database.db).load(scene.board.id);
    const doc = new Y.Doc();
    for (const update of [stored!.snapshot, ...stored!.updates]) if (update) Y.applyUpdate(doc, update);
    expect(Y.decodeStateVector(Y.encodeStateVector(doc)).get(writer.doc.clientID) ?? 0).toBeGreaterThanOrEqual(acked);
    // The staff's view (the room in memory) agrees with what is stored.
    expect(Y.decodeStateVector(Y.encodeStateVector(scene.observer.doc)).get(writer.doc.clientID) ?? 0).toBeGreaterThanOrEqual(acked);
  });

  it('an expired token closes the socket (4001); the app’s fresh token reconnects it, and what was written meanwhile is stored', async () => {
    // tests/relay-lifetime.test.ts covers staff with a fresh token put in place ahead of expiry; this is
    // a participant whose client fetches one only when the socket closes (BoardConnection's
    // `#ensureFreshToken` on `connection-close`), writing while the socket is down.
    const scene = await scenes.open();
    const card = expectOk(await scenes.staffApi.post<Participant>('/api/participants', { displayName: 'そら' }));
    const api = new ApiClient(scenes.server.url);
    expectOk(await api.post<Me>('/api/join', { code: scene.board.joinCode, participantId: card.id }));
    const short = await scenes.server.tokens.issue(scene.board.id, { id: card.id, role: 'participant', name: 'そら' }, 1500);
    const writer = await connected(scene.board.id, short.token);
    const closes = watchCloses(writer);
    writer.provider.on('connection-close', (event) => {
      // What the app does at a close: fetch a token if the one in `params` is (nearly) spent.
      if (event) void api.boardToken(scene.board.id).then(({ token }) => (writer.provider.params = { token }), () => {});
    });
    let wroteWhileDown = false;
    writer.provider.on('status', ({ status }) => {
      if (status !== 'disconnected' || wroteWhileDown) return;
      wroteWhileDown = true;
      addIdea(writer.doc, { id: 'while-down', text: 'きれているあいだに', authorId: card.id });
    });

    await eventually(() => expect(closes.codes[0]).toBe(CloseCode.tokenExpired), { timeoutMs: 5000 });
    expect(closes.reasons[0]).toMatch(/expired/);
    await eventually(() => expect(boardRoots(scene.observer.doc).ideas.has('while-down')).toBe(true), { timeoutMs: 10_000 });
    await eventually(() => expect(writer.provider.wsconnected).toBe(true));
    // Nothing but the expiry and, maybe, a refused attempt with the old token before the new one came.
    expect(closes.codes.filter((code) => code !== CloseCode.tokenExpired && code !== 1006)).toEqual([]);
    const stored = await createBoardStore(scenes.server.database.db).load(scene.board.id);
    const doc = new Y.Doc();
    for (const update of [stored!.snapshot, ...stored!.updates]) if (update) Y.applyUpdate(doc, update);
    expect(boardRoots(doc).ideas.has('while-down')).toBe(true);
  });
});
