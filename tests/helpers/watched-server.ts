/**
 * A Teian server in a child process, watched from outside (issue 8's fuzz suites): its resident
 * memory from /proc, sampled until stopped; V8's heap from /metrics; and a full garbage collection
 * on demand through the child's inspector, so that a reading after it shows what the server keeps
 * rather than garbage not yet collected.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { spawnServer, type ChildServer } from './child-server';

export const MiB = 1024 * 1024;

export function mib(value: number): string {
  return `${(value / MiB).toFixed(0)} MiB`;
}

export interface WatchedServer {
  child: ChildServer;
  url: string;
  /** The child's inspector, through which `settledMemory` collects garbage first. */
  inspectorPort: number;
  watch: MemoryWatch;
  /** Kills the child and removes its data folder. */
  stop(): Promise<void>;
}

/** Starts `npm start`'s server on a fresh data folder (PGlite), with its inspector on a free port. */
export async function spawnWatchedServer(name: string, env: Record<string, string> = {}): Promise<WatchedServer> {
  const dataDir = await mkdtemp(path.join(tmpdir(), `teian-${name}-`));
  const inspectorPort = await freePort();
  const child = await spawnServer({
    DATA_DIR: dataDir,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:${inspectorPort}`.trim(),
    ...env,
  });
  const watch = new MemoryWatch(child.process.pid!);
  return {
    child,
    url: child.url,
    inspectorPort,
    watch,
    async stop() {
      watch.stop();
      await child.kill();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Memory {
  /** Resident set (VmRSS). */
  rss: number;
  /** V8's heap in use. */
  heapUsed: number;
  /** Memory V8 accounts for outside its heap (ArrayBuffers, PGlite's WebAssembly memory). */
  external: number;
}

/** The server's memory once a full garbage collection has run: what it keeps. */
export async function settledMemory(server: WatchedServer): Promise<Memory> {
  await collectGarbage(server.inspectorPort);
  return { rss: server.watch.sample(), ...(await heapOf(server.url)) };
}

/** What a server's memory is measured against. */
export interface MemoryBounds {
  /** The highest resident set before the fuzz; no sample may pass `peak`. */
  peakBaseline: number;
  peak: number;
  /** After a full collection, once warm: the resident set and the heap in use, and their bounds. */
  rssBaseline: number;
  rss: number;
  heapBaseline: number;
  heap: number;
}

export interface Headroom {
  peak: number;
  rss: number;
  heap: number;
}

/** Bounds from the highest resident set so far (`peakBaseline`) and the memory after a collection now. */
export async function memoryBounds(server: WatchedServer, headroom: Headroom, peakBaseline = server.watch.peak): Promise<MemoryBounds> {
  const { rss, heapUsed } = await settledMemory(server);
  return {
    peakBaseline,
    peak: peakBaseline + headroom.peak,
    rssBaseline: rss,
    rss: rss + headroom.rss,
    heapBaseline: heapUsed,
    heap: heapUsed + headroom.heap,
  };
}

/** Why `memory` (after a collection) or the peak so far is outside `bounds`, or null when it is within. */
export function overBounds(server: WatchedServer, memory: Memory, bounds: MemoryBounds): string | null {
  if (server.watch.peak >= bounds.peak) return `peak resident memory ${mib(server.watch.peak)} over ${mib(bounds.peak)}`;
  if (memory.rss >= bounds.rss) return `resident memory after a collection ${mib(memory.rss)} over ${mib(bounds.rss)}`;
  if (memory.heapUsed >= bounds.heap) return `heap in use after a collection ${mib(memory.heapUsed)} over ${mib(bounds.heap)}`;
  return null;
}

/** The resident set of a process, from /proc (Linux). */
export function residentBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** Samples a process's resident set until stopped, keeping the peak. */
export class MemoryWatch {
  readonly pid: number;
  peak = 0;
  #timer: ReturnType<typeof setInterval>;

  constructor(pid: number, everyMs = 100) {
    this.pid = pid;
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
    this.#timer.unref();
  }

  sample(): number {
    const now = residentBytes(this.pid);
    this.peak = Math.max(this.peak, now);
    return now;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** Values from the server's /metrics (prom-client's text format), by series name. */
export async function metrics(baseUrl: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(\S+) (\S+)$/.exec(line);
    if (match?.[1] && match[2]) values.set(match[1], Number(match[2]));
  }
  return values;
}

/** What the server's own process says of its memory: V8's heap in use and memory outside it. */
export async function heapOf(baseUrl: string): Promise<{ heapUsed: number; external: number }> {
  const values = await metrics(baseUrl);
  return { heapUsed: values.get('teian_nodejs_heap_size_used_bytes') ?? NaN, external: values.get('teian_nodejs_external_memory_bytes') ?? NaN };
}

/** A port nobody listens on just now (for a child's inspector). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Runs a full garbage collection in a process started with `--inspect=127.0.0.1:<port>`, through
 * the inspector protocol, so that what its heap holds afterwards is what it keeps, not garbage.
 */
export async function collectGarbage(inspectorPort: number): Promise<void> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`, { signal: AbortSignal.timeout(5000) })).json()) as {
    webSocketDebuggerUrl: string;
  }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
  const ws = new WebSocket(url);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the inspector did not collect garbage in time')), 20_000);
      ws.on('message', (data: Buffer) => {
        if ((JSON.parse(data.toString()) as { id?: number }).id === 1) {
          clearTimeout(timer);
          resolve();
        }
      });
      ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
    });
  } finally {
    ws.close();
  }
}

/** How long `/healthz` took to answer 200, in ms; throws when it did not within `timeoutMs`. */
export async function healthz(baseUrl: string, timeoutMs = 5000): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  if (response.status !== 200) throw new Error(`/healthz answered ${response.status}`);
  await response.json();
  return performance.now() - started;
}
