/**
 * The comparison's table, in markdown: one column per server, one row per figure; with several
 * runs a cell is the range over them. Teian's cells carry its ratios against the y-websocket
 * reference server and Hocuspocus (medians over the runs), where lower is better for Teian.
 */
import { median } from '../relay-clients';
import type { CompareResults } from './compare';
import type { Contender } from './servers';
import { LABELS } from './servers';
import type { TrafficResult } from './traffic';

type Pick = (contender: Contender) => number[];

const REFERENCES = ['ywebsocket', 'hocuspocus'] as const;

function range(values: number[], digits: number): string {
  const finite = values.filter((value) => Number.isFinite(value));
  if (finite.length === 0) return '–';
  const low = Math.min(...finite);
  const high = Math.max(...finite);
  const format = (value: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return low === high ? format(low) : `${format(low)}–${format(high)}`;
}

/** A row: every server's range, and for Teian the ratios `teian / reference` when `ratios` is set. */
function row(title: string, servers: Contender[], pick: Pick, { digits = 1, unit = '', ratios = false } = {}): string {
  const cells = servers.map((contender) => {
    const values = pick(contender);
    const present = values.some((value) => Number.isFinite(value));
    let cell = range(values, digits) + (present && unit ? (unit === '%' ? unit : ` ${unit}`) : '');
    if (ratios && contender.startsWith('teian') && present) {
      const against = REFERENCES.filter((reference) => servers.includes(reference)).map((reference) => {
        const base = median(pick(reference));
        return `${(median(values) / base).toFixed(2)}× ${reference === 'ywebsocket' ? 'y-ws' : 'Hp'}`;
      });
      if (against.length > 0) cell += ` (${against.join(', ')})`;
    }
    return cell;
  });
  return `| ${title} | ${cells.join(' | ')} |`;
}

export function reportTable(results: CompareResults, servers: Contender[]): string[] {
  const lines = [`| figure | ${servers.map((contender) => LABELS[contender]).join(' | ')} |`, `|---|${servers.map(() => '---|').join('')}`];
  for (const scenario of ['a', 'b', 'c'] as const) {
    const list = results.traffic[scenario];
    if (!list) continue;
    const of = (metric: (result: TrafficResult) => number): Pick => (contender) => list.filter((r) => r.contender === contender).map(metric);
    lines.push(
      row(`(${scenario}) p50 fan-out latency`, servers, of((r) => r.latency.p50), { unit: 'ms' }),
      row(`(${scenario}) p99 fan-out latency`, servers, of((r) => r.latency.p99), { unit: 'ms', ratios: true }),
      row(`(${scenario}) max fan-out latency`, servers, of((r) => r.latency.max), { unit: 'ms' }),
      row(`(${scenario}) lost deliveries`, servers, of((r) => r.deliveries.lost), { digits: 0 }),
      row(`(${scenario}) server CPU per 1,000 deliveries (db included)`, servers, of((r) => r.cpuPer1000), { unit: 'ms', ratios: true }),
      row(`(${scenario}) of which PostgreSQL's backends`, servers, of((r) => (r.contender === 'teian-postgres' ? r.databaseCpuPer1000 : NaN)), { unit: 'ms' }),
      row(`(${scenario}) server RSS idle`, servers, of((r) => r.idleRss / 2 ** 20), { digits: 0, unit: 'MB' }),
      row(`(${scenario}) server RSS peak`, servers, of((r) => r.peakRss / 2 ** 20), { digits: 0, unit: 'MB' }),
      row(`(${scenario}) clients' CPU share`, servers, of((r) => r.clientShare * 100), { digits: 0, unit: '%' }),
      row(`(${scenario}) refused by Teian's guard`, servers, of((r) => r.refused ?? NaN), { digits: 0 }),
    );
  }
  if (results.idle.length > 0) {
    const of = (metric: (result: CompareResults['idle'][number]) => number): Pick => (contender) =>
      results.idle.filter((r) => r.contender === contender).map(metric);
    lines.push(
      row('(d) server memory per idle connection', servers, of((r) => r.bytesPerConnection / 1024), { unit: 'KB', ratios: true }),
      `| (d) server RSS before → after connecting | ${servers
        .map((contender) =>
          results.idle
            .filter((r) => r.contender === contender)
            .map((r) => `${(r.rssBefore / 2 ** 20).toFixed(0)} → ${(r.rssAfter / 2 ** 20).toFixed(0)} MB`)
            .join(', '),
        )
        .join(' | ')} |`,
      row('(d) server RSS peak', servers, of((r) => r.peakRss / 2 ** 20), { digits: 0, unit: 'MB' }),
    );
  }
  if (results.sweep.length > 0) {
    const at = (contender: Contender) => results.sweep.find((r) => r.contender === contender);
    const sustainedStep = (contender: Contender) => {
      const sweep = at(contender);
      return sweep?.steps.find((step) => step.rate === sweep.sustained)?.result;
    };
    lines.push(
      row('sweep: sustained rate (p99 < 50 ms, none lost)', servers, (c) => [at(c)?.sustained ?? NaN], { digits: 0, unit: '/s' }),
      row('sweep: p99 at the sustained rate', servers, (c) => [sustainedStep(c)?.latency.p99 ?? NaN], { unit: 'ms' }),
      row('sweep: CPU per 1,000 deliveries there', servers, (c) => [sustainedStep(c)?.cpuPer1000 ?? NaN], { unit: 'ms' }),
    );
    // The failing steps as text: a rate, a p99 and a loss per cell do not fit `row`.
    lines.push(
      `| sweep: first rate that failed | ${servers
        .map((contender) => {
          const step = at(contender)?.steps.find((s) => !s.passed);
          return step ? `${step.rate}/s: p99 ${step.result.latency.p99.toFixed(0)} ms, lost ${step.result.deliveries.lost}` : 'none failed';
        })
        .join(' | ')} |`,
    );
  }
  if (results.large.length > 0) {
    for (const form of ['compacted', 'log'] as const) {
      const of = (metric: (result: CompareResults['large'][number]) => number): Pick => (contender) =>
        results.large.filter((r) => r.contender === contender && (r.form === form || r.form === 'memory')).map(metric);
      const name = form === 'compacted' ? 'large board, compacted' : 'large board, 100,000-row log';
      lines.push(
        row(`${name}: load time`, servers, of((r) => r.loadMs), { digits: 0, unit: 'ms' }).replace(/\| – /g, '| not done in the limit '),
        row(`${name}: sync step 2`, servers, of((r) => r.syncBytes / 1024), { digits: 0, unit: 'KB' }),
        row(`${name}: other board's p99 meanwhile`, servers, of((r) => r.otherBoard.latency.p99), { unit: 'ms' }),
        row(`${name}: other board's lost deliveries`, servers, of((r) => r.otherBoard.deliveries.lost), { digits: 0 }),
        row(`${name}: server RSS peak`, servers, of((r) => r.peakRss / 2 ** 20), { digits: 0, unit: 'MB' }),
      );
    }
  }
  return lines;
}
