/**
 * [spec 3] The HTTP API as a client sees it, in-process through `app.request()`: signing in and
 * out, the one-time setup link, boards, the roster, joining a board, board tokens and the guards,
 * on every database the run has. Bad bodies are covered in api-validation.test.ts.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Board, ErrorCode, Me, Participant } from '../shared/api';
import { sessions, staffUsers } from '../drizzle/schema';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { ADMIN, buildTestApp, type TestApp, type TestServerOptions } from './helpers/server';

/** Every error answer is exactly `{ error: { code, message, fields? } }`; returns it. */
function expectApiError(answer: ApiAnswer<unknown>, status: number, code: ErrorCode): ApiError {
  const body = answer.body as ApiError;
  expect({ status: answer.status, code: body?.error?.code }).toEqual({ status, code });
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.message).toEqual(expect.stringMatching(/./));
  for (const key of Object.keys(body.error)) expect(['code', 'message', 'fields']).toContain(key);
  return body;
}

async function rowCount(built: TestApp, table: typeof staffUsers | typeof sessions): Promise<number> {
  const [row] = await built.database.db.select({ n: count() }).from(table);
  return row!.n;
}

/** A throwaway app for tests that need a fresh one (setup link, rate limit). */
async function withApp(options: TestServerOptions, run: (built: TestApp) => Promise<void>): Promise<void> {
  const built = await buildTestApp(options);
  try {
    await run(built);
  } finally {
    await built.stop();
  }
}

/** A sign-in sent by hand, for the raw `Set-Cookie` header that ApiClient hides. */
async function rawLogin(built: TestApp, password: string = ADMIN.password): Promise<Response> {
  return built.app.request('/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: ADMIN.login, password }),
  });
}

describe.each(databaseKinds())('accounts API on %s', (kind: DatabaseKind) => {
  let built: TestApp;
  let staff: ApiClient;
  let board: Board;

  beforeAll(async () => {
    built = await buildTestApp({ kind });
    staff = new ApiClient(built.app);
    await staff.login();
    board = await staff.createBoard('朝の会');
  });
  afterAll(() => built.stop());

  const client = () => new ApiClient(built.app);

  async function addParticipant(body: Record<string, unknown>): Promise<Participant> {
    return expectOk(await staff.post<Participant>('/api/participants', body));
  }

  /** A new client that picked `participantId`'s name card on `code`'s join page. */
  async function joinWithCard(code: string, participantId: string, pin?: string) {
    const person = client();
    const answer = await person.post<Me>('/api/join', { code, participantId, ...(pin ? { pin } : {}) });
    return { person, answer };
  }

  /** A six-digit code that no board of this app has. */
  async function unusedCode(): Promise<string> {
    const codes = new Set(expectOk(await staff.get<Board[]>('/api/boards')).map((b) => b.joinCode));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!codes.has(code)) return code;
    }
  }

  describe('signing in and out', () => {
    it('[spec 3] signs staff in with an HttpOnly, SameSite=Lax session cookie and GET /api/me names them', async () => {
      const response = await rawLogin(built);
      expect(response.status).toBe(200);
      const cookie = response.headers.getSetCookie().find((c) => c.startsWith('teian_session='));
      expect(cookie).toMatch(/HttpOnly/i);
      expect(cookie).toMatch(/SameSite=Lax/i);
      expect(cookie).toMatch(/Path=\//i);

      const me = expectOk(await staff.get<Me>('/api/me'));
      expect(me).toMatchObject({ kind: 'staff', name: ADMIN.login, role: 'admin', facilityId: expect.any(String) });
      expect(me.actorId).toBe(me.id);
    });

    it('[spec 3] refuses a wrong password with 401 and the error shape, and opens no session', async () => {
      const before = await rowCount(built, sessions);
      const person = client();
      expectApiError(await person.post('/api/auth/login', { login: ADMIN.login, password: 'wrong-password' }), 401, 'unauthorized');
      expectApiError(await person.get('/api/me'), 401, 'unauthorized');
      expect(await rowCount(built, sessions)).toBe(before);
    });

    it('[spec 3] refuses an unknown login exactly like a wrong password', async () => {
      const unknown = await client().post('/api/auth/login', { login: 'nobody', password: ADMIN.password });
      const wrong = await client().post('/api/auth/login', { login: ADMIN.login, password: 'wrong-password' });
      expectApiError(unknown, 401, 'unauthorized');
      expect(unknown.body).toEqual(wrong.body);
    });

    it('[spec 3] answers GET /api/me with 401 without a session', async () => {
      expectApiError(await client().get('/api/me'), 401, 'unauthorized');
    });

    it('[spec 3] logout ends the session on the server: the old cookie no longer signs in', async () => {
      const cookie = (await rawLogin(built)).headers.getSetCookie()[0]!.split(';')[0]!;
      const withCookie = (method: string, path: string) => built.app.request(path, { method, headers: { cookie } });
      expect((await withCookie('GET', '/api/me')).status).toBe(200);

      const logout = await withCookie('POST', '/api/auth/logout');
      expect(logout.status).toBe(204);
      expect(logout.headers.getSetCookie().join()).toMatch(/teian_session=;.*Max-Age=0/i);
      expect((await withCookie('GET', '/api/me')).status).toBe(401);
    });

    it('[spec 3] logout without a session is harmless', async () => {
      expect((await client().post('/api/auth/logout')).status).toBe(204);
    });
  });

  describe('participants’ sessions', () => {
    it('[spec 3] GET /api/me names a roster participant with their board and actorId', async () => {
      const card = await addParticipant({ displayName: 'あおい', avatar: '🐱' });
      const { person, answer } = await joinWithCard(board.joinCode!, card.id);
      const joined = expectOk(answer);
      const me = expectOk(await person.get<Me>('/api/me'));
      expect(me).toEqual(joined);
      expect(me).toMatchObject({ kind: 'participant', id: card.id, actorId: card.id, name: 'あおい', avatar: '🐱', role: 'participant', boardId: board.id });
    });

    it('[spec 3] GET /api/me names a guest with role guest, and logout ends the guest’s session', async () => {
      const guest = client();
      const joined = await guest.joinAsGuest(board.joinCode!, 'たろう');
      expect(joined).toMatchObject({ kind: 'participant', name: 'たろう', role: 'guest', boardId: board.id });
      expect(joined.actorId).toBe(joined.id);
      expect(expectOk(await guest.get<Me>('/api/me'))).toEqual(joined);
      expect((await guest.post('/api/auth/logout')).status).toBe(204);
      expectApiError(await guest.get('/api/me'), 401, 'unauthorized');
    });
  });

  describe('boards', () => {
    it('[spec 3] creates a board with a 6-digit join code and the default settings', async () => {
      const created = await staff.post<Board>('/api/boards', { title: '改善ボード' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: expect.any(String),
        title: '改善ボード',
        description: '',
        voteBudget: 3,
        allowGuests: true,
        allowAnonymous: true,
        closedAt: null,
      });
      expect(created.body.joinCode).toMatch(/^\d{6}$/);
      expect(created.body.joinCode).not.toBe(board.joinCode);
    });

    it('[spec 3] keeps the settings given at creation', async () => {
      const settings = { description: '月曜の会', voteBudget: 5, allowGuests: false, allowAnonymous: false };
      expect(await staff.createBoard('設定つき', settings)).toMatchObject({ title: '設定つき', ...settings });
    });

    it('[spec 3] lists the facility’s boards and gets one by id', async () => {
      const listed = expectOk(await staff.get<Board[]>('/api/boards'));
      expect(listed).toContainEqual(board);
      expect(expectOk(await staff.get<Board>(`/api/boards/${board.id}`))).toEqual(board);
    });

    it('[spec 3] answers 404 for an unknown board, to GET and PATCH alike', async () => {
      expectApiError(await staff.get('/api/boards/no-such-board'), 404, 'not_found');
      expectApiError(await staff.patch('/api/boards/no-such-board', { title: 'x' }), 404, 'not_found');
    });

    it('[spec 3] changes only the fields a PATCH names', async () => {
      const target = await staff.createBoard('変更前');
      const patched = expectOk(await staff.patch<Board>(`/api/boards/${target.id}`, { title: '変更後', voteBudget: 7 }));
      expect(patched).toEqual({ ...target, title: '変更後', voteBudget: 7 });
      expect(expectOk(await staff.get<Board>(`/api/boards/${target.id}`))).toEqual(patched);
    });

    it('[spec 3] rotating the join code stops the old code at once and the new one works', async () => {
      const target = await staff.createBoard('コード変更');
      const rotated = expectOk(await staff.post<Board>(`/api/boards/${target.id}/join-code`));
      expect(rotated.joinCode).toMatch(/^\d{6}$/);
      expect(rotated.joinCode).not.toBe(target.joinCode);

      expectApiError(await client().get(`/api/join/${target.joinCode}`), 404, 'not_found');
      expectApiError(await client().post('/api/join', { code: target.joinCode, guestName: 'はな' }), 404, 'not_found');
      expect((await client().joinInfo(rotated.joinCode!)).board.id).toBe(target.id);
      expect(await client().joinAsGuest(rotated.joinCode!, 'はな')).toMatchObject({ boardId: target.id });
    });
  });

  describe('the roster', () => {
    it('[spec 3] adds a participant without a PIN, with the defaults', async () => {
      const created = await staff.post<Participant>('/api/participants', { displayName: 'けん' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.any(String), displayName: 'けん', reading: '', avatar: '', hasPin: false, active: true, pinLockedUntil: null });
    });

    it('[spec 3] adds a participant with a PIN and never answers with the PIN', async () => {
      const created = await addParticipant({ displayName: '花子', reading: 'はなこ', avatar: 'flower', pin: '1234' });
      expect(created).toEqual({ id: expect.any(String), displayName: '花子', reading: 'はなこ', avatar: 'flower', hasPin: true, active: true, pinLockedUntil: null });
    });

    it('[spec 3] patches a participant: name, PIN set and removed, active', async () => {
      const person = await addParticipant({ displayName: 'じろう' });
      const url = `/api/participants/${person.id}`;
      expect(expectOk(await staff.patch<Participant>(url, { displayName: '次郎', pin: '4321' }))).toEqual({ ...person, displayName: '次郎', hasPin: true });
      expect(expectOk(await staff.patch<Participant>(url, { pin: null, active: false }))).toEqual({ ...person, displayName: '次郎', hasPin: false, active: false });
      expectApiError(await staff.patch('/api/participants/no-such-person', { active: true }), 404, 'not_found');
    });

    it('[spec 3] lists the roster without the guests who joined boards', async () => {
      const member = await addParticipant({ displayName: 'さくら' });
      const guest = await client().joinAsGuest(board.joinCode!, '見学のかた');
      const roster = expectOk(await staff.get<Participant[]>('/api/participants'));
      expect(roster).toContainEqual(member);
      expect(roster.map((p) => p.id)).not.toContain(guest.id);
    });
  });

  describe('joining a board', () => {
    it('[spec 3] GET /api/join/:code shows the board and the active roster’s name cards, without PINs', async () => {
      const withPin = await addParticipant({ displayName: 'ゆき', reading: 'ゆき', avatar: '⛄', pin: '2468' });
      const without = await addParticipant({ displayName: 'そら', reading: 'そら', avatar: '☁' });
      const inactive = await addParticipant({ displayName: 'やすみ' });
      await staff.patch(`/api/participants/${inactive.id}`, { active: false });
      const guest = await client().joinAsGuest(board.joinCode!, 'ゲスト');

      const info = await client().joinInfo(board.joinCode!);
      expect(info.board).toEqual({ id: board.id, title: board.title, allowGuests: true, allowAnonymous: true });
      expect(info.participants).toContainEqual({ id: withPin.id, displayName: 'ゆき', reading: 'ゆき', avatar: '⛄', hasPin: true });
      expect(info.participants).toContainEqual({ id: without.id, displayName: 'そら', reading: 'そら', avatar: '☁', hasPin: false });
      const ids = info.participants.map((card) => card.id);
      expect(ids).not.toContain(inactive.id);
      expect(ids).not.toContain(guest.id);
      for (const card of info.participants) {
        expect(Object.keys(card).sort()).toEqual(['avatar', 'displayName', 'hasPin', 'id', 'reading']);
      }
    });

    it('[spec 3] answers 404 for an unknown join code', async () => {
      const code = await unusedCode();
      expectApiError(await client().get(`/api/join/${code}`), 404, 'not_found');
      expectApiError(await client().post('/api/join', { code, guestName: 'はな' }), 404, 'not_found');
    });

    it('[spec 3] signs in with a name card that has no PIN', async () => {
      const card = await addParticipant({ displayName: 'みどり' });
      const { answer } = await joinWithCard(board.joinCode!, card.id);
      expect(expectOk(answer)).toMatchObject({ kind: 'participant', id: card.id, role: 'participant', boardId: board.id });
    });

    it('[spec 3] signs in with a name card and its right PIN', async () => {
      const card = await addParticipant({ displayName: 'ひかる', pin: '1357' });
      const { person, answer } = await joinWithCard(board.joinCode!, card.id, '1357');
      expect(expectOk(answer)).toMatchObject({ id: card.id, role: 'participant' });
      expect(expectOk(await person.get<Me>('/api/me')).id).toBe(card.id);
    });

    it('[spec 3] refuses a wrong or missing PIN with 401 and opens no session', async () => {
      const card = await addParticipant({ displayName: 'まもる', pin: '1357' });
      const before = await rowCount(built, sessions);
      for (const pin of ['7531', undefined]) {
        const { person, answer } = await joinWithCard(board.joinCode!, card.id, pin);
        expect(expectApiError(answer, 401, 'unauthorized').error.fields).toEqual({ pin: expect.any(Array) });
        expectApiError(await person.get('/api/me'), 401, 'unauthorized');
      }
      expect(await rowCount(built, sessions)).toBe(before);
    });

    it('[spec 3] refuses an inactive or unknown name card with 404', async () => {
      const card = await addParticipant({ displayName: 'おやすみ' });
      await staff.patch(`/api/participants/${card.id}`, { active: false });
      expectApiError((await joinWithCard(board.joinCode!, card.id)).answer, 404, 'not_found');
      expectApiError((await joinWithCard(board.joinCode!, 'no-such-card')).answer, 404, 'not_found');
    });

    it('[spec 3] refuses guests with 403 when the board does not allow them, and adds nobody', async () => {
      const closed = await staff.createBoard('ゲストなし', { allowGuests: false });
      const rosterBefore = expectOk(await staff.get<Participant[]>('/api/participants'));
      const sessionsBefore = await rowCount(built, sessions);
      const person = client();
      expectApiError(await person.post('/api/join', { code: closed.joinCode, guestName: 'よそのひと' }), 403, 'forbidden');
      expectApiError(await person.get('/api/me'), 401, 'unauthorized');
      expect(await staff.get('/api/participants')).toMatchObject({ body: rosterBefore });
      expect(await rowCount(built, sessions)).toBe(sessionsBefore);
    });
  });

  describe('board tokens', () => {
    async function tokenRole(person: ApiClient, boardId: string) {
      const { token, expiresAt } = await person.boardToken(boardId);
      expect(expiresAt).toBeGreaterThan(Date.now());
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 10 * 60 * 1000);
      const check = await built.tokens.check(token, boardId);
      if (!check.ok) throw new Error(`token refused: ${check.reason}`);
      return check.actor;
    }

    it('[spec 3] gives the facility’s staff a short-lived staff token', async () => {
      const me = expectOk(await staff.get<Me>('/api/me'));
      expect(await tokenRole(staff, board.id)).toMatchObject({ id: me.id, role: 'staff' });
    });

    it('[spec 3] gives a participant of the board a token with role participant, a guest one with role guest', async () => {
      const card = await addParticipant({ displayName: 'つばさ' });
      const { person } = await joinWithCard(board.joinCode!, card.id);
      expect(await tokenRole(person, board.id)).toMatchObject({ id: card.id, role: 'participant' });

      const guest = client();
      const joined = await guest.joinAsGuest(board.joinCode!, 'おきゃく');
      expect(await tokenRole(guest, board.id)).toMatchObject({ id: joined.id, role: 'guest' });
    });

    it('[spec 3] refuses a participant of another board with 403', async () => {
      const other = await staff.createBoard('別のボード');
      const guest = client();
      await guest.joinAsGuest(other.joinCode!, 'となり');
      expectApiError(await guest.get(`/api/boards/${board.id}/token`), 403, 'forbidden');
    });

    it('[spec 3] refuses a request without a session with 401, and staff ask for an unknown board get 404', async () => {
      expectApiError(await client().get(`/api/boards/${board.id}/token`), 401, 'unauthorized');
      expectApiError(await staff.get('/api/boards/no-such-board/token'), 404, 'not_found');
    });
  });

  describe('guards and unknown routes', () => {
    const staffRoutes: [string, string, unknown?][] = [
      ['GET', '/api/boards'],
      ['POST', '/api/boards', { title: 'だめ' }],
      ['GET', '/api/boards/:board'],
      ['PATCH', '/api/boards/:board', { title: 'だめ' }],
      ['POST', '/api/boards/:board/join-code', {}],
      ['POST', '/api/boards/:board/viewer-token', {}],
      ['GET', '/api/participants'],
      ['POST', '/api/participants', { displayName: 'だめ' }],
      ['PATCH', '/api/participants/:participant', { active: false }],
    ];
    let participantId: string;
    beforeAll(async () => {
      participantId = (await addParticipant({ displayName: 'ガード' })).id;
    });
    const pathOf = (path: string) => path.replace(':board', board.id).replace(':participant', participantId);

    it.each(staffRoutes)('[spec 3] %s %s answers 401 without a session', async (method, path, body) => {
      expectApiError(await client().request(method, pathOf(path), body), 401, 'unauthorized');
    });

    it.each(staffRoutes)('[spec 3] %s %s answers 403 to a participant', async (method, path, body) => {
      const guest = client();
      await guest.joinAsGuest(board.joinCode!, 'のぞき');
      expectApiError(await guest.request(method, pathOf(path), body), 403, 'forbidden');
    });

    it('[spec 3] a refused staff route changes nothing', async () => {
      const guest = client();
      await guest.joinAsGuest(board.joinCode!, 'いたずら');
      await guest.patch(`/api/boards/${board.id}`, { title: '乗っ取り' });
      await guest.post(`/api/boards/${board.id}/join-code`);
      expect(expectOk(await staff.get<Board>(`/api/boards/${board.id}`))).toEqual(board);
    });

    it.each([
      ['GET', '/api/nothing-here'],
      ['POST', '/api/nothing-here'],
      ['DELETE', '/api/boards/:board'],
      ['GET', '/api/boards/:board/nothing-here'],
      ['GET', '/nothing-here'],
    ])('[spec 3] %s %s answers 404 in the error shape', async (method, path) => {
      expectApiError(await staff.request(method, pathOf(path)), 404, 'not_found');
    });
  });
});

describe.each(databaseKinds())('the one-time setup link on %s', (kind: DatabaseKind) => {
  const account = { login: 'first-admin', name: '施設長', password: 'a-long-enough-password' };

  it('[spec 3] creates the first admin and signs them in', async () => {
    await withApp({ kind, withAdmin: false }, async (built) => {
      expect(built.setupToken).toEqual(expect.any(String));
      const person = new ApiClient(built.app);
      const created = await person.post<Me>('/api/setup', { token: built.setupToken, ...account });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ kind: 'staff', name: '施設長', role: 'admin' });
      expect(expectOk(await person.get<Me>('/api/me'))).toEqual(created.body);
      expect(await new ApiClient(built.app).login(account.login, account.password)).toMatchObject({ id: created.body.id });
    });
  });

  it('[spec 3] refuses the same link a second time with 403', async () => {
    await withApp({ kind, withAdmin: false }, async (built) => {
      const body = { token: built.setupToken, ...account };
      expectOk(await new ApiClient(built.app).post('/api/setup', body));
      const again = await new ApiClient(built.app).post('/api/setup', { ...body, login: 'second-admin' });
      expectApiError(again, 403, 'forbidden');
      expect(await rowCount(built, staffUsers)).toBe(1);
    });
  });

  it('[spec 3] refuses a wrong token with 403, creates nothing and leaves the real link usable', async () => {
    await withApp({ kind, withAdmin: false }, async (built) => {
      const person = new ApiClient(built.app);
      expectApiError(await person.post('/api/setup', { token: 'not-the-token', ...account }), 403, 'forbidden');
      expect(await rowCount(built, staffUsers)).toBe(0);
      expect(await rowCount(built, sessions)).toBe(0);
      expectApiError(await person.get('/api/me'), 401, 'unauthorized');
      expect((await person.post('/api/setup', { token: built.setupToken, ...account })).status).toBe(201);
    });
  });

  it('[spec 3] has no link when the admin comes from the environment', async () => {
    await withApp({ kind }, async (built) => {
      expect(built.setupToken).toBeNull();
      expectApiError(await new ApiClient(built.app).post('/api/setup', { token: 'anything', ...account }), 403, 'forbidden');
      expect(await rowCount(built, staffUsers)).toBe(1);
    });
  });
});

describe.each(databaseKinds())('the sign-in limit on %s', (kind: DatabaseKind) => {
  // Counted per (login, address), and per device for a device that signed in before: the rest of
  // the design, and a stranger behind the same address, are in guessing.test.ts.
  it('[issue 8] answers 429 rate_limited at the 10th wrong password for one login in 15 minutes, even to the right password from a new device', async () => {
    await withApp({ kind }, async (built) => {
      const person = new ApiClient(built.app);
      for (let attempt = 1; attempt < 10; attempt++) {
        expect((await person.post('/api/auth/login', { login: ADMIN.login, password: `guess-${attempt}` })).status).toBe(401);
      }
      expectApiError(await person.post('/api/auth/login', { login: ADMIN.login, password: 'guess-10' }), 429, 'rate_limited');
      expectApiError(await person.post('/api/auth/login', { ...ADMIN }), 429, 'rate_limited');
      expectApiError(await person.get('/api/me'), 401, 'unauthorized');
    });
    // A server of its own and ten scrypt hashes: slow on a busy two-core machine.
  }, 60_000);

  it('[issue 8] lets the right password through on a device that signed in before, while the login is locked', async () => {
    await withApp({ kind }, async (built) => {
      const tablet = new ApiClient(built.app);
      await tablet.login();
      const stranger = new ApiClient(built.app);
      for (let attempt = 1; attempt <= 10; attempt++) await stranger.post('/api/auth/login', { login: ADMIN.login, password: `guess-${attempt}` });
      expectApiError(await stranger.post('/api/auth/login', { ...ADMIN }), 429, 'rate_limited');
      expect(await tablet.login()).toMatchObject({ kind: 'staff', role: 'admin' });
    });
  }, 60_000);
});
