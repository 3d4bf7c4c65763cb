/**
 * The board's history events, as pages and as CSV (docs/api.md "Events").
 * Placeholder until it lands (issue 10).
 */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './context';

export function historyRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
