/**
 * One run of live traffic on one fresh server: `boards` boards of `clientsPerBoard` clients each,
 * one writer per board and the others reading, every writer sending `ratePerWriter` updates a
 * second. Updates of the warm-up are not counted; those of the measured window are timed from the
 * writer's send to their arrival at every reader of the board, and the server's CPU is read at the
 * window's edges.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiClient } from '../../tests/helpers/api-client';
import { ClientPool, type ClientSpec } from './clients';
import { createPostgresDatabase, startServer, type Contender, type StartedServer, type TeianDatabase } from './servers';

export interface Traffic {
  boards: number;
  clientsPerBoard: number;
  ratePerWriter: number;
  warmupSeconds: number;
  measureSeconds: number;
}

export interface TrafficResult {
  contender: Contender;
  deliveries: { expected: number; received: number; lost: number };
  latency: { p50: number; p99: number; max: number };
  /** Server CPU (database backends included) per 1,000 received deliveries, ms. */
  cpuPer1000: number;
  /** Of which PostgreSQL's backends. */
  databaseCpuPer1000: number;
  /** The bench process's CPU (the clients) over the window, as a share of wall time × cores. */
  clientShare: number;
  /** Server RSS once its boards exist and before any client connects, and its peak, bytes. */
  idleRss: number;
  peakRss: number;
  /** Teian's `teian_refused_changes_total` at the end (null for the references). */
  refused: number | null;
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())));
/** How long after the last send a delivery may still arrive and count. */
const DRAIN_MS = 1500;

/**
 * A fresh database for Teian (PostgreSQL when it is the contender), or none for the references.
 * PGlite gets a new data folder, as a facility runs it (`DATA_DIR`): `memory://` would hold the
 * whole database in the server's memory, which no installation does.
 */
export async function freshDatabase(contender: Contender): Promise<TeianDatabase | null> {
  if (contender === 'teian-pglite') {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'teian-bench-'));
    return { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (contender !== 'teian-postgres') return null;
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error('BENCH_DATABASE_URL is not set');
  return createPostgresDatabase(url);
}

export interface BoardAccess {
  /** Board id (Teian) or document name (the references). */
  board: string;
  /** The writer's token and actor id. */
  writerToken: string;
  writerActor: string;
  /** A token every reader of the board may use. */
  readerToken: string;
}

/**
 * Makes `count` boards the way people would: on Teian, staff create them through the API in the
 * collect phase and each writer joins as a guest with a token of its own; the references need only a name.
 */
export async function makeBoards(server: StartedServer, count: number, prefix: string, { writers = true } = {}): Promise<BoardAccess[]> {
  if (server.kind !== 'teian') {
    return Array.from({ length: count }, (_, index) => ({
      board: `${prefix}-${index}`,
      writerToken: '',
      writerActor: `writer-${index}`,
      readerToken: '',
    }));
  }
  const staff = new ApiClient(server.url);
  await staff.login();
  const makeOne = async (index: number): Promise<BoardAccess> => {
    const board = await staff.createBoard(`${prefix} ${index}`);
    if (!writers) {
      const { token } = await staff.boardToken(board.id);
      return { board: board.id, writerToken: '', writerActor: '', readerToken: token };
    }
    const guest = new ApiClient(server.url);
    const { actorId } = await guest.joinAsGuest(board.joinCode!, `書き手 ${index}`);
    const [writer, reader] = await Promise.all([guest.boardToken(board.id), staff.boardToken(board.id)]);
    return { board: board.id, writerToken: writer.token, writerActor: actorId, readerToken: reader.token };
  };
  const boards: BoardAccess[] = [];
  // A few at a time: setting up 200 boards one by one would take longer than measuring them.
  for (let start = 0; start < count; start += 8) {
    boards.push(...(await Promise.all(Array.from({ length: Math.min(8, count - start) }, (_, k) => makeOne(start + k)))));
  }
  return boards;
}

/** Worker 0 holds the writers (so their timing is not held up by receiving); readers share the rest. */
export function clientGroups(boards: BoardAccess[], clientsPerBoard: number, readerWorkers: number): ClientSpec[][] {
  const groups: ClientSpec[][] = Array.from({ length: readerWorkers + 1 }, () => []);
  let next = 0;
  boards.forEach((access, writer) => {
    groups[0]!.push({ role: 'writer', board: access.board, token: access.writerToken, watches: -1, writer, actorId: access.writerActor });
    for (let reader = 1; reader < clientsPerBoard; reader++) {
      groups[1 + (next++ % readerWorkers)]!.push({ role: 'reader', board: access.board, token: access.readerToken, watches: writer });
    }
  });
  return groups;
}

export async function refusedChanges(server: StartedServer): Promise<number | null> {
  if (server.kind !== 'teian') return null;
  // A server busy loading a large board answers late; the count is then unknown (NaN), not waited for.
  const answer = await fetch(`${server.url}/metrics`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
  if (!answer) return NaN;
  const text = await answer.text();
  let total = 0;
  for (const match of text.matchAll(/^teian_refused_changes_total(?:\{[^}]*\})? (\d+(?:\.\d+)?)/gm)) total += Number(match[1]);
  return total;
}

export function percentile(sorted: Float64Array, share: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))]!;
}

export function mergeSorted(parts: Float64Array[]): Float64Array {
  const all = new Float64Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all.sort();
}

/** The traffic itself on a server whose boards exist; `during` runs at the window's start (the large boards' first sync). */
export async function driveTraffic(
  server: StartedServer,
  boards: BoardAccess[],
  traffic: Traffic,
  { during }: { during?: () => Promise<void> } = {},
): Promise<Omit<TrafficResult, 'contender' | 'idleRss' | 'peakRss' | 'refused'>> {
  const readers = boards.length * (traffic.clientsPerBoard - 1);
  const pool = new ClientPool(
    server.kind,
    server.url,
    clientGroups(boards, traffic.clientsPerBoard, readers > 100 ? 2 : 1),
    Math.ceil((traffic.warmupSeconds + traffic.measureSeconds) * traffic.ratePerWriter) + 1,
  );
  try {
    await pool.connect();
    const measureFrom = Math.ceil(traffic.warmupSeconds * traffic.ratePerWriter);
    const count = Math.ceil((traffic.warmupSeconds + traffic.measureSeconds) * traffic.ratePerWriter) + 1;
    const startAt = Date.now() + 300;
    const sent = pool.run({ startAt, ratePerWriter: traffic.ratePerWriter, count, measureFrom, measureTo: count });
    await sleepUntil(startAt + traffic.warmupSeconds * 1000);
    const cpuBefore = await server.cpuMs();
    const clientsBefore = process.cpuUsage();
    const windowStarted = performance.now();
    const duringDone = during?.();
    await sleepUntil(startAt + (traffic.warmupSeconds + traffic.measureSeconds) * 1000);
    const cpuAfter = await server.cpuMs();
    const clients = process.cpuUsage(clientsBefore);
    const windowMs = performance.now() - windowStarted;
    await sent;
    await duringDone;
    await sleepUntil(Date.now() + DRAIN_MS);
    const report = await pool.report();
    const latencies = mergeSorted(report.latencies);
    const expected = (count - measureFrom) * readers;
    const serverMs = cpuAfter.server - cpuBefore.server;
    const databaseMs = cpuAfter.database - cpuBefore.database;
    const received = latencies.length;
    return {
      deliveries: { expected, received, lost: expected - received },
      latency: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: latencies[latencies.length - 1] ?? NaN },
      cpuPer1000: ((serverMs + databaseMs) / Math.max(1, received)) * 1000,
      databaseCpuPer1000: (databaseMs / Math.max(1, received)) * 1000,
      clientShare: (clients.user + clients.system) / 1000 / (windowMs * os.availableParallelism()),
    };
  } finally {
    await pool.close();
  }
}

/** Traffic on new boards of a running server, with its memory and guard counters. */
export async function trafficOn(server: StartedServer, traffic: Traffic, label: string): Promise<TrafficResult> {
  const boards = await makeBoards(server, traffic.boards, label);
  const idleRss = server.memory().rss;
  const measured = await driveTraffic(server, boards, traffic);
  return { contender: server.contender, ...measured, idleRss, peakRss: server.memory().peak, refused: await refusedChanges(server) };
}

/** A server (and database) of its own for `use`, closed (and dropped) afterwards. */
export async function withFreshServer<T>(contender: Contender, label: string, use: (server: StartedServer) => Promise<T>): Promise<T> {
  const database = await freshDatabase(contender);
  try {
    const server = await startServer(contender, database, `${label}-${contender}`);
    try {
      return await use(server);
    } finally {
      await server.close();
    }
  } finally {
    await database?.drop();
  }
}

/** A whole run: a fresh server (and database), its boards, the traffic, its memory and guard counters. */
export function trafficRun(contender: Contender, traffic: Traffic, label: string): Promise<TrafficResult> {
  return withFreshServer(contender, label, (server) => trafficOn(server, traffic, label));
}
