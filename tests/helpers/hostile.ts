/**
 * Hostile websocket clients for the fuzz suite (issue 8): fast-check generators of malformed and
 * hostile y-websocket messages, and a raw socket that proves which of its messages the server read.
 *
 * What "the server read it" means here: a socket's messages count as handled once the server has
 * answered something sent after them (a `time` request is answered as soon as it is read, a sync
 * step 1 once everything queued before it is committed), or when the server closed the socket with
 * the code that names the fault of the one message it had not yet answered. Bytes written to a
 * socket the server had already given up on are counted as sent, never as handled.
 */
import fc from 'fast-check';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { claimAwareness } from '../../server/sync/awareness';
import { decodeClientMessage } from '../../server/sync/protocol';
import { boardRoots } from '../../shared/board';
import { encodeTimeRequest, MESSAGE_TIME, readTimeAnswer } from '../../shared/sync-messages';

// ---------------------------------------------------------------------------------------------
// Bytes

const MESSAGE_SYNC = 0;
const MESSAGE_AWARENESS = 1;
const MESSAGE_QUERY_AWARENESS = 3;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;

export function varUint(value: number): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, value);
  return encoding.toUint8Array(encoder);
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function withLength(payload: Uint8Array): Uint8Array {
  return concat(varUint(payload.length), payload);
}

export function syncMessage(step: number, payload: Uint8Array): Uint8Array {
  return concat(varUint(MESSAGE_SYNC), varUint(step), withLength(payload));
}

export function awarenessMessage(update: Uint8Array): Uint8Array {
  return concat(varUint(MESSAGE_AWARENESS), withLength(update));
}

/** Sync step 1 for a state vector: "send me what I lack". */
export function stateVectorMessage(stateVector: Uint8Array): Uint8Array {
  return syncMessage(SYNC_STEP_1, stateVector);
}

export function updateMessage(update: Uint8Array): Uint8Array {
  return syncMessage(SYNC_UPDATE, update);
}

// ---------------------------------------------------------------------------------------------
// What the server is expected to do with a message

/**
 * - `open`: decodes and is answered, ignored or sanitised; the socket must stay open.
 * - `close`: does not decode; the socket must be closed with 4400.
 * - `update`: carries a Yjs update, which may apply, be refused by the guard, wait for changes the
 *   server lacks, or not decode: the socket may be closed (4400, 4403 after repeated refusals, 4000).
 */
export type Outcome = 'open' | 'close' | 'update';

const IDENTITY = { id: 'fuzz', role: 'guest', name: 'fuzz' } as const;

/** What the relay's own decoder makes of a message (server/sync/protocol.ts, awareness.ts). */
export function outcomeOf(message: Uint8Array): Outcome {
  let decoded;
  try {
    decoded = decodeClientMessage(message);
  } catch {
    return 'close';
  }
  switch (decoded.type) {
    case 'update':
      return 'update';
    case 'awareness':
      try {
        claimAwareness(decoded.update, IDENTITY, () => true);
        return 'open';
      } catch {
        return 'close';
      }
    default:
      return 'open';
  }
}

export interface HostileMessage {
  category: string;
  outcome: Outcome;
  bytes: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// Generators

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
/** Probe request ids live above this; generated time requests stay below it. */
const PROBE_IDS_FROM = 2 ** 52;

const bytes = (maxLength: number) => fc.uint8Array({ maxLength });
const clientId = fc.oneof(fc.nat(2 ** 32 - 1), fc.integer({ min: 0, max: MAX_SAFE }));
const clock = fc.oneof(fc.nat(16), fc.integer({ min: 0, max: MAX_SAFE }));

/** A varuint cut off before its last byte: every byte has the continuation bit. */
const truncatedVarUint = fc.uint8Array({ minLength: 1, maxLength: 10 }).map((raw) => raw.map((byte) => byte | 0x80));

function encodeStateVector(entries: readonly (readonly [number, number])[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const [client, at] of entries) {
    encoding.writeVarUint(encoder, client);
    encoding.writeVarUint(encoder, at);
  }
  return encoding.toUint8Array(encoder);
}

/** A presence state as a client might write it: valid, padded, extra fields, wrong types, not JSON. */
const presenceState: fc.Arbitrary<{ json: string }> = fc.oneof(
  fc.record({ avatar: fc.string({ maxLength: 64 }) }).map((user) => ({ json: JSON.stringify({ user }) })),
  fc.constant({ json: 'null' }),
  fc
    .record({ avatar: fc.string({ maxLength: 64 }), id: fc.string(), role: fc.constantFrom('staff', 'admin', 'viewer'), evil: fc.jsonValue() })
    .map((user) => ({ json: JSON.stringify({ user, extra: 'x' }) })),
  fc.integer({ min: 1025, max: 8000 }).map((length) => ({ json: JSON.stringify({ user: { avatar: 'x'.repeat(length) } }) })),
  fc.jsonValue({ maxDepth: 4 }).map((value) => ({ json: JSON.stringify(value) ?? 'null' })),
  fc.string({ maxLength: 200, unit: 'binary' }).map((text) => ({ json: text })),
  fc.integer({ min: 1, max: 400 }).map((depth) => ({ json: '{"user":'.repeat(depth) + '{}' + '}'.repeat(depth) })),
);

interface AwarenessEntry {
  clientId: number;
  clock: number;
  state: { json: string };
}

function encodeAwareness(entries: readonly AwarenessEntry[]): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, entries.length);
  for (const entry of entries) {
    encoding.writeVarUint(encoder, entry.clientId);
    encoding.writeVarUint(encoder, entry.clock);
    encoding.writeVarString(encoder, entry.state.json);
  }
  return encoding.toUint8Array(encoder);
}

/**
 * Presence for client ids that are others' (`foreignIds`: the well-behaved clients' own), for random
 * ones, and for thousands at once; states of every shape.
 */
function hostileAwareness(foreignIds: readonly number[]): fc.Arbitrary<Uint8Array> {
  const id = foreignIds.length > 0 ? fc.oneof(fc.constantFrom(...foreignIds), clientId) : clientId;
  const entry = fc.record({ clientId: id, clock, state: presenceState });
  const many = fc
    .tuple(fc.integer({ min: 100, max: 1000 }), fc.nat(2 ** 31), fc.boolean())
    .map(([count, from, gone]) =>
      Array.from({ length: count }, (_, i): AwarenessEntry => ({ clientId: from + i, clock: 1, state: { json: gone ? 'null' : '{}' } })),
    );
  return fc
    .oneof({ weight: 20, arbitrary: fc.array(entry, { maxLength: 8 }) }, { weight: 1, arbitrary: many })
    .map((entries) => awarenessMessage(encodeAwareness(entries)));
}

/** Messages the relay must read and survive without closing the socket. */
export function keepOpenMessages(foreignIds: readonly number[]): fc.Arbitrary<HostileMessage> {
  const message = (category: string, arbitrary: fc.Arbitrary<Uint8Array>) =>
    arbitrary.map((bytes): HostileMessage => ({ category, outcome: 'open', bytes }));
  const unknownType = fc.oneof(
    fc.constant(2),
    fc.integer({ min: 4, max: 99 }),
    fc.constant(100),
    fc.integer({ min: 102, max: 2 ** 32 }),
    fc.integer({ min: 2 ** 32, max: MAX_SAFE }),
  );
  const stateVector = fc.oneof(
    { weight: 10, arbitrary: fc.array(fc.tuple(clientId, clock), { maxLength: 32 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(clientId, clock), { minLength: 500, maxLength: 2000 }) },
  );
  return fc.oneof(
    { weight: 25, arbitrary: message('unknown type', fc.tuple(unknownType, bytes(64)).map(([type, rest]) => concat(varUint(type), rest))) },
    { weight: 10, arbitrary: message('time request', fc.integer({ min: 0, max: PROBE_IDS_FROM - 1 }).map(encodeTimeRequest)) },
    { weight: 15, arbitrary: message('sync step 1, random state vector', stateVector.map((entries) => stateVectorMessage(encodeStateVector(entries)))) },
    { weight: 30, arbitrary: message('hostile presence', hostileAwareness(foreignIds)) },
    { weight: 2, arbitrary: message('query presence', fc.constant(varUint(MESSAGE_QUERY_AWARENESS))) },
  );
}

/** Messages that do not decode: each must close its socket with 4400. */
export function closingMessages(): fc.Arbitrary<HostileMessage> {
  const message = (category: string, arbitrary: fc.Arbitrary<Uint8Array>) =>
    arbitrary.map((bytes): HostileMessage => ({ category, outcome: 'close', bytes }));
  const hugeLength = fc.tuple(bytes(32), fc.integer({ min: 33, max: MAX_SAFE })).map(([payload, declared]) => concat(varUint(declared), payload));
  return fc.oneof(
    message('empty message', fc.constant(new Uint8Array())),
    message(
      'truncated varint',
      fc.oneof(
        truncatedVarUint,
        fc.tuple(fc.constantFrom(0, 1, 101), truncatedVarUint).map(([type, cut]) => concat(varUint(type), cut)),
        fc.tuple(fc.constantFrom(SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE), truncatedVarUint).map(([step, cut]) => concat(varUint(MESSAGE_SYNC), varUint(step), cut)),
        truncatedVarUint.map((cut) => concat(varUint(MESSAGE_SYNC), cut)),
      ),
    ),
    message(
      'huge declared length',
      fc.oneof(
        fc.tuple(fc.constantFrom(SYNC_STEP_1, SYNC_STEP_2, SYNC_UPDATE), hugeLength).map(([step, rest]) => concat(varUint(MESSAGE_SYNC), varUint(step), rest)),
        hugeLength.map((rest) => concat(varUint(MESSAGE_AWARENESS), rest)),
        // A valid envelope around an awareness update whose string claims more bytes than there are.
        fc.tuple(clientId, fc.integer({ min: 1000, max: MAX_SAFE })).map(([id, declared]) =>
          awarenessMessage(concat(varUint(1), varUint(id), varUint(1), varUint(declared), new Uint8Array([0x7b]))),
        ),
      ),
    ),
    message(
      'unknown sync step',
      fc.tuple(fc.integer({ min: 3, max: MAX_SAFE }), bytes(32)).map(([step, payload]) => syncMessage(step, payload)),
    ),
    message(
      'trailing bytes',
      fc.tuple(
        fc.constantFrom(varUint(MESSAGE_QUERY_AWARENESS), encodeTimeRequest(7), stateVectorMessage(encodeStateVector([]))),
        fc.uint8Array({ minLength: 1, maxLength: 16 }),
      ).map(([valid, rest]) => concat(valid, rest)),
    ),
    message(
      'truncated presence',
      fc.tuple(fc.integer({ min: 2, max: 1000 }), clientId).map(([count, id]) =>
        awarenessMessage(concat(varUint(count), varUint(id), varUint(1), withLength(new TextEncoder().encode('{}')))),
      ),
    ),
    message(
      'presence not UTF-8',
      fc.tuple(clientId, bytes(16), bytes(16)).map(([id, before, after]) =>
        // 0xff never occurs in UTF-8.
        awarenessMessage(concat(varUint(1), varUint(id), varUint(1), withLength(concat(before, new Uint8Array([0xff]), after)))),
      ),
    ),
    message(
      'garbage state vector',
      fc.tuple(fc.integer({ min: 2, max: MAX_SAFE }), truncatedVarUint).map(([count, cut]) => stateVectorMessage(concat(varUint(count), cut))),
    ),
  );
}

/** Random bytes, classified by what the relay's decoder makes of them. */
export function randomBytesMessages(): fc.Arbitrary<HostileMessage> {
  return fc
    .oneof(bytes(64), fc.tuple(fc.constantFrom(0, 1, 3, 101), bytes(48)).map(([type, rest]) => concat(varUint(type), rest)))
    .map((raw): HostileMessage => ({ category: 'random bytes', outcome: outcomeOf(raw), bytes: raw }));
}

/** A handful of real updates to mutate: what a garbage update looks like close up. */
function realUpdates(): Uint8Array[] {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  const { ideas, meta } = boardRoots(doc);
  doc.transact(() => meta.set('title', 'x'));
  const idea = new Y.Map<unknown>();
  doc.transact(() => {
    ideas.set('i1', idea);
    idea.set('text', 'ラベルを大きくする');
  });
  doc.transact(() => idea.set('text', 'もっと大きく'));
  doc.transact(() => ideas.delete('i1'));
  doc.getText('t').insert(0, 'hello');
  return updates;
}

/**
 * Sync step 2 and update envelopes around garbage: random bytes, real updates with bytes flipped,
 * cut or spliced, struct headers with huge counts, and GC structs far beyond any known clock.
 */
export function garbageUpdateMessages(): fc.Arbitrary<HostileMessage> {
  const real = realUpdates();
  const mutated = fc
    .tuple(fc.constantFrom(...real), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), fc.boolean())
    .map(([update, flips, cut, shorten]) => {
      const copy = Uint8Array.from(update);
      for (const [at, value] of flips) copy[at % copy.length] = value;
      return shorten ? copy.slice(0, cut % copy.length) : copy;
    });
  const structHeader = fc
    .tuple(fc.integer({ min: 1, max: MAX_SAFE }), fc.integer({ min: 1, max: MAX_SAFE }), clientId, clock, bytes(16))
    .map(([groups, structs, client, at, rest]) => concat(varUint(groups), varUint(structs), varUint(client), varUint(at), rest));
  // One GC struct of a made-up client: valid, and at a clock the server has never seen (it waits).
  const farGc = fc
    .tuple(clientId, fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 1, max: 2 ** 40 }))
    .map(([client, at, length]) => concat(varUint(1), varUint(1), varUint(client), varUint(at), new Uint8Array([0]), varUint(length), varUint(0)));
  return fc
    .tuple(fc.constantFrom(SYNC_STEP_2, SYNC_UPDATE), fc.oneof(bytes(256), mutated, structHeader, farGc, fc.constant(new Uint8Array([0, 0]))))
    .map(([step, payload]): HostileMessage => {
      const bytes = syncMessage(step, payload);
      return { category: 'garbage update', outcome: outcomeOf(bytes), bytes };
    });
}

/**
 * Valid Yjs changes that break the board's schema or the sender's rights, written on a document
 * that is in sync with the board (as a modified client would write them).
 */
export type SchemaBreaker =
  | { kind: 'foreign root'; root: string; type: 'map' | 'array' | 'text'; value: string }
  | { kind: 'wrong type'; root: 'meta' | 'ideas' | 'votes' | 'thanks' | 'projects'; key: string; value: 'string' | 'number' | 'array' | 'text' | 'map' }
  | { kind: 'bad idea'; id: string; text: string; authorId: string; createdAt: unknown; status: string }
  | { kind: 'meta'; key: 'phase' | 'title' | 'voteBudget' | 'timer' | 'votesHidden'; value: unknown }
  | { kind: 'delete meta'; key: string };

export function schemaBreakers(): fc.Arbitrary<SchemaBreaker> {
  const key = fc.string({ minLength: 1, maxLength: 80 });
  return fc.oneof(
    fc.record({
      kind: fc.constant('foreign root' as const),
      root: fc.oneof(key, fc.constantFrom('meta2', '', '__proto__', 'constructor')),
      type: fc.constantFrom('map' as const, 'array' as const, 'text' as const),
      value: fc.string({ maxLength: 200 }),
    }),
    fc.record({
      kind: fc.constant('wrong type' as const),
      root: fc.constantFrom('meta' as const, 'ideas' as const, 'votes' as const, 'thanks' as const, 'projects' as const),
      key,
      value: fc.constantFrom('string' as const, 'number' as const, 'array' as const, 'text' as const, 'map' as const),
    }),
    fc.record({
      kind: fc.constant('bad idea' as const),
      id: key,
      text: fc.oneof(fc.string({ maxLength: 20 }), fc.integer({ min: 501, max: 100_000 }).map((length) => 'あ'.repeat(length))),
      authorId: fc.oneof(fc.string({ maxLength: 70 }), fc.constant('someone-else')),
      createdAt: fc.oneof(fc.string(), fc.double(), fc.constant(null)),
      status: fc.oneof(fc.constantFrom('open', 'project', 'done'), fc.string()),
    }),
    fc.record({
      kind: fc.constant('meta' as const),
      key: fc.constantFrom('phase' as const, 'title' as const, 'voteBudget' as const, 'timer' as const, 'votesHidden' as const),
      value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('vote', 'closed', -1, 1e9), fc.string({ minLength: 101, maxLength: 5000 })),
    }),
    fc.record({ kind: fc.constant('delete meta' as const), key: fc.constantFrom('title', 'phase', 'timer', 'voteBudget') }),
  );
}

/** Writes `breaker` on `doc` and answers the update it made (an empty one when it changed nothing). */
export function writeBreaker(doc: Y.Doc, breaker: SchemaBreaker): Uint8Array {
  const before = Y.encodeStateVector(doc);
  const roots = boardRoots(doc);
  doc.transact(() => {
    switch (breaker.kind) {
      case 'foreign root':
        if (breaker.type === 'map') doc.getMap(breaker.root).set('k', breaker.value);
        else if (breaker.type === 'array') doc.getArray(breaker.root).push([breaker.value]);
        else doc.getText(breaker.root).insert(0, breaker.value || 'x');
        return;
      case 'wrong type': {
        const values = {
          string: () => 'oops',
          number: () => 42,
          array: () => Y.Array.from([1, 2, 3]),
          text: () => new Y.Text('text'),
          map: () => new Y.Map(),
        };
        (roots[breaker.root] as Y.Map<unknown>).set(breaker.key, values[breaker.value]());
        return;
      }
      case 'bad idea': {
        const idea = new Y.Map<unknown>();
        roots.ideas.set(breaker.id, idea);
        idea.set('id', breaker.id);
        idea.set('text', breaker.text);
        idea.set('authorId', breaker.authorId);
        idea.set('createdAt', breaker.createdAt);
        idea.set('status', breaker.status);
        return;
      }
      case 'meta':
        roots.meta.set(breaker.key, breaker.value);
        return;
      case 'delete meta':
        roots.meta.delete(breaker.key);
        return;
    }
  });
  return Y.encodeStateAsUpdate(doc, before);
}

/** `count` samples of `arbitrary` for this seed (fast-check's generator, not its runner). */
export function sample<T>(arbitrary: fc.Arbitrary<T>, count: number, seed: number): T[] {
  return fc.sample(arbitrary, { numRuns: count, seed });
}

// ---------------------------------------------------------------------------------------------
// A raw socket

export interface Closed {
  code: number;
  reason: string;
}

let nextProbeId = PROBE_IDS_FROM;

/**
 * A `ws` client that speaks as little of the protocol as the fuzz needs: it sends raw bytes, probes
 * with `time` requests or sync step 1, and keeps a document of what the server sent it (`mirror`).
 */
export class HostileSocket {
  readonly ws: WebSocket;
  readonly mirror = new Y.Doc();
  readonly closed: Promise<Closed>;
  /** Messages written while the socket was open. */
  sent = 0;
  /** Messages written before the last answered probe: the server has read them. */
  proven = 0;
  receivedBytes = 0;
  #closeInfo: Closed | null = null;
  #timeWaiters = new Map<number, () => void>();
  #syncWaiters: (() => void)[] = [];
  #onMessage: ((data: Buffer) => void) | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    this.closed = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.#closeInfo = { code, reason: reason.toString() };
        for (const wake of this.#timeWaiters.values()) wake();
        for (const wake of this.#syncWaiters) wake();
        resolve(this.#closeInfo);
      });
    });
    ws.on('error', () => {});
    ws.on('message', (data: Buffer) => this.#receive(data));
  }

  static open(baseUrl: string, boardId: string, token: string, timeoutMs = 20_000): Promise<HostileSocket> {
    const ws = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/yjs/${boardId}?token=${encodeURIComponent(token)}`);
    ws.binaryType = 'nodebuffer';
    const socket = new HostileSocket(ws);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('the relay did not open a socket in time'));
      }, timeoutMs);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(socket);
      });
      ws.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`the relay refused the upgrade: ${response.statusCode}`));
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  get closeInfo(): Closed | null {
    return this.#closeInfo;
  }

  /** Calls `listener` with every message the server sends (for tests that count them). */
  onMessage(listener: (data: Buffer) => void): void {
    this.#onMessage = listener;
  }

  /** Writes one message; answers false (and counts nothing) once the socket is closing. */
  send(message: Uint8Array): boolean {
    if (!this.isOpen) return false;
    this.ws.send(message);
    this.sent++;
    return true;
  }

  /** A `time` request: answered as soon as the server reads it, so everything before it was read. */
  probe(timeoutMs = 20_000): Promise<boolean> {
    const id = nextProbeId++;
    const covers = this.sent;
    if (!this.send(encodeTimeRequest(id))) return Promise.resolve(false);
    return this.#wait(timeoutMs, (wake) => this.#timeWaiters.set(id, wake), () => this.#timeWaiters.delete(id)).then((answered) => {
      if (answered) this.proven = Math.max(this.proven, covers);
      return answered;
    });
  }

  /**
   * Sync step 1 with the mirror's state vector: answered (sync step 2) only once everything queued
   * before it is applied and committed. Only one may be in flight.
   */
  syncProbe(timeoutMs = 20_000): Promise<boolean> {
    const covers = this.sent;
    if (!this.send(stateVectorMessage(Y.encodeStateVector(this.mirror)))) return Promise.resolve(false);
    let waiter: () => void;
    return this.#wait(
      timeoutMs,
      (wake) => this.#syncWaiters.push((waiter = wake)),
      () => (this.#syncWaiters = this.#syncWaiters.filter((candidate) => candidate !== waiter)),
    ).then((answered) => {
      if (answered) this.proven = Math.max(this.proven, covers);
      return answered;
    });
  }

  /** Stops reading the socket (the server's writes pile up); `resume` reads again. */
  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  close(): void {
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.terminate();
  }

  #wait(timeoutMs: number, register: (wake: () => void) => void, unregister: () => void): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unregister();
        resolve(false);
      }, timeoutMs);
      register(() => {
        clearTimeout(timer);
        unregister();
        resolve(this.#closeInfo === null);
      });
    });
  }

  #receive(data: Buffer): void {
    this.receivedBytes += data.length;
    this.#onMessage?.(data);
    try {
      const decoder = decoding.createDecoder(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_TIME) {
        this.#timeWaiters.get(readTimeAnswer(decoder).requestId)?.();
      } else if (type === MESSAGE_SYNC) {
        const step = decoding.readVarUint(decoder);
        if (step === SYNC_STEP_2 || step === SYNC_UPDATE) Y.applyUpdate(this.mirror, decoding.readVarUint8Array(decoder));
        if (step === SYNC_STEP_2) this.#syncWaiters[0]?.();
      }
    } catch {
      // The server's messages are well-formed; a mirror that cannot apply one is not the point here.
    }
  }
}
