/**
 * One instance's link to the others through Redis (docs/scale-out.md): two connections (commands
 * and publishing; subscriptions), the board leases, the batched outbox, calls with replies, and
 * the instance's own liveness key. Redis holds nothing durable: leases and liveness expire, and
 * pub/sub keeps nothing; PostgreSQL stays the only store.
 *
 * The registry (server/sync/registry.ts) decides what the messages mean; this module only moves them.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../log';
import { RoomUnavailable } from '../sync/room';
import { Leases } from './lease';
import { Outbox } from './outbox';
import { names, type BoardCall, type BroadcastMessage, type InboxMessage, type Names, type StreamMessage } from './wire';

export interface ClusterOptions {
  url: string;
  /** Every key and channel starts with it, so that clusters (and parallel tests) can share a Redis. */
  prefix: string;
  leaseTtlMs: number;
  log: Logger;
}

/** What the registry does with what arrives. */
export interface ClusterHandlers {
  inbox(message: Exclude<InboxMessage, { t: 'call' | 'reply' }>): void;
  broadcast(message: BroadcastMessage): void;
  /** Runs a call for a board this instance owns; a rejection becomes the caller's `RoomUnavailable`. */
  call(boardId: string, call: BoardCall): Promise<unknown>;
  leaseLost(boardId: string): void;
  /** The subscription was re-established after a disconnect: inbox messages may have been lost. */
  resubscribed(): void;
}

/** How long a call to another instance waits for its reply. */
const CALL_TIMEOUT_MS = 8000;

export class Cluster {
  readonly instanceId = randomUUID();
  readonly names: Names;
  readonly leases: Leases;
  /** Test hook: answers true for a stream message that is to be dropped as if pub/sub lost it. */
  dropStream: ((boardId: string, message: StreamMessage) => boolean) | null = null;
  #commands: Redis;
  #subscriber: Redis;
  #outbox: Outbox;
  #log: Logger;
  #handlers: ClusterHandlers;
  #streams = new Map<string, (message: StreamMessage) => void>();
  #calls = new Map<string, { resolve(value: unknown): void; reject(error: unknown): void; timer: NodeJS.Timeout }>();
  #aliveTimer: NodeJS.Timeout;
  #ttlMs: number;
  #lagMs = 0;
  #ready = false;

  private constructor(options: ClusterOptions, handlers: ClusterHandlers, commands: Redis, subscriber: Redis) {
    this.names = names(options.prefix);
    this.#log = options.log;
    this.#handlers = handlers;
    this.#commands = commands;
    this.#subscriber = subscriber;
    this.#ttlMs = options.leaseTtlMs;
    this.#outbox = new Outbox(commands, options.log);
    this.leases = new Leases({
      redis: commands,
      names: this.names,
      instanceId: this.instanceId,
      ttlMs: options.leaseTtlMs,
      log: options.log,
      onLost: (boardId) => queueMicrotask(() => handlers.leaseLost(boardId)),
    });
    this.#aliveTimer = setInterval(() => void this.#markAlive(), Math.max(1, Math.floor(options.leaseTtlMs / 3)));
    this.#aliveTimer.unref();
  }

  static async connect(options: ClusterOptions, handlers: ClusterHandlers): Promise<Cluster> {
    // Imported here, not at the top: a single instance never loads ioredis (about 13 MB resident).
    const { Redis } = await import('ioredis');
    const commands = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const subscriber = new Redis(options.url, { lazyConnect: true });
    await Promise.all([commands.connect(), subscriber.connect()]);
    const cluster = new Cluster(options, handlers, commands, subscriber);
    subscriber.on('message', (channel: string, payload: string) => cluster.#dispatch(channel, payload));
    subscriber.on('ready', () => {
      if (cluster.#ready) handlers.resubscribed();
    });
    await subscriber.subscribe(cluster.names.inbox(cluster.instanceId), cluster.names.cluster);
    cluster.#ready = true;
    await cluster.#markAlive();
    return cluster;
  }

  /** Milliseconds between the owner's publish of the latest stream message and its receipt here. */
  lagMs(): number {
    return this.#lagMs;
  }

  /** Redis messages this instance has published (one per channel per tick). */
  get published(): number {
    return this.#outbox.published;
  }

  send(instanceId: string, message: InboxMessage): void {
    this.#outbox.push(this.names.inbox(instanceId), message);
  }

  publishStream(boardId: string, message: StreamMessage): void {
    this.#outbox.push(this.names.stream(boardId), message);
  }

  /** Tells every other instance; the caller applies the message here itself. */
  broadcast(message: BroadcastMessage): void {
    this.#outbox.push(this.names.cluster, { from: this.instanceId, message });
  }

  /** Listens to a board's stream; resolves once subscribed, so nothing published later is missed. */
  async follow(boardId: string, handler: (message: StreamMessage) => void): Promise<void> {
    this.#streams.set(boardId, handler);
    await this.#subscriber.subscribe(this.names.stream(boardId));
  }

  async unfollow(boardId: string): Promise<void> {
    this.#streams.delete(boardId);
    await this.#subscriber.unsubscribe(this.names.stream(boardId)).catch(() => {});
  }

  /** Asks the owner of `boardId` (instance `owner`) to run `call`; rejects with `RoomUnavailable`. */
  call(owner: string, boardId: string, call: BoardCall): Promise<unknown> {
    const id = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#calls.delete(id);
        reject(new RoomUnavailable('the instance that owns the board did not answer in time'));
      }, CALL_TIMEOUT_MS);
      timer.unref();
      this.#calls.set(id, { resolve, reject, timer });
      this.send(owner, { t: 'call', id, from: this.instanceId, board: boardId, call });
    });
  }

  /** Of `instanceIds`, those whose liveness key is there (the others stopped or crashed). */
  async alive(instanceIds: readonly string[]): Promise<Set<string>> {
    if (instanceIds.length === 0) return new Set();
    const values = await this.#commands.mget(...instanceIds.map((id) => this.names.alive(id)));
    return new Set(instanceIds.filter((_, index) => values[index] !== null));
  }

  /**
   * Leaves the cluster. `graceful: false` is a crash as the others see it (tests): no lease is
   * released and the liveness key is left to expire.
   */
  async close({ graceful }: { graceful: boolean }): Promise<void> {
    clearInterval(this.#aliveTimer);
    if (graceful) this.#outbox.flush();
    await this.leases.close({ release: graceful });
    for (const { reject, timer } of this.#calls.values()) {
      clearTimeout(timer);
      reject(new RoomUnavailable('the server is shutting down'));
    }
    this.#calls.clear();
    if (graceful) {
      await this.#commands.del(this.names.alive(this.instanceId)).catch(() => {});
      await Promise.allSettled([this.#commands.quit(), this.#subscriber.quit()]);
    } else {
      this.#commands.disconnect();
      this.#subscriber.disconnect();
    }
  }

  async #markAlive(): Promise<void> {
    await this.#commands.set(this.names.alive(this.instanceId), '1', 'PX', this.#ttlMs).catch((error: unknown) => {
      this.#log.warn('could not mark this instance alive in Redis', { error });
    });
  }

  #dispatch(channel: string, payload: string): void {
    let messages: unknown[];
    try {
      messages = JSON.parse(payload) as unknown[];
    } catch (error) {
      this.#log.warn('ignored an undecodable Redis message', { channel, error });
      return;
    }
    try {
      if (channel === this.names.cluster) {
        for (const { from, message } of messages as { from: string; message: BroadcastMessage }[]) {
          if (from !== this.instanceId) this.#handlers.broadcast(message);
        }
      } else if (channel === this.names.inbox(this.instanceId)) {
        for (const message of messages as InboxMessage[]) this.#fromInbox(message);
      } else {
        const boardId = channel.slice(this.names.stream('').length);
        const handler = this.#streams.get(boardId);
        for (const message of messages as StreamMessage[]) {
          this.#lagMs = Math.max(0, Date.now() - message.at);
          if (this.dropStream?.(boardId, message)) continue;
          handler?.(message);
        }
      }
    } catch (error) {
      this.#log.error('handling a Redis message failed', { channel, error });
    }
  }

  #fromInbox(message: InboxMessage): void {
    switch (message.t) {
      case 'call': {
        const { id, from, board, call } = message;
        this.#handlers.call(board, call).then(
          (value) => this.send(from, { t: 'reply', id, ok: true, value: value ?? null }),
          (error: unknown) => this.send(from, { t: 'reply', id, ok: false, error: error instanceof Error ? error.message : String(error) }),
        );
        return;
      }
      case 'reply': {
        const waiting = this.#calls.get(message.id);
        if (!waiting) return;
        this.#calls.delete(message.id);
        clearTimeout(waiting.timer);
        if (message.ok) waiting.resolve(message.value);
        else waiting.reject(new RoomUnavailable(message.error));
        return;
      }
      default:
        this.#handlers.inbox(message);
    }
  }
}
