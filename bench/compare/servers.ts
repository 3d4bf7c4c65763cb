/**
 * Starts one server of the comparison in a child process (`server.ts`) and reads what it costs from
 * /proc: its CPU (utime + stime), its resident memory now and at its peak, and for Teian on
 * PostgreSQL the CPU of the PostgreSQL backends serving its database (their memory is not in it).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { backendCpu, withDatabase } from '../commit-path';
import type { ServerKind, ServerSpec } from './server';

/** What the comparison runs: the two references, and Teian on each database. */
export type Contender = 'ywebsocket' | 'hocuspocus' | 'teian-pglite' | 'teian-postgres';

export const LABELS: Record<Contender, string> = {
  ywebsocket: 'y-websocket reference',
  hocuspocus: 'Hocuspocus 3.4',
  'teian-pglite': 'Teian on PGlite',
  'teian-postgres': 'Teian on PostgreSQL',
};

export const kindOf = (contender: Contender): ServerKind => (contender.startsWith('teian') ? 'teian' : (contender as ServerKind));

const repoRoot = path.resolve(import.meta.dirname, '../..');
const tick = 1000 / 100; // USER_HZ is 100 on Linux whatever the kernel's HZ

/** utime + stime of a process so far, in ms. */
export function processCpuMs(pid: number): number {
  // Fields after the command name: state is the first, utime the 12th, stime the 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * tick;
}

/** Resident memory now (VmRSS) and at its peak (VmHWM), in bytes. */
export function processMemory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export interface StartedServer {
  contender: Contender;
  kind: ServerKind;
  url: string;
  pid: number;
  /** The server's CPU plus, on PostgreSQL, its database's backends', in ms so far. */
  cpuMs(): Promise<{ server: number; database: number }>;
  memory(): { rss: number; peak: number };
  close(): Promise<void>;
  /** Ends the process at once, without storing or compacting: for a run whose database is dropped next. */
  kill(): Promise<void>;
}

/**
 * A database for one Teian on PostgreSQL, created now and dropped by `drop()`; or, on PGlite, the
 * data folder to use (memory unless the run seeds one).
 */
export interface TeianDatabase {
  url?: string;
  dataDir?: string;
  name?: string;
  drop(): Promise<void>;
}

export async function createPostgresDatabase(adminUrl: string): Promise<TeianDatabase> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const name = `teian_bench_compare_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  return {
    url: withDatabase(adminUrl, name),
    name,
    async drop() {
      const again = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await again.unsafe(`drop database if exists ${name} with (force)`);
      await again.end();
    },
  };
}

/** `BENCH_CPU_PROF=<folder>`: Teian's child writes its profiles to `<folder>/<label>/` when it exits. */
function profiling(kind: ServerKind, label: string): string[] {
  const folder = process.env.BENCH_CPU_PROF;
  return folder && kind === 'teian' ? ['--cpu-prof', `--cpu-prof-dir=${path.join(folder, label)}`] : [];
}

/** `label` names the profile folder: `<scenario>-<contender>`. */
export async function startServer(contender: Contender, database: TeianDatabase | null, label: string): Promise<StartedServer> {
  const kind = kindOf(contender);
  const spec: ServerSpec = { kind, databaseUrl: database?.url, dataDir: database?.dataDir };
  const child: ChildProcess = fork(path.join(import.meta.dirname, kind === 'teian' ? 'server.ts' : 'reference-server.mjs'), [], {
    cwd: repoRoot,
    env: { ...process.env, BENCH_COMPARE_SERVER: JSON.stringify(spec) },
    execArgv: kind === 'teian' ? ['--import', 'tsx', ...profiling(kind, label)] : [],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${contender} server exited with ${code}`)));
    child.on('message', (message: { ready?: string }) => {
      if (message.ready) resolve(message.ready);
    });
  });
  const pid = child.pid!;
  const admin = database?.name && process.env.BENCH_DATABASE_URL ? postgres(process.env.BENCH_DATABASE_URL, { max: 1, onnotice: () => {} }) : null;
  const backends = admin && database?.name ? backendCpu(admin, database.name) : null;
  // Backends that ended keep the CPU they had when last seen.
  const seen = new Map<number, number>();
  let closed = false;
  return {
    contender,
    kind,
    url,
    pid,
    async cpuMs() {
      const server = processCpuMs(pid);
      const now = backends ? await backends() : null;
      if (now) for (const [backend, ms] of now) seen.set(backend, ms);
      let database = 0;
      for (const ms of seen.values()) database += ms;
      return { server, database };
    },
    memory: () => processMemory(pid),
    async close() {
      if (closed) return;
      closed = true;
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ op: 'close' });
      await exited;
      await admin?.end();
    },
    async kill() {
      if (closed) return;
      closed = true;
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      await admin?.end();
    },
  };
}
