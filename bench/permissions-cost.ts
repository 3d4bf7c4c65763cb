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
import { allowAll, enforceRules } from '../server/permissions/policy';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import * as encoding from 'lib0/encoding';
import * as decoding from 'lib0/decoding';
import * as syncProtocol from 'y-protocols/sync';
import { configFromEnv } from '../server/config';
import { silentLogger } from '../server/log';
import { startServer, type RunningServer } from '../server/server';
import { addIdea, boardRoots } from '../shared/board';
import { ApiClient } from '../tests/helpers/api-client';
import { ADMIN } from '../tests/helpers/server';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 100);
const UPDATES_PER_CLIENT = Number(process.env.BENCH_UPDATES ?? 20);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);

interface Writer {
  socket: WebSocket;
  updates: Uint8Array[];
}

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
      return openWriter(server.url, board.id, token, actorId, index);
    }),
  );
  const observer = await openObserver(server.url, board.id, (await staff.boardToken(board.id)).token);
  const total = CLIENTS * UPDATES_PER_CLIENT;

  const started = performance.now();
  for (let i = 0; i < UPDATES_PER_CLIENT; i++) {
    for (const writer of writers) writer.socket.send(syncUpdate(writer.updates[i]!));
  }
  await observer.seen(total);
  const seconds = (performance.now() - started) / 1000;

  for (const writer of writers) writer.socket.close();
  observer.close();
  return total / seconds;
}

async function openWriter(baseUrl: string, boardId: string, token: string, actorId: string, index: number): Promise<Writer> {
  const doc = new Y.Doc();
  const updates: Uint8Array[] = [];
  doc.on('update', (update: Uint8Array) => updates.push(update));
  for (let i = 0; i < UPDATES_PER_CLIENT; i++) {
    addIdea(doc, { id: `c${index}-i${i}`, text: `アイデア ${index}-${i}`, authorId: actorId });
  }
  const socket = await openSocket(baseUrl, boardId, token);
  // Sync step 1 with an empty state vector: the server answers, and from then on relays to us.
  socket.send(syncStep1(new Y.Doc()));
  return { socket, updates };
}

async function openObserver(baseUrl: string, boardId: string, token: string) {
  const doc = new Y.Doc();
  const socket = await openSocket(baseUrl, boardId, token);
  socket.on('message', (data: Buffer) => {
    const decoder = decoding.createDecoder(new Uint8Array(data));
    if (decoding.readVarUint(decoder) !== 0) return; // awareness
    syncProtocol.readSyncMessage(decoder, encoding.createEncoder(), doc, 'server');
  });
  socket.send(syncStep1(doc));
  const ideas = boardRoots(doc).ideas;
  return {
    seen: (count: number) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (ideas.size < count) return;
          ideas.unobserve(check);
          resolve();
        };
        ideas.observe(check);
        check();
      }),
    close: () => socket.close(),
  };
}

function openSocket(baseUrl: string, boardId: string, token: string): Promise<WebSocket> {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/yjs/${boardId}?token=${token}`);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function syncStep1(doc: Y.Doc): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeSyncStep1(encoder, doc);
  return encoding.toUint8Array(encoder);
}

function syncUpdate(update: Uint8Array): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, 0);
  syncProtocol.writeUpdate(encoder, update);
  return encoding.toUint8Array(encoder);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
