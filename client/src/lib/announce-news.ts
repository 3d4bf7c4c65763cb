/** When the board's live region speaks about ideas: each idea once, a burst as one message. */

/** A burst of ideas is said once, this long after the last of them… */
export const QUIET_MS = 1_500;
/** …but no later than this after the first, so a busy room still hears about it. */
export const LONGEST_WAIT_MS = 6_000;

/**
 * Tells which ideas are new to this screen: the first list it is shown is what was there already;
 * after that, each id once (an idea deleted and restored is not new again).
 */
export class FirstSeen {
  #seen: Set<string> | null = null;

  /** The ids in `ids` not seen before; none the first time. */
  fresh(ids: Iterable<string>): string[] {
    const seen = this.#seen;
    if (!seen) {
      this.#seen = new Set(ids);
      return [];
    }
    const fresh = [...ids].filter((id) => !seen.has(id));
    for (const id of fresh) seen.add(id);
    return fresh;
  }
}

/**
 * Collects ideas that arrive, then hands them over in one go once things go quiet
 * (`QUIET_MS`, at most `LONGEST_WAIT_MS` after the first).
 */
export class Burst<T> {
  #items: T[] = [];
  #quiet: ReturnType<typeof setTimeout> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  readonly #onquiet: (items: T[]) => void;

  constructor(onquiet: (items: T[]) => void) {
    this.#onquiet = onquiet;
  }

  add(item: T): void {
    this.#items.push(item);
    clearTimeout(this.#quiet);
    this.#quiet = setTimeout(() => this.#flush(), QUIET_MS);
    this.#deadline ??= setTimeout(() => this.#flush(), LONGEST_WAIT_MS);
  }

  destroy(): void {
    clearTimeout(this.#quiet);
    clearTimeout(this.#deadline);
  }

  #flush(): void {
    this.destroy();
    this.#deadline = undefined;
    const items = this.#items;
    this.#items = [];
    if (items.length > 0) this.#onquiet(items);
  }
}
