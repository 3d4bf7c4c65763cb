/**
 * Opens the database the configuration names and brings its schema up to date. This is the only
 * module that knows whether it got PGlite or PostgreSQL: everything else sees a `Database`.
 */
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from '../../drizzle/schema';
import { checkPgliteFolder, DataFolderError, prepareFolder } from './data-folder';

export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface OpenDatabase {
  db: Database;
  /** `pglite` or `postgres`: for logs and `/metrics` only; no code branches on it. */
  driver: 'pglite' | 'postgres';
  close(): Promise<void>;
}

const migrationsFolder = path.resolve(import.meta.dirname, '../../drizzle/migrations');

/** Any fixed number works: it only has to be the same for every Teian instance. */
const MIGRATION_LOCK = 7_341_129;

export interface DatabaseOptions {
  /** PostgreSQL connection string; undefined means PGlite. */
  url?: string | undefined;
  /** PGlite's folder, or `memory://` for a throwaway in-memory database. */
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase({ url, dataDir, poolSize = 10 }: DatabaseOptions): Promise<OpenDatabase> {
  if (url) return openPostgres(url, poolSize);
  return openPglite(dataDir);
}

async function openPostgres(url: string, poolSize: number): Promise<OpenDatabase> {
  // Migrations run on their own single connection, under an advisory lock so that several
  // instances starting together do not race, before the pool opens.
  const migrator = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await migrator`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migratePostgres(drizzlePostgres(migrator), { migrationsFolder });
    await migrator`select pg_advisory_unlock(${MIGRATION_LOCK})`;
  } finally {
    await migrator.end();
  }
  // A short connect timeout: during an outage a request should hear "unavailable" quickly.
  const client = postgres(url, { max: poolSize, onnotice: () => {}, connect_timeout: 5 });
  return {
    db: drizzlePostgres(client, { schema }),
    driver: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}

async function openPglite(dataDir: string): Promise<OpenDatabase> {
  const client = dataDir.startsWith('memory://') ? new PGlite() : await openPgliteFolder(path.resolve(dataDir));
  const db = drizzlePglite(client, { schema });
  await migratePglite(db, { migrationsFolder });
  return { db, driver: 'pglite', close: () => client.close() };
}

/**
 * PGlite in `<dataFolder>/pglite`, or a `DataFolderError` that says why not. A folder PGlite fails
 * on is left as it was: checked before it is opened, and the lock file PGlite writes as it starts
 * is removed again when the start fails.
 */
async function openPgliteFolder(dataFolder: string): Promise<PGlite> {
  await prepareFolder(dataFolder);
  const location = path.join(dataFolder, 'pglite');
  await prepareFolder(location);
  await checkPgliteFolder(location);
  const lockFile = path.join(location, 'postmaster.pid');
  const hadLockFile = existsSync(lockFile);
  const client = new PGlite(location);
  try {
    await client.waitReady;
  } catch (error) {
    if (!hadLockFile) await rm(lockFile, { force: true });
    const cause = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
    throw new DataFolderError(location, `PGlite could not open the database in it (${cause}); it may be damaged, or made by another PGlite version`);
  }
  return client;
}

/** postgres.js's codes for a connection that failed or went away. */
const CONNECTION_ERRORS = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
]);

/**
 * Whether an error means the database cannot be reached just now (rather than that the query was
 * wrong): a failed or lost connection, or PostgreSQL refusing connections while it shuts down,
 * starts up, or has them switched off (SQLSTATE class 08, 57P01–57P03, 53300, 55000). drizzle
 * wraps the driver's error as `cause`.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (typeof current !== 'object') return false;
    const code = 'code' in current ? String(current.code) : '';
    if (CONNECTION_ERRORS.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300' || code === '55000') {
      return true;
    }
    current = 'cause' in current ? current.cause : undefined;
  }
  return false;
}
