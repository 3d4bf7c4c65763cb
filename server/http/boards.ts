/**
 * Boards (spec 3): staff create and change them; staff and the board's participants get websocket
 * tokens for them. Every query is scoped to the session's facility.
 */
import { randomInt } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { boardCreateBody, boardPatchBody, type Board, type BoardToken } from '../../shared/api';
import { boardContext } from './board-context';
import { initBoard } from '../../shared/board';
import { newId } from '../../shared/ids';
import { boardSnapshots, boards, participants } from '../../drizzle/schema';
import { CloseCode } from '../../shared/close-codes';
import { AccessReason } from '../auth/board-access';
import { VIEWER_TOKEN_TTL_MS } from '../auth/board-tokens';
import { endBoardSessions } from '../auth/sessions';
import type { Database } from '../db/database';
import type { Actor } from '../../shared/actor';
import { apiError } from './errors';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { validate } from './validate';

type BoardRow = typeof boards.$inferSelect;

export function boardRoutes({ db, tokens, anonymousIds, registry }: AppDeps) {
  const staffOnly = new Hono<AppEnv>()
    .use(requireStaff)
    .get('/', async (c) => {
      const { facilityId } = staffOf(c);
      const rows = await db.select().from(boards).where(eq(boards.facilityId, facilityId)).orderBy(desc(boards.createdAt));
      return c.json(rows.map(toBoard));
    })

    .post('/', validate('json', boardCreateBody), async (c) => {
      const session = staffOf(c);
      const body = c.req.valid('json');
      const id = newId();
      // The first state of the document is written with the row, so that no client ever has to
      // create `meta` (two clients creating it at once would conflict).
      const doc = new Y.Doc();
      initBoard(doc, { title: body.title, voteBudget: body.voteBudget });
      const row = await withFreshJoinCode(db, (joinCode) =>
        db.transaction(async (tx) => {
          const [inserted] = await tx
            .insert(boards)
            .values({ id, facilityId: session.facilityId, createdBy: session.staff.id, joinCode, ...body })
            .returning();
          await tx.insert(boardSnapshots).values({
            id: newId(),
            boardId: id,
            kind: 'auto',
            label: 'created',
            state: Y.encodeStateAsUpdate(doc),
            upToSeq: 0,
            takenBy: session.staff.id,
          });
          return inserted!;
        }),
      );
      return c.json(toBoard(row), 201);
    })

    .get('/:id', async (c) => c.json(toBoard(await findBoard(db, c.req.param('id'), staffOf(c).facilityId))))

    .patch('/:id', validate('json', boardPatchBody), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const { closed, ...change } = c.req.valid('json');
      const closing = closed === true && board.closedAt === null;
      const row = await db.transaction(async (tx) => {
        const [updated] = await tx
          .update(boards)
          .set({
            ...change,
            ...(closed === undefined ? {} : { closedAt: closed ? (board.closedAt ?? new Date()) : null }),
            // Closing ends every right that is not staff's: projector links, guests, sessions.
            ...(closing ? { viewerGeneration: sql`${boards.viewerGeneration} + 1` } : {}),
          })
          .where(eq(boards.id, board.id))
          .returning();
        if (closing) {
          await endGuests(tx, board.id);
          await endBoardSessions(tx, board.id, 'everyone');
        }
        return updated!;
      });
      if (closing) registry.closeWhere(board.id, CloseCode.forbidden, AccessReason.boardClosed, ['participant', 'guest', 'viewer']);
      if (change.allowGuests !== undefined || change.allowAnonymous !== undefined) {
        registry.settingsChanged(board.id, { allowGuests: row!.allowGuests, allowAnonymous: row!.allowAnonymous });
      }
      registry.notify(board.id, 'settings', ['staff', 'viewer']);
      // The document carries the title and the budget too; keep it in step, as the staff member.
      if (change.title !== undefined || change.voteBudget !== undefined) {
        await registry.serverChange(board.id, session.staff.id, { name: 'setMeta', title: change.title, voteBudget: change.voteBudget });
      }
      return c.json(toBoard(row!));
    })

    .post('/:id/join-code', async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      if (board.closedAt) throw apiError(409, 'This board is closed; it has no join code');
      // The guests came in with the old code: they go with it (docs/permissions.md). Roster
      // participants chose their own card and keep their sessions.
      const row = await withFreshJoinCode(db, (joinCode) =>
        db.transaction(async (tx) => {
          const [updated] = await tx.update(boards).set({ joinCode }).where(eq(boards.id, board.id)).returning();
          await endGuests(tx, board.id);
          return updated!;
        }),
      );
      registry.closeWhere(board.id, CloseCode.forbidden, AccessReason.joinCodeChanged, ['guest']);
      // Projectors and every open staff screen show the new code at once (docs/protocol.md, "notice").
      registry.notify(board.id, 'settings', ['staff', 'viewer']);
      return c.json(toBoard(row));
    })

    .post('/:id/viewer-token', async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      if (board.closedAt) throw apiError(403, 'This board is closed; reopen it to show it on a projector');
      const viewer: Actor = { id: `viewer:${board.id}`, role: 'viewer', name: 'projector' };
      return c.json(await tokens.issue(board.id, viewer, VIEWER_TOKEN_TTL_MS, { viewerGeneration: board.viewerGeneration }));
    })

    /** Revokes every projector token of the board issued so far; a new one works at once. */
    .delete('/:id/viewer-token', async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      await db
        .update(boards)
        .set({ viewerGeneration: sql`${boards.viewerGeneration} + 1` })
        .where(eq(boards.id, board.id));
      registry.closeWhere(board.id, CloseCode.forbidden, AccessReason.viewerRevoked, ['viewer']);
      return c.body(null, 204);
    });

  return new Hono<AppEnv>()
    .get('/:id/token', async (c) => {
      const session = c.var.session;
      if (!session) throw apiError(401, 'Please sign in or join the board first');
      const boardId = c.req.param('id');
      if (session.kind === 'participant') {
        if (session.boardId !== boardId) throw apiError(403, 'You joined another board');
        const { id, name, guest } = session.participant;
        const anonymousId = anonymousIds.of(boardId, id);
        const token = await tokens.issue(boardId, { id, name, role: guest ? 'guest' : 'participant', anonymousId });
        return c.json({ ...token, anonymousId } satisfies BoardToken);
      }
      await findBoard(db, boardId, session.facilityId);
      const { id, name } = session.staff;
      const anonymousId = anonymousIds.of(boardId, id);
      return c.json({ ...(await tokens.issue(boardId, { id, name, role: 'staff', anonymousId })), anonymousId } satisfies BoardToken);
    })
    .get('/:id/context', async (c) => {
      const session = c.var.session;
      if (!session) throw apiError(401, 'Please sign in or join the board first');
      const boardId = c.req.param('id');
      if (session.kind === 'participant' && session.boardId !== boardId) throw apiError(403, 'You joined another board');
      const board = await findBoard(db, boardId, session.facilityId);
      const actorId = session.kind === 'staff' ? session.staff.id : session.participant.id;
      return c.json(await boardContext(db, board, { actorId, staff: session.kind === 'staff', anonymousIds }));
    })
    .route('/', staffOnly);
}

export async function findBoard(db: Database, id: string, facilityId: string): Promise<BoardRow> {
  const [row] = await db.select().from(boards).where(and(eq(boards.id, id), eq(boards.facilityId, facilityId)));
  if (!row) throw apiError(404, 'No such board');
  return row;
}

function toBoard(row: BoardRow): Board {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    voteBudget: row.voteBudget,
    allowGuests: row.allowGuests,
    allowAnonymous: row.allowAnonymous,
    joinCode: row.joinCode,
    createdAt: row.createdAt.toISOString(),
    closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/**
 * Ends the board's guests: their sessions go, and they become inactive, so that a token they still
 * hold opens nothing. The rows stay, so what they wrote keeps its author's name; a guest who joins
 * again is a new guest.
 */
async function endGuests(db: Database, boardId: string): Promise<void> {
  await endBoardSessions(db, boardId, 'guests');
  await db.update(participants).set({ active: false }).where(eq(participants.guestBoardId, boardId));
}

/**
 * Runs `write` with a random six-digit code, drawing again if the code is taken (a unique
 * violation); a million codes make a second draw rare and a tenth one practically impossible.
 */
async function withFreshJoinCode<T>(db: Database, write: (joinCode: string) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const joinCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const [taken] = await db.select({ id: boards.id }).from(boards).where(eq(boards.joinCode, joinCode));
    if (taken) continue;
    try {
      return await write(joinCode);
    } catch (error) {
      if (attempt >= 10 || !isUniqueViolation(error)) throw error;
    }
  }
}

function isUniqueViolation(error: unknown): boolean {
  const cause = error instanceof Error && 'cause' in error ? error.cause : error;
  return typeof cause === 'object' && cause !== null && 'code' in cause && cause.code === '23505';
}
