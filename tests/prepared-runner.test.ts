/**
 * The runner of fixed statements that the commit path uses (`preparedRunner`, server/db/database.ts),
 * on every database the run has. On PGlite it keeps named statements on PGlite's one session, so it
 * must wait for a transaction drizzle has open there instead of running inside it, and a statement
 * that fails must leave the session able to run the next one.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, preparedRunner, type OpenDatabase } from '../server/db/database';
import { createTestDatabase, databaseKinds, type TestDatabase } from './helpers/databases';

const INSERT = 'INSERT INTO runner_probe (id, note, data) VALUES ($1, $2, $3::bytea[]) RETURNING id, note, data';

describe.each(databaseKinds())('preparedRunner on %s', (kind) => {
  let testDb: TestDatabase;
  let database: OpenDatabase;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    database = await openDatabase({ url: testDb.url, dataDir: testDb.dataDir });
    await database.db.execute(sql`CREATE TABLE runner_probe (id integer PRIMARY KEY, note text, data bytea[])`);
  });
  afterAll(async () => {
    await database.close();
    await testDb.drop();
  });

  const ids = async () => (await preparedRunner(database.db)('SELECT id FROM runner_probe ORDER BY id', [])).map((row) => row.id);

  it('runs the same text again with other parameters, and reads its rows typed', async () => {
    const run = preparedRunner(database.db);
    const first = await run(INSERT, [1, 'first', [new Uint8Array([1, 2, 255])]]);
    const second = await run(INSERT, [2, null, []]);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ id: 1, note: 'first' });
    expect((first[0]!.data as Uint8Array[]).map((bytes) => [...bytes])).toEqual([[1, 2, 255]]);
    expect(second).toEqual([{ id: 2, note: null, data: [] }]);
  });

  it('waits for an open transaction instead of running inside it: a rollback keeps what it stored', async () => {
    const run = preparedRunner(database.db);
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const rolledBack = database.db
      .transaction(async (tx) => {
        await tx.execute(sql`INSERT INTO runner_probe (id) VALUES (10)`);
        opened();
        // Long enough for the run below to be asked for while the transaction is open.
        await new Promise((resolve) => setTimeout(resolve, 100));
        throw new Error('roll back');
      })
      .catch((error: unknown) => error);
    await open;
    const stored = run(INSERT, [11, 'beside the transaction', []]);
    expect(await rolledBack).toEqual(new Error('roll back'));
    expect(await stored).toHaveLength(1);
    expect(await ids()).toEqual([1, 2, 11]);
  });

  it('fails a statement with its error, stores nothing of it, and runs the next one', async () => {
    const run = preparedRunner(database.db);
    await expect(run(INSERT, [11, 'the same id again', []])).rejects.toThrow(/duplicate key/);
    expect(await run(INSERT, [12, 'after the failure', []])).toEqual([{ id: 12, note: 'after the failure', data: [] }]);
    expect(await ids()).toEqual([1, 2, 11, 12]);
  });
});
