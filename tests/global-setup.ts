/**
 * Vitest global setup, before any test file starts:
 * - builds the client into dist/client once per run, so `npm test` on a clean checkout serves the
 *   real app to the browser tests (`startTestServer({ serveClient: true })`); API tests do not
 *   read the build;
 * - opens one in-memory PGlite, so that the new cluster it starts from is made and kept on disk
 *   (server/db/database.ts) before the test files, which each open one, race to make it.
 */
import path from 'node:path';
import { build } from 'vite';
import { openDatabase } from '../server/db/database';

const repoRoot = path.resolve(import.meta.dirname, '..');

export default async function setup(): Promise<void> {
  await Promise.all([buildClient(), openDatabase({ dataDir: 'memory://' }).then((database) => database.close())]);
}

async function buildClient(): Promise<void> {
  // Vitest sets NODE_ENV=test, and Vite takes anything but "production" as a development build
  // (Svelte's dev runtime, `process.env.NODE_ENV` inlined as "test"). Test what `npm start` ships.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      configFile: path.join(repoRoot, 'vite.config.ts'),
      // vite.config.ts names its root relative to the working directory; pin it to this checkout.
      root: path.join(repoRoot, 'client'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}
