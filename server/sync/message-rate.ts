/**
 * A token bucket per connection (spec 4): a client may burst (a reconnect sends a few messages at
 * once) but not keep up more than `perSecond` messages. Over the rate the connection is not closed
 * but throttled: every message is taken, and the bucket says how long to stop reading so that the
 * average comes back to the rate. Too small to be worth a dependency, and it must not allocate per
 * message.
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

  /**
   * Takes one message's token, going into debt when there is none; answers how many milliseconds
   * to stop reading before the debt is paid (0 while the client keeps within the rate).
   */
  take(now = performance.now()): number {
    const elapsed = (now - this.#refilledAt) / 1000;
    this.#tokens = Math.min(this.#capacity, this.#tokens + elapsed * this.#perSecond) - 1;
    this.#refilledAt = now;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#perSecond) * 1000;
  }

  /** Whether the bucket holds at least one spare message: the client is back within its rate. */
  get hasSpare(): boolean {
    return this.#tokens >= 1;
  }
}
