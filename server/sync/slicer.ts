/**
 * Slices large boards (server/sync/slices.ts) in a worker thread, so that the one `Y.applyUpdate`
 * of the whole board that slicing needs runs beside the relay instead of inside it.
 *
 * The worker starts with the first large board and stops when none has come for a while: most of
 * a server's life needs no slicing, and an idle worker with Yjs loaded holds memory of its own.
 */
import { Worker } from 'node:worker_threads';
import { pack, unpack, type Packed, type Sliced, type StoredState } from './slices';

/**
 * The worker's first act is to lower its own priority to the lowest there is. On Linux a nice value
 * belongs to a thread, and `setpriority` given a thread's id changes that thread alone (sched(7)),
 * so the relay's thread and the database keep the CPU they need, and the slicing (and the worker's
 * start, some 500 ms of CPU) takes what is left. Elsewhere the call fails and is skipped.
 *
 * Node 20 does not pass tsx's loader on to a worker: the worker registers it, then loads the TypeScript.
 */
const WORKER_SOURCE = `
  try {
    const thread = Number(require('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    require('node:os').setPriority(thread, 19);
  } catch {}
  import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(new URL('./slicer-worker.ts', import.meta.url).href)}); });`;

const IDLE_MS = 30_000;

type Reply = ({ id: number } & Packed) | { id: number; error: string };

interface Job {
  resolve(sliced: Sliced): void;
  reject(error: Error): void;
}

export class BoardSlicer {
  #worker: Worker | null = null;
  #jobs = new Map<number, Job>();
  #nextId = 0;
  #idle: NodeJS.Timeout | null = null;

  slice({ snapshot, updates }: StoredState): Promise<Sliced> {
    const worker = this.#start();
    const id = this.#nextId++;
    const packed = pack([snapshot, ...updates]);
    return new Promise<Sliced>((resolve, reject) => {
      this.#jobs.set(id, { resolve, reject });
      worker.postMessage({ id, ...packed }, [packed.buffer]);
    });
  }

  async close(): Promise<void> {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    const worker = this.#worker;
    this.#worker = null;
    this.#fail(new Error('the slicer was closed'));
    await worker?.terminate();
  }

  #start(): Worker {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    if (this.#worker) return this.#worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    // A worker that waits for work must not keep the process alive.
    worker.unref();
    worker.on('message', (reply: Reply) => this.#settle(reply));
    worker.on('error', (error) => this.#lost(worker, error));
    worker.on('exit', (code) => this.#lost(worker, new Error(`the slicer's worker exited with code ${code}`)));
    this.#worker = worker;
    return worker;
  }

  #settle(reply: Reply): void {
    const job = this.#jobs.get(reply.id);
    this.#jobs.delete(reply.id);
    if (this.#jobs.size === 0) this.#planStop();
    if (!job) return;
    if ('error' in reply) return job.reject(new Error(`slicing failed in the worker: ${reply.error}`));
    const [state, ...slices] = unpack(reply);
    // The state is copied out, so that the slices' buffer can go once they are applied.
    job.resolve({ state: state!.slice(), slices: slices.filter((slice) => slice !== null) });
  }

  #lost(worker: Worker, error: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = null;
    this.#fail(error);
  }

  #fail(error: Error): void {
    for (const job of this.#jobs.values()) job.reject(error);
    this.#jobs.clear();
  }

  #planStop(): void {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = setTimeout(() => {
      this.#idle = null;
      const worker = this.#worker;
      this.#worker = null;
      void worker?.terminate();
    }, IDLE_MS);
    this.#idle.unref();
  }
}
