/** Liveness, readiness and metrics for load balancers, process managers and Prometheus (spec 3). */
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './context';

export function healthRoutes({ db, metrics }: AppDeps) {
  return new Hono<AppEnv>()
    .get('/healthz', (c) => c.json({ status: 'ok' }))
    .get('/readyz', async (c) => {
      try {
        await db.execute(sql`select 1`);
        return c.json({ status: 'ready' });
      } catch {
        return c.json({ status: 'database unreachable' }, 503);
      }
    })
    .get('/metrics', async (c) => c.body(await metrics.metrics(), 200, { 'content-type': metrics.contentType }));
}
