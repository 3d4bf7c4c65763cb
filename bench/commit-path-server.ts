/**
 * One server of the commit-path benchmark, in a process of its own so that its CPU time is the
 * server's alone (with PGlite, the database's too: it runs in this thread). `bench/commit-path.ts`
 * forks it with `BENCH_SERVER` naming the variant, and talks to it over IPC:
 *
 * - it sends `{ ready: url }` once listening;
 * - `{ id, op: 'cpu' }` is answered with this process's `process.cpuUsage()`;
 * - `{ id, op: 'events', boardId }` with how many history events the board has in the database;
 * - `{ id, op: 'close' }` closes the server, answers, and the process exits.
 *
 * The variant `before` loads the server of the code before the commit path (a `git archive` of
 * 9a4f236 that `commit-path.ts` unpacks under /tmp), whose options are `{ log, checkPermissions }`
 * and whose store has no events.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Config } from '../server/config';
import type { BoardStore } from '../server/persistence/board-store';
import type { RunningServer, ServerOptions } from '../server/server';
import { ADMIN } from '../tests/helpers/server';

export type Variant = 'enforced' | 'allowAll' | 'noEvents' | 'before';

export interface ServerSpec {
  variant: Variant;
  /** The repository whose server/ to load: this one, or the unpacked older commit. */
  root: string;
  databaseUrl: string | undefined;
}

export type Question = { op: 'cpu' } | { op: 'events'; boardId: string } | { op: 'close' };
export type Request = { id: number } & Question;

/** The store of variant `noEvents`: the real one, with every row's events dropped before the commit. */
function withoutEvents(store: BoardStore): BoardStore {
  return {
    ...store,
    commit: (boardId, rows, attempt) => store.commit(boardId, rows.map((row) => ({ ...row, events: [] })), attempt),
  };
}

async function start({ variant, root, databaseUrl }: ServerSpec): Promise<RunningServer> {
  const load = <T>(module: string): Promise<T> => import(pathToFileURL(path.join(root, module)).href) as Promise<T>;
  const { configFromEnv } = await load<typeof import('../server/config')>('server/config.ts');
  const { silentLogger } = await load<typeof import('../server/log')>('server/log.ts');
  const { startServer } = await load<typeof import('../server/server')>('server/server.ts');
  const base = configFromEnv({});
  const config: Config = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    databaseUrl,
    sessionSecret: 'bench-secret-long-enough-for-hs256',
    admin: { ...ADMIN },
    clientDir: '/nonexistent',
    // No connection is throttled, and no board unloads (and compacts) in the middle of a round.
    sync: { ...base.sync, maxMessagesPerSecond: 1_000_000, unloadAfterMs: 3_600_000 },
  };
  if (variant === 'before') {
    const options = { log: silentLogger, checkPermissions: true };
    return startServer(config, options as ServerOptions);
  }
  const { allowAll, enforceRules } = await load<typeof import('../server/permissions/policy')>('server/permissions/policy.ts');
  const options: Record<Exclude<Variant, 'before'>, ServerOptions> = {
    enforced: { log: silentLogger, policy: enforceRules },
    allowAll: { log: silentLogger, policy: allowAll },
    noEvents: { log: silentLogger, policy: enforceRules, wrapStore: withoutEvents },
  };
  return startServer(config, options[variant]);
}

async function countEvents(server: RunningServer, boardId: string): Promise<number> {
  const { db } = server.database;
  const rows = (result: unknown) => (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<string, unknown>[];
  // The code before the commit path has no events table.
  const [table] = rows(await db.execute(sql`select to_regclass('board_events') is not null as present`));
  if (!table?.present) return 0;
  const [count] = rows(await db.execute(sql`select count(*)::int as n from board_events where board_id = ${boardId}`));
  return Number(count?.n ?? 0);
}

const spec = JSON.parse(process.env.BENCH_SERVER ?? 'null') as ServerSpec | null;
if (!spec || !process.send) throw new Error('bench/commit-path-server.ts is forked by bench/commit-path.ts');
// Never outlive the benchmark, whatever happened to it.
process.on('disconnect', () => process.exit());
const server = await start(spec);
process.on('message', (request: Request) => {
  const answer = (result: unknown) => process.send!({ id: request.id, result });
  switch (request.op) {
    case 'cpu':
      answer(process.cpuUsage());
      return;
    case 'events':
      void countEvents(server, request.boardId).then(answer);
      return;
    case 'close':
      void server.close().then(() => {
        answer(null);
        process.disconnect();
      });
      return;
  }
});
process.send({ ready: server.url });
