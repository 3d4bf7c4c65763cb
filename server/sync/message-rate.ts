/**
 * A token bucket per connection: a client may burst (a reconnect sends a few messages at once) but
 * not keep up more than `perSecond` messages (spec 4). Too small to be worth a dependency, and it
 * must not allocate per message.
 */
export class MessageRate {
  #perSecond: number;
  #capacity: number;
  #tokens: number;
  #refilledAt: number;

  constructor(perSecond: number, burstSeconds = 2, now = performance.now()) {
    this.#perSecond = perSecond;
    this.#capacity = perSecond * burstSeconds;
    this.#tokens = this.#capacity;
    this.#refilledAt = now;
  }

  /** Takes one message's token; false when the bucket is empty. */
  take(now = performance.now()): boolean {
    const elapsed = (now - this.#refilledAt) / 1000;
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
