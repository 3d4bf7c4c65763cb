/**
 * What the permission check costs (issue 3): updates per second through the relay, with and
 * without the check, at 100 clients on one board, in the same run, reported as a ratio.
 *
 * Each of the 100 clients is a guest with its own token. Their updates (ideas they post, in the
 * collect phase, so that the check accepts them) are made beforehand, so the clients cost almost
 * nothing while the clock runs; every client completes the sync handshake, so the server relays
 * every update to all 100 sockets as it would in a meeting. The clock stops when one observer
 * document has all ideas. Runs alternate between the two servers to spread out machine noise,
 * after one discarded warm-up round each.
 */
import { configFromEnv } from '../server/config';
import { silentLogger } from '../server/log';
import { allowAll, enforceRules } from '../server/permissions/policy';
import { startServer, type RunningServer } from '../server/server';
import { ApiClient } from '../tests/helpers/api-client';
import { ADMIN } from '../tests/helpers/server';
import { median, openObserver, openWriter, sendUpdate } from './relay-clients';

export { median } from './relay-clients';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const UPDATES_PER_CLIENT = Number(process.env.BENCH_UPDATES ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

export interface PermissionsCostResult {
  withCheck: number[];
  withoutCheck: number[];
  ratio: number;
}

export async function permissionsCost(): Promise<PermissionsCostResult> {
  const servers = {
    withCheck: await benchServer(true),
    withoutCheck: await benchServer(false),
  };
  const results = { withCheck: [] as number[], withoutCheck: [] as number[] };
  try {
    // One discarded round each, so that neither server is measured while the JIT warms up.
    await measure(servers.withCheck);
    await measure(servers.withoutCheck);
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of ['withCheck', 'withoutCheck'] as const) {
        results[name].push(await measure(servers[name]));
      }
    }
  } finally {
    await servers.withCheck.close();
    await servers.withoutCheck.close();
  }
  return { ...results, ratio: median(results.withCheck) / median(results.withoutCheck) };
}

function benchServer(checkPermissions: boolean): Promise<RunningServer> {
  const policy = checkPermissions ? enforceRules : allowAll;
  const base = configFromEnv({});
  return startServer(
    {
      ...base,
      port: 0,
      dataDir: 'memory://',
      databaseUrl: process.env.BENCH_DATABASE_URL,
      sessionSecret: 'bench-secret-long-enough-for-hs256',
      admin: { ...ADMIN },
      clientDir: '/nonexistent',
      sync: { ...base.sync, maxMessagesPerSecond: 1_000_000 },
    },
    { log: silentLogger, policy },
  );
}

/** Updates per second for one fresh board on `server`. */
async function measure(server: RunningServer): Promise<number> {
  const staff = new ApiClient(server.url);
  await staff.login();
  const board = await staff.createBoard('bench');
  const writers = await Promise.all(
    Array.from({ length: CLIENTS }, async (_, index) => {
      const guest = new ApiClient(server.url);
      const { actorId } = await guest.joinAsGuest(board.joinCode!, `guest ${index}`);
      const { token } = await guest.boardToken(board.id);
      return openWriter(server.url, board.id, token, { actorId, index, count: UPDATES_PER_CLIENT });
    }),
  );
  const observer = await openObserver(server.url, board.id, (await staff.boardToken(board.id)).token);
  const total = CLIENTS * UPDATES_PER_CLIENT;

  const started = performance.now();
  for (let i = 0; i < UPDATES_PER_CLIENT; i++) {
    for (const writer of writers) sendUpdate(writer, i);
  }
  await observer.seen(total);
  const seconds = (performance.now() - started) / 1000;

  for (const writer of writers) writer.socket.close();
  observer.close();
  return total / seconds;
}
