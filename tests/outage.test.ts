/**
 * [spec 4, 7] A database outage against real PostgreSQL. Three stock y-websocket clients keep
 * writing ideas while the board's database refuses every connection (`ALLOW_CONNECTIONS false`,
 * its backends terminated) for `TEIAN_OUTAGE_MS` (30 s unless set). During it nothing is relayed
 * or acked, `/readyz` says which board waits, and a staff PATCH answers 503 in time. Afterwards
 * every client holds everything written, the history holds one `idea.created` per idea in each
 * writer's order, and a fresh client of a restarted server sees the same board.
 */
import { asc, eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket as NodeWebSocket } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { boardEvents } from '../drizzle/schema';
import { defaultQuotas } from '../server/permissions/quotas';
import { addIdea, boardRoots, boardToJson } from '../shared/board';
import { ACKS_PARAM, carriesUpdate, MESSAGE_SAVED, readSaved } from '../shared/sync-messages';
import { ApiClient } from './helpers/api-client';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/databases';
import { capturingLogger } from './helpers/log';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard, eventually } from './helpers/yjs-client';

const OUTAGE_MS = Number(process.env.TEIAN_OUTAGE_MS || 30_000);
const WRITE_EVERY_MS = 250;
/** How long the writers write before the outage and after the store is back. */
const CALM_MS = 2000;
/** A staff request must be answered within this while the database is down. */
const PATCH_DEADLINE_MS = 10_000;

/** One client, and everything it went through, with times (ms since the epoch). */
interface Device {
  name: string;
  actorId: string;
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Ideas this device wrote, in order. */
  written: { id: string; at: number }[];
  /** Per socket, in order of opening: when each update-carrying message went out. */
  sockets: { opened: number; sent: number[] }[];
  acks: { at: number; socket: number; messages: number }[];
  /** When each idea first arrived from the relay (not written here). */
  arrived: Map<string, number>;
  /** Every document update that came from the relay. */
  updates: number[];
  statuses: { at: number; status: string }[];
  closes: { at: number; code: number | null; reason: string }[];
}

function device(name: string, actorId: string, url: string, boardId: string, token: string, acks: boolean): Device {
  const doc = new Y.Doc();
  const socketOf = new WeakMap<object, number>();
  const sockets: Device['sockets'] = [];
  // A stock WebSocket that notes, per socket, when each message that carries an update leaves:
  // the relay counts the same messages in its acks.
  class CountingWebSocket extends NodeWebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols);
      socketOf.set(this, sockets.push({ opened: Date.now(), sent: [] }) - 1);
    }
    override send(data: Parameters<NodeWebSocket['send']>[0], ...rest: any[]): void {
      if (data instanceof Uint8Array && carriesUpdate(data)) sockets[socketOf.get(this)!]!.sent.push(Date.now());
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  }
  const provider = new WebsocketProvider(url.replace(/^http/, 'ws') + '/yjs', boardId, doc, {
    params: acks ? { token, [ACKS_PARAM]: '1' } : { token },
    WebSocketPolyfill: CountingWebSocket as unknown as typeof WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
  });
  const record: Device = {
    name, actorId, doc, provider, written: [], sockets, acks: [], arrived: new Map(), updates: [], statuses: [], closes: [],
  };
  // Also on the stock clients: a `saved` that reached one would show here, not vanish in console.error.
  provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
    const socket = provider.ws ? (socketOf.get(provider.ws) ?? -1) : -1;
    record.acks.push({ at: Date.now(), socket, messages: readSaved(decoder).messages });
  };
  provider.on('status', ({ status }) => record.statuses.push({ at: Date.now(), status }));
  provider.on('connection-close', (event) =>
    record.closes.push({ at: Date.now(), code: event?.code ?? null, reason: event?.reason ?? '' }),
  );
  doc.on('update', (_update: Uint8Array, origin: unknown) => {
    if (origin === provider) record.updates.push(Date.now());
  });
  boardRoots(doc).ideas.observe((event) => {
    if (event.transaction.local) return;
    for (const key of event.keysChanged) if (!record.arrived.has(key)) record.arrived.set(key, Date.now());
  });
  return record;
}

const synced = (client: Device) => eventually(() => expect(client.provider.synced).toBe(true));

async function timed<T>(work: Promise<T>, limitMs: number, what: string): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer in ${limitMs} ms`)), limitMs)));
  try {
    return { value: await Promise.race([work, late]), ms: Date.now() - started };
  } finally {
    clearTimeout(timer);
  }
}

describe.skipIf(!databaseKinds().includes('postgres'))('[spec 4] a PostgreSQL outage while three clients write', () => {
  let database: TestDatabase | undefined;
  let server: TestServer | undefined;
  /** A superuser on the base URL: it switches the test database's connections off and on. */
  let admin: postgres.Sql | undefined;
  const devices: Device[] = [];
  const nameOf = () => new URL(database!.url!).pathname.slice(1);

  afterAll(async () => {
    for (const client of devices) client.provider.destroy();
    if (database) await admin?.unsafe(`alter database ${nameOf()} allow_connections true`);
    await server?.stop();
    await database?.drop();
    await admin?.end();
  });

  it(`keeps every idea written during a ${OUTAGE_MS / 1000} s outage, relays and acks nothing meanwhile, and answers 503`, async () => {
    const log = capturingLogger();
    admin = postgres(process.env.TEST_DATABASE_URL!, { max: 1, onnotice: () => {} });
    database = await createTestDatabase('postgres');
    // Three writers at 4 ideas a second for longer than the outage: more than a person's default
    // idea quota, which is not what this test is about.
    server = await startTestServer({ kind: 'postgres', database, log, sync: { quotas: { ...defaultQuotas, ideasPerPerson: 10_000 } } });
    const staff = new ApiClient(server.url);
    const staffMe = await staff.login();
    const board = await staff.createBoard('停電のボード');
    const writers: Device[] = [];
    for (const [index, name] of ['aoi', 'ken', 'mio'].entries()) {
      const person = new ApiClient(server.url);
      const me = await person.joinAsGuest(board.joinCode!, name);
      // aoi and ken ask for acks; mio is a stock client that never does.
      writers.push(device(name, me.actorId, server.url, board.id, (await person.boardToken(board.id)).token, index < 2));
    }
    const observer = device('observer', staffMe.actorId, server.url, board.id, (await staff.boardToken(board.id)).token, false);
    devices.push(...writers, observer);
    await Promise.all(devices.map(synced));

    let writing = true;
    const writes = writers.map((writer, index) =>
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, (index * WRITE_EVERY_MS) / writers.length));
        while (writing) {
          const id = `${writer.name}-${writer.written.length}`;
          const at = Date.now();
          addIdea(writer.doc, { id, text: `${writer.name} の案 ${writer.written.length}`, authorId: writer.actorId, createdAt: at });
          writer.written.push({ id, at });
          await new Promise((resolve) => setTimeout(resolve, WRITE_EVERY_MS));
        }
      })(),
    );
    await new Promise((resolve) => setTimeout(resolve, CALM_MS));

    // The outage: the database refuses new connections, and the pool's are cut.
    const name = nameOf();
    await admin.unsafe(`alter database ${name} allow_connections false`);
    await admin.unsafe(`select pg_terminate_backend(pid, 5000) from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`);
    const outageStart = Date.now();

    await eventually(async () => {
      const ready = await staff.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'not ready', database: 'unreachable' });
      expect(ready.body.waitingBoards.map((waiting: { boardId: string }) => waiting.boardId)).toEqual([board.id]);
    }, { timeoutMs: 5000, intervalMs: 100 });
    const notReadyAfterMs = Date.now() - outageStart;

    // Staff keep trying through the outage, once a second: each PATCH is answered 503 in time,
    // also late in the outage, when the pool has failed to connect many times over.
    const patches: { at: number; ms: number; status: number | 'no answer'; code?: string }[] = [];
    do {
      const at = Date.now();
      try {
        const { value, ms } = await timed(staff.patch(`/api/boards/${board.id}`, { title: '停電中の題' }), PATCH_DEADLINE_MS, 'PATCH');
        patches.push({ at: at - outageStart, ms, status: value.status, code: value.body?.error?.code });
      } catch {
        patches.push({ at: at - outageStart, ms: Date.now() - at, status: 'no answer' });
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    } while (Date.now() < outageStart + OUTAGE_MS - PATCH_DEADLINE_MS - 1000);
    // The probe waits at most 2 s for the database, so ask early enough not to stretch the outage.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStart + OUTAGE_MS - 2500 - Date.now())));
    expect((await staff.get('/readyz')).status, 'not ready to the end of the outage').toBe(503);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageStart + OUTAGE_MS - Date.now())));
    const outageEnd = Date.now();
    await admin.unsafe(`alter database ${name} allow_connections true`);
    // A request whose query waits on a pool connection that cannot fail its connect hangs here
    // as "no answer" (postgres.js 3.4.9 after an ECONNRESET mid-query: see porsager/postgres#1142).
    for (const tried of patches) {
      expect(tried, `a PATCH ${tried.at} ms into the outage, of ${JSON.stringify(patches)}`).toMatchObject({ status: 503, code: 'unavailable' });
    }

    await eventually(async () => expect((await staff.get('/readyz')).status).toBe(200), { timeoutMs: 15_000, intervalMs: 100 });
    const readyAfterMs = Date.now() - outageEnd;
    await new Promise((resolve) => setTimeout(resolve, CALM_MS));
    writing = false;
    await Promise.all(writes);

    const everything = writers.flatMap((writer) => writer.written.map(({ id }) => id)).sort();
    const duringOutage = writers.flatMap((writer) => writer.written.filter(({ at }) => at >= outageStart && at < outageEnd));
    expect(duringOutage.length, 'the writers kept writing through the outage').toBeGreaterThan(writers.length * 10);
    await eventually(() => {
      for (const client of devices) expect(Object.keys(boardRoots(client.doc).ideas.toJSON()).sort(), client.name).toEqual(everything);
    }, { timeoutMs: 15_000, intervalMs: 50 });
    const convergedAfterMs = Date.now() - outageEnd;

    // Nothing written during the outage reached anybody before it ended, and nothing at all
    // arrived during it once the commits already answered when it began had been published (1 s).
    const writtenAt = new Map(writers.flatMap((writer) => writer.written.map(({ id, at }) => [id, at] as const)));
    for (const client of devices) {
      for (const [id, arrived] of client.arrived) {
        if (writtenAt.get(id)! >= outageStart) expect(arrived, `${client.name} was shown ${id} during the outage`).toBeGreaterThanOrEqual(outageEnd);
      }
      expect(client.updates.filter((at) => at > outageStart + 1000 && at < outageEnd), `${client.name} got updates during the outage`).toEqual([]);
    }
    // No ack during the outage, and none before or after it for a message sent during it.
    for (const writer of writers) {
      expect(writer.acks.filter(({ at }) => at > outageStart + 1000 && at < outageEnd), `${writer.name} got acks during the outage`).toEqual([]);
      for (const ack of writer.acks.filter(({ at }) => at < outageEnd)) {
        const sentAt = writer.sockets[ack.socket]?.sent[ack.messages - 1];
        expect(sentAt, `${writer.name} got an ack during the outage for a message sent during it`).toBeLessThan(outageStart);
      }
    }
    expect(writers[2]!.acks, 'a stock client is never sent acks').toEqual([]);
    // Every message of every ack-asking socket that is still open is acked in the end.
    for (const writer of writers.slice(0, 2)) {
      const last = writer.sockets.length - 1;
      await eventually(() => expect(writer.acks.filter(({ socket }) => socket === last).at(-1)?.messages).toBe(writer.sockets[last]!.sent.length));
    }

    // The history: one `idea.created` per idea, by its writer, in the order it was written.
    const events = await server.database.db
      .select({ type: boardEvents.type, actorId: boardEvents.actorId, ideaId: boardEvents.ideaId })
      .from(boardEvents)
      .where(eq(boardEvents.boardId, board.id))
      .orderBy(asc(boardEvents.id));
    const created = events.filter((event) => event.type === 'idea.created');
    expect(created.map((event) => event.ideaId).sort()).toEqual(everything);
    for (const writer of writers) {
      expect(created.filter((event) => event.actorId === writer.actorId).map((event) => event.ideaId), writer.name).toEqual(
        writer.written.map(({ id }) => id),
      );
      const ideas = boardToJson(observer.doc).ideas;
      const createdAts = writer.written.map(({ id }) => ideas[id]!.createdAt);
      expect(createdAts, `${writer.name}'s ideas keep their order`).toEqual([...createdAts].sort((a, b) => a - b));
    }

    // Staff can change the board again, and the document and the row agree on the title.
    expect((await staff.patch(`/api/boards/${board.id}`, { title: '停電のあとの題' })).status).toBe(200);
    await eventually(() => {
      for (const client of devices) expect(boardToJson(client.doc).meta.title, client.name).toBe('停電のあとの題');
    });
    const final = boardToJson(observer.doc);
    for (const client of devices) expect(boardToJson(client.doc), client.name).toEqual(final);

    for (const client of devices) {
      expect(client.closes.filter(({ code }) => code !== null && code >= 4400 && code < 4500), `${client.name} told to give up`).toEqual([]);
    }
    const reconnects = devices.map((client) => ({ client: client.name, sockets: client.sockets.length, closes: client.closes }));
    const storeFailures = log.entries.filter((entry) => entry.message === 'storing updates failed; keeping them in memory and retrying');
    const recovered = log.entries.findLast((entry) => entry.message === 'storing updates works again');
    // When the last idea written before the end of the outage reached the last client to get it.
    const deliveredAfterMs =
      Math.max(...devices.flatMap((client) => [...client.arrived].filter(([id]) => writtenAt.get(id)! < outageEnd).map(([, at]) => at))) - outageEnd;
    console.info(
      JSON.stringify({
        outageMs: outageEnd - outageStart,
        notReadyAfterMs,
        patches: patches.map(({ at, ms }) => `${at}:${ms}`).join(' '),
        readyAfterMs,
        deliveredAfterMs,
        convergedAfterMs,
        ideas: everything.length,
        writtenDuringOutage: duringOutage.length,
        storeFailures: storeFailures.length,
        downForMs: recovered?.fields.downForMs,
        reconnects,
      }),
    );

    // A fresh client of a restarted server, on the same database, sees the same board.
    for (const client of devices.splice(0)) client.provider.destroy();
    await server.stop();
    server = await startTestServer({ kind: 'postgres', database });
    const again = new ApiClient(server.url);
    await again.login();
    const fresh = connectBoard(server.url, board.id, (await again.boardToken(board.id)).token);
    try {
      await fresh.synced;
      expect(boardToJson(fresh.doc)).toEqual(final);
    } finally {
      fresh.close();
    }
  }, OUTAGE_MS + 45_000);
});
