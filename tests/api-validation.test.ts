/**
 * [spec 3] "Every body is validated; a bad one gets 400 with { error: { code, message, fields? } }
 * and changes nothing." Every route that takes a body or a parameter, times every kind of bad
 * input (malformed JSON, not an object, missing fields, wrong types, out of range), is one named
 * case; each one compares the database before and after, on every database the run has.
 */
import { asc, count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiError, Board, Participant } from '../shared/api';
import { BOARD_DESCRIPTION_MAX, BOARD_TITLE_MAX, DISPLAY_NAME_MAX, VOTE_BUDGET_MAX, VOTE_BUDGET_MIN } from '../shared/limits';
import { boardSnapshots, boardUpdates, boards, facilities, participants, sessions, staffUsers } from '../drizzle/schema';
import { ApiClient, expectOk, type ApiAnswer } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { ADMIN, buildTestApp, type TestApp } from './helpers/server';

type FieldKind = 'string' | 'int' | 'boolean' | 'pin' | 'code';

/** Values of the wrong type for a field of each kind, with the name the case is called by. */
const WRONG_TYPES: Record<FieldKind, [string, unknown][]> = {
  string: [['a number', 42], ['null', null], ['an array', ['x']]],
  int: [['a string', '3'], ['a fraction', 2.5], ['null', null]],
  boolean: [['a string', 'yes'], ['a number', 1], ['null', null]],
  pin: [['a number', 1234], ['an object', { pin: '1234' }]],
  code: [['a number', 123456], ['null', null]],
};

/** Bad bodies every JSON route refuses the same way. */
const NOT_AN_OBJECT: [string, string][] = [
  ['malformed JSON', '{"title": "朝の会",'],
  ['an empty body', ''],
  ['JSON null', 'null'],
  ['a JSON array', '[]'],
  ['a JSON string', '"hello"'],
  ['a JSON number', '42'],
];

/** What a route needs from the fixture: ids and codes exist only once the app is built. */
interface Fixture {
  setupToken: string;
  board: Board;
  participant: Participant;
}

interface JsonRoute {
  name: string;
  method: 'POST' | 'PATCH';
  path: (f: Fixture) => string;
  /** A body the route accepts; every case spoils it in one way. */
  valid: (f: Fixture) => Record<string, unknown>;
  fields: Record<string, FieldKind>;
  required: string[];
  /** Whether the answer names the failing field (a union schema reports on the whole body). */
  namesFields: boolean;
  /** Bad values for one field beyond its type: blank, too long, out of range. */
  outOfRange: [label: string, field: string, value: unknown][];
  /** `setup`: the app without an admin, whose link is still open; `login`: an app of its own, so
   *  that the cases stay below the sign-in rate limit. */
  app: AppName;
  /** Staff routes are sent with a staff session, the others by a stranger. */
  as: 'staff' | 'stranger';
}

type AppName = 'main' | 'setup' | 'login';

const board = { title: 'string', description: 'string', voteBudget: 'int', allowGuests: 'boolean', allowAnonymous: 'boolean' } as const;
const boardRanges: JsonRoute['outOfRange'] = [
  ['a blank title', 'title', '   '],
  [`a ${BOARD_TITLE_MAX + 1}-character title`, 'title', 'あ'.repeat(BOARD_TITLE_MAX + 1)],
  [`a ${BOARD_DESCRIPTION_MAX + 1}-character description`, 'description', 'x'.repeat(BOARD_DESCRIPTION_MAX + 1)],
  [`a vote budget of ${VOTE_BUDGET_MIN - 1}`, 'voteBudget', VOTE_BUDGET_MIN - 1],
  [`a vote budget of ${VOTE_BUDGET_MAX + 1}`, 'voteBudget', VOTE_BUDGET_MAX + 1],
];
const person = { displayName: 'string', reading: 'string', avatar: 'string', pin: 'pin' } as const;
const personRanges: JsonRoute['outOfRange'] = [
  ['a blank name', 'displayName', ''],
  [`a ${DISPLAY_NAME_MAX + 1}-character name`, 'displayName', 'あ'.repeat(DISPLAY_NAME_MAX + 1)],
  ['a 3-digit PIN', 'pin', '123'],
  ['a 5-digit PIN', 'pin', '12345'],
  ['a PIN with letters', 'pin', '12a4'],
];

const ROUTES: JsonRoute[] = [
  {
    name: 'POST /api/auth/login',
    method: 'POST',
    path: () => '/api/auth/login',
    valid: () => ({ ...ADMIN }),
    fields: { login: 'string', password: 'string' },
    required: ['login', 'password'],
    namesFields: true,
    outOfRange: [['a blank login', 'login', '  '], ['an empty password', 'password', '']],
    app: 'login',
    as: 'stranger',
  },
  {
    name: 'POST /api/setup',
    method: 'POST',
    path: () => '/api/setup',
    valid: (f) => ({ token: f.setupToken, login: 'first-admin', name: '施設長', password: 'a-long-enough-password' }),
    fields: { token: 'string', login: 'string', name: 'string', password: 'string' },
    required: ['token', 'login', 'name', 'password'],
    namesFields: true,
    outOfRange: [['a 9-character password', 'password', '123456789'], ['a blank name', 'name', ' '], ['an empty token', 'token', '']],
    app: 'setup',
    as: 'stranger',
  },
  {
    name: 'POST /api/boards',
    method: 'POST',
    path: () => '/api/boards',
    valid: () => ({ title: '新しいボード', description: '', voteBudget: 3, allowGuests: true, allowAnonymous: true }),
    fields: board,
    required: ['title'],
    namesFields: true,
    outOfRange: boardRanges,
    app: 'main',
    as: 'staff',
  },
  {
    name: 'PATCH /api/boards/:id',
    method: 'PATCH',
    path: (f) => `/api/boards/${f.board.id}`,
    valid: () => ({ title: '変えた題', voteBudget: 5 }),
    fields: board,
    required: [],
    namesFields: true,
    outOfRange: boardRanges,
    app: 'main',
    as: 'staff',
  },
  {
    name: 'POST /api/participants',
    method: 'POST',
    path: () => '/api/participants',
    valid: () => ({ displayName: 'あおい', reading: 'あおい', avatar: '🐱', pin: '1234' }),
    fields: person,
    required: ['displayName'],
    namesFields: true,
    outOfRange: personRanges,
    app: 'main',
    as: 'staff',
  },
  {
    name: 'PATCH /api/participants/:id',
    method: 'PATCH',
    path: (f) => `/api/participants/${f.participant.id}`,
    // Writes what the fixture already has, so that the name-card join still works after it.
    valid: () => ({ displayName: 'はな', reading: '', avatar: '', pin: '2468', active: true }),
    fields: { ...person, active: 'boolean' },
    required: [],
    namesFields: true,
    outOfRange: personRanges,
    app: 'main',
    as: 'staff',
  },
  {
    name: 'POST /api/join (name card)',
    method: 'POST',
    path: () => '/api/join',
    valid: (f) => ({ code: f.board.joinCode, participantId: f.participant.id, pin: '2468' }),
    fields: { code: 'code', participantId: 'string', pin: 'pin' },
    required: ['code', 'participantId'],
    namesFields: false,
    outOfRange: [['a 5-digit code', 'code', '12345'], ['a code with letters', 'code', '12a456'], ['a 3-digit PIN', 'pin', '123']],
    app: 'main',
    as: 'stranger',
  },
  {
    name: 'POST /api/join (guest)',
    method: 'POST',
    path: () => '/api/join',
    valid: (f) => ({ code: f.board.joinCode, guestName: 'ゲスト' }),
    fields: { code: 'code', guestName: 'string' },
    required: ['code', 'guestName'],
    namesFields: false,
    outOfRange: [['a 7-digit code', 'code', '1234567'], ['a blank guest name', 'guestName', '  '], [`a ${DISPLAY_NAME_MAX + 1}-character guest name`, 'guestName', 'あ'.repeat(DISPLAY_NAME_MAX + 1)]],
    app: 'main',
    as: 'stranger',
  },
];

interface BadCase {
  route: JsonRoute;
  label: string;
  /** The body to send: a string goes out raw (malformed JSON on purpose). */
  body: (f: Fixture) => unknown;
  /** The field the answer should name, when the route names fields. */
  field?: string;
  /** The field is not in the schema: every route names it, union or not (issue 8). */
  unknown?: boolean;
}

function without(body: Record<string, unknown>, field: string): Record<string, unknown> {
  const { [field]: _dropped, ...rest } = body;
  return rest;
}

function badCases(route: JsonRoute): BadCase[] {
  const cases: BadCase[] = NOT_AN_OBJECT.map(([label, raw]) => ({ route, label, body: () => raw }));
  cases.push({ route, label: 'an empty object', body: () => ({}) });
  for (const field of route.required) {
    cases.push({ route, label: `no ${field}`, body: (f) => without(route.valid(f), field), field });
  }
  if (route.required.length === 0) {
    cases.push({ route, label: 'only unknown fields', body: () => ({ colour: 'red' }), field: 'colour', unknown: true });
  }
  cases.push({ route, label: 'an unknown field beside valid ones', body: (f) => ({ ...route.valid(f), colour: 'red' }), field: 'colour', unknown: true });
  for (const [field, kind] of Object.entries(route.fields)) {
    for (const [label, value] of WRONG_TYPES[kind]) {
      cases.push({ route, label: `${field} as ${label}`, body: (f) => ({ ...route.valid(f), [field]: value }), field });
    }
  }
  for (const [label, field, value] of route.outOfRange) {
    cases.push({ route, label, body: (f) => ({ ...route.valid(f), [field]: value }), field });
  }
  return cases;
}

/** Every row of the tables a route could write, in a stable order: equal snapshots mean no write. */
async function databaseState(built: TestApp) {
  const { db } = built.database;
  const counts = async () =>
    Object.fromEntries(
      await Promise.all(
        Object.entries({ boards, participants, staffUsers, sessions, boardSnapshots, boardUpdates, facilities }).map(
          async ([name, table]) => [name, (await db.select({ n: count() }).from(table))[0]!.n] as const,
        ),
      ),
    );
  return {
    counts: await counts(),
    // Counting misses an UPDATE; the rows a PATCH could touch are compared whole.
    boards: await db.select().from(boards).orderBy(asc(boards.id)),
    participants: await db.select().from(participants).orderBy(asc(participants.id)),
  };
}

function expectBadRequest(answer: ApiAnswer<unknown>, field: string | undefined): void {
  const body = answer.body as ApiError;
  expect(answer.status).toBe(400);
  expect(Object.keys(body)).toEqual(['error']);
  const { code, message, fields, ...rest } = body.error;
  expect(rest).toEqual({});
  expect(code).toBe('bad_request');
  expect(message).toEqual(expect.stringMatching(/./));
  if (fields !== undefined) {
    for (const messages of Object.values(fields)) expect(messages).toEqual(expect.arrayContaining([expect.any(String)]));
  }
  if (field !== undefined) expect(fields).toHaveProperty([field]);
}

describe.each(databaseKinds())('request validation on %s', (kind: DatabaseKind) => {
  const apps = {} as Record<AppName, TestApp>;
  let staff: ApiClient;
  let fixture: Fixture;

  beforeAll(async () => {
    [apps.main, apps.setup, apps.login] = await Promise.all([
      buildTestApp({ kind }),
      buildTestApp({ kind, withAdmin: false }),
      buildTestApp({ kind }),
    ]);
    staff = new ApiClient(apps.main.app);
    await staff.login();
    fixture = {
      setupToken: apps.setup.setupToken!,
      board: await staff.createBoard('検証用ボード'),
      participant: expectOk(await staff.post<Participant>('/api/participants', { displayName: 'はな', pin: '2468' })),
    };
  });
  afterAll(async () => {
    await Promise.all(Object.values(apps).map((built) => built.stop()));
  });

  const senderFor = (route: JsonRoute) => (route.as === 'staff' ? staff : new ApiClient(apps[route.app].app));

  const cases = ROUTES.flatMap(badCases).map((bad) => [bad.route.name, bad.label, bad] as const);

  it.each(cases)('[spec 3] %s refuses %s with 400 and writes nothing', async (_route, _label, { route, body, field, unknown }) => {
    const built = apps[route.app];
    const before = await databaseState(built);
    const answer = await senderFor(route).request(route.method, route.path(fixture), body(fixture));
    expectBadRequest(answer, route.namesFields || unknown ? field : undefined);
    expect(await databaseState(built)).toEqual(before);
  });

  it('[spec 3] a refused board PATCH leaves the board as it was', async () => {
    const before = expectOk(await staff.get<Board>(`/api/boards/${fixture.board.id}`));
    for (const bad of [{ title: '' }, { title: '新しい題', voteBudget: 0 }, { allowGuests: 'no' }, '{"title":']) {
      expect((await staff.patch(`/api/boards/${fixture.board.id}`, bad)).status).toBe(400);
    }
    expect(expectOk(await staff.get<Board>(`/api/boards/${fixture.board.id}`))).toEqual(before);
    expect(before).toEqual(fixture.board);
  });

  it('[spec 3] a refused setup body does not spend the one-time link', async () => {
    const setup = ROUTES.find((route) => route.app === 'setup')!;
    expect((await senderFor(setup).post('/api/setup', setup.valid(fixture))).status).toBe(201);
  });

  describe('GET /api/join/:code', () => {
    it.each([
      ['5 digits', '12345'],
      ['7 digits', '1234567'],
      ['letters', 'abcdef'],
      ['a letter among digits', '12345a'],
      ['spaces around digits', '%20123456'],
      ['a negative number', '-12345'],
      ['a fraction', '1234.5'],
    ])('[spec 3] refuses a code of %s with 400 and writes nothing', async (_label, code) => {
      const before = await databaseState(apps.main);
      expectBadRequest(await new ApiClient(apps.main.app).get(`/api/join/${code}`), 'code');
      expect(await databaseState(apps.main)).toEqual(before);
    });
  });

  // Proof that the cases above fail for the one defect each adds, not because the base is wrong.
  // These write, so they run last.
  describe('the valid bodies the cases start from', () => {
    const accepting = ROUTES.filter((route) => route.app !== 'setup').map((route) => [route.name, route] as const);
    it.each(accepting)('[spec 3] %s accepts its valid body', async (_name, route) => {
      const answer = await senderFor(route).request(route.method, route.path(fixture), route.valid(fixture));
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    });
  });
});
