/**
 * Snapshots, differences and restore (docs/api.md "Snapshots, differences and restore").
 * Placeholder until it lands (issue 10).
 */
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from './context';

export function snapshotRoutes(_deps: AppDeps) {
  return new Hono<AppEnv>();
}
