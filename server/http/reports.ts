/**
 * A participant's report and the facility's contributions CSV (docs/api.md "Participant report", "CSV").
 * Placeholder until it lands (issue 10).
 */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './context';

export function reportRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
