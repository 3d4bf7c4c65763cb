/**
 * Builds the Hono app: the JSON API under `/api`, health checks, and the built client. It never
 * listens (server.ts does), so tests drive it in-process with `app.request()`.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { timeout } from 'hono/timeout';
import { authRoutes } from './http/auth';
import { limitBody, strictUtf8Json } from './http/body';
import { boardRoutes } from './http/boards';
import { loadSession, type AppDeps, type AppEnv } from './http/context';
import { apiError, createErrorHandler, notFound } from './http/errors';
import { facilityRoutes } from './http/facility';
import { healthRoutes } from './http/health';
import { historyRoutes } from './http/history';
import { ideaRoutes } from './http/ideas';
import { joinRoutes } from './http/join';
import { lockoutRoutes } from './http/lockouts';
import { meetingRoutes } from './http/meetings';
import { participantRoutes } from './http/participants';
import { presentRoutes } from './http/present';
import { readingRoutes } from './http/readings';
import { reportRoutes } from './http/reports';
import { securityHeaders } from './http/security-headers';
import { sessionCookies } from './http/session-cookie';
import { snapshotRoutes } from './http/snapshots';

export interface AppOptions extends AppDeps {
  /** The built client (dist/client); served when it exists. */
  clientDir?: string | undefined;
}

/**
 * No API request waits longer than this: a database that hangs rather than refuses (a network that
 * drops packets) gets the same 503 as one that is down.
 */
const REQUEST_DEADLINE_MS = 10_000;

export function createApp(options: AppOptions) {
  const api = new Hono<AppEnv>()
    .use(timeout(REQUEST_DEADLINE_MS, () => apiError(503, 'The server cannot save just now. Please try again in a moment.')))
    .use(sessionCookies({ secure: options.publicUrl?.protocol === 'https:' }))
    .use(loadSession(options.sessions))
    .route('/', authRoutes(options))
    .route('/', joinRoutes(options))
    // Before the board routes, whose staff guard covers every path under /boards.
    .route('/', presentRoutes(options))
    .route('/', readingRoutes(options))
    .route('/boards', boardRoutes(options))
    .route('/', meetingRoutes(options))
    .route('/', ideaRoutes(options))
    .route('/', historyRoutes(options))
    .route('/', snapshotRoutes(options))
    .route('/', reportRoutes(options))
    .route('/participants', participantRoutes(options))
    .route('/lockouts', lockoutRoutes(options))
    .route('/facility', facilityRoutes(options));

  // Every answer gets the headers, the client's files and the errors too: first, so that they are
  // set however the request ends. Then the body's bounds, before anything reads a body.
  const app = new Hono<AppEnv>()
    .use(securityHeaders({ publicUrl: options.publicUrl }))
    .use(limitBody())
    .use(strictUtf8Json)
    .route('/', healthRoutes(options))
    .route('/api', api);
  app.onError(createErrorHandler(options.log));
  app.notFound(notFound);

  const { clientDir } = options;
  if (clientDir && existsSync(clientDir)) serveClient(app, clientDir);
  return app;
}

/** Static files, and index.html for every other page path (the client routes by itself). */
function serveClient(app: Hono<AppEnv>, clientDir: string): void {
  const root = path.relative(process.cwd(), clientDir);
  const indexHtml = readFile(path.join(clientDir, 'index.html'), 'utf8');
  app.use('/assets/*', serveStatic({ root }));
  app.get('*', async (c, next) => {
    if (c.req.path.startsWith('/api/') || c.req.path.startsWith('/yjs/')) return next();
    const file = await serveStatic({ root })(c, async () => {});
    if (file) return file;
    return c.html(await indexHtml);
  });
}
