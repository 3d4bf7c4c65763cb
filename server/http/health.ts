/** Liveness, readiness and metrics for load balancers, process managers and Prometheus (spec 3). */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './context';

/** A readiness probe must answer even when the database hangs rather than refuses. */
const DATABASE_CHECK_MS = 2000;

export function healthRoutes({ db, registry, metrics }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      const database = await reachable(db.execute(sql`select 1`));
      // Boards whose changes wait in memory for the store: not ready, even if a probe query passes.
      const waitingBoards = registry.waitingBoards.map(({ boardId, since }) => ({ boardId, since: new Date(since).toISOString() }));
      const ready = database && waitingBoards.length === 0;
      return c.json(
        { status: ready ? 'ready' : 'not ready', database: database ? 'reachable' : 'unreachable', waitingBoards },
        ready ? 200 : 503,
      );
    })
    .get('/metrics', async (c) => c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType }));
}

async function reachable(query: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), DATABASE_CHECK_MS)));
  try {
    return await Promise.race([query.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
