/**
 * [issue 11, item 3] A board with a long log is folded in a worker thread (server/sync/board-loader.ts)
 * and a compacted one is answered from its snapshot: either way a first sync gets exactly the
 * stored, committed content, and a stored row whose structs wait for a change the server never
 * had is in no answer. A worker that fails leaves the fold to the main thread, with the same board.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardSnapshots, boardUpdates } from '../drizzle/schema';
import { createBoardStore } from '../server/persistence/board-store';
import { FOLD_IN_WORKER_ROWS, loadBoard } from '../server/sync/board-loader';
import { addIdea, boardToJson, editIdea } from '../shared/board';
import { newId } from '../shared/ids';
import { ApiClient } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { connectBoard } from './helpers/yjs-client';

/** Enough rows that the registry folds them in a worker. */
const ROWS = FOLD_IN_WORKER_ROWS + 500;

/** A board's log: ideas and edits, each its own update, and one row whose first half is missing. */
function history() {
  const rows: Uint8Array[] = [];
  const doc = new Y.Doc();
  doc.on('update', (update: Uint8Array) => rows.push(update));
  for (let i = 0; rows.length < ROWS; i++) {
    if (i < 500) addIdea(doc, { id: `i${i}`, text: `idea ${i}`, authorId: 'staff-1' });
    else editIdea(doc, `i${i % 500}`, { text: `edit ${i}` });
  }
  const expected = boardToJson(doc);
  // A stranger's idea of which the log holds only the edit: its structs wait for the missing creation.
  const stranger = new Y.Doc();
  const strangerRows: Uint8Array[] = [];
  stranger.on('update', (update: Uint8Array) => strangerRows.push(update));
  addIdea(stranger, { id: 'pending', text: 'never committed', authorId: 'staff-1' });
  editIdea(stranger, 'pending', { text: 'waits for its creation' });
  return { rows: [...rows, strangerRows[1]!], expected, state: Y.encodeStateAsUpdate(doc) };
}

describe.each(databaseKinds())('loading large boards on %s', (kind) => {
  let server: TestServer;
  let staff: ApiClient;

  beforeAll(async () => {
    server = await startTestServer({ kind, sync: { compactAfterUpdates: 1_000_000 } });
    staff = new ApiClient(server.url);
    await staff.login();
  });
  afterAll(() => server.stop());

  /** What a new y-websocket client is shown of the board. */
  const firstSync = async (boardId: string) => {
    const reader = connectBoard(server.url, boardId, (await staff.boardToken(boardId)).token);
    await reader.synced;
    const shown = boardToJson(reader.doc);
    reader.close();
    return shown;
  };

  it('answers the first sync of a long log folded in a worker with the committed content only', async () => {
    const board = await staff.createBoard();
    const { rows, expected } = history();
    const commitId = newId();
    for (let start = 0; start < rows.length; start += 1000) {
      await server.database.db
        .insert(boardUpdates)
        .values(rows.slice(start, start + 1000).map((update) => ({ boardId: board.id, update, actorId: 'staff-1', commitId })));
    }
    const shown = await firstSync(board.id);
    expect(shown.ideas).toEqual(expected.ideas);
    expect(shown.ideas.pending).toBeUndefined();
  });

  it('answers the first sync of a compacted board with its snapshot', async () => {
    const board = await staff.createBoard();
    const { expected, state } = history();
    await server.database.db
      .insert(boardSnapshots)
      .values({ id: newId(), boardId: board.id, kind: 'compaction', state, upToSeq: 0, takenBy: 'server' });
    expect((await firstSync(board.id)).ideas).toEqual(expected.ideas);
  });

  it('folds on the main thread, with the same content, when the worker fails', async () => {
    const board = await staff.createBoard();
    const { rows } = history();
    await server.database.db
      .insert(boardUpdates)
      .values(rows.slice(0, 1000).map((update) => ({ boardId: board.id, update, actorId: 'staff-1', commitId: newId() })));
    const stored = (await createBoardStore(server.database.db).load(board.id))!;
    const inWorker = await loadBoard(stored, { fold: 'worker' });
    const fallback = await loadBoard(stored, { fold: 'worker', workerSource: 'process.exit(3)' });
    const here = await loadBoard(stored, { fold: 'main' });
    expect(boardToJson(fallback.doc)).toEqual(boardToJson(here.doc));
    expect(boardToJson(inWorker.doc)).toEqual(boardToJson(here.doc));
    expect(Object.keys(boardToJson(here.doc).ideas)).toHaveLength(500);
    expect(Y.encodeStateVector(inWorker.doc)).toEqual(inWorker.encoded!.stateVector);
  });
});
