/**
 * `npm run bench`: the comparison with the y-websocket reference server and Hocuspocus
 * (bench/compare/, method and latest table in bench/README.md), end to end.
 * `npm run bench compare [a|b|c|d|sweep|large]`: the comparison, or one of its scenarios.
 * `npm run bench client`: a 1,000-idea board against a 30-idea one in Chromium (bench/client-render.ts).
 * `npm run bench permissions|commit|history`: one of the earlier benchmarks, each measured side by
 * side with its reference in the same run, reported as ratios. Numbers vary with the machine; the
 * ratios are what to compare.
 */
import { clientRender, reportClientRender } from './client-render';
import { commitPath, reportCommitPath } from './commit-path';
import { compare } from './compare/compare';
import { historyQueries, reportHistoryQueries } from './history-queries';
import { permissionsCost } from './permissions-cost';
import { median } from './relay-clients';

const only = process.argv[2];
const BENCHMARKS = ['compare', 'client', 'permissions', 'commit', 'history'];
if (only && !BENCHMARKS.includes(only)) throw new Error(`unknown benchmark ${only}: one of ${BENCHMARKS.join(', ')}`);

if (!only || only === 'compare') {
  await compare(process.argv[3]);
}

if (only === 'client') {
  for (const line of reportClientRender(await clientRender())) console.log(line);
}

if (only === 'permissions') {
  console.log(`permission check at ${process.env.BENCH_CLIENTS ?? 100} clients on one board`);
  const result = await permissionsCost();
  const format = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ');
  console.log(`  with the check:    ${format(result.withCheck)} updates/s (median ${median(result.withCheck).toFixed(0)})`);
  console.log(`  without the check: ${format(result.withoutCheck)} updates/s (median ${median(result.withoutCheck).toFixed(0)})`);
  console.log(`  ratio with/without: ${result.ratio.toFixed(3)} (cost ${((1 - result.ratio) * 100).toFixed(1)}%)`);
}

if (only === 'commit') {
  // PGlite always; PostgreSQL too when BENCH_DATABASE_URL names one (a database per server is created and dropped).
  for (const database of process.env.BENCH_DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const)) {
    const started = performance.now();
    const result = await commitPath(database);
    for (const line of reportCommitPath(result)) console.log(line);
    console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
}

if (only === 'history') {
  // PostgreSQL only (BENCH_DATABASE_URL): the figures are its planner's and its indexes'.
  const started = performance.now();
  for (const line of reportHistoryQueries(await historyQueries())) console.log(line);
  console.log(`  (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}
