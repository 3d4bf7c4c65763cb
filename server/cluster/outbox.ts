/**
 * Batches what one tick publishes: one Redis message per channel per tick, however many sockets
 * and batches produced it. Channels are flushed in the order they first got a message in the tick,
 * through one connection, and Redis delivers one publisher's messages in the order it published
 * them, so a follower sees a batch's stream message before the ack that follows it in the same tick.
 */
import type { Redis } from 'ioredis';
import type { Logger } from '../log';

export class Outbox {
  #redis: Redis;
  #log: Logger;
  #pending = new Map<string, unknown[]>();
  #scheduled = false;
  #published = 0;

  constructor(redis: Redis, log: Logger) {
    this.#redis = redis;
    this.#log = log;
  }

  /** Redis messages published so far (for tests of the batching). */
  get published(): number {
    return this.#published;
  }

  push(channel: string, message: unknown): void {
    let list = this.#pending.get(channel);
    if (!list) this.#pending.set(channel, (list = []));
    list.push(message);
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    if (this.#pending.size === 0) return;
    const pipeline = this.#redis.pipeline();
    for (const [channel, messages] of this.#pending) pipeline.publish(channel, JSON.stringify(messages));
    this.#published += this.#pending.size;
    this.#pending.clear();
    // A lost publish is a lost pub/sub message: the stream's sequence numbers find it, and a lost
    // socket message is not acked, so its client sends it again when it reconnects.
    pipeline.exec().catch((error: unknown) => this.#log.warn('publishing to Redis failed', { error }));
  }
}
