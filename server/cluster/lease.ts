/**
 * Board ownership: the instance that holds a board's lease in Redis is the only one that runs its
 * authoritative `Room` (guard, group commit, history). A lease is `SET key instanceId NX PX ttl`,
 * renewed every ttl/3 by a compare-and-pexpire and released by a compare-and-delete.
 *
 * Why two owners never commit at once (docs/scale-out.md, "Why it is safe"): an owner counts its
 * lease valid until `sent + ttl`, where `sent` is when it sent the command that set or renewed it,
 * by its own monotonic clock; Redis starts the same ttl later, when the command arrives, so Redis
 * keeps the key at least that long and nobody else can take it before. The owner starts a commit
 * only while at least `margin` of that time is left (`holds`), and gives the board up as soon as it
 * is not (`onLost`). So a commit that finishes within `margin` ends before any other instance can
 * own the board. This assumes clock rates that differ by far less than margin/ttl, and commits that
 * finish within `margin` (2 s by default) — the database's own statement timeout should be lower.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import type { Names } from './wire';

const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  redis: Redis;
  names: Names;
  instanceId: string;
  ttlMs: number;
  log: Logger;
  /** The lease of `boardId` is lost or may have expired: stop committing for it now. */
  onLost(boardId: string): void;
}

export class Leases {
  readonly ttlMs: number;
  /** A commit starts only while this much of the lease is left. */
  readonly marginMs: number;
  #redis: Redis;
  #names: Names;
  #instanceId: string;
  #log: Logger;
  #onLost: (boardId: string) => void;
  /** Boards held, with the monotonic time (performance.now) until which the lease is surely ours. */
  #held = new Map<string, number>();
  #timer: NodeJS.Timeout;

  constructor({ redis, names, instanceId, ttlMs, log, onLost }: LeaseOptions) {
    this.#redis = redis;
    this.#names = names;
    this.#instanceId = instanceId;
    this.ttlMs = ttlMs;
    this.marginMs = Math.max(ttlMs * 0.4, 1);
    this.#log = log;
    this.#onLost = onLost;
    this.#timer = setInterval(() => void this.#renewAll(), Math.max(1, Math.floor(ttlMs / 3)));
    this.#timer.unref();
  }

  /**
   * Takes the board's lease if nobody holds it, and answers who holds it now (this instance's id
   * when it does).
   */
  async acquire(boardId: string): Promise<string | null> {
    if (this.holds(boardId)) return this.#instanceId;
    const key = this.#names.lease(boardId);
    for (let attempt = 0; attempt < 3; attempt++) {
      const sent = performance.now();
      const set = await this.#redis.set(key, this.#instanceId, 'PX', this.ttlMs, 'NX');
      if (set === 'OK') {
        this.#held.set(boardId, sent + this.ttlMs);
        return this.#instanceId;
      }
      const owner = await this.#redis.get(key);
      // Ours already (another connection of this instance took it a moment ago): keep it.
      if (owner === this.#instanceId) {
        if (!this.#held.has(boardId) && (await this.#renew(boardId, performance.now()))) return this.#instanceId;
        if (this.holds(boardId)) return this.#instanceId;
        continue;
      }
      if (owner !== null) return owner;
      // It expired between the two commands: try again.
    }
    return null;
  }

  /** Whether this instance may commit for the board now. */
  holds(boardId: string): boolean {
    const until = this.#held.get(boardId);
    return until !== undefined && performance.now() < until - this.marginMs;
  }

  /** Who holds the board's lease, by Redis. */
  owner(boardId: string): Promise<string | null> {
    return this.#redis.get(this.#names.lease(boardId));
  }

  /** Gives the board up (the room unloaded): the next connection anywhere may own it at once. */
  async release(boardId: string): Promise<void> {
    if (!this.#held.delete(boardId)) return;
    await this.#redis.eval(RELEASE, 1, this.#names.lease(boardId), this.#instanceId).catch((error: unknown) => {
      this.#log.warn('could not release a board lease; it expires by itself', { boardId, error });
    });
  }

  /** Forgets every lease without releasing it (tests of a crash) or releases all (shutdown). */
  async close({ release }: { release: boolean }): Promise<void> {
    clearInterval(this.#timer);
    const boards = [...this.#held.keys()];
    if (release) await Promise.all(boards.map((boardId) => this.release(boardId)));
    this.#held.clear();
  }

  async #renew(boardId: string, sent: number): Promise<boolean> {
    const renewed = await this.#redis.eval(RENEW, 1, this.#names.lease(boardId), this.#instanceId, String(this.ttlMs));
    if (renewed !== 1) return false;
    this.#held.set(boardId, sent + this.ttlMs);
    return true;
  }

  async #renewAll(): Promise<void> {
    for (const boardId of [...this.#held.keys()]) {
      const sent = performance.now();
      let renewed: boolean | null;
      try {
        renewed = await this.#renew(boardId, sent);
      } catch (error) {
        this.#log.warn('could not renew a board lease', { boardId, error });
        renewed = null;
      }
      if (!this.#held.has(boardId)) continue;
      // Taken by another (ours had expired) or no longer surely ours: stop at once.
      if (renewed === false || !this.holds(boardId)) this.#lose(boardId);
    }
  }

  #lose(boardId: string): void {
    if (!this.#held.delete(boardId)) return;
    this.#log.warn('lost the lease of a board: another instance may own it now', { boardId });
    this.#onLost(boardId);
  }

  /** Checks the lease before a commit; one that ran out while nobody looked is lost now. */
  check(boardId: string): boolean {
    if (this.holds(boardId)) return true;
    if (this.#held.has(boardId)) this.#lose(boardId);
    return false;
  }
}
