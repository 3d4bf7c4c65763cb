/**
 * [spec 4, 7] A board whose log grows past the threshold is folded into a snapshot; it reloads from
 * that snapshot plus the tail with the same content.
 */
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boardSnapshots, boardUpdates } from '../drizzle/schema';
import { addIdea, boardToJson, editIdea } from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { databaseKinds } from './helpers/databases';
import { startTestServer, type TestServer } from './helpers/server';
import { capturingLogger } from './helpers/log';
import { connectBoard, eventually } from './helpers/yjs-client';

const THRESHOLD = 1000;
const IDEAS = 1000;
const EDITS_PER_IDEA = 9; // 1,000 creations + 9,000 edits = 10,000 updates

describe.each(databaseKinds())('compaction on %s', (kind) => {
  let server: TestServer;
  let staff: ApiClient;
  let staffId: string;

  const log = capturingLogger();

  beforeAll(async () => {
    server = await startTestServer({
      kind,
      log,
      // The reload at the end is of a board over 1 KB: it loads in slices (server/sync/slices.ts).
      sync: { compactAfterUpdates: THRESHOLD, maxMessagesPerSecond: 1_000_000, unloadAfterMs: 100, sliceAboveBytes: 1024 },
    });
    staff = new ApiClient(server.url);
    staffId = (await staff.login()).actorId;
  });
  afterAll(() => server.stop());

  const countRows = async (boardId: string) => {
    const { db } = server.database;
    const [updates] = await db.select({ n: count() }).from(boardUpdates).where(eq(boardUpdates.boardId, boardId));
    const [compactions] = await db
      .select({ n: count() })
      .from(boardSnapshots)
      .where(and(eq(boardSnapshots.boardId, boardId), eq(boardSnapshots.kind, 'compaction')));
    return { updates: updates!.n, compactions: compactions!.n };
  };

  it('reloads 10,000 small updates from a compacted snapshot with the same content', async () => {
    const board = await staff.createBoard();
    const writer = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await writer.synced;
    for (let i = 0; i < IDEAS; i++) addIdea(writer.doc, { id: `i${i}`, text: 'a', authorId: staffId });
    for (let edit = 1; edit <= EDITS_PER_IDEA; edit++) {
      for (let i = 0; i < IDEAS; i++) editIdea(writer.doc, `i${i}`, { text: `a${edit}` });
    }

    // A second client shown the last edit proves the server has committed every update.
    const watcher = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await eventually(() => expect(boardToJson(watcher.doc)).toEqual(boardToJson(writer.doc)), { timeoutMs: 30_000 });
    const expected = boardToJson(writer.doc);

    // While loaded, the log holds only the tail past the last compaction. The room compacts after
    // it relays, so wait until its queue (and the compaction) has finished.
    await server.registry.withRoom(board.id, (room) => room.settled());
    const loaded = await countRows(board.id);
    expect(loaded.compactions).toBe(1);
    expect(loaded.updates).toBeLessThan(THRESHOLD);

    writer.close();
    watcher.close();
    // With nobody connected the board is compacted once more and unloaded.
    await eventually(() => expect(server.registry.loadedCount).toBe(0));
    expect(await countRows(board.id)).toEqual({ updates: 0, compactions: 1 });

    const reader = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await reader.synced;
    expect(boardToJson(reader.doc)).toEqual(expected);
    expect(Object.keys(expected.ideas)).toHaveLength(IDEAS);
    expect(expected.ideas.i7?.text).toBe(`a${EDITS_PER_IDEA}`);
    // The reader was answered from the stored board; the slices may still be going in.
    const slicedLoads = () => log.entries.filter((entry) => entry.message === 'loaded a large board in slices').map((entry) => entry.fields.boardId);
    await eventually(() => expect(slicedLoads()).toEqual([board.id]));
    // The sliced board takes changes like any other.
    editIdea(reader.doc, 'i7', { text: 'after the reload' });
    const second = connectBoard(server.url, board.id, (await staff.boardToken(board.id)).token);
    await eventually(() => expect(boardToJson(second.doc).ideas.i7?.text).toBe('after the reload'));
    reader.close();
    second.close();
  }, 90_000); // ten thousand commits
});
