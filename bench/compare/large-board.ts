/**
 * Large boards: a board with 2,000 ideas, 20,000 votes and a history of 100,000 updates, made with
 * shared/board.ts's writers in a real Y.Doc, each person with a Yjs client of their own.
 *
 * Teian's boards are seeded straight into its database the way `server/persistence/board-store.ts`
 * stores them, while no server runs: one board keeps the 100,000 updates as log rows (`log`), the
 * other has them folded into one compaction snapshot (`compacted`). Each form is then measured on a
 * fresh server, so the board is cold: while (a)-like traffic runs on another board, one client
 * opens the large board, and its load time (socket opened → sync step 2 arrived) and the step 2's
 * size are recorded, with the other board's p99 over the same window. The references have no
 * database: a client sends them the same document as one update first and stays connected
 * (`memory`), so theirs is the cost of a first sync from memory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq, lte } from 'drizzle-orm';
import { WebSocket } from 'ws';
import * as Y from 'yjs';
import { boardSnapshots, boardUpdates } from '../../drizzle/schema';
import { openDatabase } from '../../server/db/database';
import { createBoardStore } from '../../server/persistence/board-store';
import { addIdea, castVote, editIdea } from '../../shared/board';
import { newId } from '../../shared/ids';
import { ClientPool } from './clients';
import { boardUrl, openingMessages, readMessage, updateMessage } from './protocol';
import { createPostgresDatabase, kindOf, startServer, type Contender, type TeianDatabase } from './servers';
import { driveTraffic, makeBoards, refusedChanges, type BoardAccess, type TrafficResult } from './traffic';

export const LARGE = { ideas: 2000, authors: 200, voters: 4000, votesPerVoter: 5, updates: 100_000 };

export interface LargeResult {
  contender: Contender;
  form: 'log' | 'compacted' | 'memory';
  loadMs: number;
  syncBytes: number;
  otherBoard: Omit<TrafficResult, 'contender' | 'idleRss' | 'peakRss' | 'refused'>;
  peakRss: number;
  refused: number | null;
}

interface Content {
  /** The updates in order, with whose they are. */
  rows: { update: Uint8Array; actorId: string }[];
  /** All of them as one update. */
  state: Uint8Array;
}

/**
 * The board's content, independent of the board it lands on (only root maps, which never conflict).
 * Every person writes in a document of their own, as each would in their browser: their own ideas
 * and edits, or their own votes (a voter puts a dot on three ideas and then moves one, five updates
 * and three dots each). One shared document with a switching client id would make every
 * transaction pay for all 4,200 clients' state vector, and the building would take minutes.
 */
function buildContent(): Content {
  const rows: Content['rows'] = [];
  const people = new Map<string, Y.Doc>();
  const as = (actorId: string, clientId: number): Y.Doc => {
    let doc = people.get(actorId);
    if (!doc) {
      doc = new Y.Doc();
      doc.clientID = clientId;
      doc.on('update', (update: Uint8Array) => rows.push({ update, actorId }));
      people.set(actorId, doc);
    }
    return doc;
  };
  const author = (idea: number) => {
    const index = idea % LARGE.authors;
    return { actorId: `author-${index}`, doc: as(`author-${index}`, 10_000_000 + index) };
  };
  for (let idea = 0; idea < LARGE.ideas; idea++) {
    const { actorId, doc } = author(idea);
    addIdea(doc, { id: `idea-${idea}`, text: `改善のアイデア ${idea}: 作業場の棚の高さを変える`, authorId: actorId, createdAt: 1_700_000_000_000 + idea });
  }
  for (let voter = 0; voter < LARGE.voters; voter++) {
    const actorId = `voter-${voter}`;
    const doc = as(actorId, 10_000_000 + LARGE.authors + voter);
    const ideas = [0, 1, 2, 3].map((k) => `idea-${(voter * 7 + k * 331) % LARGE.ideas}`);
    castVote(doc, actorId, ideas[0]!, 1);
    castVote(doc, actorId, ideas[1]!, 1);
    castVote(doc, actorId, ideas[2]!, 1);
    castVote(doc, actorId, ideas[2]!, -1);
    castVote(doc, actorId, ideas[3]!, 1);
  }
  for (let edit = 0; rows.length < LARGE.updates; edit++) {
    const idea = edit % LARGE.ideas;
    editIdea(author(idea).doc, `idea-${idea}`, { text: `改善のアイデア ${idea}: 書き直し ${Math.floor(edit / LARGE.ideas) + 1} 回目` });
  }
  const whole = new Y.Doc();
  Y.applyUpdate(whole, Y.mergeUpdates([...people.values()].map((doc) => Y.encodeStateAsUpdate(doc))));
  return { rows, state: Y.encodeStateAsUpdate(whole) };
}

let cached: Content | null = null;
const content = () => (cached ??= buildContent());

/** Writes the content into `logBoard` as log rows and into `compactedBoard` as one compaction snapshot. */
async function seed(database: TeianDatabase, logBoard: string, compactedBoard: string): Promise<void> {
  const { rows, state } = content();
  const opened = await openDatabase({ url: database.url, dataDir: database.dataDir ?? 'memory://' });
  try {
    const { db } = opened;
    for (let start = 0; start < rows.length; start += 2000) {
      const commitId = newId();
      await db.insert(boardUpdates).values(rows.slice(start, start + 2000).map((row) => ({ boardId: logBoard, commitId, ...row })));
    }
    // The compacted board's state is its own first rows and the content, folded as compaction folds them.
    const stored = await createBoardStore(db).load(compactedBoard);
    if (!stored) throw new Error(`board ${compactedBoard} is not in the database`);
    const doc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
    for (const update of stored.updates) Y.applyUpdate(doc, update);
    Y.applyUpdate(doc, state);
    await db.transaction(async (tx) => {
      await tx.insert(boardSnapshots).values({
        id: newId(),
        boardId: compactedBoard,
        kind: 'compaction',
        state: Y.encodeStateAsUpdate(doc),
        upToSeq: stored.lastSeq,
        takenBy: 'server',
      });
      await tx.delete(boardUpdates).where(and(eq(boardUpdates.boardId, compactedBoard), lte(boardUpdates.seq, stored.lastSeq)));
    });
  } finally {
    await opened.close();
  }
}

const LOAD_LIMIT_MS = Number(process.env.BENCH_LOAD_LIMIT_SECONDS ?? 20) * 1000;
const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));

type Window = { warmupSeconds: number; measureSeconds: number };

const otherBoardTraffic = (window: Window) => ({ boards: 1, clientsPerBoard: 50, ratePerWriter: 100, ...window });

/** Traffic on `other` while one client opens `large` at the window's start; a fresh server is already running. */
async function measureFirstSync(
  server: Awaited<ReturnType<typeof startServer>>,
  other: BoardAccess,
  large: { board: string; token: string },
  window: Window,
) {
  // The loader's worker starts before the window, so that starting it is not in the measurement.
  const loader = new ClientPool(server.kind, server.url, [[{ role: 'idle', board: large.board, token: large.token, watches: -1 }]], 0);
  let synced = { ms: NaN, bytes: NaN };
  try {
    const otherBoard = await driveTraffic(server, [other], otherBoardTraffic(window), {
      during: async () => {
        // A load that takes longer than this is reported as not done (NaN) rather than holding up the run.
        const first = await Promise.race([loader.connect().then((all) => all[0]), sleep(LOAD_LIMIT_MS)]);
        if (first) synced = first;
      },
    });
    return { loadMs: synced.ms, syncBytes: synced.bytes, otherBoard, peakRss: server.memory().peak, refused: await refusedChanges(server) };
  } finally {
    await loader.close();
  }
}

async function teianRuns(contender: 'teian-pglite' | 'teian-postgres', window: Window): Promise<LargeResult[]> {
  let database: TeianDatabase;
  if (contender === 'teian-postgres') database = await createPostgresDatabase(process.env.BENCH_DATABASE_URL!);
  else {
    // On disk, so that the seeding (in this process) and the servers (in theirs) share it.
    const dataDir = mkdtempSync(path.join(tmpdir(), 'teian-bench-large-'));
    database = { dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  }
  try {
    const setup = await startServer(contender, database, `large-setup-${contender}`);
    let others: BoardAccess[];
    let larges: BoardAccess[];
    try {
      // A board of its own for each form's traffic: its writer's client starts anew with each server.
      others = await makeBoards(setup, 2, 'other');
      larges = await makeBoards(setup, 2, 'large', { writers: false });
    } finally {
      await setup.close();
    }
    await seed(database, larges[0]!.board, larges[1]!.board);
    const results: LargeResult[] = [];
    for (const [index, form] of (['log', 'compacted'] as const).entries()) {
      const server = await startServer(contender, database, `large-${form}-${contender}`);
      try {
        const measured = await measureFirstSync(server, others[index]!, { board: larges[index]!.board, token: larges[index]!.readerToken }, window);
        results.push({ contender, form, ...measured });
      } finally {
        // Not `close`: storing and compacting a board that may still be loading would take longer
        // than the measurement, and the database is dropped next.
        await server.kill();
      }
    }
    return results;
  } finally {
    await database.drop();
  }
}

/** Sends the content to a reference server's `large` document and keeps the socket open (their documents live while someone is connected). */
async function holdInMemory(contender: Contender, url: string): Promise<WebSocket> {
  const kind = kindOf(contender);
  const socket = new WebSocket(boardUrl(kind, url, 'large', ''));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const applied = new Promise<void>((resolve) =>
    socket.on('message', (data: Buffer) => {
      // The step 2 answers the step 1 sent after the update: the server has applied it by then.
      if (readMessage(kind, new Uint8Array(data))?.type === 'step2') resolve();
    }),
  );
  const [first, ...rest] = openingMessages(kind, 'large');
  if (kind === 'hocuspocus') socket.send(first!);
  socket.send(updateMessage(kind, 'large', content().state));
  for (const message of kind === 'hocuspocus' ? rest : [first!]) socket.send(message);
  await applied;
  return socket;
}

async function referenceRun(contender: Contender, window: Window): Promise<LargeResult> {
  const server = await startServer(contender, null, `large-${contender}`);
  try {
    const holder = await holdInMemory(contender, server.url);
    try {
      const [other] = await makeBoards(server, 1, 'other');
      const measured = await measureFirstSync(server, other!, { board: 'large', token: '' }, window);
      return { contender, form: 'memory', ...measured };
    } finally {
      holder.terminate();
    }
  } finally {
    await server.close();
  }
}

export async function largeBoardRun(servers: Contender[], window: Window): Promise<LargeResult[]> {
  const results: LargeResult[] = [];
  for (const contender of servers) {
    if (contender === 'teian-pglite' || contender === 'teian-postgres') results.push(...(await teianRuns(contender, window)));
    else results.push(await referenceRun(contender, window));
  }
  return results;
}
