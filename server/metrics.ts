/**
 * Prometheus metrics (spec 3 `GET /metrics`), through prom-client. Each server has its own
 * registry, so that tests can run several servers in one process.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the relay reports; rooms call these on their hot path, so they only count. */
export interface SyncMetrics {
  refused(rule: string): void;
  committed(updates: number, events: number, seconds: number): void;
  /** A commit the store refused; the room keeps the batch and retries. */
  commitFailed(): void;
}

/**
 * What the gauges read when scraped. Each part registers its gauges the first time it is given, so
 * the relay (attached after the server is built) can add `outboundBuffers` in a later call.
 */
export interface MetricSources {
  loadedBoards?: () => number;
  connections?: () => number;
  waitingBoards?: () => number;
  /** Update bytes rooms hold but have not stored: queued, or in a commit in flight. */
  unstoredBytes?: () => number;
  /** Bytes the relay's sockets hold that the kernel has not taken yet. */
  outboundBuffers?: () => { totalBytes: number; maxBytes: number };
  /** Scale-out: how far this instance's view of the other instances' changes lags; null when unknown. */
  redisLagSeconds?: () => number | null;
}

export interface Metrics {
  registry: Registry;
  sync: SyncMetrics;
  /** Gauges read when scraped, from whatever knows the current numbers. */
  observe(sources: MetricSources): void;
}

/** Updates per second is averaged over this many whole seconds, the current one left out. */
const RATE_WINDOW_SECONDS = 10;

/** Committed updates per whole second, over the last `RATE_WINDOW_SECONDS` seconds. */
class SlidingRate {
  readonly #counts = new Float64Array(RATE_WINDOW_SECONDS + 1);
  #second = Math.floor(Date.now() / 1000);

  add(count: number): void {
    this.#advance();
    this.#counts[this.#second % this.#counts.length]! += count;
  }

  perSecond(): number {
    this.#advance();
    let sum = 0;
    for (let i = 0; i < this.#counts.length; i++) if (i !== this.#second % this.#counts.length) sum += this.#counts[i]!;
    return sum / RATE_WINDOW_SECONDS;
  }

  /** Zeroes the slots of the seconds that passed with nothing counted. */
  #advance(): void {
    const now = Math.floor(Date.now() / 1000);
    for (let second = Math.max(this.#second + 1, now - this.#counts.length + 1); second <= now; second++) {
      this.#counts[second % this.#counts.length] = 0;
    }
    this.#second = Math.max(this.#second, now);
  }
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'teian_' });
  const refused = new Counter({
    name: 'teian_refused_changes_total',
    help: 'Changes to a board that the permission rules refused, by rule',
    labelNames: ['rule'] as const,
    registers: [registry],
  });
  const updates = new Counter({
    name: 'teian_updates_committed_total',
    help: 'Board updates committed to the database',
    registers: [registry],
  });
  const events = new Counter({
    name: 'teian_events_written_total',
    help: 'History events written together with the updates they came from',
    registers: [registry],
  });
  const commitFailures = new Counter({
    name: 'teian_commit_failures_total',
    help: 'Commits the database refused; the updates stayed in memory and were retried',
    registers: [registry],
  });
  const commitSeconds = new Histogram({
    name: 'teian_commit_seconds',
    help: 'Time to commit one group of board updates',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const batchRows = new Histogram({
    name: 'teian_commit_batch_updates',
    help: 'Board updates stored by one group commit',
    buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    registers: [registry],
  });
  const rate = new SlidingRate();
  new Gauge({
    name: 'teian_updates_per_second',
    help: `Board updates committed per second, averaged over the last ${RATE_WINDOW_SECONDS} whole seconds`,
    registers: [registry],
    collect() {
      this.set(rate.perSecond());
    },
  });
  const observed = new Set<keyof MetricSources>();
  /** A gauge read from `read` at each scrape. */
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(read());
      },
    });
  return {
    registry,
    sync: {
      refused: (rule) => refused.inc({ rule }),
      committed: (count, eventCount, seconds) => {
        updates.inc(count);
        events.inc(eventCount);
        commitSeconds.observe(seconds);
        batchRows.observe(count);
        rate.add(count);
      },
      commitFailed: () => commitFailures.inc(),
    },
    observe(sources) {
      const fresh = <K extends keyof MetricSources>(key: K): NonNullable<MetricSources[K]> | null => {
        const source = sources[key];
        if (!source || observed.has(key)) return null;
        observed.add(key);
        return source as NonNullable<MetricSources[K]>;
      };
      const loaded = fresh('loadedBoards');
      if (loaded) gauge('teian_boards_loaded', 'Boards whose document is in memory', loaded);
      const waiting = fresh('waitingBoards');
      if (waiting) gauge('teian_boards_waiting', 'Boards whose changes wait in memory because the database refuses them', waiting);
      const connections = fresh('connections');
      if (connections) gauge('teian_connections', 'Open websocket connections to boards', connections);
      const unstored = fresh('unstoredBytes');
      if (unstored) gauge('teian_unstored_update_bytes', 'Update bytes received but not yet stored (queued, or in a commit in flight)', unstored);
      const outbound = fresh('outboundBuffers');
      if (outbound) {
        gauge('teian_outbound_buffered_bytes', 'Bytes queued on the relay\'s sockets, not yet taken by the kernel, all sockets together', () => outbound().totalBytes);
        gauge('teian_outbound_buffered_bytes_max', 'Bytes queued on the relay\'s most backed-up socket', () => outbound().maxBytes);
      }
      const lag = fresh('redisLagSeconds');
      if (lag) {
        new Gauge({
          name: 'teian_redis_lag_seconds',
          help: 'How far this instance lags behind the changes other instances publish through Redis',
          registers: [registry],
          collect() {
            // No number is better than a made-up one: the series is absent while the lag is unknown.
            const seconds = lag();
            if (seconds === null) this.reset();
            else this.set(seconds);
          },
        });
      }
    },
  };
}
