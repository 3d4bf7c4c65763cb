/**
 * Starts one Teian server from a `Config`: database and migrations, accounts, the app, the relay.
 * `main.ts` calls it for real; tests call it to get a server on port 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { bootstrapAccounts } from './auth/bootstrap';
import { createBoardTokens } from './auth/board-tokens';
import { loadSessionSecret } from './auth/secret';
import { createSessions } from './auth/sessions';
import type { Config } from './config';
import { openDatabase, type OpenDatabase } from './db/database';
import { createLogger, type Logger } from './log';
import { createBoardStore } from './persistence/board-store';
import { RoomRegistry } from './sync/registry';
import { attachRelay } from './sync/websocket';

export interface RunningServer {
  url: string;
  port: number;
  /** The one-time setup token, when the first admin is still to be created. */
  setupToken: string | null;
  database: OpenDatabase;
  registry: RoomRegistry;
  /** Stops listening, closes every connection, stores and compacts every board, closes the database. */
  close(): Promise<void>;
}

export async function startServer(config: Config, { log = createLogger() }: { log?: Logger } = {}): Promise<RunningServer> {
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
  const { db } = database;
  const secret = await loadSessionSecret(config.sessionSecret, config.dataDir);
  const bootstrap = await bootstrapAccounts(db, config.admin);
  const registry = new RoomRegistry({ store: createBoardStore(db), limits: config.sync, log });
  const tokens = createBoardTokens(secret);
  const app = createApp({
    db,
    sessions: createSessions(db),
    tokens,
    registry,
    bootstrap,
    log,
    clientDir: config.clientDir,
  });

  const server = await new Promise<Server>((resolve) => {
    const listening = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () =>
      resolve(listening as Server),
    );
  });
  const relay = attachRelay(server, { registry, tokens, limits: config.sync, log });
  const { port } = server.address() as AddressInfo;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  return {
    url: `http://${shownHost}:${port}`,
    port,
    setupToken: bootstrap.setup.token,
    database,
    registry,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await registry.closeAll();
      relay.close();
      await closed;
      await database.close();
    },
  };
}
