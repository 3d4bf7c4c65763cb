/**
 * [issue 8] Guessing is slow and visible: join codes, PINs and staff passwords hit their limits
 * within the numbers docs/security.md gives, a lockout says what to do, staff can see and lift it,
 * and a stranger behind the same address cannot lock a staff member out.
 *
 * In-process requests have no socket, so these apps trust `X-Forwarded-For` (`TEIAN_TRUST_PROXY`)
 * and each person speaks from an address of their own; one suite at the end uses real sockets from
 * 127.0.0.2 and 127.0.0.3 with the setting off. The limits are in memory and the same on every
 * database, so this runs on PGlite only.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Board, ErrorCode, Lockout, Participant } from '../shared/api';
import { facilities, staffUsers } from '../drizzle/schema';
import { newId } from '../shared/ids';
import { defaultGuessLimits, type GuessLimitSettings, type GuessRule } from '../server/auth/guess-limits';
import { hashSecret } from '../server/auth/passwords';
import { configFromEnv } from '../server/config';
import { normaliseAddress } from '../server/http/client-address';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';
import { ADMIN, buildTestApp, startTestServer, type TestApp, type TestServer } from './helpers/server';

/** The lockout's answer: 429 in the API's error shape, with a Retry-After. */
function expectLocked(answer: ApiAnswer<unknown>, code: ErrorCode = 'locked_out'): string {
  const body = answer.body as ApiError;
  expect({ status: answer.status, code: body?.error?.code }).toEqual({ status: 429, code });
  return body.error.message;
}

function expectError(answer: ApiAnswer<unknown>, status: number, code: ErrorCode): void {
  expect({ status: answer.status, code: (answer.body as ApiError)?.error?.code }).toEqual({ status, code });
}

const rule = (attempts: number, lockSeconds = 600): GuessRule[] => [{ attempts, perSeconds: 600, lockSeconds }];

let addressCount = 0;
/** A fresh address for each person, so that tests sharing an app do not share counts. */
function nextAddress(): string {
  addressCount += 1;
  return `10.0.${Math.floor(addressCount / 250)}.${(addressCount % 250) + 1}`;
}

interface Scene {
  built: TestApp;
  staff: ApiClient;
  board: Board;
  /** A person at an address (a fresh one unless named). */
  from(address?: string): ApiClient;
  /** A six-digit code that names no board. */
  wrongCode(): string;
  card(displayName: string, pin?: string): Promise<Participant>;
}

async function openScene(guessLimits: Partial<GuessLimitSettings> = {}): Promise<Scene> {
  const built = await buildTestApp({ trustProxy: true, guessLimits });
  const from = (address = nextAddress()) => new ApiClient(built.app, { headers: { 'x-forwarded-for': address } });
  const staff = from('192.168.0.10');
  await staff.login();
  const board = await staff.createBoard('朝の会');
  let wrong = 0;
  return {
    built,
    staff,
    board,
    from,
    wrongCode() {
      // Walks the code space by a prime step, skipping the one real code.
      for (;;) {
        const code = String(100000 + ((wrong += 7919) % 900000));
        if (code !== board.joinCode) return code;
      }
    },
    card: async (displayName, pin) =>
      expectOk(await staff.post<Participant>('/api/participants', { displayName, ...(pin ? { pin } : {}) })),
  };
}

describe('join codes', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene();
  });
  afterAll(() => scene.built.stop());

  it('locks an address at its 20th wrong code in 15 minutes (the default), and then refuses the right code too', async () => {
    const { joinCodesPerAddress } = defaultGuessLimits;
    expect(joinCodesPerAddress[0]).toEqual({ attempts: 20, perSeconds: 900, lockSeconds: 900 });
    const guesser = scene.from();
    for (let guess = 1; guess < 20; guess++) expectError(await guesser.get(`/api/join/${scene.wrongCode()}`), 404, 'not_found');
    const answer = await guesser.get(`/api/join/${scene.wrongCode()}`);
    expect(expectLocked(answer)).toMatch(/ask the staff/i);
    // Locked means a locked address learns nothing, not even that a code is right.
    expectLocked(await guesser.get(`/api/join/${scene.board.joinCode}`));
    expectLocked(await guesser.post('/api/join', { code: scene.board.joinCode, guestName: 'だれか' }));
    // Everyone else is unaffected.
    expect((await scene.from().joinInfo(scene.board.joinCode!)).board.id).toBe(scene.board.id);
  });

  it('says when the lock lifts by itself (Retry-After, in seconds)', async () => {
    const address = nextAddress();
    const guesser = scene.from(address);
    for (let guess = 1; guess <= 20; guess++) await guesser.get(`/api/join/${scene.wrongCode()}`);
    const response = await scene.built.app.request(`/api/join/${scene.board.joinCode}`, { headers: { 'x-forwarded-for': address } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });

  it('counts POST /api/join with a wrong code like a lookup, and right codes not at all', async () => {
    const address = nextAddress();
    const person = scene.from(address);
    for (let guess = 1; guess < 20; guess++) {
      expectError(await person.post('/api/join', { code: scene.wrongCode(), guestName: 'だれか' }), 404, 'not_found');
      // Right codes in between give nothing back of the budget that was spent.
      expect((await person.get(`/api/join/${scene.board.joinCode}`)).status).toBe(200);
    }
    expectLocked(await person.post('/api/join', { code: scene.wrongCode(), guestName: 'だれか' }));
  });

  it('lists the locked address for staff, who lift it; anonymous people and participants cannot see or lift it', async () => {
    const address = nextAddress();
    const guesser = scene.from(address);
    for (let guess = 1; guess <= 20; guess++) await guesser.get(`/api/join/${scene.wrongCode()}`);
    expectLocked(await guesser.get(`/api/join/${scene.board.joinCode}`));

    const lockouts = expectOk(await scene.staff.get<Lockout[]>('/api/lockouts'));
    const lock = lockouts.find((entry) => entry.address === address);
    expect(lock).toEqual({ id: expect.any(String), kind: 'join-code', address, login: null, until: expect.any(String) });
    expect(Date.parse(lock!.until)).toBeGreaterThan(Date.now() + 14 * 60_000);

    const participant = scene.from();
    await participant.joinAsGuest(scene.board.joinCode!, 'ゲスト');
    for (const [person, status] of [[scene.from(), 401], [participant, 403]] as const) {
      expect((await person.get('/api/lockouts')).status).toBe(status);
      expect((await person.request('DELETE', `/api/lockouts/${lock!.id}`)).status).toBe(status);
    }
    expectLocked(await guesser.get(`/api/join/${scene.board.joinCode}`));

    expect((await scene.staff.request('DELETE', `/api/lockouts/${lock!.id}`)).status).toBe(204);
    expect((await guesser.joinInfo(scene.board.joinCode!)).board.id).toBe(scene.board.id);
    expect(expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).map((entry) => entry.address)).not.toContain(address);
    expectError(await scene.staff.request('DELETE', `/api/lockouts/${lock!.id}`), 404, 'not_found');
  });
});

describe('the server-wide budget of wrong codes', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene({
      joinCodesPerAddress: rule(10),
      joinCodesServerWide: { attempts: 5, perSeconds: 3600, lockSeconds: 900 },
    });
  });
  afterAll(() => scene.built.stop());

  it('once spent by many addresses, locks each further address at its first wrong code; right codes still work', async () => {
    for (let address = 1; address <= 5; address++) {
      expectError(await scene.from().get(`/api/join/${scene.wrongCode()}`), 404, 'not_found');
    }
    const late = scene.from();
    expect(expectLocked(await late.get(`/api/join/${scene.wrongCode()}`))).toMatch(/ask the staff/i);
    expectLocked(await late.get(`/api/join/${scene.board.joinCode}`));
    expect((await scene.from().joinInfo(scene.board.joinCode!)).board.id).toBe(scene.board.id);
    const another = scene.from();
    expectLocked(await another.get(`/api/join/${scene.wrongCode()}`));
    expect(expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).filter((lock) => lock.kind === 'join-code')).toHaveLength(2);
  });
});

describe('PINs', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene({ pinsPerAddress: rule(8), joinCodesPerAddress: rule(100) });
  });
  afterAll(() => scene.built.stop());

  const tryPin = (person: ApiClient, participantId: string, pin: string) =>
    person.post('/api/join', { code: scene.board.joinCode, participantId, pin });

  it('locks a card at its 5th wrong PIN in 15 minutes (the default), from any address, and refuses its right PIN until staff lift it', async () => {
    expect(defaultGuessLimits.pinsPerParticipant[0]).toEqual({ attempts: 5, perSeconds: 900, lockSeconds: 3600 });
    const card = await scene.card('ゆき', '2468');
    for (const [index, pin] of ['0000', '1111', '2222', '3333'].entries()) {
      // Each from an address of its own: the card's count does not care where guesses come from.
      const answer = await tryPin(scene.from(), card.id, pin);
      expect({ index, status: answer.status }).toEqual({ index, status: 401 });
    }
    expect(expectLocked(await tryPin(scene.from(), card.id, '4444'))).toMatch(/ask the staff/i);
    const owner = scene.from();
    expectLocked(await tryPin(owner, card.id, '2468'));
    expectError(await owner.get('/api/me'), 401, 'unauthorized');

    const roster = expectOk(await scene.staff.get<Participant[]>('/api/participants'));
    const shown = roster.find((person) => person.id === card.id)!;
    expect(Date.parse(shown.pinLockedUntil!)).toBeGreaterThan(Date.now() + 59 * 60_000);
    // Card locks belong to the roster, not to the address list.
    expect(expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).filter((lock) => lock.kind === 'pin')).toEqual([]);

    const unlocked = expectOk(await scene.staff.post<Participant>(`/api/participants/${card.id}/unlock`));
    expect(unlocked).toEqual({ ...shown, pinLockedUntil: null });
    expect(expectOk(await tryPin(owner, card.id, '2468'))).toMatchObject({ id: card.id, role: 'participant' });
  });

  it('locks an address that tries PINs on many cards, for every card, and leaves other addresses alone', async () => {
    const cards = await Promise.all(['あ', 'い', 'う', 'え'].map((name, index) => scene.card(name, `135${index}`)));
    const guesser = scene.from();
    const guesses = cards.flatMap((card) => [card, card]);
    for (const [index, card] of guesses.slice(0, 7).entries()) {
      const answer = await tryPin(guesser, card.id, '9999');
      expect({ index, status: answer.status }).toEqual({ index, status: 401 });
    }
    expectLocked(await tryPin(guesser, guesses[7]!.id, '9999'));
    expectLocked(await tryPin(guesser, cards[0]!.id, '1350'));
    // No card reached its own limit: their owners sign in from elsewhere.
    expect(expectOk(await tryPin(scene.from(), cards[0]!.id, '1350'))).toMatchObject({ id: cards[0]!.id });

    const lock = expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).find((entry) => entry.kind === 'pin');
    expect(lock).toMatchObject({ kind: 'pin', login: null });
    expect((await scene.staff.request('DELETE', `/api/lockouts/${lock!.id}`)).status).toBe(204);
    expect(expectOk(await tryPin(guesser, cards[1]!.id, '1351'))).toMatchObject({ id: cards[1]!.id });
  });

  it('a right PIN wipes the card’s count of wrong ones, but not the address’s', async () => {
    const card = await scene.card('お', '8642');
    const person = scene.from();
    async function wrong(pins: string[]): Promise<number[]> {
      const statuses: number[] = [];
      for (const pin of pins) statuses.push((await tryPin(person, card.id, pin)).status);
      return statuses;
    }
    expect(await wrong(['0001', '0002', '0003', '0004'])).toEqual([401, 401, 401, 401]);
    expect(expectOk(await tryPin(scene.from(), card.id, '8642'))).toMatchObject({ id: card.id });
    // The card starts again from zero; the address is at 7 of its 8, and the 8th locks it.
    expect(await wrong(['0005', '0006', '0007'])).toEqual([401, 401, 401]);
    expectLocked(await tryPin(person, card.id, '0008'));
    expectLocked(await tryPin(person, card.id, '8642'));
    expect(expectOk(await tryPin(scene.from(), card.id, '8642'))).toMatchObject({ id: card.id });
  });

  it('lets only the facility’s staff see and lift a card’s lock: 401 anonymous, 403 a participant, 404 another facility', async () => {
    const card = await scene.card('か', '1212');
    for (const pin of ['0000', '0001', '0002', '0003', '0004']) await tryPin(scene.from(), card.id, pin);
    const participant = scene.from();
    await participant.joinAsGuest(scene.board.joinCode!, 'ゲスト');

    const { db } = scene.built.database;
    const facilityId = newId();
    await db.insert(facilities).values({ id: facilityId, name: 'となりの施設' });
    await db.insert(staffUsers).values({
      id: newId(),
      facilityId,
      login: `neighbour-${facilityId}`,
      name: 'となりの職員',
      role: 'admin',
      passwordHash: await hashSecret('another-long-password'),
    });
    const neighbour = scene.from();
    await neighbour.login(`neighbour-${facilityId}`, 'another-long-password');

    const path = `/api/participants/${card.id}/unlock`;
    expectError(await scene.from().post(path), 401, 'unauthorized');
    expectError(await participant.post(path), 403, 'forbidden');
    expectError(await neighbour.post(path), 404, 'not_found');
    expect(expectOk(await neighbour.get<Participant[]>('/api/participants')).map((p) => p.id)).not.toContain(card.id);
    expectError(await participant.get('/api/participants'), 403, 'forbidden');
    expectLocked(await tryPin(scene.from(), card.id, '1212'));
    expectError(await scene.staff.post('/api/participants/no-such-card/unlock'), 404, 'not_found');
  });

  it('a new PIN set by staff lifts the lock of the old one', async () => {
    const card = await scene.card('き', '5656');
    for (const pin of ['0000', '0001', '0002', '0003', '0004']) await tryPin(scene.from(), card.id, pin);
    expectLocked(await tryPin(scene.from(), card.id, '5656'));
    expect(expectOk(await scene.staff.patch<Participant>(`/api/participants/${card.id}`, { pin: '7878' })).pinLockedUntil).toBeNull();
    expect(expectOk(await tryPin(scene.from(), card.id, '7878'))).toMatchObject({ id: card.id });
  });
});

describe('a lock that runs out', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene({ pinsPerParticipant: rule(2, 1), joinCodesPerAddress: rule(2, 1) });
  });
  afterAll(() => scene.built.stop());

  it('lifts by itself after its lock time', async () => {
    const card = await scene.card('さ', '3434');
    const person = scene.from();
    expect((await person.post('/api/join', { code: scene.board.joinCode, participantId: card.id, pin: '0000' })).status).toBe(401);
    expectLocked(await person.post('/api/join', { code: scene.board.joinCode, participantId: card.id, pin: '0001' }));
    expectError(await person.get(`/api/join/${scene.wrongCode()}`), 404, 'not_found');
    expectLocked(await person.get(`/api/join/${scene.wrongCode()}`));
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect((await person.joinInfo(scene.board.joinCode!)).board.id).toBe(scene.board.id);
    expect(expectOk(await person.post('/api/join', { code: scene.board.joinCode, participantId: card.id, pin: '3434' }))).toMatchObject({ id: card.id });
  });
});

describe('concurrent guesses', () => {
  let scene: Scene;
  beforeAll(async () => {
    scene = await openScene({ pinsPerParticipant: rule(3) });
  });
  afterAll(() => scene.built.stop());

  it('are counted as they arrive: 30 PINs sent at once get at most 3 checked', async () => {
    const card = await scene.card('た', '4321');
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        scene.from().post('/api/join', { code: scene.board.joinCode, participantId: card.id, pin: String(1000 + index) }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(3);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(27);
  });
});

describe('staff sign-in', () => {
  let scene: Scene;
  const shared = '203.0.113.7';
  const other = { login: 'hanako', password: 'hanako-long-password' };

  beforeAll(async () => {
    scene = await openScene({
      signInsPerAccountAndAddress: rule(3),
      signInsPerAddress: rule(6),
      signInsPerKnownDevice: rule(3),
    });
    const { db } = scene.built.database;
    const [admin] = await db.select().from(staffUsers);
    await db.insert(staffUsers).values({
      id: newId(),
      facilityId: admin!.facilityId,
      login: other.login,
      name: '花子',
      role: 'staff',
      passwordHash: await hashSecret(other.password),
    });
  });
  afterAll(() => scene.built.stop());

  const signIn = (person: ApiClient, password: string, login: string = ADMIN.login) =>
    person.post('/api/auth/login', { login, password });

  it('a stranger’s wrong passwords from the same address lock neither the staff member’s known device nor other accounts', async () => {
    // The staff member's tablet has signed in before, from the facility's one address.
    const tablet = scene.from(shared);
    await tablet.login();
    await tablet.post('/api/auth/logout');

    const stranger = scene.from(shared);
    for (let guess = 1; guess < 3; guess++) expectError(await signIn(stranger, `guess-${guess}`), 401, 'unauthorized');
    expect(expectLocked(await signIn(stranger, 'guess-3'), 'rate_limited')).toMatch(/device you used before/);
    // Locked for (admin, this address), even to the right password, on a device not known for it.
    expectLocked(await signIn(stranger, ADMIN.password), 'rate_limited');
    expectLocked(await signIn(scene.from(shared), ADMIN.password), 'rate_limited');

    // The known device gets through.
    expect(expectOk(await signIn(tablet, ADMIN.password))).toMatchObject({ kind: 'staff', name: expect.any(String) });
    // Another account from the same address is counted apart.
    expect(expectOk(await signIn(scene.from(shared), other.password, other.login))).toMatchObject({ kind: 'staff' });
    // And the same account from another address too.
    expect(expectOk(await signIn(scene.from(), ADMIN.password))).toMatchObject({ kind: 'staff' });
  });

  it('counts a known device’s own wrong passwords against that device only', async () => {
    const address = nextAddress();
    const tablet = scene.from(address);
    await tablet.login(other.login, other.password);
    for (let guess = 1; guess < 3; guess++) expectError(await signIn(tablet, `typo-${guess}`, other.login), 401, 'unauthorized');
    expectLocked(await signIn(tablet, 'typo-3', other.login), 'rate_limited');
    expectLocked(await signIn(tablet, other.password, other.login), 'rate_limited');
    // A device not known for the account, at the same address, is not locked by the tablet's typos.
    expect(expectOk(await signIn(scene.from(address), other.password, other.login))).toMatchObject({ kind: 'staff' });
  });

  it('caps wrong passwords per address across accounts, known devices still passing', async () => {
    const address = nextAddress();
    const tablet = scene.from(address);
    await tablet.login();
    const sprayer = scene.from(address);
    for (const [index, login] of ['a1', 'a2', 'a3', 'a4', 'a5'].entries()) {
      const answer = await signIn(sprayer, 'password-guess', login);
      expect({ index, status: answer.status }).toEqual({ index, status: 401 });
    }
    expectLocked(await signIn(sprayer, 'password-guess', 'a6'), 'rate_limited');
    expectLocked(await signIn(scene.from(address), other.password, other.login), 'rate_limited');
    expect(expectOk(await signIn(tablet, ADMIN.password))).toMatchObject({ kind: 'staff' });
  });

  it('an unknown login is counted like a known one, and its lock is not listed', async () => {
    const address = nextAddress();
    const person = scene.from(address);
    for (let guess = 1; guess < 3; guess++) expectError(await signIn(person, 'whatever-guess', 'nobody'), 401, 'unauthorized');
    expectLocked(await signIn(person, 'whatever-guess', 'nobody'), 'rate_limited');
    const listed = expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).filter((lock) => lock.address === address);
    expect(listed).toEqual([]);
  });

  it('shows staff a sign-in lock, which they lift', async () => {
    const address = nextAddress();
    const stranger = scene.from(address);
    for (let guess = 1; guess <= 3; guess++) await signIn(stranger, `guess-${guess}`);
    const lock = expectOk(await scene.staff.get<Lockout[]>('/api/lockouts')).find((entry) => entry.address === address);
    expect(lock).toMatchObject({ kind: 'sign-in', login: ADMIN.login, address });
    expect((await scene.staff.request('DELETE', `/api/lockouts/${lock!.id}`)).status).toBe(204);
    expect(expectOk(await signIn(stranger, ADMIN.password))).toMatchObject({ kind: 'staff' });
  });

  it('sets the known-device cookie HttpOnly, on the sign-in path only, naming no secret', async () => {
    const response = await scene.built.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() },
      body: JSON.stringify({ login: ADMIN.login, password: ADMIN.password }),
    });
    const cookie = response.headers.getSetCookie().find((line) => line.startsWith('teian_device='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/Path=\/api\/auth/);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).not.toContain(ADMIN.password);
  });

  it('does not take a forged or foreign known-device cookie', async () => {
    const address = nextAddress();
    const forger = scene.from(address);
    await forger.login(other.login, other.password);
    // The forger's cookie is known for hanako, not for admin: it does not open admin's lock.
    for (let guess = 1; guess <= 3; guess++) await signIn(forger, `guess-${guess}`);
    expectLocked(await signIn(forger, ADMIN.password), 'rate_limited');
    const forged = new ApiClient(scene.built.app, { headers: { 'x-forwarded-for': address, cookie: 'teian_device=x.y.z.w' } });
    expectLocked(await signIn(forged, ADMIN.password), 'rate_limited');
  });
});

/** A request from a local address of our choosing, over a real socket. */
function requestFrom(localAddress: string, url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { localAddress, headers }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('over real sockets, without a trusted proxy', () => {
  let server: TestServer;
  let board: Board;
  beforeAll(async () => {
    server = await startTestServer({ guessLimits: { joinCodesPerAddress: rule(3) } });
    const staff = new ApiClient(server.url);
    await staff.login();
    board = await staff.createBoard('朝の会');
  });
  afterAll(() => server.stop());

  it('counts per socket address: 127.0.0.2 locked, 127.0.0.3 unaffected, X-Forwarded-For ignored', async () => {
    const wrong = board.joinCode === '000001' ? '000002' : '000001';
    const url = (code: string) => `${server.url}/api/join/${code}`;
    expect(await requestFrom('127.0.0.2', url(wrong))).toBe(404);
    expect(await requestFrom('127.0.0.2', url(wrong))).toBe(404);
    expect(await requestFrom('127.0.0.2', url(wrong))).toBe(429);
    expect(await requestFrom('127.0.0.2', url(board.joinCode!), { 'x-forwarded-for': '10.1.1.1' })).toBe(429);
    expect(await requestFrom('127.0.0.3', url(board.joinCode!))).toBe(200);
  });
});

describe('addresses', () => {
  it('counts an IPv6 address per /64, and an IPv4-mapped one as its IPv4 address', () => {
    expect(normaliseAddress('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(normaliseAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(normaliseAddress('::ffff:192.168.1.23')).toBe('192.168.1.23');
    expect(normaliseAddress('192.168.1.23')).toBe('192.168.1.23');
  });

  it('trusts X-Forwarded-For only with TEIAN_TRUST_PROXY=1', () => {
    expect(configFromEnv({}).trustProxy).toBe(false);
    expect(configFromEnv({ TEIAN_TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(() => configFromEnv({ TEIAN_TRUST_PROXY: 'yes' })).toThrow(/TEIAN_TRUST_PROXY/);
  });
});
