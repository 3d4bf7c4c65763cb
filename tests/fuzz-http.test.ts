/**
 * [issue 8, spec 3] The HTTP API under a fuzz: 10,000 malformed requests against a real server
 * process — random paths and methods, bodies that are not JSON, not UTF-8, nested ten thousand
 * deep, of the wrong content type, with unknown fields or wrong types, random query strings,
 * hostile headers and cookies, huge declared lengths, and requests that do not parse as HTTP.
 *
 * Every request the app answers must be answered, within 12 s, with a 4xx and the API's error shape
 * (`{ error: { code, message } }`, a code of `ERROR_CODES` other than `internal`): never a 5xx, never
 * a success, never a hang. Requests that do not parse as HTTP never reach the app; Node answers
 * those itself (400, 417 or 431 with no body, and closes the connection), which is counted apart.
 * After every batch `/healthz` answers, a well-formed request still works, and the server's memory
 * (after a full garbage collection) is within the same bounds as in tests/fuzz-websocket.test.ts.
 *
 * Every body generated against a route is checked with that route's own schema first, so that the
 * fuzz never sends a valid one by accident. `TEIAN_FUZZ_SEED` replays a run.
 */
import { Agent, request } from 'node:http';
import { connect } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  boardCreateBody,
  boardPatchBody,
  ERROR_CODES,
  joinBody,
  loginBody,
  participantCreateBody,
  participantPatchBody,
  setupBody,
  type Board,
  type Participant,
} from '../shared/api';
import { ADMIN } from './helpers/server';
import { healthz, memoryBounds, MiB, mib, overBounds, settledMemory, spawnWatchedServer, type MemoryBounds, type WatchedServer } from './helpers/watched-server';

const SEED = Number(process.env.TEIAN_FUZZ_SEED ?? 20_250_808);
const BATCHES = Number(process.env.TEIAN_FUZZ_BATCHES ?? 5);
const PER_BATCH = 2_000;
/** Of each batch, requests sent on a connection of their own as raw bytes. */
const RAW_PER_BATCH = 100;
const CONCURRENCY = 8;
const ANSWER_WITHIN_MS = 12_000;
const HEADROOM = { peak: 256 * MiB, rss: 128 * MiB, heap: 32 * MiB };

type Session = 'anonymous' | 'staff' | 'guest';

interface FuzzRequest {
  category: string;
  method: string;
  path: string;
  session: Session;
  headers: Record<string, string>;
  body?: Buffer;
}

interface RawRequest {
  category: string;
  bytes: Buffer;
  /** Node's parser refuses it before the app sees it: a bare 4xx, no error shape. */
  parserLevel: boolean;
}

interface Target {
  method: string;
  path: string;
  session: Session;
  schema: z.ZodType;
  /** A body the schema takes: never sent as it is, only changed until the schema refuses it. */
  base: Record<string, unknown>;
}

let server: WatchedServer;
let cookies: Record<Session, string>;
let board: Board;
let participant: Participant;
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

async function signIn(path: string, body: unknown, cookie = ''): Promise<string> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

async function asStaff<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(server.url + path, {
    method,
    headers: { 'content-type': 'application/json', cookie: cookies.staff },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

function targets(): Target[] {
  return [
    { method: 'POST', path: '/api/auth/login', session: 'anonymous', schema: loginBody, base: { login: ADMIN.login, password: 'not the password' } },
    { method: 'POST', path: '/api/setup', session: 'anonymous', schema: setupBody, base: { token: 't', login: 'l', name: 'n', password: 'long enough password' } },
    { method: 'POST', path: '/api/join', session: 'anonymous', schema: joinBody, base: { code: '000000', guestName: 'ふざ' } },
    { method: 'POST', path: '/api/boards', session: 'staff', schema: boardCreateBody, base: { title: 'fuzz' } },
    { method: 'PATCH', path: `/api/boards/${board.id}`, session: 'staff', schema: boardPatchBody, base: { title: 'fuzz' } },
    { method: 'POST', path: '/api/participants', session: 'staff', schema: participantCreateBody, base: { displayName: 'fuzz' } },
    { method: 'PATCH', path: `/api/participants/${participant.id}`, session: 'staff', schema: participantPatchBody, base: { displayName: 'fuzz' } },
  ];
}

// ---------------------------------------------------------------------------------------------
// Generators

const keysOf = (schema: z.ZodType) => Object.keys((schema as unknown as { shape: Record<string, unknown> }).shape);
const refuses = (schema: z.ZodType) => (body: unknown) => !schema.safeParse(body).success;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const notJson = (text: string) => {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
};

const WRONG_VALUES: unknown[] = [5, -1, 0, 2.5, 1e308, -1e308, true, false, null, [], {}, [1, 2], { a: 1 }, '', '   ', 'x'.repeat(5000), '\u0000', '12345', '1234', '000000', 'あ'.repeat(300), '😀'.repeat(100)];

/**
 * Unknown fields named like a property every object inherits. The fuzz found that
 * server/http/validate.ts answered them with 500 (it collected field names in a plain object, and
 * `fields.constructor` was already a function); the test below keeps it fixed.
 */
const INHERITED_NAMES = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

/** A body a route's schema refuses, and what makes it so. */
function badBodies(target: Target): fc.Arbitrary<{ category: string; value: unknown }> {
  const keys = keysOf(target.schema);
  const unknownKey = fc
    .oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('role', 'admin', 'alowGuests', 'id', 'password2', ''))
    .filter((key) => !keys.includes(key));
  return fc.oneof(
    fc
      .tuple(unknownKey, fc.jsonValue({ maxDepth: 2 }))
      .map(([key, value]) => ({ category: 'unknown field', value: { ...target.base, [key]: value } })),
    fc
      .tuple(fc.constantFrom(...keys), fc.constantFrom(...WRONG_VALUES))
      .map(([key, value]) => ({ category: 'wrong type or size', value: { ...target.base, [key]: value } })),
    fc.jsonValue({ maxDepth: 3 }).map((value) => ({ category: 'wrong shape', value })),
  ).filter(({ value }) => refuses(target.schema)(value));
}

const INVALID_JSON = ['{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":NaN}', '{"a":1}/*c*/', '\uFEFF{}', '{"a":"\\x41"}', '[1,2', 'undefined', '{"a" 1}', '{"a":01}', '--', '{"a":"\u0007"}'];

/** A JSON-ish text that does not parse: truncated JSON, near misses, random text. */
const invalidJsonText = fc
  .oneof(
    fc.constantFrom(...INVALID_JSON),
    fc.tuple(fc.jsonValue({ maxDepth: 3 }), fc.nat()).map(([value, cut]) => {
      const text = JSON.stringify(value) ?? '';
      return text.slice(0, cut % Math.max(1, text.length));
    }),
    fc.string({ maxLength: 200, unit: 'binary' }),
  )
  .filter(notJson);

/** Valid JSON text with bytes that are not UTF-8 (a stray continuation, an overlong, a surrogate half). */
const invalidUtf8Body = fc
  .tuple(fc.constantFrom([0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xe3, 0x81]), fc.string({ maxLength: 20 }))
  .map(([bad, text]) => Buffer.concat([Buffer.from(`{"title":"${text.replace(/["\\]/g, '')}`), Buffer.from(bad), Buffer.from('"}')]));

const deepJson = fc
  .tuple(fc.integer({ min: 100, max: 12_000 }), fc.boolean())
  .map(([depth, arrays]) => Buffer.from(arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"title":'.repeat(depth) + '1' + '}'.repeat(depth)));

const NON_JSON_TYPES = ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/jsonp', 'json', 'application/json-seq', 'a/b/c;;;', 'text/json'];
const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json', 'application/json; charset=latin1'];

const segment = fc.oneof(
  fc.webSegment(),
  fc.constantFrom('..', '.', '%2e%2e', '%00', '%zz', '%E0%A4%A', '%2F', '%252F', '~', '@', '!', '$', 'boards', 'api', 'yjs', 'join', 'me', 'token', 'context'),
  fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }).map(encodeURIComponent),
  fc.integer({ min: 100, max: 3000 }).map((length) => 'a'.repeat(length)),
);

/** Paths no route answers with success, for any session. */
function randomPath(method: string): fc.Arbitrary<string> {
  // GET and HEAD outside /api would be the client's index.html once the client is built.
  const prefix = method === 'GET' || method === 'HEAD' ? fc.constantFrom('/api/', '/api/boards/', '/api/participants/', '/api/join/', '/yjs/') : fc.constantFrom('/', '/api/', '/api/boards/', '/api/participants/', '/healthz/', '/yjs/', '/assets/');
  return fc
    .tuple(prefix, fc.array(segment, { minLength: 1, maxLength: 6 }), fc.boolean())
    .map(([start, segments, slash]) => start + segments.join('/') + (slash ? '/' : ''))
    .filter((path) => !mayAnswer(method, path));
}

/** Whether a real route might answer `method path` with a success (the few a random path could hit). */
function mayAnswer(method: string, path: string): boolean {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path;
  }
  const get = method === 'GET' || method === 'HEAD';
  // `..` and `%2e%2e` segments are resolved: a GET may land outside /api, on the client's pages.
  const resolved = URL.canParse('http://localhost' + path) ? new URL('http://localhost' + path).pathname : '';
  if (get && !resolved.startsWith('/api/') && !resolved.startsWith('/yjs/')) return true;
  return (
    /^\/api\/(me|boards|participants|lockouts)\/?$/.test(decoded) ||
    (get && /^\/(healthz|readyz|metrics)\/?$/.test(decoded)) ||
    decoded.includes(board.id) ||
    decoded.includes(participant.id) ||
    decoded.includes(board.joinCode ?? '-')
  );
}

const query = fc
  .array(fc.tuple(fc.oneof(fc.webSegment(), fc.constantFrom('token', 'acks', '__proto__', '%zz', '')), fc.oneof(fc.webSegment(), fc.string({ maxLength: 50, unit: 'binary' }).map(encodeURIComponent), fc.constantFrom('%', '%%', '&&', '=='))), { maxLength: 20 })
  .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&'));

/** The requests of one batch, sent through a keep-alive agent. */
function requests(): fc.Arbitrary<FuzzRequest> {
  const routeTargets = targets();
  const target = fc.constantFrom(...routeTargets);
  const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE');
  const session = fc.constantFrom<Session>('anonymous', 'staff', 'guest');
  const withJson = (category: string, t: Target, body: Buffer, contentType = 'application/json'): FuzzRequest => ({
    category,
    method: t.method,
    path: t.path,
    session: t.session,
    headers: { 'content-type': contentType },
    body,
  });
  return fc.oneof(
    {
      weight: 20,
      arbitrary: method.chain((m) =>
        fc.tuple(randomPath(m), session, fc.option(fc.uint8Array({ maxLength: 64 }))).map(
          ([path, who, body]): FuzzRequest => ({
            category: 'random path and method',
            method: m,
            path,
            session: who,
            headers: body ? { 'content-type': 'application/json' } : {},
            ...(body && m !== 'GET' && m !== 'HEAD' ? { body: Buffer.from(body) } : {}),
          }),
        ),
      ),
    },
    { weight: 15, arbitrary: fc.tuple(target, invalidJsonText).map(([t, text]) => withJson('invalid JSON', t, Buffer.from(text))) },
    { weight: 8, arbitrary: fc.tuple(target, invalidUtf8Body).map(([t, body]) => withJson('invalid UTF-8', t, body)) },
    { weight: 5, arbitrary: fc.tuple(target, deepJson).map(([t, body]) => withJson('deep JSON', t, body)) },
    {
      weight: 10,
      arbitrary: fc
        .tuple(target, fc.constantFrom(...NON_JSON_TYPES, ''))
        .map(([t, type]) => withJson('wrong content type', t, json(t.base), type)),
    },
    {
      weight: 25,
      arbitrary: target.chain((t) =>
        fc.tuple(badBodies(t), fc.constantFrom(...JSON_TYPES)).map(([{ category, value }, type]) => withJson(category, t, json(value), type)),
      ),
    },
    {
      weight: 6,
      // Valid shapes with the wrong secret: a wrong password, setup token or join code.
      arbitrary: fc
        .constantFrom(...routeTargets.filter((t) => t.session === 'anonymous'))
        .map((t) => withJson('wrong secret', t, json(t.base))),
    },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          fc.constantFrom(
            { path: '/api/me', session: 'anonymous' as const },
            { path: '/api/boards', session: 'anonymous' as const },
            { path: '/api/boards', session: 'guest' as const },
            { path: '/api/join/12a', session: 'anonymous' as const },
            { path: '/api/boards/no-such-board', session: 'staff' as const },
            { path: '/api/boards/no-such-board/context', session: 'guest' as const },
            { path: '/api/boards/no-such-board/token', session: 'staff' as const },
          ),
          query,
        )
        .map(([{ path, session: who }, q]): FuzzRequest => ({ category: 'random query string', method: 'GET', path: `${path}?${q}`, session: who, headers: {} })),
    },
    {
      weight: 5,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.string({ maxLength: 100 }).map((value) => ({ cookie: `teian_session=${encodeURIComponent(value)}` })),
            fc.integer({ min: 1000, max: 8000 }).map((length) => ({ cookie: `teian_session=${'a'.repeat(length)}` })),
            fc.array(fc.tuple(fc.webSegment(), fc.webSegment()), { maxLength: 50 }).map((pairs) => ({ cookie: pairs.map(([k, v]) => `${k}=${v}`).join('; ') })),
            fc.webSegment().map((value) => ({ 'x-forwarded-for': `${value}, 127.0.0.1, ::1, ${'9'.repeat(40)}` })),
            fc.constantFrom<Record<string, string>>({ 'content-encoding': 'gzip' }, { range: 'bytes=0-1' }, { 'if-none-match': '*' }, { accept: '*/*;q=x' }, { origin: 'null' }),
          ),
          fc.constantFrom('/api/me', '/api/boards', '/api/participants', '/api/boards/no-such-board/token'),
        )
        // No session cookie of ours: these must be refused for who they are not.
        .map(([headers, path]): FuzzRequest => ({ category: 'hostile headers', method: 'GET', path, session: 'anonymous', headers: { ...headers } as Record<string, string> })),
    },
  );
}

/** Requests sent as raw bytes, each on a connection of its own. */
function rawRequests(): fc.Arbitrary<RawRequest> {
  const line = (method: string, path: string, headers: string[], body = '') =>
    Buffer.from([`${method} ${path} HTTP/1.1`, 'Host: localhost', ...headers, 'Connection: close', '', body].join('\r\n'), 'latin1');
  const app = (category: string, bytes: Buffer): RawRequest => ({ category, bytes, parserLevel: false });
  const parser = (category: string, bytes: Buffer): RawRequest => ({ category, bytes, parserLevel: true });
  return fc.oneof(
    fc
      .tuple(fc.integer({ min: 65_537, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('/api/auth/login', '/api/boards', '/api/join', '/api/setup'))
      .map(([length, path]) => app('huge declared length', line('POST', path, ['Content-Type: application/json', `Content-Length: ${length}`], '{"title":"x"}'))),
    fc
      .constantFrom('/api/auth/login', '/api/join')
      .map((path) =>
        app(
          'chunked body over the limit',
          Buffer.concat([line('POST', path, ['Content-Type: application/json', 'Transfer-Encoding: chunked']), Buffer.from(`10000\r\n${'a'.repeat(0x10000)}\r\n`.repeat(2) + '0\r\n\r\n')]),
        ),
      ),
    fc.bigInt({ min: 2n ** 64n, max: 2n ** 80n }).map((length) => parser('content length beyond 2^64', line('POST', '/api/boards', [`Content-Length: ${length}`], '{}'))),
    fc.constantFrom('abc', '-1', '1e9', '0x10', '5, 6', ' ').map((length) => parser('content length not a number', line('POST', '/api/boards', [`Content-Length: ${length}`], '{}'))),
    fc.constantFrom('FOO', 'GETT', 'get', 'G\u00c9T', 'PRI').map((method) => parser('unknown method', line(method, '/api/me', []))),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => parser('garbage request line', Buffer.concat([Buffer.from(bytes).map((b) => (b === 0x0d || b === 0x0a ? 0x20 : b)), Buffer.from('\r\n\r\n')]))),
    fc.integer({ min: 0, max: 31 }).filter((c) => c !== 9).map((c) => parser('control character in a header', line('GET', '/api/me', [`X-Fuzz: a${String.fromCharCode(c)}b`]))),
    fc.integer({ min: 17_000, max: 60_000 }).map((length) => parser('headers too large', line('GET', '/api/me', [`X-Fuzz: ${'a'.repeat(length)}`]))),
    fc.constantFrom('zz', '-5', 'ffffffffffffffffffff', '1;' + 'x'.repeat(10_000)).map((size) => parser('malformed chunk', line('POST', '/api/boards', ['Transfer-Encoding: chunked'], `${size}\r\nabc\r\n0\r\n\r\n`))),
    fc.constant(parser('both Content-Length and chunked', line('POST', '/api/auth/login', ['Content-Length: 4', 'Transfer-Encoding: chunked'], '0\r\n\r\n'))),
    fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => parser('path not ASCII', Buffer.concat([Buffer.from('GET /api/'), Buffer.from(bytes).map((b) => b | 0x80), Buffer.from(' HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')]))),
    fc.constantFrom('teapot', '200-ok').map((expect) => parser('unknown Expect', line('POST', '/api/auth/login', ['Content-Type: application/json', 'Content-Length: 2', `Expect: ${expect}`], '{}'))),
    fc.constant(parser('path without a slash', line('GET', 'api/me', []))),
    fc.constantFrom('identity', 'gzip', 'chunked, identity').map((coding) => parser('unknown transfer coding', line('GET', '/api/me', [`Transfer-Encoding: ${coding}`]))),
  );
}

// ---------------------------------------------------------------------------------------------
// Sending and judging

interface Answer {
  status: number | 'no answer' | 'closed without an answer';
  problem: string | null;
}

function send(req: FuzzRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const cookie = cookies[req.session];
    const headers: Record<string, string> = { ...req.headers };
    if (cookie) headers.cookie = headers.cookie ? `${headers.cookie}; ${cookie}` : cookie;
    if (req.body) headers['content-length'] = String(req.body.length);
    const url = new URL(server.url);
    const outgoing = request({ host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent, timeout: ANSWER_WITHIN_MS }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ status, problem: judge(req.method, status, String(response.headers['content-type'] ?? ''), Buffer.concat(chunks).toString()) });
      });
    });
    outgoing.on('timeout', () => {
      outgoing.destroy();
      resolve({ status: 'no answer', problem: `no answer within ${ANSWER_WITHIN_MS} ms` });
    });
    outgoing.on('error', (error) => resolve({ status: 'closed without an answer', problem: `the connection failed: ${error.message}` }));
    outgoing.end(req.body);
  });
}

/** Null when an answer is a 4xx in the API's error shape; otherwise what is wrong with it. */
function judge(method: string, status: number, contentType: string, body: string): string | null {
  if (status >= 500) return `answered ${status}: ${body.slice(0, 200)}`;
  if (status < 400) return `accepted with ${status}: ${body.slice(0, 200)}`;
  if (!contentType.includes('application/json')) return `answered ${status} as ${contentType || 'no content type'}`;
  if (method === 'HEAD') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `answered ${status} with a body that is not JSON: ${body.slice(0, 200)}`;
  }
  const error = (parsed as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof error?.message !== 'string' || error.message === '') return `answered ${status} without an error message: ${body.slice(0, 200)}`;
  if (!ERROR_CODES.includes(error.code as (typeof ERROR_CODES)[number]) || error.code === 'internal') return `answered ${status} with code ${String(error.code)}`;
  return null;
}

/** Sends raw bytes on a connection of their own and reads the answer until the server closes it. */
function sendRaw(req: RawRequest): Promise<Answer> {
  return new Promise((resolve) => {
    const url = new URL(server.url);
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ status: 'no answer', problem: `no answer within ${ANSWER_WITHIN_MS} ms` });
    }, ANSWER_WITHIN_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      // An interim 100 Continue may come first; the final answer is the last status line.
      const heads = [...text.matchAll(/HTTP\/1\.1 (\d{3})[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n/g)];
      const last = heads.at(-1);
      if (!last) return resolve({ status: 'closed without an answer', problem: `closed without an answer` });
      const status = Number(last[1]);
      const head = last[2] ?? '';
      const contentType = /^content-type: *([^\r\n]*)/im.exec(head)?.[1] ?? '';
      const rest = text.slice((last.index ?? 0) + last[0].length);
      const body = /^transfer-encoding: *chunked/im.test(head) ? dechunk(rest) : rest;
      if (req.parserLevel && !contentType) {
        // Node's own refusal: a bare 4xx before any route ran.
        return resolve({ status, problem: status >= 400 && status < 500 ? null : `the parser answered ${status}` });
      }
      resolve({ status, problem: judge('POST', status, contentType, Buffer.from(body, 'latin1').toString()) });
    });
    socket.write(req.bytes);
  });
}

function dechunk(text: string): string {
  let out = '';
  let rest = text;
  for (;;) {
    const end = rest.indexOf('\r\n');
    const size = parseInt(rest.slice(0, end), 16);
    if (end < 0 || !size) return out;
    out += rest.slice(end + 2, end + 2 + size);
    rest = rest.slice(end + 2 + size + 2);
  }
}

class Tally {
  readonly byCategory = new Map<string, Map<string, number>>();
  /** The slowest answer per category, in ms. */
  readonly slowest = new Map<string, number>();
  readonly problems: string[] = [];

  add(category: string, answer: Answer, what: string, ms: number): void {
    this.slowest.set(category, Math.max(this.slowest.get(category) ?? 0, ms));
    const statuses = this.byCategory.get(category) ?? new Map<string, number>();
    statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
    this.byCategory.set(category, statuses);
    if (answer.problem && this.problems.length < 20) this.problems.push(`${category}: ${what}: ${answer.problem}`);
  }

  get total(): number {
    let sum = 0;
    for (const statuses of this.byCategory.values()) for (const count of statuses.values()) sum += count;
    return sum;
  }

  statuses(): Map<string, number> {
    const all = new Map<string, number>();
    for (const statuses of this.byCategory.values()) for (const [status, count] of statuses) all.set(status, (all.get(status) ?? 0) + count);
    return new Map([...all].sort());
  }

  table(): string {
    return [...this.byCategory]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([category, statuses]) =>
          `  ${category.padEnd(34)} ${[...statuses].sort().map(([status, count]) => `${status}: ${count}`).join(', ')}` +
          ` (slowest ${(this.slowest.get(category) ?? 0).toFixed(0)} ms)`,
      )
      .join('\n');
  }
}

const describeRequest = (req: FuzzRequest) => `${req.method} ${req.path.slice(0, 120)} as ${req.session} ${req.body ? `(${req.body.length} bytes: ${req.body.subarray(0, 60).toString('latin1')})` : ''}`;

async function runAll<T>(items: T[], concurrency: number, each: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < items.length) await each(items[next++]!);
  }));
}

describe('[issue 8] the HTTP API under a fuzz', () => {
  beforeAll(async () => {
    server = await spawnWatchedServer('fuzz-http');
    const staff = await signIn('/api/auth/login', { login: ADMIN.login, password: ADMIN.password });
    cookies = { anonymous: '', staff, guest: '' };
    board = await asStaff<Board>('POST', '/api/boards', { title: 'fuzz: http' });
    participant = await asStaff<Participant>('POST', '/api/participants', { displayName: 'ふざ' });
    cookies.guest = await signIn('/api/join', { code: board.joinCode, guestName: 'ふざ' });
  }, 90_000);
  afterAll(async () => {
    agent.destroy();
    await server?.stop();
  });

  it(`answers ${BATCHES * PER_BATCH} malformed requests with 4xx errors in the API's shape, and stays healthy and within its memory bound`, { timeout: 240_000 }, async () => {
    const started = performance.now();
    const tally = new Tally();
    server.watch.sample();
    let bounds: MemoryBounds = await memoryBounds(server, HEADROOM);
    const health: number[] = [];
    for (let batch = 0; batch < BATCHES; batch++) {
      const where = `seed ${SEED}, batch ${batch}`;
      const plain = fc.sample(requests(), { numRuns: PER_BATCH - RAW_PER_BATCH, seed: SEED + batch * 10 });
      const raw = fc.sample(rawRequests(), { numRuns: RAW_PER_BATCH, seed: SEED + batch * 10 + 1 });
      const batchStarted = performance.now();
      await Promise.all([
        runAll(plain, CONCURRENCY, async (req) => {
          const sent = performance.now();
          tally.add(req.category, await send(req), describeRequest(req), performance.now() - sent);
        }),
        runAll(raw, 4, async (req) => {
          const sent = performance.now();
          tally.add(`raw: ${req.category}`, await sendRaw(req), req.bytes.subarray(0, 80).toString('latin1'), performance.now() - sent);
        }),
      ]);
      expect(tally.problems, where).toEqual([]);

      health.push(await healthz(server.url));
      // A well-formed request still works.
      expect((await asStaff<{ kind: string }>('GET', '/api/me')).kind).toBe('staff');
      const memory = await settledMemory(server);
      if (batch === 0) bounds = await memoryBounds(server, HEADROOM, bounds.peakBaseline);
      expect(overBounds(server, memory, bounds), where).toBeNull();
      console.log(`batch ${batch}: ${plain.length + raw.length} requests in ${(performance.now() - batchStarted).toFixed(0)} ms; /healthz ${health.at(-1)!.toFixed(0)} ms; resident ${mib(memory.rss)}, heap ${mib(memory.heapUsed)}`);
    }
    const memory = await settledMemory(server);
    const seconds = (performance.now() - started) / 1000;
    console.log(
      [
        `HTTP fuzz (seed ${SEED}): ${tally.total} requests in ${seconds.toFixed(1)} s; statuses ${[...tally.statuses()].map(([status, count]) => `${status}: ${count}`).join(', ')}`,
        tally.table(),
        `  /healthz after each batch: ${health.map((ms) => ms.toFixed(0)).join(', ')} ms`,
        `  resident memory: highest before ${mib(bounds.peakBaseline)}, peak ${mib(server.watch.peak)} (bound ${mib(bounds.peak)}); after a collection ` +
          `${mib(bounds.rssBaseline)} after batch 0, ${mib(memory.rss)} at the end (bound ${mib(bounds.rss)}); heap in use ${mib(bounds.heapBaseline)} → ${mib(memory.heapUsed)} (bound ${mib(bounds.heap)})`,
      ].join('\n'),
    );
    expect(tally.total).toBe(BATCHES * PER_BATCH);
    expect(overBounds(server, memory, bounds)).toBeNull();
  });

  it('answers 400, not 500, to an unknown field named like an inherited property (__proto__, constructor, toString…)', async () => {
    const answers = await Promise.all(
      INHERITED_NAMES.map(async (name) => {
        const response = await fetch(`${server.url}/api/auth/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: `{"login":"admin","password":"x",${JSON.stringify(name)}:1}`,
        });
        return [name, response.status] as const;
      }),
    );
    expect(Object.fromEntries(answers)).toEqual(Object.fromEntries(INHERITED_NAMES.map((name) => [name, 400])));
  });
});
