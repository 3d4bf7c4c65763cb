/**
 * Teian as a server of the comparison benchmark, in a process of its own so that its CPU time and
 * memory are its own (with PGlite, the database's too: it runs in this thread), run by tsx as
 * `npm start` runs it. `bench/compare/servers.ts` forks it with `BENCH_COMPARE_SERVER`, and talks to
 * it over IPC: it sends `{ ready: url }` once listening, and `{ op: 'close' }` closes it (storing and
 * compacting every board) and ends the process. The references run in `reference-server.mjs`.
 *
 * It is the real server through `startServer` and a `Config`, whatever is on main, with the
 * permission guard, durable group commit and history on. Two limits are raised because the
 * benchmark's one writer per board sends far more than a person would: the messages a connection
 * may send per second, and the update bytes one person may add per minute.
 */
import type { Config } from '../../server/config';
import { ADMIN } from '../../tests/helpers/server';

export type ServerKind = 'teian' | 'ywebsocket' | 'hocuspocus';

export interface ServerSpec {
  kind: ServerKind;
  /** Teian only: PostgreSQL's URL, or undefined for PGlite in `dataDir`. */
  databaseUrl?: string;
  /** Teian on PGlite only: `memory://` or a folder (the large boards are seeded there beforehand). */
  dataDir?: string;
}

/** The session secret of every Teian the benchmark starts: board tokens outlive a restart. */
export const BENCH_SESSION_SECRET = 'bench-secret-long-enough-for-hs256';

interface Running {
  url: string;
  close(): Promise<void>;
}

async function startTeian(spec: ServerSpec): Promise<Running> {
  const { configFromEnv } = await import('../../server/config');
  const { silentLogger } = await import('../../server/log');
  const { startServer } = await import('../../server/server');
  const base = configFromEnv({});
  const config: Config = {
    ...base,
    port: 0,
    host: '127.0.0.1',
    dataDir: spec.dataDir ?? 'memory://',
    databaseUrl: spec.databaseUrl,
    sessionSecret: BENCH_SESSION_SECRET,
    admin: { ...ADMIN },
    clientDir: '/nonexistent',
    sync: {
      ...base.sync,
      maxMessagesPerSecond: 1_000_000,
      quotas: { ...base.sync.quotas, growthBytesPerMinute: 1024 * 1024 * 1024 },
    },
  };
  const server = await startServer(config, { log: silentLogger });
  return { url: server.url, close: () => server.close() };
}

const spec = JSON.parse(process.env.BENCH_COMPARE_SERVER ?? 'null') as ServerSpec | null;
if (!spec || !process.send) throw new Error('bench/compare/server.ts is forked by bench/compare/servers.ts');
// Never outlive the benchmark, whatever happened to it.
process.on('disconnect', () => process.exit());
if (spec.kind !== 'teian') throw new Error('the references run in bench/compare/reference-server.mjs');
const running = await startTeian(spec);
process.on('message', (request: { op: 'close' }) => {
  if (request.op !== 'close') return;
  void running.close().then(() => {
    process.send!({ closed: true });
    process.disconnect();
  });
});
process.send({ ready: running.url });
