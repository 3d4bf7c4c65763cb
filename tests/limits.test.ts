/**
 * [STYLE 11] A board's limits and defaults live once, in `shared/limits.ts`: the API schema, the
 * document schema and the database default agree on them, at each boundary, on every database the
 * run has. A changed constant that one of them does not follow (a migration not generated, a schema
 * with its own number) fails here.
 */
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { boardCreateBody, boardPatchBody, type ApiError, type Board, type Me } from '../shared/api';
import { newMeta, readMeta, type Meta } from '../shared/board';
import { metaSchema } from '../shared/board-schema';
import { newId } from '../shared/ids';
import { BOARD_TITLE_MAX, VOTE_BUDGET_DEFAULT, VOTE_BUDGET_MAX, VOTE_BUDGET_MIN } from '../shared/limits';
import { boardSnapshots, boards } from '../drizzle/schema';
import { ApiClient, expectOk } from './helpers/api-client';
import { databaseKinds, type DatabaseKind } from './helpers/databases';
import { buildTestApp, type TestApp } from './helpers/server';

/** A board's meta as the server would create it, with one field changed. */
function metaWith(change: Partial<Meta>): Meta {
  return { ...newMeta({ title: '朝の会', voteBudget: VOTE_BUDGET_DEFAULT }), ...change };
}

describe('the limits in the schemas, without a server', () => {
  it('gives a body without a budget the default budget', () => {
    expect(boardCreateBody.parse({ title: '朝の会' }).voteBudget).toBe(VOTE_BUDGET_DEFAULT);
  });

  it.each([
    ['the smallest budget', VOTE_BUDGET_MIN, true],
    ['the largest budget', VOTE_BUDGET_MAX, true],
    ['a budget below the smallest', VOTE_BUDGET_MIN - 1, false],
    ['a budget above the largest', VOTE_BUDGET_MAX + 1, false],
  ])('takes %s in the API bodies and the document alike', (_label, voteBudget, accepted) => {
    expect(boardCreateBody.safeParse({ title: '朝の会', voteBudget }).success).toBe(accepted);
    expect(boardPatchBody.safeParse({ voteBudget }).success).toBe(accepted);
    expect(metaSchema.safeParse(metaWith({ voteBudget })).success).toBe(accepted);
  });

  it.each([
    ['the longest title', BOARD_TITLE_MAX, true],
    ['a title one character longer', BOARD_TITLE_MAX + 1, false],
  ])('takes %s in the API bodies and the document alike', (_label, length, accepted) => {
    const title = 'あ'.repeat(length);
    expect(boardCreateBody.safeParse({ title }).success).toBe(accepted);
    expect(boardPatchBody.safeParse({ title }).success).toBe(accepted);
    expect(metaSchema.safeParse(metaWith({ title })).success).toBe(accepted);
  });

  it('reads a document whose meta lacks a budget as having the default budget', () => {
    expect(readMeta(new Y.Doc()).voteBudget).toBe(VOTE_BUDGET_DEFAULT);
  });
});

describe.each(databaseKinds())('the limits through the API and the database on %s', (kind: DatabaseKind) => {
  let built: TestApp;
  let staff: ApiClient;
  let me: Extract<Me, { kind: 'staff' }>;

  beforeAll(async () => {
    built = await buildTestApp({ kind });
    staff = new ApiClient(built.app);
    const signedIn = await staff.login();
    if (signedIn.kind !== 'staff') throw new Error('the admin signed in as a participant');
    me = signedIn;
  });
  afterAll(() => built.stop());

  /** The document the server wrote when it created the board: its first snapshot. */
  async function createdDocument(boardId: string): Promise<Meta> {
    const [snapshot] = await built.database.db
      .select({ state: boardSnapshots.state })
      .from(boardSnapshots)
      .where(and(eq(boardSnapshots.boardId, boardId), eq(boardSnapshots.label, 'created')));
    const doc = new Y.Doc();
    Y.applyUpdate(doc, snapshot!.state);
    return readMeta(doc);
  }

  async function row(boardId: string) {
    const [found] = await built.database.db.select().from(boards).where(eq(boards.id, boardId));
    return found!;
  }

  it('[spec 3] gives a board created without a budget the default budget, in the row and the document', async () => {
    const board = await staff.createBoard('予算なしのボード');
    expect(board.voteBudget).toBe(VOTE_BUDGET_DEFAULT);
    expect((await row(board.id)).voteBudget).toBe(VOTE_BUDGET_DEFAULT);
    const meta = await createdDocument(board.id);
    expect(meta.voteBudget).toBe(VOTE_BUDGET_DEFAULT);
    expect(metaSchema.safeParse(meta).success).toBe(true);
  });

  it('gives a row inserted without a budget the same default from the database itself', async () => {
    // `default` in the SQL, so that the migration's column default answers, not drizzle's.
    const [inserted] = await built.database.db
      .insert(boards)
      .values({ id: newId(), facilityId: me.facilityId, title: 'SQLで作ったボード', createdBy: me.id, voteBudget: sql`default` })
      .returning({ voteBudget: boards.voteBudget });
    expect(inserted!.voteBudget).toBe(VOTE_BUDGET_DEFAULT);
  });

  it('[spec 3] creates a board with the largest budget and the longest title, and the document takes both', async () => {
    const title = 'あ'.repeat(BOARD_TITLE_MAX);
    const board = await staff.createBoard(title, { voteBudget: VOTE_BUDGET_MAX });
    expect(board).toMatchObject({ title, voteBudget: VOTE_BUDGET_MAX });
    const meta = await createdDocument(board.id);
    expect(meta).toMatchObject({ title, voteBudget: VOTE_BUDGET_MAX });
    expect(metaSchema.safeParse(meta).success).toBe(true);
  });

  describe('refusals', () => {
    let board: Board;
    beforeAll(async () => {
      board = await staff.createBoard('変えられないボード');
    });

    it.each([
      ['a budget one above the largest', { voteBudget: VOTE_BUDGET_MAX + 1 }, 'voteBudget'],
      ['a budget one below the smallest', { voteBudget: VOTE_BUDGET_MIN - 1 }, 'voteBudget'],
      ['a title one character too long', { title: 'あ'.repeat(BOARD_TITLE_MAX + 1) }, 'title'],
    ])('[spec 3] refuses %s with 400 on create and on change, and the document schema refuses it too', async (_label, bad, field) => {
      const before = expectOk(await staff.get<Board[]>('/api/boards'));
      for (const answer of [
        await staff.post('/api/boards', { title: '朝の会', ...bad }),
        await staff.patch(`/api/boards/${board.id}`, bad),
      ]) {
        expect(answer.status).toBe(400);
        expect((answer.body as ApiError).error.fields).toHaveProperty([field]);
      }
      expect(expectOk(await staff.get<Board[]>('/api/boards'))).toEqual(before);
      expect(metaSchema.safeParse(metaWith(bad)).success).toBe(false);
    });
  });
});
