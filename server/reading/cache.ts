/**
 * A bounded least-recently-used map, weighed by what each entry holds (a text's length), so that a
 * few long texts cannot push the memory of thousands of short ones. A `Map` keeps insertion order:
 * reading an entry moves it to the end, and the oldest go first when the weight passes the bound.
 *
 * @example
 * const cache = createLruCache<string[]>({ maxWeight: 1000 });
 * cache.set('key', ['value'], 5);
 * cache.get('key'); // ['value']
 */
export interface LruCache<Value> {
  get(key: string): Value | undefined;
  set(key: string, value: Value, weight: number): void;
  readonly size: number;
  readonly weight: number;
}

export function createLruCache<Value>({ maxWeight }: { maxWeight: number }): LruCache<Value> {
  const entries = new Map<string, { value: Value; weight: number }>();
  let total = 0;
  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.value;
    },
    set(key, value, weight) {
      const old = entries.get(key);
      if (old) {
        total -= old.weight;
        entries.delete(key);
      }
      if (weight > maxWeight) return;
      entries.set(key, { value, weight });
      total += weight;
      for (const [oldest, entry] of entries) {
        if (total <= maxWeight) break;
        entries.delete(oldest);
        total -= entry.weight;
      }
    },
    get size() {
      return entries.size;
    },
    get weight() {
      return total;
    },
  };
}
