/**
 * The databases a test runs against: PGlite always, PostgreSQL when `TEST_DATABASE_URL` is set.
 * With `TEIAN_REQUIRE_POSTGRES=1` (CI) a missing PostgreSQL fails the run instead of skipping.
 * Each PostgreSQL test gets a database of its own, dropped afterwards, so files run in parallel.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';

export type DatabaseKind = 'pglite' | 'postgres';

export function databaseKinds(): DatabaseKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.TEIAN_REQUIRE_POSTGRES === '1') {
    throw new Error('TEIAN_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set');
  }
  return ['pglite'];
}

export interface TestDatabase {
  /** A connection string, or undefined for PGlite. */
  url: string | undefined;
  /** PGlite's data dir (`memory://` unless a folder was asked for). */
  dataDir: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(kind: DatabaseKind, dataDir = 'memory://'): Promise<TestDatabase> {
  if (kind === 'pglite') return { url: undefined, dataDir, drop: async () => {} };
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `teian_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dataDir,
    async drop() {
      const cleanup = postgres(base, { max: 1, onnotice: () => {} });
      await cleanup.unsafe(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
