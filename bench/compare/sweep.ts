/**
 * The rate sweep: (a)'s shape (one board, one writer and 49 readers) at rising rates, until p99
 * reaches 50 ms or a delivery is lost. One fresh server per contender for the whole sweep, with a
 * new board and new clients for each rate (a fresh server per rate would spend the ten minutes
 * the whole comparison has on start-ups); the peak RSS of a step is the server's peak so far. The sustained rate is the highest
 * that passed; a step whose clients took most of the machine says the generator, not the server,
 * may be the limit there.
 */
import type { Contender } from './servers';
import { trafficOn, withFreshServer, type TrafficResult } from './traffic';

export const SWEEP_RATES = (process.env.BENCH_SWEEP_RATES ?? '100,200,400,800,1600,3200').split(',').map(Number);
export const SWEEP_P99_LIMIT_MS = 50;

export interface SweepResult {
  contender: Contender;
  steps: { rate: number; result: TrafficResult; passed: boolean }[];
  /** The highest rate that passed (before the first that did not); null if none did. */
  sustained: number | null;
}

export async function sweepRun(
  contender: Contender,
  window: { warmupSeconds: number; measureSeconds: number },
  onStep: (rate: number, result: TrafficResult) => void,
): Promise<SweepResult> {
  return withFreshServer(contender, 'sweep', async (server) => {
    const steps: SweepResult['steps'] = [];
    let sustained: number | null = null;
    for (const rate of SWEEP_RATES) {
      const result = await trafficOn(server, { boards: 1, clientsPerBoard: 50, ratePerWriter: rate, ...window }, `sweep ${rate}`);
      const passed = result.deliveries.lost === 0 && result.latency.p99 < SWEEP_P99_LIMIT_MS;
      steps.push({ rate, result, passed });
      onStep(rate, result);
      if (!passed) break;
      sustained = rate;
    }
    return { contender, steps, sustained };
  });
}
