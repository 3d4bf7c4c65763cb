/**
 * Opens the database the configuration names and brings its schema up to date. This is the only
 * module that knows whether it got PGlite or PostgreSQL: everything else sees a `Database`.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, lstat, mkdir, mkdtemp, readFile, readdir, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
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

/**
 * Runs one statement of a fixed text with positional parameters (`$1`…). For the statements the
 * relay runs on every commit: PostgreSQL parses and plans such a statement once per connection and
 * then only binds it, in one round trip. drizzle's own statements are unnamed, which postgres.js
 * sends as a Parse and Describe first and the Bind after the answer: two round trips, and a parse
 * and plan each time, for every commit (docs/architecture.md, "The commit statement").
 */
export type PreparedRunner = (text: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

const preparedRunners = new WeakMap<Database, PreparedRunner>();

/** The prepared-statement runner of a database `openDatabase` opened. */
export function preparedRunner(db: Database): PreparedRunner {
  const runner = preparedRunners.get(db);
  if (!runner) throw new Error('this database was not opened by openDatabase');
  return runner;
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
  const db = drizzlePostgres(client, { schema });
  // Type 0 for every parameter: the server takes each type from the statement's own casts, so an
  // array of buffers is a bytea[] and not the bytea postgres.js would guess from its first element.
  preparedRunners.set(db, (text, params) =>
    client.unsafe(text, params.map((value) => client.typed(value as never, 0)), { prepare: true }),
  );
  return {
    db,
    driver: 'postgres',
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * PostgreSQL's settings inside PGlite (docs/architecture.md "PGlite's memory"). Its defaults give
 * 128 MB of shared buffers (PGlite raises them to 160) and 4 MB of WAL buffers, all inside the WASM
 * heap of the relay's own process; a board's working set is a few pages of `board_updates`, so 16 MB
 * holds every hot board and the file system's page cache the rest. fsync stays as PGlite has it
 * (`-F`: writes reach the kernel, which survives a killed process), so durability is unchanged.
 */
const PGLITE_SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'wal_buffers=1MB'];

/**
 * PGlite and its drizzle driver, imported only when PGlite is the database: the module alone adds
 * about 38 MB of resident memory to a process that talks to PostgreSQL and never uses it.
 */
async function loadPglite() {
  const [{ PGlite, parse, protocol }, { drizzle }, { migrate }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator'),
  ]);
  const options = { startParams: [...PGlite.defaultStartParams, ...PGLITE_SETTINGS] };
  return { PGlite, parse, serialize: protocol.serialize, drizzle, migrate, options };
}

type PgliteModules = Awaited<ReturnType<typeof loadPglite>>;

async function openPglite(dataDir: string): Promise<OpenDatabase> {
  const pglite = await loadPglite();
  const { PGlite, drizzle: drizzlePglite, migrate: migratePglite } = pglite;
  const client = dataDir.startsWith('memory://')
    ? new PGlite({ ...pglite.options, loadDataDir: await emptyCluster() })
    : await openPgliteFolder(pglite, path.resolve(dataDir));
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  preparedRunners.set(db, pglitePreparedRunner(client, pglite));
  await migratePglite(db, { migrationsFolder });
  return { db, driver: 'pglite', close: () => client.close() };
}

type PgliteClient = InstanceType<PgliteModules['PGlite']>;

/**
 * Named statements inside PGlite. `PGlite.query` sends every statement unnamed, so PostgreSQL
 * parses and plans the commit statement on every commit, in six calls into the WASM module (Parse,
 * Describe, Bind, Describe, Execute, Sync), all in the relay's thread: 47% of Teian-on-PGlite's busy
 * time in (a) was under them (bench/README.md). Here a text is parsed once, as a named statement,
 * and each run is one call: Bind, Describe (for the result's columns), Execute, Sync.
 *
 * PGlite has one session. A run takes both of its locks, the transaction's and the query's (as its
 * own `describeQuery` does), so that it never lands inside a transaction that drizzle has open
 * between two of its statements.
 */
function pglitePreparedRunner(client: PgliteClient, { parse, serialize }: PgliteModules): PreparedRunner {
  const statements = new Map<string, { name: string; parameterTypes: number[] }>();
  const call = async (...messages: Uint8Array[]) => {
    const bytes = new Uint8Array(messages.reduce((sum, message) => sum + message.byteLength, 0));
    let offset = 0;
    for (const message of messages) {
      bytes.set(message, offset);
      offset += message.byteLength;
    }
    return client.execProtocolStream(bytes, { syncToFs: false });
  };
  const prepare = async (text: string) => {
    const name = `teian_${statements.size + 1}`;
    const described = await call(serialize.parse({ name, text }), serialize.describe({ type: 'S', name }), serialize.sync());
    const statement = { name, parameterTypes: parse.parseDescribeStatementResults(described) };
    statements.set(text, statement);
    return statement;
  };
  return (text, params) =>
    client._runExclusiveTransaction(() =>
      client.runExclusive(async () => {
        const { name, parameterTypes } = statements.get(text) ?? (await prepare(text));
        const values = params.map((value, index) => {
          if (value === null || value === undefined) return null;
          const serializer = client.serializers[parameterTypes[index]!];
          return serializer ? serializer(value) : String(value);
        });
        const answer = await call(serialize.bind({ statement: name, values }), serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync());
        await client.syncToFs();
        return (parse.parseResults(answer, client.parsers)[0]?.rows ?? []) as Record<string, unknown>[];
      }),
    );
}

/**
 * PGlite's initdb runs a second PostgreSQL and the initdb WASM module beside the first, and in one
 * process they leave about 500 MB resident for good (794 MB at the peak). So a new cluster is made
 * by a short-lived child process, which returns every byte when it exits; the relay then only opens
 * it. The child also runs the migrations: creating every table grows the WASM heap by some 50 MB,
 * which a process never gives back either (docs/architecture.md, "PGlite's memory"). The relay's
 * own migrate then finds nothing to do; it still runs for a folder an older Teian made.
 */
const resolve = createRequire(import.meta.url).resolve;
const childModules = {
  pglite: pathToFileURL(resolve('@electric-sql/pglite')).href,
  drizzle: pathToFileURL(resolve('drizzle-orm/pglite')).href,
  migrator: pathToFileURL(resolve('drizzle-orm/pglite/migrator')).href,
};

/** Makes a migrated cluster in `dataDir` in a child process, and dumps it to `dumpTo` if given. */
async function initdbInChild(dataDir: string | undefined, dumpTo?: string): Promise<void> {
  const script = `
    import { PGlite } from ${JSON.stringify(childModules.pglite)};
    import { drizzle } from ${JSON.stringify(childModules.drizzle)};
    import { migrate } from ${JSON.stringify(childModules.migrator)};
    import { writeFileSync } from 'node:fs';
    const [dataDir, dumpTo, params, migrationsFolder] = JSON.parse(process.argv[1]);
    const db = new PGlite(dataDir ?? undefined, { startParams: [...PGlite.defaultStartParams, ...params] });
    await db.waitReady;
    await migrate(drizzle(db), { migrationsFolder });
    if (dumpTo) writeFileSync(dumpTo, new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer()));
    await db.close();`;
  const args = JSON.stringify([dataDir ?? null, dumpTo ?? null, PGLITE_SETTINGS, migrationsFolder]);
  await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, args], { maxBuffer: 1024 * 1024 });
}

let emptyClusterTar: Promise<Blob> | undefined;

/**
 * A freshly initialised, migrated cluster as a tarball (every `memory://` starts from it). Making
 * one is an initdb in a child process, about 6 s of CPU, and what it makes depends only on PGlite's
 * version, its settings and the migrations. So it is kept on disk under a name made of them, and
 * the next process (each test file, a demo started again) opens it at once: made once per process,
 * the test suite spent some six minutes of CPU on initdb.
 */
function emptyCluster(): Promise<Blob> {
  emptyClusterTar ??= (async () => {
    const cache = await clusterCache();
    if (cache) {
      const kept = await readFile(cache.file).catch(() => null);
      if (kept) return new Blob([kept]);
    }
    const folder = await mkdtemp(path.join(tmpdir(), 'teian-pglite-'));
    try {
      const tarball = path.join(folder, 'cluster.tar');
      await initdbInChild(undefined, tarball);
      const made = await readFile(tarball);
      if (cache) await keepCluster(cache, tarball);
      return new Blob([made]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  })();
  emptyClusterTar.catch(() => (emptyClusterTar = undefined));
  return emptyClusterTar;
}

/**
 * Where the cluster for this PGlite, these settings and these migrations is kept: a folder of the
 * user's own in the temp folder. A folder that anybody else could have written is not used, since a
 * planted tarball would be a database the server trusts.
 */
async function clusterCache(): Promise<{ folder: string; file: string } | null> {
  const uid = process.getuid?.();
  if (uid === undefined) return null;
  const folder = path.join(tmpdir(), `teian-pglite-clusters-${uid}`);
  await mkdir(folder, { mode: 0o700 }).catch(() => {});
  const stats = await lstat(folder).catch(() => null);
  if (!stats?.isDirectory() || stats.uid !== uid || (stats.mode & 0o077) !== 0) return null;
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ pglite: await pgliteVersion(), settings: PGLITE_SETTINGS }));
  for (const name of (await readdir(migrationsFolder, { recursive: true })).sort()) {
    const file = path.join(migrationsFolder, name);
    if ((await lstat(file)).isFile()) hash.update(name).update(await readFile(file));
  }
  return { folder, file: path.join(folder, `cluster-${hash.digest('hex').slice(0, 24)}.tar`) };
}

/** Moves a new tarball into the cache (whole or not at all), dropping those of older versions. */
async function keepCluster(cache: { folder: string; file: string }, tarball: string): Promise<void> {
  try {
    const partial = `${cache.file}.${process.pid}.partial`;
    await copyFile(tarball, partial);
    await rename(partial, cache.file);
    for (const name of await readdir(cache.folder)) {
      const other = path.join(cache.folder, name);
      if (other !== cache.file && name.startsWith('cluster-') && name.endsWith('.tar')) await rm(other, { force: true });
    }
  } catch {
    // A cache that cannot be written only means the next process makes its own.
  }
}

async function pgliteVersion(): Promise<string> {
  // The package's exports do not include its package.json: find it above the module.
  for (let folder = path.dirname(resolve('@electric-sql/pglite')); folder !== path.dirname(folder); folder = path.dirname(folder)) {
    const text = await readFile(path.join(folder, 'package.json'), 'utf8').catch(() => null);
    const manifest = text ? (JSON.parse(text) as { name?: string; version?: string }) : null;
    if (manifest?.name === '@electric-sql/pglite') return manifest.version ?? 'unknown';
  }
  return 'unknown';
}

/**
 * PGlite in `<dataFolder>/pglite`, or a `DataFolderError` that says why not. A folder PGlite fails
 * on is left as it was: checked before it is opened, and the lock file PGlite writes as it starts
 * is removed again when the start fails.
 */
async function openPgliteFolder({ PGlite, options }: PgliteModules, dataFolder: string): Promise<PGlite> {
  await prepareFolder(dataFolder);
  const location = path.join(dataFolder, 'pglite');
  await prepareFolder(location);
  await checkPgliteFolder(location);
  if ((await readdir(location)).length === 0) {
    try {
      await initdbInChild(location);
    } catch (error) {
      // Half an initdb is no database: leave the folder empty, as it was.
      for (const name of await readdir(location)) await rm(path.join(location, name), { recursive: true, force: true });
      const cause = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 160);
      throw new DataFolderError(location, `PGlite could not create a database in it (${cause})`);
    }
  }
  const lockFile = path.join(location, 'postmaster.pid');
  const hadLockFile = existsSync(lockFile);
  const client = new PGlite(location, options);
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
