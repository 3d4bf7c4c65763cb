/**
 * Redis for scale-out tests: `TEST_REDIS_URL`, and with `TEIAN_REQUIRE_REDIS=1` (CI) a missing one
 * fails the run instead of leaving the cluster tests out (mirrors tests/helpers/databases.ts). Two
 * instances share one PostgreSQL database (PGlite cannot be shared), so PostgreSQL is needed too.
 * Every test gets a key prefix of its own, so files run in parallel on one Redis.
 */
import { randomBytes } from 'node:crypto';
import { configFromEnv, type Config, type SyncLimits } from '../../server/config';
import { silentLogger } from '../../server/log';
import { startServer, type RunningServer } from '../../server/server';
import { ADMIN } from './server';
import type { TestDatabase } from './databases';

/** The Redis to use, or null when the run has none (then the cluster tests are not run). */
export function testRedisUrl(): string | null {
  const url = process.env.TEST_REDIS_URL;
  if (url) {
    if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_REDIS_URL is set but TEST_DATABASE_URL is not: two instances need a shared PostgreSQL');
    return url;
  }
  if (process.env.TEIAN_REQUIRE_REDIS === '1') throw new Error('TEIAN_REQUIRE_REDIS=1 but TEST_REDIS_URL is not set');
  return null;
}

/** A fresh key prefix: one cluster's keys and channels. */
export function uniquePrefix(): string {
  return `teian-test-${randomBytes(6).toString('hex')}`;
}

export interface ClusterServerOptions {
  database: TestDatabase;
  redisUrl: string;
  prefix: string;
  leaseTtlMs?: number;
  sync?: Partial<SyncLimits>;
  /** Trust `X-Forwarded-For`, so that one test machine can speak from many addresses. */
  trustProxy?: boolean;
}

/** One instance of a cluster: a real server on port 0 sharing `database` and `prefix` with the others. */
export function startClusterServer({ database, redisUrl, prefix, leaseTtlMs = 1500, sync, trustProxy = false }: ClusterServerOptions): Promise<RunningServer> {
  const base = configFromEnv({});
  const config: Config = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir: database.dataDir,
    redisUrl,
    redisPrefix: prefix,
    leaseTtlMs,
    sessionSecret: 'test-secret-that-is-long-enough-for-hs256',
    admin: { ...ADMIN },
    clientDir: '/nonexistent',
    sync: { ...base.sync, unloadAfterMs: 200, ...sync },
    trustProxy,
  };
  return startServer(config, { log: silentLogger });
}
