/**
 * [issue 8, "HTTP hygiene" and "Clear start-up failures"] Security headers on every answer, a body
 * limit on every route, unknown fields and invalid UTF-8 refused, a `Secure` cookie behind https,
 * logs without query parameters or what people wrote, and a data folder that cannot be used
 * stopping the start with one line. docs/security.md describes each.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { count, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { ApiError, Board, Participant } from '../shared/api';
import { API_BODY_MAX_BYTES } from '../shared/limits';
import { boardUpdates, participants, sessions } from '../drizzle/schema';
import { configFromEnv } from '../server/config';
import { openDatabase } from '../server/db/database';
import { createErrorHandler } from '../server/http/errors';
import { createLogger, redactFields } from '../server/log';
import { ApiClient, expectOk } from './helpers/api-client';
import { createTestDatabase, databaseKinds, type DatabaseKind, type TestDatabase } from './helpers/databases';
import { ADMIN, buildTestApp, type TestApp } from './helpers/server';

const root = path.resolve(import.meta.dirname, '..');

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? '')
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectSecurityHeaders(response: Response, websocket = 'ws://localhost'): void {
  const csp = directives(response.headers.get('content-security-policy'));
  expect(csp.get('default-src')).toEqual(["'self'"]);
  expect(csp.get('script-src')).toEqual(["'self'"]);
  expect(csp.get('style-src')).toEqual(["'self'"]);
  expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
  expect(csp.get('object-src')).toEqual(["'none'"]);
  expect(csp.get('connect-src')).toEqual(["'self'", websocket]);
  expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(response.headers.get('x-frame-options')).toBe('DENY');
  expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
}

/** The raw bytes of a JSON body, to send what `JSON.stringify` never would. */
function jsonBytes(before: string, middle: number[], after: string): Uint8Array<ArrayBuffer> {
  const encoder = new TextEncoder();
  return new Uint8Array([...encoder.encode(before), ...middle, ...encoder.encode(after)]);
}

async function errorOf(response: Response): Promise<ApiError['error']> {
  const body = (await response.json()) as ApiError;
  expect(Object.keys(body)).toEqual(['error']);
  return body.error;
}

describe('HTTP hygiene, in-process', () => {
  let built: TestApp;
  let staff: ApiClient;
  let board: Board;
  /** Cookie header of the signed-in staff member, for raw requests. */
  let staffCookie: string;

  beforeAll(async () => {
    built = await buildTestApp({ serveClient: true });
    staff = new ApiClient(built.app);
    await staff.login();
    board = await staff.createBoard('衛生のボード');
    const login = await built.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    staffCookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
  });
  afterAll(() => built.stop());

  const send = (pathname: string, init: RequestInit & { headers?: Record<string, string> } = {}) =>
    built.app.request(pathname, { ...init, headers: { cookie: staffCookie, ...init.headers } });

  const rowCounts = async () => ({
    participants: (await built.database.db.select({ n: count() }).from(participants))[0]!.n,
    sessions: (await built.database.db.select({ n: count() }).from(sessions))[0]!.n,
  });

  describe('security headers', () => {
    it.each([
      ['a health check', 'GET', '/healthz', 200],
      ['an API answer', 'GET', '/api/boards', 200],
      ['a 401', 'GET', '/api/me', 401],
      ['a 404 of the API', 'GET', '/api/no-such-route', 404],
      ['a refused body', 'POST', '/api/boards', 400],
    ])('[issue 8] puts the CSP, frame, nosniff and referrer headers on %s', async (_label, method, pathname, status) => {
      const response = await send(pathname, {
        method,
        headers: pathname === '/api/me' ? { cookie: '' } : { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{' } : {}),
      });
      expect(response.status).toBe(status);
      expectSecurityHeaders(response);
    });

    it('[issue 8] puts them on the client: the page, its scripts and the service worker', async () => {
      const page = await send('/join/123456');
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expectSecurityHeaders(page);
      const script = /src="(\/assets\/[^"]+\.js)"/.exec(await page.text())?.[1];
      expect(script).toBeDefined();
      expectSecurityHeaders(await send(script!));
      expectSecurityHeaders(await send('/sw.js'));
    });

    it('[issue 8] lets the page open its websocket to the host it came from, and nothing else', async () => {
      const response = await built.app.request('http://192.168.10.20:8080/healthz');
      expectSecurityHeaders(response, 'ws://192.168.10.20:8080');
    });

    it('[issue 8] does not let a forged Host header add to the policy', async () => {
      const response = await built.app.request('/healthz', { headers: { host: "x; script-src 'unsafe-inline'" } });
      expect(response.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
      expect(directives(response.headers.get('content-security-policy')).get('connect-src')).toEqual(["'self'", 'ws://localhost']);
    });

    it('[issue 8] sends no HSTS when the server is not told it is behind https', async () => {
      expect((await send('/healthz')).headers.get('strict-transport-security')).toBeNull();
    });
  });

  describe('body limit', () => {
    /** A valid login body padded with JSON whitespace to exactly `bytes` bytes. */
    const paddedLogin = (bytes: number) => {
      const json = JSON.stringify({ login: 'nobody', password: 'not-the-password' });
      return json.slice(0, -1) + ' '.repeat(bytes - json.length) + '}';
    };

    it(`[issue 8] refuses a body of ${API_BODY_MAX_BYTES + 1} bytes with 413 too_large, and signs nobody in`, async () => {
      const before = await rowCounts();
      const body = paddedLogin(API_BODY_MAX_BYTES + 1);
      const response = await built.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
        body,
      });
      expect(response.status).toBe(413);
      expect(await errorOf(response)).toEqual({ code: 'too_large', message: expect.stringContaining(String(API_BODY_MAX_BYTES)) });
      expectSecurityHeaders(response);
      expect(await rowCounts()).toEqual(before);
    });

    it('[issue 8] counts a body without a Content-Length as it arrives, and stops at the limit', async () => {
      const chunk = new Uint8Array(16 * 1024).fill(0x20);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          // 10 MiB on offer: the server must stop reading long before the end.
          if (sent >= 10 * 1024 * 1024) return controller.close();
          sent += chunk.length;
          controller.enqueue(chunk);
        },
      });
      const response = await built.app.request('/api/boards', {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: staffCookie },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect((await errorOf(response)).code).toBe('too_large');
      expect(sent).toBeLessThan(1024 * 1024);
    });

    it('[issue 8] reads a body just under the limit as usual', async () => {
      const json = JSON.stringify({ title: '大きな本文' });
      const body = json.slice(0, -1) + ' '.repeat(API_BODY_MAX_BYTES - Buffer.byteLength(json)) + '}';
      expect(Buffer.byteLength(body)).toBe(API_BODY_MAX_BYTES);
      const response = await send('/api/boards', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      expect(response.status).toBe(201);
    });

    it('[issue 8] limits every route, not only the API', async () => {
      const response = await send('/healthz', { method: 'POST', body: 'x'.repeat(API_BODY_MAX_BYTES + 1) });
      expect(response.status).toBe(413);
      expect((await errorOf(response)).code).toBe('too_large');
    });
  });

  describe('unknown fields', () => {
    it('[issue 8] refuses a misspelt setting with 400 naming it, and leaves the board as it was', async () => {
      const answer = await staff.patch<ApiError>(`/api/boards/${board.id}`, { alowGuests: false });
      expect(answer.status).toBe(400);
      expect(answer.body.error).toEqual({
        code: 'bad_request',
        message: 'Unknown field in the json: alowGuests',
        fields: { alowGuests: ['Unknown field'] },
      });
      expect(expectOk(await staff.get<Board>(`/api/boards/${board.id}`))).toEqual(board);
    });

    it('[issue 8] names every unknown field, beside the known fields that fail', async () => {
      const answer = await staff.post<ApiError>('/api/participants', { displayName: '', colour: 'red', size: 3 });
      expect(answer.status).toBe(400);
      expect(answer.body.error.message).toBe('Unknown fields in the json: colour, size');
      expect(Object.keys(answer.body.error.fields ?? {}).sort()).toEqual(['colour', 'displayName', 'size']);
    });

    it('[issue 8] refuses a join with a field the union does not know, naming it, and opens no session', async () => {
      const before = await rowCounts();
      const answer = await new ApiClient(built.app).post<ApiError>('/api/join', { code: board.joinCode, guestName: 'ゲスト', role: 'staff' });
      expect(answer.status).toBe(400);
      expect(answer.body.error.fields).toEqual({ role: ['Unknown field'] });
      expect(await rowCounts()).toEqual(before);
    });
  });

  describe('UTF-8', () => {
    it.each([
      ['a stray 0xFF byte', [0xff]],
      ['a truncated three-byte character', [0xe3, 0x81]],
      ['an overlong "/"', [0xc0, 0xaf]],
      ['an encoded lone surrogate', [0xed, 0xa0, 0x80]],
    ])('[issue 8] refuses a body with %s with 400, and adds nobody', async (_label, bad) => {
      const before = await rowCounts();
      const response = await send('/api/participants', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: jsonBytes('{"displayName":"はな', bad, '"}'),
      });
      expect(response.status).toBe(400);
      expect(await errorOf(response)).toEqual({ code: 'bad_request', message: 'The request body is not valid UTF-8' });
      expect(await rowCounts()).toEqual(before);
    });

    it('[issue 8] refuses invalid UTF-8 on a route anybody may call', async () => {
      const response = await built.app.request('/api/join', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: jsonBytes(`{"code":"${board.joinCode}","guestName":"`, [0xe3, 0x81, 0xff], '"}'),
      });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).message).toBe('The request body is not valid UTF-8');
    });

    it('[issue 8] keeps valid UTF-8, a byte order mark and characters beyond the BMP included', async () => {
      const response = await send('/api/participants', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: jsonBytes('', [0xef, 0xbb, 0xbf], '{"displayName":"𠮷野 はな","avatar":"🐱"}'),
      });
      expect(response.status).toBe(201);
      const created = (await response.json()) as Participant;
      expect([created.displayName, created.avatar]).toEqual(['𠮷野 はな', '🐱']);
    });
  });

  describe('the session cookie without TEIAN_PUBLIC_URL', () => {
    it('[spec 3] is HttpOnly, SameSite=Lax and not Secure (the LAN is plain http)', async () => {
      const response = await built.app.request('/api/auth/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ADMIN),
      });
      const cookie = response.headers.getSetCookie()[0]!;
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Secure/);
    });
  });
});

describe('HTTP hygiene behind https (TEIAN_PUBLIC_URL)', () => {
  let built: TestApp;
  beforeAll(async () => {
    built = await buildTestApp({ publicUrl: 'https://teian.example.org' });
  });
  afterAll(() => built.stop());

  const cookiesOf = (response: Response) => response.headers.getSetCookie();

  it('[issue 8] marks the session cookie Secure where a session starts and where it ends', async () => {
    const staff = new ApiClient(built.app);
    const login = await built.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    // The session cookie, and the known-device cookie of staff sign-in (docs/security.md).
    expect(cookiesOf(login)).toEqual([expect.stringMatching(/^teian_session=.*; Secure/), expect.stringMatching(/^teian_device=.*; Secure/)]);
    const cookie = cookiesOf(login)[0]!.split(';')[0]!;

    await staff.login();
    const board = await staff.createBoard('https のボード');
    const join = await built.app.request('/api/join', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: board.joinCode, guestName: 'ゲスト' }),
    });
    expect(join.status).toBe(200);
    expect(cookiesOf(join)).toEqual([expect.stringMatching(/HttpOnly.*; Secure|; Secure.*HttpOnly/)]);

    const logout = await built.app.request('/api/auth/logout', { method: 'POST', headers: { cookie } });
    expect(logout.status).toBe(204);
    expect(cookiesOf(logout)).toEqual([expect.stringMatching(/Max-Age=0.*; Secure|; Secure.*Max-Age=0/)]);
  });

  it('[issue 8] tells browsers to keep to https, and to open the websocket with wss', async () => {
    const response = await built.app.request('/healthz');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=15552000');
    expectSecurityHeaders(response, 'wss://teian.example.org');
  });

  it('[issue 8] reads TEIAN_PUBLIC_URL once, and refuses one that is not an http(s) address', () => {
    expect(configFromEnv({ TEIAN_PUBLIC_URL: 'https://teian.example.org/' }).publicUrl?.href).toBe('https://teian.example.org/');
    expect(configFromEnv({}).publicUrl).toBeUndefined();
    expect(() => configFromEnv({ TEIAN_PUBLIC_URL: 'teian.example.org' })).toThrow(/TEIAN_PUBLIC_URL/);
    expect(() => configFromEnv({ TEIAN_PUBLIC_URL: 'ftp://teian.example.org' })).toThrow(/TEIAN_PUBLIC_URL/);
  });
});

describe.each(databaseKinds())('what the logs may carry, with errors from %s', (kind: DatabaseKind) => {
  let testDatabase: TestDatabase;
  let database: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    testDatabase = await createTestDatabase(kind);
    database = await openDatabase({ url: testDatabase.url, dataDir: testDatabase.dataDir });
  });
  afterAll(async () => {
    await database.close();
    await testDatabase.drop();
  });

  /** A logger whose lines a test reads. */
  function lines() {
    const written: string[] = [];
    return { written, log: createLogger({ write: (line) => written.push(line) }) };
  }

  async function failure(query: () => Promise<unknown>): Promise<unknown> {
    try {
      await query();
    } catch (error) {
      return error;
    }
    throw new Error('the query was meant to fail');
  }

  it('[issue 8] logs a failed query without its parameters: no token hash, no detail with the values', async () => {
    const error = await failure(() =>
      database.db.insert(sessions).values({ tokenHash: 'TOKEN-HASH-4f2a9c', facilityId: 'FACILITY-7b1d', expiresAt: new Date() }),
    );
    // The error itself carries them, which is why the logger must not pass it on as it is.
    expect(String((error as Error).message)).toContain('TOKEN-HASH-4f2a9c');
    const { written, log } = lines();
    log.error('a write failed', { error });
    const [line] = written;
    expect(line).not.toContain('TOKEN-HASH-4f2a9c');
    expect(line).not.toContain('FACILITY-7b1d');
    expect(line).not.toMatch(/params/);
    const logged = JSON.parse(line!) as { error: { message: string; cause: { code: string; constraint: string; table: string } } };
    expect(logged.error.message).toMatch(/^Failed query: insert into "sessions"/);
    expect(logged.error.cause).toMatchObject({ code: '23503', table: 'sessions', constraint: 'sessions_facility_id_facilities_id_fk' });
  });

  it('[issue 8] logs a failed update write, through the API error handler, without the update’s bytes or its idea text', async () => {
    const doc = new Y.Doc();
    doc.getMap('ideas').set('idea-1', new Y.Map([['text', 'ひみつの改善アイデア']]));
    const update = Y.encodeStateAsUpdate(doc);
    const error = await failure(() =>
      database.db.insert(boardUpdates).values({ boardId: 'no-such-board', update, actorId: 'actor-1' }),
    );
    const { written, log } = lines();
    const app = new Hono().get('/fails', () => {
      throw error;
    });
    app.onError(createErrorHandler(log));
    expect((await app.request('/fails')).status).toBe(500);
    const [line] = written;
    expect(line).toContain('unhandled error');
    expect(line).not.toContain('ひみつ');
    expect(line).not.toContain(Array.from(update.subarray(0, 12)).join(','));
    expect(line).not.toContain('no-such-board');
    expect(line).toContain('23503');
  });

  it('[issue 8] logs a data error without the value that caused it', async () => {
    const error = await failure(() => database.db.select({ n: count() }).from(participants).where(sqlIntEquals('NOT-A-NUMBER-93')));
    const { written, log } = lines();
    log.warn('a read failed', { error });
    expect(written[0]).not.toContain('NOT-A-NUMBER-93');
    expect(written[0]).toContain('22P02');
  });

  it('[issue 8] writes bytes as their length and never a field named like a secret or a text', () => {
    expect(
      redactFields({
        boardId: 'b1',
        update: new Uint8Array(300),
        state: new Uint8Array(12),
        nested: { pin: '1234', tokenHash: 'abc', text: '箱に番号', sizes: [1, 2] },
        count: 3,
      }),
    ).toEqual({
      boardId: 'b1',
      update: '[redacted]',
      state: { bytes: 12 },
      nested: { pin: '[redacted]', tokenHash: '[redacted]', text: '[redacted]', sizes: [1, 2] },
      count: 3,
    });
  });
});

/** `participants.id::int = $1::int`, which PostgreSQL refuses for a value that is not a number (22P02). */
function sqlIntEquals(value: string) {
  return sql`${participants.id}::int = ${value}::int`;
}

describe('a data folder that cannot be used', () => {
  let scratch: string;
  /** A real, migrated PGlite folder, copied for each case. */
  let healthy: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(tmpdir(), 'teian-data-folder-'));
    await chmod(scratch, 0o755);
    healthy = path.join(scratch, 'healthy');
    const database = await openDatabase({ dataDir: healthy });
    await database.close();
  });
  afterAll(() => rm(scratch, { recursive: true, force: true }));

  /** Every file under `folder` with its hash and mode, to prove a start left it as it was. */
  async function contents(folder: string): Promise<string[]> {
    const out: string[] = [];
    const info = await stat(folder);
    if (!info.isDirectory()) return [`${info.mode} ${createHash('sha1').update(await readFile(folder)).digest('hex')}`];
    for (const entry of await readdir(folder, { recursive: true, withFileTypes: true })) {
      const file = path.join(entry.parentPath, entry.name);
      const detail = entry.isFile() ? createHash('sha1').update(await readFile(file)).digest('hex') : 'dir';
      out.push(`${path.relative(folder, file)} ${(await stat(file)).mode} ${detail}`);
    }
    return out.sort();
  }

  /** Starts `server/main.ts` as `npm start` does and waits for it to end. */
  function start(env: Record<string, string>, user?: { uid: number; gid: number }) {
    return new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
        cwd: root,
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', TEIAN_ADMIN_LOGIN: ADMIN.login, TEIAN_ADMIN_PASSWORD: ADMIN.password, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        ...user,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the server did not stop:\n${stdout}\n${stderr}`));
      }, 25_000);
      child.on('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr, stdout });
      });
    });
  }

  async function expectRefused(dataDir: string, folder: string, reason: RegExp, user?: { uid: number; gid: number }) {
    const before = await contents(dataDir).catch(() => ['absent']);
    const { code, stderr, stdout } = await start({ DATA_DIR: dataDir }, user);
    expect(code, stdout + stderr).toBe(1);
    expect(stdout).not.toMatch(/Teian is running/);
    const lines = stderr.trim().split('\n');
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toBe(`Teian cannot start: the data folder ${folder} cannot be used: ${lines[0]!.split(' cannot be used: ')[1]}`);
    expect(lines[0]).toMatch(reason);
    expect(await contents(dataDir).catch(() => ['absent'])).toEqual(before);
  }

  it('[issue 8] names DATA_DIR when it is a file, and leaves the file alone', async () => {
    const file = path.join(scratch, 'a-file');
    await writeFile(file, 'not a folder\n');
    await expectRefused(file, file, /it is a file, not a folder$/);
  });

  it('[issue 8] names DATA_DIR when a part of its path is a file, and creates nothing', async () => {
    const file = path.join(scratch, 'in-the-way');
    await writeFile(file, 'x');
    const dataDir = path.join(file, 'data');
    await expectRefused(dataDir, dataDir, /a part of its path is a file, not a folder$/);
    expect(await contents(file)).toHaveLength(1);
  });

  it('[issue 8] names the PGlite folder whose PG_VERSION holds garbage, and leaves it as it was', async () => {
    const dataDir = path.join(scratch, 'bad-version');
    await cp(healthy, dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', 'PG_VERSION'), 'garbage\n');
    await expectRefused(dataDir, path.join(dataDir, 'pglite'), /PG_VERSION is not a PostgreSQL version/);
  });

  it('[issue 8] names the PGlite folder whose control file is damaged, and leaves it as it was', async () => {
    const dataDir = path.join(scratch, 'bad-control');
    await cp(healthy, dataDir, { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', 'global', 'pg_control'), new Uint8Array(100).fill(0x5a));
    await expectRefused(dataDir, path.join(dataDir, 'pglite'), /PGlite could not open the database in it \(.+\); it may be damaged/);
  });

  it('[issue 8] refuses a PGlite folder that holds other files, rather than create a database among them', async () => {
    const dataDir = path.join(scratch, 'other-files');
    await mkdir(path.join(dataDir, 'pglite'), { recursive: true });
    await writeFile(path.join(dataDir, 'pglite', 'notes.txt'), 'somebody else’s\n');
    await expectRefused(dataDir, path.join(dataDir, 'pglite'), /no PGlite database \(no PG_VERSION\)/);
  });

  it('[issue 8] names a folder this user may not write to, and leaves it as it was', async () => {
    const dataDir = path.join(scratch, 'read-only');
    await cp(healthy, dataDir, { recursive: true });
    if (process.getuid?.() === 0) {
      // root writes anywhere: start the server as nobody, for whom the copy is read-only.
      await expectRefused(dataDir, dataDir, /this user may not write to it/, { uid: 65534, gid: 65534 });
    } else {
      await chmod(dataDir, 0o555);
      try {
        await expectRefused(dataDir, dataDir, /this user may not write to it/);
      } finally {
        await chmod(dataDir, 0o755);
      }
    }
  });
});
