/** Real Teian servers for tests: on port 0, or in-process for `app.request()`. */
import path from 'node:path';
import type { GuessLimitSettings } from '../../server/auth/guess-limits';
import { configFromEnv, type Config, type SyncLimits } from '../../server/config';
import { silentLogger, type Logger } from '../../server/log';
import { buildServer, startServer, type BuiltServer, type RunningServer, type ServerOptions } from '../../server/server';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from './databases';

export const ADMIN = { login: 'admin', password: 'correct-horse-battery' } as const;

export interface TestServerOptions {
  kind?: DatabaseKind;
  /** Reuse a database (to restart a server on the same data). */
  database?: TestDatabase;
  sync?: Partial<SyncLimits>;
  /** Create the admin from the environment (default) or leave the one-time setup link. */
  withAdmin?: boolean;
  sessionSecret?: string;
  /**
   * Serve the built client from dist/client (browser tests). tests/global-setup.ts builds it once
   * per run; without this option the server has no client, so API tests never depend on a build.
   */
  serveClient?: boolean;
  /** Where the server logs (silent by default); see tests/helpers/log.ts to capture it. */
  log?: Logger;
  /** `TEIAN_PUBLIC_URL`: an https address makes the session cookie `Secure`. */
  publicUrl?: string;
  /** Guessing limits (small numbers, to reach them in a test); the rest stay the defaults. */
  guessLimits?: Partial<GuessLimitSettings>;
  /** `TEIAN_TRUST_PROXY`: take the client's address from `X-Forwarded-For` (tests name addresses so). */
  trustProxy?: boolean;
  /** Wraps the real store (a test that holds commits, to see what waits meanwhile). */
  wrapStore?: ServerOptions['wrapStore'];
}

const repoRoot = path.resolve(import.meta.dirname, '../..');

/**
 * dist/client, or `TEIAN_TEST_CLIENT_DIR`: a build of one's own (`npx vite build --outDir …`), so
 * that people working side by side in one checkout do not serve each other's half-built client.
 */
function clientBuild(): string {
  return path.resolve(repoRoot, process.env.TEIAN_TEST_CLIENT_DIR || 'dist/client');
}

function testConfig(database: TestDatabase, options: TestServerOptions): Config {
  const base = configFromEnv({});
  return {
    ...base,
    port: 0,
    host: '127.0.0.1',
    databaseUrl: database.url,
    dataDir: database.dataDir,
    sessionSecret: options.sessionSecret ?? 'test-secret-that-is-long-enough-for-hs256',
    admin: options.withAdmin === false ? undefined : { ...ADMIN },
    publicUrl: options.publicUrl ? new URL(options.publicUrl) : undefined,
    clientDir: options.serveClient ? clientBuild() : '/nonexistent',
    sync: { ...base.sync, unloadAfterMs: 200, ...options.sync },
    guessLimits: { ...base.guessLimits, ...options.guessLimits },
    trustProxy: options.trustProxy ?? false,
  };
}

export interface TestServer extends RunningServer {
  testDatabase: TestDatabase;
  /** Closes the server and drops its database. */
  stop(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await createTestDatabase(options.kind ?? 'pglite'));
  const server = await startServer(testConfig(database, options), { log: options.log ?? silentLogger, wrapStore: options.wrapStore });
  return {
    ...server,
    testDatabase: database,
    async stop() {
      await server.close();
      if (!options.database) await database.drop();
    },
  };
}

export interface TestApp extends BuiltServer {
  stop(): Promise<void>;
}

/** The app without a listening socket, for `app.request()`. */
export async function buildTestApp(options: TestServerOptions = {}): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase(options.kind ?? 'pglite'));
  const built = await buildServer(testConfig(database, options), { log: options.log ?? silentLogger });
  return {
    ...built,
    async stop() {
      await built.close();
      if (!options.database) await database.drop();
    },
  };
}
