/**
 * [spec 3, 4, 6] Who may call what: every route of the app and the websocket, for every kind of
 * caller, asserted cell by cell from one table (docs/security.md, "Who may call what").
 *
 * The table is the contract. A route the app serves without a row here fails the first test, and a
 * row for a route the app does not serve fails it too, so a new route cannot be forgotten. Every
 * answer a caller from another facility gets is also searched for this facility's ids: no route
 * reads across facilities.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { facilities, staffUsers } from '../drizzle/schema';
import { hashSecret } from '../server/auth/passwords';
import type { Board, BoardToken, Me, Meeting, Participant } from '../shared/api';
import { newId } from '../shared/ids';
import type { SnapshotInfo } from '../shared/history';
import { ADMIN, startTestServer, type TestServer } from './helpers/server';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';

const ROLES = ['anonymous', 'participant', 'otherParticipant', 'guest', 'viewer', 'staff', 'otherStaff', 'admin'] as const;
type Role = (typeof ROLES)[number];
type Expected = Record<Role, number>;

/** What the world of one run offers a row: the board under test and its people. */
interface World {
  board: Board;
  /** A second board of this facility: `otherParticipant` joined it. */
  otherBoard: Board;
  /** A roster card of this facility that no caller is (the target of roster rows). */
  target: Participant;
  /** A fresh board for rows whose success would end somebody's session (rotating, revoking). */
  scratchBoard(): Promise<Board>;
  /** A meeting just started on a fresh board of this facility (each caller closes its own). */
  scratchMeeting(): Promise<Meeting>;
  /** The first snapshot of `board` (its state when created). */
  snapshotId: string;
  /** A fresh board and its first snapshot, for rows that change what the board holds (restore). */
  scratchSnapshot(): Promise<{ boardId: string; snapshotId: string }>;
}

interface Row {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The route as the app declares it. */
  route: string;
  /** The path to call, from the route's parameters. */
  path: (world: World) => string | Promise<string>;
  body?: (world: World) => unknown;
  expected: Expected;
  /** The call ends the caller's session (log out): it is made from a second session. */
  ownSession?: boolean;
  /**
   * Open to whoever holds the join code, from anywhere: its answer is the board's (its title and
   * name cards), so the facility check does not apply.
   */
  byCode?: boolean;
  /**
   * Called with no session at all, each caller sending its own websocket token (as the websocket
   * rows use them) as `Authorization: Bearer`: the projector's routes, where the token is the identity.
   */
  bearer?: boolean;
}

/** Anybody at all, signed in or not. */
const anyone = (status: number): Expected => Object.fromEntries(ROLES.map((role) => [role, status])) as Expected;
/** Signed-in people; the projector has a token but no session. */
const signedIn = (status: number): Expected => ({ ...anyone(status), anonymous: 401, viewer: 401 });
/** Staff routes: 401 without a session, 403 for participants; `other` for staff of another facility. */
const staffOnly = (status: number, other = status): Expected => ({
  anonymous: 401,
  participant: 403,
  otherParticipant: 403,
  guest: 403,
  viewer: 401,
  staff: status,
  otherStaff: other,
  admin: status,
});
/** Routes of one board for the people on it: its participants and guests, and its facility's staff. */
const boardPeople = (status: number): Expected => ({ ...staffOnly(status, 404), participant: status, guest: status, otherParticipant: 403 });

const TABLE: Row[] = [
  { method: 'GET', route: '/healthz', path: () => '/healthz', expected: anyone(200) },
  { method: 'GET', route: '/readyz', path: () => '/readyz', expected: anyone(200) },
  { method: 'GET', route: '/metrics', path: () => '/metrics', expected: anyone(200) },
  // A wrong password for everyone: the answer must not depend on who asks.
  { method: 'POST', route: '/api/auth/login', path: () => '/api/auth/login', body: () => ({ login: ADMIN.login, password: 'not-the-password' }), expected: anyone(401) },
  { method: 'POST', route: '/api/auth/logout', path: () => '/api/auth/logout', expected: anyone(204), ownSession: true },
  { method: 'GET', route: '/api/me', path: () => '/api/me', expected: signedIn(200) },
  { method: 'POST', route: '/api/setup', path: () => '/api/setup', body: () => ({ token: 'not-the-token', login: 'someone', name: 'だれか', password: 'long-enough-password' }), expected: anyone(403) },
  { method: 'GET', route: '/api/join/:code', path: (w) => `/api/join/${w.board.joinCode}`, expected: anyone(200), byCode: true },
  { method: 'POST', route: '/api/join', path: () => '/api/join', body: (w) => ({ code: w.board.joinCode, guestName: 'ひとり' }), expected: anyone(200), ownSession: true, byCode: true },
  { method: 'GET', route: '/api/boards/:id/token', path: (w) => `/api/boards/${w.board.id}/token`, expected: boardPeople(200) },
  { method: 'GET', route: '/api/boards/:id/context', path: (w) => `/api/boards/${w.board.id}/context`, expected: boardPeople(200) },
  { method: 'GET', route: '/api/boards', path: () => '/api/boards', expected: staffOnly(200) },
  { method: 'POST', route: '/api/boards', path: () => '/api/boards', body: () => ({ title: '表のボード' }), expected: staffOnly(201) },
  { method: 'GET', route: '/api/boards/:id', path: (w) => `/api/boards/${w.board.id}`, expected: staffOnly(200, 404) },
  { method: 'PATCH', route: '/api/boards/:id', path: (w) => `/api/boards/${w.board.id}`, body: () => ({ description: '表から' }), expected: staffOnly(200, 404) },
  { method: 'POST', route: '/api/boards/:id/join-code', path: async (w) => `/api/boards/${(await w.scratchBoard()).id}/join-code`, expected: staffOnly(200, 404) },
  { method: 'POST', route: '/api/boards/:id/viewer-token', path: (w) => `/api/boards/${w.board.id}/viewer-token`, expected: staffOnly(200, 404) },
  { method: 'DELETE', route: '/api/boards/:id/viewer-token', path: async (w) => `/api/boards/${(await w.scratchBoard()).id}/viewer-token`, expected: staffOnly(204, 404) },
  // A fresh board each, since a board holds one open meeting at a time.
  { method: 'POST', route: '/api/boards/:id/meetings', path: async (w) => `/api/boards/${(await w.scratchBoard()).id}/meetings`, expected: staffOnly(201, 404) },
  { method: 'GET', route: '/api/boards/:id/meetings', path: (w) => `/api/boards/${w.board.id}/meetings`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/meetings/:id', path: async (w) => `/api/meetings/${(await w.scratchMeeting()).id}`, expected: staffOnly(200, 404) },
  // No such idea on the board: staff learn that (404); nobody else learns anything.
  { method: 'POST', route: '/api/boards/:id/ideas/:ideaId/merge', path: (w) => `/api/boards/${w.board.id}/ideas/no-such-idea/merge`, body: () => ({ into: 'other-idea' }), expected: staffOnly(404) },
  { method: 'POST', route: '/api/boards/:id/ideas/:ideaId/unmerge', path: (w) => `/api/boards/${w.board.id}/ideas/no-such-idea/unmerge`, expected: staffOnly(404) },
  { method: 'POST', route: '/api/meetings/:id/close', path: async (w) => `/api/meetings/${(await w.scratchMeeting()).id}/close`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/meetings/:id/summary', path: async (w) => `/api/meetings/${(await w.scratchMeeting()).id}/summary`, expected: staffOnly(200, 404) },
  // The projector's info: only a viewer token of this board; a person's board token is not one.
  // History (issue 10): staff of the board's facility only; a period is always given where one is needed.
  { method: 'GET', route: '/api/boards/:id/events', path: (w) => `/api/boards/${w.board.id}/events`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/boards/:id/events.csv', path: (w) => `/api/boards/${w.board.id}/events.csv`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/boards/:id/snapshots', path: (w) => `/api/boards/${w.board.id}/snapshots`, expected: staffOnly(200, 404) },
  { method: 'POST', route: '/api/boards/:id/snapshots', path: (w) => `/api/boards/${w.board.id}/snapshots`, body: () => ({ label: '表のしるし' }), expected: staffOnly(201, 404) },
  { method: 'GET', route: '/api/boards/:id/snapshots/:sid', path: (w) => `/api/boards/${w.board.id}/snapshots/${w.snapshotId}`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/boards/:id/diff', path: (w) => `/api/boards/${w.board.id}/diff?from=${w.snapshotId}&to=now`, expected: staffOnly(200, 404) },
  {
    method: 'POST',
    route: '/api/boards/:id/snapshots/:sid/restore',
    path: async (w) => {
      const { boardId, snapshotId } = await w.scratchSnapshot();
      return `/api/boards/${boardId}/snapshots/${snapshotId}/restore`;
    },
    expected: staffOnly(200, 404),
  },
  { method: 'GET', route: '/api/participants/:id/report', path: (w) => `/api/participants/${w.target.id}/report?from=2026-01-01&to=2026-12-31`, expected: staffOnly(200, 404) },
  // Another facility's staff get their own facility's file, which names nobody of this one.
  { method: 'GET', route: '/api/reports/contributions.csv', path: () => '/api/reports/contributions.csv?from=2026-01-01&to=2026-12-31', expected: staffOnly(200) },
  { method: 'GET', route: '/api/boards/:id/present-info', path: (w) => `/api/boards/${w.board.id}/present-info`, expected: { ...anyone(403), anonymous: 401, viewer: 200 }, bearer: true },
  { method: 'GET', route: '/api/participants', path: () => '/api/participants', expected: staffOnly(200) },
  { method: 'POST', route: '/api/participants', path: () => '/api/participants', body: () => ({ displayName: 'あたらしい人' }), expected: staffOnly(201) },
  { method: 'PATCH', route: '/api/participants/:id', path: (w) => `/api/participants/${w.target.id}`, body: () => ({ reading: 'たーげっと' }), expected: staffOnly(200, 404) },
  { method: 'POST', route: '/api/participants/:id/unlock', path: (w) => `/api/participants/${w.target.id}/unlock`, expected: staffOnly(200, 404) },
  { method: 'GET', route: '/api/lockouts', path: () => '/api/lockouts', expected: staffOnly(200) },
  // Each facility's staff read and replace their own facility's list.
  { method: 'GET', route: '/api/facility/categories', path: () => '/api/facility/categories', expected: staffOnly(200) },
  { method: 'PUT', route: '/api/facility/categories', path: () => '/api/facility/categories', body: () => ({ categories: [{ label: { ja: 'はこづめ', en: '' }, pictogram: '📦', colour: '#E69F00' }] }), expected: staffOnly(200) },
  // Furigana (issue 12): readings for anyone with a session, with their own facility's corrections;
  // the projector's route takes any board token of that board; corrections are staff's, per facility.
  { method: 'POST', route: '/api/readings', path: () => '/api/readings', body: () => ({ texts: ['箱を運ぶ'] }), expected: signedIn(200) },
  { method: 'POST', route: '/api/boards/:id/readings', path: (w) => `/api/boards/${w.board.id}/readings`, body: () => ({ texts: ['箱を運ぶ'] }), expected: { ...anyone(200), anonymous: 401, otherParticipant: 403, otherStaff: 403 }, bearer: true },
  { method: 'GET', route: '/api/facility/readings', path: () => '/api/facility/readings', expected: staffOnly(200) },
  { method: 'PUT', route: '/api/facility/readings/:surface', path: () => `/api/facility/readings/${encodeURIComponent('表')}`, body: () => ({ reading: 'おもて' }), expected: staffOnly(200) },
  // No correction of this word exists: staff learn that (404); nobody else learns anything.
  { method: 'DELETE', route: '/api/facility/readings/:surface', path: () => `/api/facility/readings/${encodeURIComponent('裏')}`, expected: staffOnly(404) },
  // No lock exists, so staff learn that (404); nobody else learns anything.
  { method: 'DELETE', route: '/api/lockouts/:id', path: () => '/api/lockouts/no-such-lock', expected: staffOnly(404) },
];

/** The websocket: 101 is an open socket that stays open; otherwise the HTTP status or close code. */
const WEBSOCKET: Expected = {
  anonymous: 401,
  participant: 101,
  // Their token is for their own board.
  otherParticipant: 403,
  guest: 101,
  viewer: 101,
  staff: 101,
  // Their token is for their facility's board.
  otherStaff: 403,
  admin: 101,
};

function upgrade(serverUrl: string, boardId: string, token: string | undefined): Promise<number> {
  const url = `${serverUrl.replace(/^http/, 'ws')}/yjs/${boardId}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new Promise((resolve) => {
    const socket = new WebSocket(url);
    let opened = false;
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('open', () => {
      opened = true;
      // Rights are also checked right after the upgrade; a socket that is closed then is refused.
      setTimeout(() => {
        resolve(101);
        socket.close();
      }, 500);
    });
    socket.on('close', (code) => {
      if (opened) resolve(code);
    });
    socket.on('error', () => {});
  });
}

describe('[spec 3, 4] the access-control matrix', () => {
  let server: TestServer;
  let world: World;
  const callers = new Map<Role, ApiClient>();
  const tokens = new Map<Role, { boardId: string; token: string | undefined }>();
  /** What a caller from another facility must never see. */
  let ownIds: string[];
  /** Starts a new session of `role` (for the rows that end one). */
  let sessionOf: (role: Role) => Promise<ApiClient>;

  beforeAll(async () => {
    server = await startTestServer();
    const { db } = server.database;
    const admin = new ApiClient(server.url);
    const adminMe = await admin.login();
    const board = await admin.createBoard('表のボード', { allowGuests: true });
    const otherBoard = await admin.createBoard('となりのボード');
    const aoi = expectOk(await admin.post<Participant>('/api/participants', { displayName: 'あおい' }));
    const target = expectOk(await admin.post<Participant>('/api/participants', { displayName: 'たーげっと' }));

    const staffPassword = 'a-staff-members-password';
    await db.insert(staffUsers).values({ id: newId(), facilityId: adminMe.facilityId, login: 'sato', name: 'さとう', role: 'staff', passwordHash: await hashSecret(staffPassword) });
    const otherFacilityId = newId();
    await db.insert(facilities).values({ id: otherFacilityId, name: 'となりの施設' });
    const otherPassword = 'another-facilitys-password';
    await db.insert(staffUsers).values({ id: newId(), facilityId: otherFacilityId, login: 'tonari', name: 'となり', role: 'admin', passwordHash: await hashSecret(otherPassword) });

    sessionOf = async (role) => {
      const client = new ApiClient(server.url);
      switch (role) {
        case 'anonymous':
        case 'viewer':
          return client;
        case 'participant':
          expectOk(await client.post<Me>('/api/join', { code: board.joinCode, participantId: aoi.id }));
          return client;
        case 'otherParticipant':
          expectOk(await client.post<Me>('/api/join', { code: otherBoard.joinCode, participantId: aoi.id }));
          return client;
        case 'guest':
          await client.joinAsGuest(board.joinCode!, 'ゲスト');
          return client;
        case 'staff':
          await client.login('sato', staffPassword);
          return client;
        case 'otherStaff':
          await client.login('tonari', otherPassword);
          return client;
        case 'admin':
          await client.login();
          return client;
      }
    };
    for (const role of ROLES) callers.set(role, await sessionOf(role));

    const otherStaffBoard = await callers.get('otherStaff')!.createBoard('よその施設のボード');
    const viewerToken = expectOk(await admin.post<BoardToken>(`/api/boards/${board.id}/viewer-token`));
    const tokenOf = async (role: Role, boardId: string) => (await callers.get(role)!.boardToken(boardId)).token;
    tokens.set('anonymous', { boardId: board.id, token: undefined });
    tokens.set('participant', { boardId: board.id, token: await tokenOf('participant', board.id) });
    tokens.set('otherParticipant', { boardId: board.id, token: await tokenOf('otherParticipant', otherBoard.id) });
    tokens.set('guest', { boardId: board.id, token: await tokenOf('guest', board.id) });
    tokens.set('viewer', { boardId: board.id, token: viewerToken.token });
    tokens.set('staff', { boardId: board.id, token: await tokenOf('staff', board.id) });
    tokens.set('otherStaff', { boardId: board.id, token: await tokenOf('otherStaff', otherStaffBoard.id) });
    tokens.set('admin', { boardId: board.id, token: await tokenOf('admin', board.id) });

    const firstSnapshot = async (boardId: string) => expectOk(await admin.get<SnapshotInfo[]>(`/api/boards/${boardId}/snapshots`)).at(-1)!.id;
    world = {
      snapshotId: await firstSnapshot(board.id),
      scratchSnapshot: async () => {
        const { id } = await admin.createBoard('使い捨てのボード');
        return { boardId: id, snapshotId: await firstSnapshot(id) };
      },
      board,
      otherBoard,
      target,
      scratchBoard: () => admin.createBoard('使い捨てのボード'),
      scratchMeeting: async () => expectOk(await admin.post<Meeting>(`/api/boards/${(await admin.createBoard('会議のボード')).id}/meetings`)),
    };
    ownIds = [adminMe.facilityId, board.id, otherBoard.id, aoi.id, target.id, board.joinCode!];
  });
  afterAll(() => server?.stop());

  it('has a row for every route the app serves, and none for a route it does not', () => {
    const served = new Set(server.app.routes.filter((route) => route.method !== 'ALL').map((route) => `${route.method} ${route.path}`));
    const rows = new Set(TABLE.map((row) => `${row.method} ${row.route}`));
    expect([...served].filter((route) => !rows.has(route)), 'routes without a row').toEqual([]);
    expect([...rows].filter((route) => !served.has(route)), 'rows without a route').toEqual([]);
  });

  describe.each(TABLE)('$method $route', (row) => {
    it.each(ROLES)('%s', async (role) => {
      const bearer = tokens.get(role)?.token;
      const caller = row.bearer
        ? new ApiClient(server.url, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} })
        : row.ownSession
          ? await sessionOf(role)
          : callers.get(role)!.clone();
      const path = await row.path(world);
      const answer: ApiAnswer = await caller.request(row.method, path, row.body?.(world) ?? (row.method === 'GET' || row.method === 'DELETE' ? undefined : {}));
      expect(answer.status, `${role}: ${row.method} ${path} → ${JSON.stringify(answer.body)?.slice(0, 200)}`).toBe(row.expected[role]);
      if (answer.status >= 400 && answer.status !== 404 && typeof answer.body === 'object' && answer.body !== null) {
        expect(answer.body, 'an error in the API shape').toHaveProperty('error.code');
      }
      if (role === 'otherStaff' && !row.byCode) {
        const text = JSON.stringify(answer.body) ?? '';
        for (const id of ownIds) expect(text, 'nothing of another facility').not.toContain(id);
      }
    });
  });

  describe('the websocket /yjs/:boardId', () => {
    it.each(ROLES)('%s', async (role) => {
      const { boardId, token } = tokens.get(role)!;
      expect(await upgrade(server.url, boardId, token)).toBe(WEBSOCKET[role]);
    });
  });
});
