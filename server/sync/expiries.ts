/**
 * Ends things at their due time with one timer for all of them, not one each: every open socket has
 * a token that expires, and a timer per socket costs an idle connection a Timeout, its closure and,
 * as every socket's delay differs, a timer list of Node's own. A token expires on a whole second
 * (JWT `exp`), so sockets opened within the same second share one entry here.
 */
export class Expiries<T> {
  #expire: (item: T) => void;
  /** Items by their due time (ms since the epoch). */
  #due = new Map<number, Set<T>>();
  #timer: NodeJS.Timeout | null = null;
  #timerAt = Infinity;

  constructor(expire: (item: T) => void) {
    this.#expire = expire;
  }

  add(at: number, item: T): void {
    const items = this.#due.get(at);
    if (items) items.add(item);
    else this.#due.set(at, new Set([item]));
    if (at < this.#timerAt) this.#arm(at);
  }

  /** Forgets `item` (due at `at`); the timer stays armed and finds nothing then, or the next time. */
  delete(at: number, item: T): void {
    const items = this.#due.get(at);
    if (!items?.delete(item)) return;
    if (items.size === 0) this.#due.delete(at);
    if (this.#due.size === 0) this.#disarm();
  }

  #arm(at: number): void {
    this.#disarm();
    this.#timerAt = at;
    // setTimeout takes at most 2^31 − 1 ms (about 24.8 days); a later time is armed again on waking.
    this.#timer = setTimeout(() => this.#fire(), Math.min(Math.max(0, at - Date.now()), 2 ** 31 - 1));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = Infinity;
  }

  #fire(): void {
    this.#timer = null;
    this.#timerAt = Infinity;
    const now = Date.now();
    for (const [at, items] of [...this.#due]) {
      if (at > now) continue;
      this.#due.delete(at);
      for (const item of items) this.#expire(item);
    }
    // Expiring may have added or removed entries: arm for whatever is earliest now.
    let next = Infinity;
    for (const at of this.#due.keys()) next = Math.min(next, at);
    if (next < this.#timerAt) this.#arm(next);
  }
}
