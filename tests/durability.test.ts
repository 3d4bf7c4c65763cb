/**
 * [spec 4] Durability: an update is committed before it is relayed, so after `kill -9` of the
 * server a fresh client sees every change that any client had been shown.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { addIdea, boardRoots, boardToJson } from '../shared/board';
import { ApiClient } from './helpers/api-client';
import { spawnServer, type ChildServer } from './helpers/child-server';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/databases';
import { connectBoard } from './helpers/yjs-client';

const BURST = 500;

describe.each(databaseKinds())('kill -9 on %s', (kind) => {
  let child: ChildServer | undefined;
  let database: TestDatabase | undefined;
  let dataDir: string | undefined;

  afterEach(async () => {
    await child?.kill();
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it(`takes a stock client's ${BURST} ideas sent as fast as it can, and keeps all a second client was shown`, async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'teian-durability-'));
    database = await createTestDatabase(kind, dataDir);
    // The server's default limits: a stock client posting as fast as it can is throttled, not cut off.
    const env = { DATA_DIR: dataDir, DATABASE_URL: database.url };
    child = await spawnServer(env);

    const staff = new ApiClient(child.url);
    const { actorId } = await staff.login();
    const board = await staff.createBoard();
    const writer = connectBoard(child.url, board.id, (await staff.boardToken(board.id)).token);
    const watcher = connectBoard(child.url, board.id, (await staff.boardToken(board.id)).token);
    await Promise.all([writer.synced, watcher.synced]);
    const writerCloses: number[] = [];
    writer.provider.on('connection-close', (event) => writerCloses.push(event?.code ?? 0));

    // Kill the server the moment the watcher has been shown the last update of the burst.
    const shown = new Promise<void>((resolve) => {
      const ideas = boardRoots(watcher.doc).ideas;
      ideas.observe(() => {
        if (ideas.size === BURST) resolve();
      });
    });
    for (let i = 0; i < BURST; i++) {
      addIdea(writer.doc, { id: `idea-${i}`, text: `アイデア ${i}`, authorId: actorId });
    }
    await shown;
    expect(writerCloses, 'the writer was never closed').toEqual([]);
    await child.kill();
    const seen = boardToJson(watcher.doc);
    writer.close();
    watcher.close();

    child = await spawnServer(env);
    const restarted = new ApiClient(child.url);
    await restarted.login();
    const fresh = connectBoard(child.url, board.id, (await restarted.boardToken(board.id)).token);
    await fresh.synced;
    expect(Object.keys(boardToJson(fresh.doc).ideas)).toHaveLength(BURST);
    expect(boardToJson(fresh.doc)).toEqual(seen);
    fresh.close();
  }, 120_000); // two server starts and a throttled burst
});
