/**
 * Assembles one Teian server from a `Config`: database and migrations, accounts, the app, the
 * relay. `main.ts` starts it for real; tests build it in-process (`buildServer`) or on port 0
 * (`startServer`).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { createBoardAccess } from './auth/board-access';
import { bootstrapAccounts } from './auth/bootstrap';
import { createAnonymousIds } from './auth/anonymous-ids';
import { createBoardTokens, type BoardTokens } from './auth/board-tokens';
import { createGuessLimits } from './auth/guess-limits';
import { createKnownDevices } from './auth/known-devices';
import { loadSessionSecret } from './auth/secret';
import { createSessions } from './auth/sessions';
import type { Config } from './config';
import { openDatabase, type OpenDatabase } from './db/database';
import { createLogger, type Logger } from './log';
import { createMetrics, type Metrics } from './metrics';
import { createBoardStore, type BoardStore } from './persistence/board-store';
import type { ChangePolicy } from './permissions/policy';
import { Cluster } from './cluster/cluster';
import { RoomRegistry } from './sync/registry';
import { attachRelay } from './sync/websocket';

export interface BuiltServer {
  app: ReturnType<typeof createApp>;
  database: OpenDatabase;
  registry: RoomRegistry;
  tokens: BoardTokens;
  /** The one-time setup token, when the first admin is still to be created. */
  setupToken: string | null;
  /** The link to the other instances, when `REDIS_URL` is set. */
  cluster: Cluster | null;
  /** `/metrics`' gauges: the relay adds its own once attached. */
  metrics: Metrics;
  /** Stores and compacts every board and closes the database. */
  close(): Promise<void>;
  /**
   * Stops as a crash would, as far as the other instances can tell (tests of scale-out): no lease
   * is released, nothing is stored or compacted, and every socket just drops.
   */
  crash(): Promise<void>;
}

export interface RunningServer extends BuiltServer {
  url: string;
  port: number;
}

export interface ServerOptions {
  log?: Logger;
  /** Whether an actor may make a change: spec 6 (`enforceRules`) unless a benchmark passes `allowAll`. */
  policy?: ChangePolicy;
  /**
   * Wraps the board store the relay uses. Only the commit-path benchmark passes one (a store that
   * drops history events, to measure what writing them costs); the server itself never does.
   */
  wrapStore?: (store: BoardStore) => BoardStore;
}

export async function buildServer(
  config: Config,
  { log = createLogger(), policy, wrapStore = (store) => store }: ServerOptions = {},
): Promise<BuiltServer> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const { db } = database;
  const secret = await loadSessionSecret(config.sessionSecret, config.dataDir);
  const bootstrap = await bootstrapAccounts(db, config.admin);
  const metrics = createMetrics();
  const registry = new RoomRegistry({
    store: wrapStore(createBoardStore(db)),
    limits: config.sync,
    log,
    metrics: metrics.sync,
    policy,
    authorize: createBoardAccess(db),
  });
  // Scale-out: only with REDIS_URL; without it no Redis code runs at all.
  const cluster = config.redisUrl
    ? await registry.joinCluster(
        (handlers) => Cluster.connect({ url: config.redisUrl!, prefix: config.redisPrefix, leaseTtlMs: config.leaseTtlMs, log }, handlers),
        config.sync,
      )
    : null;
  metrics.observe({
    loadedBoards: () => registry.loadedCount,
    connections: () => registry.connectionCount,
    waitingBoards: () => registry.waitingBoards.length,
    unstoredBytes: () => registry.unstoredBytes,
    // How far behind the owners' streams this instance is reading (ms between publish and receipt).
    ...(cluster ? { redisLagSeconds: () => cluster.lagMs() / 1000 } : {}),
  });
  const tokens = createBoardTokens(secret);
  // Guessing limits count across the cluster (server/auth/guess-limits.ts), on a link of their own.
  const guessStore = config.redisUrl ? new (await import('ioredis')).Redis(config.redisUrl, { maxRetriesPerRequest: 2 }) : null;
  const app = createApp({
    db,
    sessions: createSessions(db),
    tokens,
    registry,
    bootstrap,
    anonymousIds: createAnonymousIds(secret),
    log,
    metrics: metrics.registry,
    clientDir: config.clientDir,
    publicUrl: config.publicUrl,
    guesses: createGuessLimits({ settings: config.guessLimits, log, ...(guessStore ? { shared: { redis: guessStore, prefix: config.redisPrefix } } : {}) }),
    knownDevices: createKnownDevices(secret),
    trustProxy: config.trustProxy,
  });
  return {
    app,
    database,
    registry,
    tokens,
    cluster,
    metrics,
    setupToken: bootstrap.setup.token,
    async close() {
      await registry.closeAll(config.sync.shutdownDeadlineMs);
      guessStore?.disconnect();
      await database.close();
    },
    async crash() {
      guessStore?.disconnect();
      await cluster?.close({ graceful: false });
      await database.close().catch(() => {});
    },
  };
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger();
  const built = await buildServer(config, { ...options, log });
  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: built.app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(listening as Server),
    );
  });
  const relay = attachRelay(server, { registry: built.registry, tokens: built.tokens, limits: config.sync, log });
  built.metrics.observe({ outboundBuffers: () => relay.outboundBuffers() });
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  return {
    ...built,
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      // Rooms close their sockets with a "going away" code before the relay drops what is left.
      await built.close();
      relay.close();
      await closed;
    },
    async crash() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      relay.close();
      server.closeAllConnections();
      await built.crash();
      await closed;
    },
  };
}
