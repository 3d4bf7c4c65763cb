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

export interface Metrics {
  registry: Registry;
  sync: SyncMetrics;
  /** Gauges read when scraped, from whatever knows the current numbers. */
  observe(sources: { loadedBoards(): number; connections(): number; waitingBoards(): number }): void;
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
  return {
    registry,
    sync: {
      refused: (rule) => refused.inc({ rule }),
      committed: (count, eventCount, seconds) => {
        updates.inc(count);
        events.inc(eventCount);
        commitSeconds.observe(seconds);
      },
      commitFailed: () => commitFailures.inc(),
    },
    observe(sources) {
      new Gauge({
        name: 'teian_boards_loaded',
        help: 'Boards whose document is in memory',
        registers: [registry],
        collect() {
          this.set(sources.loadedBoards());
        },
      });
      new Gauge({
        name: 'teian_boards_waiting',
        help: 'Boards whose changes wait in memory because the database refuses them',
        registers: [registry],
        collect() {
          this.set(sources.waitingBoards());
        },
      });
      new Gauge({
        name: 'teian_connections',
        help: 'Open websocket connections to boards',
        registers: [registry],
        collect() {
          this.set(sources.connections());
        },
      });
    },
  };
}
