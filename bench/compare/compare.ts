/**
 * `npm run bench compare [a|b|c|d|sweep|large]`: Teian (PGlite, and PostgreSQL when
 * `BENCH_DATABASE_URL` is set) side by side with the y-websocket reference server and Hocuspocus,
 * on the same workload, a fresh server per run. The method is in bench/README.md.
 *
 * Knobs: `BENCH_RUNS` (runs of each scenario and server, 1), `BENCH_WARMUP_SECONDS` (1),
 * `BENCH_MEASURE_SECONDS` (5), `BENCH_CPU_PROF=<folder>` (Teian's CPU profiles, per scenario).
 */
import { LABELS, type Contender } from './servers';
import { trafficRun, type Traffic, type TrafficResult } from './traffic';
import { idleRun, type IdleResult } from './idle';
import { sweepRun, SWEEP_RATES, type SweepResult } from './sweep';
import { largeBoardRun, type LargeResult } from './large-board';
import { reportTable } from './report';

export const SCENARIOS = ['a', 'b', 'c', 'd', 'sweep', 'large'] as const;
export type Scenario = (typeof SCENARIOS)[number];

const RUNS = Number(process.env.BENCH_RUNS ?? 1);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const MEASURE = Number(process.env.BENCH_MEASURE_SECONDS ?? 5);

export const TRAFFIC: Record<'a' | 'b' | 'c', Traffic & { title: string }> = {
  a: { title: '(a) one board, 50 clients, 100 updates/s', boards: 1, clientsPerBoard: 50, ratePerWriter: 100, warmupSeconds: WARMUP, measureSeconds: MEASURE },
  b: { title: '(b) one board, 500 clients, 50 updates/s', boards: 1, clientsPerBoard: 500, ratePerWriter: 50, warmupSeconds: WARMUP, measureSeconds: MEASURE },
  c: { title: '(c) 20 boards × 10 clients, 400 updates/s in all', boards: 20, clientsPerBoard: 10, ratePerWriter: 20, warmupSeconds: WARMUP, measureSeconds: MEASURE },
};

export function contenders(): Contender[] {
  const list: Contender[] = ['ywebsocket', 'hocuspocus', 'teian-pglite'];
  if (process.env.BENCH_DATABASE_URL) list.push('teian-postgres');
  return list;
}

export interface CompareResults {
  traffic: Partial<Record<'a' | 'b' | 'c', TrafficResult[]>>;
  idle: IdleResult[];
  sweep: SweepResult[];
  large: LargeResult[];
}

function line(text: string): void {
  console.log(text);
}

export async function compare(only?: string): Promise<CompareResults> {
  if (only && !(SCENARIOS as readonly string[]).includes(only)) {
    throw new Error(`unknown scenario ${only}: one of ${SCENARIOS.join(', ')}`);
  }
  const wanted = (scenario: Scenario) => !only || only === scenario;
  const results: CompareResults = { traffic: {}, idle: [], sweep: [], large: [] };
  const started = performance.now();
  const servers = contenders();
  line(`comparison: ${servers.map((contender) => LABELS[contender]).join(', ')}; ${RUNS} run(s) each, ${WARMUP} s warm-up, ${MEASURE} s measured`);
  for (const scenario of ['a', 'b', 'c'] as const) {
    if (!wanted(scenario)) continue;
    const traffic = TRAFFIC[scenario];
    line(traffic.title);
    const list: TrafficResult[] = (results.traffic[scenario] = []);
    for (let run = 0; run < RUNS; run++) {
      // Later runs start one server further on, so that no server always runs first.
      for (const contender of rotate(servers, run)) {
        const runStarted = performance.now();
        const result = await trafficRun(contender, traffic, `${scenario}${RUNS > 1 ? run : ''}`);
        list.push(result);
        line(`  ${describeTraffic(result)} (${seconds(runStarted)})`);
      }
    }
  }
  if (wanted('d')) {
    line('(d) 2,000 idle connections over 200 boards');
    for (let run = 0; run < RUNS; run++) {
      for (const contender of rotate(servers, run)) {
        const runStarted = performance.now();
        const result = await idleRun(contender, `d${RUNS > 1 ? run : ''}`);
        results.idle.push(result);
        line(
          `  ${LABELS[contender]}: ${result.bytesPerConnection.toFixed(0)} bytes per connection ` +
            `(RSS ${mb(result.rssBefore)} → ${mb(result.rssAfter)}, peak ${mb(result.peakRss)}) (${seconds(runStarted)})`,
        );
      }
    }
  }
  if (wanted('sweep')) {
    line(`rate sweep, one board, 50 clients: ${SWEEP_RATES.join(', ')} updates/s until p99 ≥ 50 ms or a delivery is lost`);
    for (const contender of servers) {
      const runStarted = performance.now();
      const result = await sweepRun(contender, { warmupSeconds: Math.min(WARMUP, 1), measureSeconds: Math.min(MEASURE, 3) }, (rate, step) =>
        line(`  ${LABELS[contender]} at ${rate}/s: ${describeTraffic(step)}`),
      );
      results.sweep.push(result);
      line(`  ${LABELS[contender]}: sustained ${result.sustained ?? 'none'} updates/s (${seconds(runStarted)})`);
    }
  }
  if (wanted('large')) {
    line('large board: 2,000 ideas, 20,000 votes, 100,000 updates of history');
    for (const result of await largeBoardRun(servers, { warmupSeconds: WARMUP, measureSeconds: Math.min(MEASURE, 5) })) {
      results.large.push(result);
      line(
        `  ${LABELS[result.contender]} (${result.form}): load ${result.loadMs.toFixed(0)} ms, sync step 2 ${kb(result.syncBytes)}, ` +
          `other board p99 ${result.otherBoard.latency.p99.toFixed(1)} ms, lost ${result.otherBoard.deliveries.lost}, peak RSS ${mb(result.peakRss)}`,
      );
    }
  }
  line(`(compare: ${seconds(started)})`);
  line('');
  for (const row of reportTable(results, servers)) line(row);
  return results;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

function rotate<T>(list: T[], by: number): T[] {
  return list.map((_, index) => list[(index + by) % list.length]!);
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`;

export function describeTraffic(result: TrafficResult): string {
  const { latency, deliveries } = result;
  return (
    `${LABELS[result.contender]}: p50 ${latency.p50.toFixed(1)} / p99 ${latency.p99.toFixed(1)} / max ${latency.max.toFixed(1)} ms, ` +
    `lost ${deliveries.lost} of ${deliveries.expected}, CPU ${result.cpuPer1000.toFixed(1)} ms per 1,000 deliveries` +
    (result.databaseCpuPer1000 > 0 ? ` (db ${result.databaseCpuPer1000.toFixed(1)})` : '') +
    `, RSS idle ${mb(result.idleRss)} peak ${mb(result.peakRss)}, clients ${(result.clientShare * 100).toFixed(0)}% of the CPU` +
    (result.refused === null ? '' : `, refused ${result.refused}`)
  );
}
