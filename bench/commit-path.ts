/**
 * What the commit path costs (issue 7): the relay's throughput and CPU per update now that each
 * drain iteration is a `Batch` whose rows and history events are committed in one transaction,
 * side by side in one run with
 *
 * - (a) `enforced`: the real server (`enforceRules`, events written);
 * - (b) `allowAll`: the guard's allow-all policy, events still written;
 * - (c) `noEvents`: the real server with a store that drops every row's events before the commit
 *   (events are still derived, so a/c is the cost of writing them);
 * - (d) `before`: the code before the commit path (9a4f236), unpacked from git under /tmp for the
 *   run and removed afterwards: the reference.
 *
 * Each server runs in a child process (`commit-path-server.ts`), so that its CPU time is its own;
 * the clients run here. Each server gets one board, opened before the first round and kept: on it
 * `BENCH_CLIENTS` guests each post their own ideas (updates made beforehand, see
 * `relay-clients.ts`), new ones every round, while `BENCH_READERS` sockets only receive and one
 * observer applies everything: the clock stops when it has every idea, which it gets only once
 * committed. Two phases per round:
 *
 * - saturation: every guest sends `BENCH_UPDATES` ideas at once, so the server commits as fast as
 *   it can: committed updates/s, server CPU per 1,000 updates, events written/s;
 * - steady: every guest sends `BENCH_STEADY_RATE` ideas a second for `BENCH_STEADY_SECONDS`, well
 *   below saturation, as in a meeting: the server's CPU per 1,000 updates when batches are small.
 *
 * On PostgreSQL the database's own CPU (its backends for the variant's database, read from
 * /proc) is reported beside the server's. Rounds rotate through the variants after one discarded
 * warm-up round each; the report gives medians and ratios.
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { ApiClient } from '../tests/helpers/api-client';
import type { Question, ServerSpec, Variant } from './commit-path-server';
import { median, openObserver, openReader, openWriter, sendUpdate, type Writer } from './relay-clients';

/** The last commit before the commit path (the `Batch`, events, backpressure). */
export const BEFORE_COMMIT = '9a4f236';

export const VARIANTS = ['enforced', 'allowAll', 'noEvents', 'before'] as const satisfies readonly Variant[];

/** The workload, from the environment: `BENCH_CLIENTS=100 BENCH_ROUNDS=5 npm run bench commit`. */
export const settings = {
  clients: Number(process.env.BENCH_CLIENTS ?? 100),
  readers: Number(process.env.BENCH_READERS ?? 10),
  /** Ideas each client sends at once in the saturation phase. */
  burst: Number(process.env.BENCH_UPDATES ?? 10),
  /** Ideas a second each client sends in the steady phase, and for how long. */
  steadyRate: Number(process.env.BENCH_STEADY_RATE ?? 1),
  steadySeconds: Number(process.env.BENCH_STEADY_SECONDS ?? 2),
  rounds: Number(process.env.BENCH_ROUNDS ?? 5),
};
const { clients: CLIENTS, readers: READERS, burst: BURST, steadyRate: STEADY_RATE, steadySeconds: STEADY_SECONDS, rounds: ROUNDS } = settings;

const repoRoot = path.resolve(import.meta.dirname, '..');

/** One phase of one round on one server. */
export interface Phase {
  updates: number;
  seconds: number;
  serverCpuMs: number;
  /** PostgreSQL backends' CPU for the variant's database; null on PGlite (it is in `serverCpuMs`). */
  databaseCpuMs: number | null;
  /** This process's CPU: the clients. */
  clientCpuMs: number;
  /** Transactions (`teian_commit_seconds_count`). */
  commits: number;
  events: number;
}

export interface CommitPathResult {
  database: 'pglite' | 'postgres';
  rounds: Record<Variant, { saturation: Phase[]; steady: Phase[] }>;
}

export async function commitPath(database: 'pglite' | 'postgres'): Promise<CommitPathResult> {
  const baseUrl = database === 'postgres' ? process.env.BENCH_DATABASE_URL : undefined;
  if (database === 'postgres' && !baseUrl) throw new Error('BENCH_DATABASE_URL is not set');
  const before = unpackBefore();
  const admin = baseUrl ? postgres(baseUrl, { max: 1, onnotice: () => {} }) : null;
  const servers = new Map<Variant, BenchServer>();
  const databases: string[] = [];
  const rounds = {} as CommitPathResult['rounds'];
  for (const variant of VARIANTS) rounds[variant] = { saturation: [], steady: [] };
  try {
    // Started together: each takes seconds (PGlite, migrations, the admin's password hash).
    await Promise.all(
      VARIANTS.map(async (variant) => {
        const databaseName = admin ? `teian_bench_${variant.toLowerCase()}_${randomBytes(4).toString('hex')}` : null;
        if (admin && databaseName) {
          await admin.unsafe(`create database ${databaseName}`);
          databases.push(databaseName);
        }
        const spec: ServerSpec = {
          variant,
          root: variant === 'before' ? before.root : repoRoot,
          databaseUrl: databaseName ? withDatabase(baseUrl!, databaseName) : undefined,
        };
        servers.set(variant, await forkServer(spec, admin && databaseName ? backendCpu(admin, databaseName) : null));
      }),
    );
    // Every server gets its board and clients before any round, so that setting up one does not
    // run beside another's measurement.
    const sessions = new Map<Variant, Session>();
    for (const variant of VARIANTS) sessions.set(variant, await prepare(servers.get(variant)!));
    for (let round = -1; round < ROUNDS; round++) {
      // Round -1 warms every server up and is not counted; later rounds start one variant further on.
      const order = VARIANTS.map((_, index) => VARIANTS[(index + Math.max(round, 0)) % VARIANTS.length]!);
      for (const variant of order) {
        const measured = await measure(sessions.get(variant)!);
        if (round < 0) continue;
        rounds[variant].saturation.push(measured.saturation);
        rounds[variant].steady.push(measured.steady);
      }
    }
    for (const session of sessions.values()) session.close();
  } finally {
    for (const server of servers.values()) await server.close();
    if (admin) {
      for (const name of databases) await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
    before.remove();
  }
  return { database, rounds };
}

/** The code before the commit path, as files (no worktree, nothing for git to track), with our node_modules. */
function unpackBefore(): { root: string; remove(): void } {
  const root = mkdtempSync(path.join(tmpdir(), `teian-${BEFORE_COMMIT}-`));
  // package.json makes its .ts files ES modules, as here, so that they share our yjs and drizzle.
  const files = ['package.json', 'tsconfig.json', 'server', 'shared', 'drizzle'];
  const archive = execFileSync('git', ['archive', '--format=tar', BEFORE_COMMIT, ...files], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', root], { input: archive });
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

interface BenchServer {
  url: string;
  cpuMs(): Promise<number>;
  databaseCpuMs(): Promise<Map<number, number> | null>;
  events(boardId: string): Promise<number>;
  close(): Promise<void>;
}

async function forkServer(spec: ServerSpec, databaseCpu: (() => Promise<Map<number, number> | null>) | null): Promise<BenchServer> {
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'commit-path-server.ts'), [], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_SERVER: JSON.stringify(spec) },
    execArgv: ['--import', 'tsx', ...profiling(spec.variant)],
  });
  const waiting = new Map<number, (result: unknown) => void>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${spec.variant} server exited with ${code}`)));
    child.on('message', (message: { ready?: string; id?: number; result?: unknown }) => {
      if (message.ready) resolve(message.ready);
      else if (message.id !== undefined) waiting.get(message.id)?.(message.result);
    });
  });
  const ask = <T>(request: Question): Promise<T> =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, (result) => {
        waiting.delete(id);
        resolve(result as T);
      });
      child.send({ ...request, id });
    });
  let closed = false;
  return {
    url,
    cpuMs: async () => {
      const { user, system } = await ask<NodeJS.CpuUsage>({ op: 'cpu' });
      return (user + system) / 1000;
    },
    databaseCpuMs: async () => (databaseCpu ? databaseCpu() : null),
    events: (boardId) => ask<number>({ op: 'events', boardId }),
    async close() {
      if (closed) return;
      closed = true;
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await ask({ op: 'close' });
      await exited;
    },
  };
}

/**
 * With `BENCH_CPU_PROF=<folder>`, each server writes its profiles to `<folder>/<variant>/` when it
 * exits: one per thread (tsx's module hooks run in a thread of their own; the server's is the big one).
 */
function profiling(variant: Variant): string[] {
  const folder = process.env.BENCH_CPU_PROF;
  return folder ? ['--cpu-prof', `--cpu-prof-dir=${path.join(folder, variant)}`] : [];
}

/** CPU milliseconds so far of each PostgreSQL backend serving `databaseName`, from /proc (null if unreadable). */
export function backendCpu(admin: postgres.Sql, databaseName: string) {
  const tick = 1000 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim() || 100);
  return async (): Promise<Map<number, number> | null> => {
    const backends = await admin<{ pid: number }[]>`select pid from pg_stat_activity where datname = ${databaseName}`;
    const cpu = new Map<number, number>();
    try {
      for (const { pid } of backends) {
        // Fields after the command name: state is the first, utime the 12th, stime the 13th.
        const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        cpu.set(pid, (Number(fields[11]) + Number(fields[12])) * tick);
      }
    } catch {
      return null; // PostgreSQL runs on another machine.
    }
    return cpu;
  };
}

/** Takes the measurements a phase needs before and after it. */
async function phase(server: BenchServer, boardId: string, run: () => Promise<number>): Promise<Phase> {
  const startedMetrics = await scrape(server.url);
  const startedEvents = await server.events(boardId);
  const startedDatabase = await server.databaseCpuMs();
  const startedClients = process.cpuUsage();
  const startedServer = await server.cpuMs();
  const started = performance.now();
  const updates = await run();
  const seconds = (performance.now() - started) / 1000;
  const serverCpuMs = (await server.cpuMs()) - startedServer;
  const clients = process.cpuUsage(startedClients);
  const endedDatabase = await server.databaseCpuMs();
  const endedMetrics = await scrape(server.url);
  let databaseCpuMs: number | null = null;
  if (startedDatabase && endedDatabase) {
    databaseCpuMs = 0;
    for (const [pid, ms] of endedDatabase) databaseCpuMs += ms - (startedDatabase.get(pid) ?? 0);
  }
  return {
    updates,
    seconds,
    serverCpuMs,
    databaseCpuMs,
    clientCpuMs: (clients.user + clients.system) / 1000,
    commits: endedMetrics.commits - startedMetrics.commits,
    events: (await server.events(boardId)) - startedEvents,
  };
}

/** Teian's own counters from `/metrics`, the same in both versions. */
async function scrape(url: string): Promise<{ commits: number }> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const commits = /^teian_commit_seconds_count (\d+)/m.exec(text);
  return { commits: Number(commits?.[1] ?? 0) };
}

/** One server's board and clients, open for the whole run; every round posts new ideas on it. */
interface Session {
  server: BenchServer;
  boardId: string;
  writers: Writer[];
  observer: Awaited<ReturnType<typeof openObserver>>;
  /** How many ideas each writer has sent so far. */
  sent: number;
  close(): void;
}

const STEADY_PER_CLIENT = STEADY_RATE * STEADY_SECONDS;

async function prepare(server: BenchServer): Promise<Session> {
  const staff = new ApiClient(server.url);
  await staff.login();
  const board = await staff.createBoard('bench');
  const count = (ROUNDS + 1) * (BURST + STEADY_PER_CLIENT);
  const writers: Writer[] = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, index) => {
      const guest = new ApiClient(server.url);
      const { actorId } = await guest.joinAsGuest(board.joinCode!, `guest ${index}`);
      const { token } = await guest.boardToken(board.id);
      return openWriter(server.url, board.id, token, { actorId, index, count });
    }),
  );
  const readers = await Promise.all(
    Array.from({ length: READERS }, async () => openReader(server.url, board.id, (await staff.boardToken(board.id)).token)),
  );
  const observer = await openObserver(server.url, board.id, (await staff.boardToken(board.id)).token);
  return {
    server,
    boardId: board.id,
    writers,
    observer,
    sent: 0,
    close() {
      for (const writer of writers) writer.socket.close();
      for (const reader of readers) reader.close();
      observer.close();
    },
  };
}

/** One round: the saturation phase, then the steady phase, each with ideas not sent before. */
async function measure(session: Session): Promise<{ saturation: Phase; steady: Phase }> {
  const { server, boardId, writers, observer } = session;
  const saturation = await phase(server, boardId, async () => {
    for (let i = 0; i < BURST; i++) for (const writer of writers) sendUpdate(writer, session.sent + i);
    session.sent += BURST;
    await observer.seen(CLIENTS * session.sent);
    return CLIENTS * BURST;
  });
  // Let a compaction the burst started finish outside both phases.
  await sleep(300);
  const steady = await phase(server, boardId, async () => {
    // Writer w sends its k-th idea at (k + w / CLIENTS) / STEADY_RATE seconds: a steady stream.
    const gapMs = 1000 / (STEADY_RATE * CLIENTS);
    const started = performance.now();
    for (let j = 0; j < STEADY_PER_CLIENT * CLIENTS; j++) {
      const wait = started + j * gapMs - performance.now();
      if (wait > 1) await sleep(wait);
      sendUpdate(writers[j % CLIENTS]!, session.sent + Math.floor(j / CLIENTS));
    }
    session.sent += STEADY_PER_CLIENT;
    await observer.seen(CLIENTS * session.sent);
    return CLIENTS * STEADY_PER_CLIENT;
  });
  await sleep(300);
  return { saturation, steady };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Per-phase figures of one variant, as medians over its rounds. */
export function summary(phases: Phase[]) {
  return {
    updatesPerSecond: median(phases.map((p) => p.updates / p.seconds)),
    serverCpuPer1000: median(phases.map((p) => (p.serverCpuMs / p.updates) * 1000)),
    databaseCpuPer1000: phases.every((p) => p.databaseCpuMs !== null)
      ? median(phases.map((p) => (p.databaseCpuMs! / p.updates) * 1000))
      : null,
    clientCpuPer1000: median(phases.map((p) => (p.clientCpuMs / p.updates) * 1000)),
    eventsPerSecond: median(phases.map((p) => p.events / p.seconds)),
    updatesPerCommit: median(phases.map((p) => p.updates / Math.max(1, p.commits))),
  };
}

const LABELS: Record<Variant, string> = {
  enforced: '(a) enforceRules, events',
  allowAll: '(b) allowAll, events',
  noEvents: '(c) enforceRules, no events',
  before: `(d) before (${BEFORE_COMMIT})`,
};

/** The report `npm run bench commit` prints: per phase, each variant's medians, then the ratios. */
export function reportCommitPath({ database, rounds }: CommitPathResult): string[] {
  const lines = [
    `commit path on ${database}: ${CLIENTS} writers and ${READERS} readers on one board, each server in its own process, ` +
      `medians of ${ROUNDS} rounds (CPU in ms per 1,000 updates)`,
  ];
  for (const name of ['saturation', 'steady'] as const) {
    lines.push(
      name === 'saturation'
        ? `  saturation: ${CLIENTS} × ${BURST} ideas sent at once`
        : `  steady: ${CLIENTS} × ${STEADY_RATE} idea/s for ${STEADY_SECONDS} s`,
    );
    const columns = ['updates/s', 'events/s', 'server CPU', 'db CPU', 'clients CPU', 'upd/commit'];
    lines.push(`    ${''.padEnd(30)}${columns.map((column) => column.padStart(12)).join('')}`);
    for (const variant of VARIANTS) {
      const f = summary(rounds[variant][name]);
      const cells = [f.updatesPerSecond, f.eventsPerSecond, f.serverCpuPer1000, f.databaseCpuPer1000, f.clientCpuPer1000];
      lines.push(
        `    ${LABELS[variant].padEnd(30)}${cells.map((cell) => (cell === null ? '-' : cell.toFixed(0)).padStart(12)).join('')}` +
          `${f.updatesPerCommit.toFixed(1).padStart(12)}`,
      );
    }
    lines.push(`    updates/s per round: ${VARIANTS.map((v) => `${v} ${rounds[v][name].map((p) => (p.updates / p.seconds).toFixed(0)).join('/')}`).join(', ')}`);
    // Each ratio is the median of per-round ratios: within a round the variants run seconds apart,
    // while the load of the machine drifts from one round to the next.
    const paired = (other: Variant, metric: (phase: Phase) => number) =>
      median(rounds.enforced[name].map((phase, round) => metric(phase) / metric(rounds[other][name][round]!)));
    const throughput = (p: Phase) => p.updates / p.seconds;
    const cpu = (p: Phase) => (p.serverCpuMs + (p.databaseCpuMs ?? 0)) / p.updates;
    const withDatabase = rounds.enforced[name][0]?.databaseCpuMs != null ? ' (server + db)' : '';
    for (const [label, other] of [
      ['a/d (now / before)', 'before'],
      ['a/b (the rules)', 'allowAll'],
      ['a/c (writing events)', 'noEvents'],
    ] as const) {
      lines.push(
        `    ${label.padEnd(22)} updates/s ${paired(other, throughput).toFixed(3)}   CPU per update ${paired(other, cpu).toFixed(3)}${withDatabase}`,
      );
    }
  }
  return lines;
}
