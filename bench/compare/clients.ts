/**
 * The benchmark's side of its client workers (`client-worker.ts`): which clients each worker opens,
 * the shared memory of send times and clocks, and the commands of one run.
 */
import { Worker } from 'node:worker_threads';
import type { ServerKind } from './server';

/** One client: `watches` is the index of the writer whose updates it times (−1: none). */
export type ClientSpec =
  | { role: 'reader' | 'idle'; board: string; token: string; watches: number }
  | WriterSpec;

export interface WriterSpec {
  role: 'writer';
  board: string;
  token: string;
  watches: -1;
  /** Its index among all writers of the run. */
  writer: number;
  /** Whose idea it posts (Teian's guard checks the author); any string for the references. */
  actorId: string;
}

export interface WorkerInit {
  kind: ServerKind;
  httpUrl: string;
  clients: ClientSpec[];
  updatesPerWriter: number;
  /** Float64 per writer and update: when it was sent (ms since the epoch, sub-millisecond). */
  sendTimes: SharedArrayBuffer;
  /** Int32 per writer and update: the writer's clock once the update is applied. */
  endClocks: SharedArrayBuffer;
}

export type WorkerCommand =
  | { op: 'connect' }
  | { op: 'run'; startAt: number; ratePerWriter: number; count: number; measureFrom: number; measureTo: number }
  | { op: 'report' }
  | { op: 'close' };

export interface Synced {
  /** From opening the socket to its sync step 2. */
  ms: number;
  /** The step 2's update. */
  bytes: number;
}

export type WorkerReply =
  | { op: 'connected'; synced: Synced[] }
  | { op: 'sent' }
  | { op: 'report'; latencies: Float64Array; readers: number }
  | { op: 'closed' }
  | { op: 'failed'; error: string };

/** The client ids of writers are theirs by index, so a reader knows whose clock to look at. */
export const writerClientId = (writer: number) => 1_000_000 + writer;

/** Node 20 does not pass tsx's loader on to a worker: the worker registers it, then loads the TypeScript. */
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(
  new URL('./client-worker.ts', import.meta.url).href,
)}); })`;

class ClientWorker {
  #worker: Worker;
  #waiting: ((reply: WorkerReply) => void) | null = null;
  #failure: Error | null = null;

  constructor(init: WorkerInit) {
    this.#worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: init });
    this.#worker.on('message', (reply: WorkerReply) => {
      const waiting = this.#waiting;
      this.#waiting = null;
      waiting?.(reply);
    });
    this.#worker.on('error', (error) => {
      this.#failure = error;
      this.#waiting?.({ op: 'failed', error: String(error.stack ?? error) });
    });
  }

  ask<T extends WorkerReply['op']>(command: WorkerCommand, expected: T): Promise<Extract<WorkerReply, { op: T }>> {
    if (this.#failure) return Promise.reject(this.#failure);
    return new Promise((resolve, reject) => {
      this.#waiting = (reply) => {
        if (reply.op === expected) resolve(reply as Extract<WorkerReply, { op: T }>);
        else reject(new Error(reply.op === 'failed' ? `client worker failed: ${reply.error}` : `unexpected ${reply.op}`));
      };
      this.#worker.postMessage(command);
    });
  }

  terminate(): Promise<number> {
    return this.#worker.terminate();
  }
}

/** Several client workers, one command at a time to all of them. */
export class ClientPool {
  #workers: ClientWorker[];

  /** `groups[i]` are the clients of worker `i`. */
  constructor(kind: ServerKind, httpUrl: string, groups: ClientSpec[][], updatesPerWriter: number) {
    const writers = groups.flat().filter((client) => client.role === 'writer').length;
    const sendTimes = new SharedArrayBuffer(Math.max(1, writers * updatesPerWriter) * 8);
    const endClocks = new SharedArrayBuffer(Math.max(1, writers * updatesPerWriter) * 4);
    this.#workers = groups
      .filter((clients) => clients.length > 0)
      .map((clients) => new ClientWorker({ kind, httpUrl, clients, updatesPerWriter, sendTimes, endClocks }));
  }

  /** Opens every socket and waits until each has its sync step 2. */
  async connect(): Promise<Synced[]> {
    const replies = await Promise.all(this.#workers.map((worker) => worker.ask({ op: 'connect' }, 'connected')));
    return replies.flatMap((reply) => reply.synced);
  }

  /** Every writer sends `count` updates at `ratePerWriter` a second from `startAt` (epoch ms). */
  async run(command: Omit<Extract<WorkerCommand, { op: 'run' }>, 'op'>): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.ask({ op: 'run', ...command }, 'sent')));
  }

  /** Every reader's latencies of the measured updates it received, in ms. */
  async report(): Promise<{ latencies: Float64Array[]; readers: number }> {
    const replies = await Promise.all(this.#workers.map((worker) => worker.ask({ op: 'report' }, 'report')));
    return { latencies: replies.map((reply) => reply.latencies), readers: replies.reduce((sum, reply) => sum + reply.readers, 0) };
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((worker) => worker.ask({ op: 'close' }, 'closed').catch(() => {})));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
