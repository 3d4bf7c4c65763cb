/**
 * Scenario (d): 2,000 idle connections over 200 boards (10 each), every one synced and then quiet.
 * The server's RSS once its boards exist and before anyone connects, against its RSS two seconds
 * after the last connection synced, divided by the connections: what one idle connection costs in
 * server memory, its share of its board's loaded room included. On PostgreSQL the database's
 * memory is not in it (it is another process); on PGlite it is.
 */
import { ClientPool, type ClientSpec } from './clients';
import { startServer, type Contender } from './servers';
import { freshDatabase, makeBoards } from './traffic';

export const IDLE_BOARDS = Number(process.env.BENCH_IDLE_BOARDS ?? 200);
export const IDLE_PER_BOARD = 10;

export interface IdleResult {
  contender: Contender;
  connections: number;
  rssBefore: number;
  rssAfter: number;
  peakRss: number;
  bytesPerConnection: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function idleRun(contender: Contender, label: string): Promise<IdleResult> {
  const database = await freshDatabase(contender);
  const server = await startServer(contender, database, `${label}-${contender}`);
  try {
    const boards = await makeBoards(server, IDLE_BOARDS, label, { writers: false });
    const groups: ClientSpec[][] = [[], []];
    boards.forEach((access, index) => {
      for (let i = 0; i < IDLE_PER_BOARD; i++) groups[(index * IDLE_PER_BOARD + i) % 2]!.push({ role: 'idle', board: access.board, token: access.readerToken, watches: -1 });
    });
    // Let what making the boards allocated settle before the baseline.
    await sleep(1000);
    const rssBefore = server.memory().rss;
    const pool = new ClientPool(server.kind, server.url, groups, 0);
    try {
      await pool.connect();
      await sleep(2000);
      const rssAfter = server.memory().rss;
      const connections = IDLE_BOARDS * IDLE_PER_BOARD;
      return { contender, connections, rssBefore, rssAfter, peakRss: server.memory().peak, bytesPerConnection: (rssAfter - rssBefore) / connections };
    } finally {
      await pool.close();
    }
  } finally {
    await server.close();
    await database?.drop();
  }
}
