/**
 * Snapshots, differences and restore (docs/api.md "Snapshots, differences and restore";
 * docs/history.md). Staff only, for boards of the session's facility: another board's snapshot is
 * a 404 like one that does not exist.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { BoardJson } from '../../shared/board';
import { diffBoards } from '../../shared/board-diff';
import { diffQuery, snapshotBody, type DiffAnswer, type RestoreAnswer, type SnapshotBoard, type SnapshotInfo } from '../../shared/history';
import { toBytes } from '../cluster/wire';
import { boardOfState, findSnapshot, listSnapshots, takeNamedSnapshot } from '../history/snapshots';
import { findBoard } from './boards';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { validate } from './validate';

export function snapshotRoutes({ db, registry }: AppDeps) {
  /** A point of the board's history: one of its snapshots, or `now` (what the relay has committed). */
  async function pointOf(boardId: string, point: string): Promise<{ info: SnapshotInfo | null; board: BoardJson }> {
    if (point === 'now') {
      const { state } = await registry.committedState(boardId);
      return { info: null, board: boardOfState(state) };
    }
    const { info, state } = await findSnapshot(db, boardId, point);
    return { info, board: boardOfState(state) };
  }

  return new Hono<AppEnv>()
    .get('/boards/:id/snapshots', requireStaff, async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      return c.json(await listSnapshots(db, board.id));
    })

    .post('/boards/:id/snapshots', requireStaff, validate('json', snapshotBody), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const { label } = c.req.valid('json');
      return c.json(await takeNamedSnapshot(db, registry, { boardId: board.id, label, staffId: session.staff.id }), 201);
    })

    .get('/boards/:id/snapshots/:sid', requireStaff, async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      const { info, state } = await findSnapshot(db, board.id, c.req.param('sid'));
      const answer: SnapshotBoard = { snapshot: info, board: boardOfState(state) };
      return c.json(answer);
    })

    .get('/boards/:id/diff', requireStaff, validate('query', diffQuery), async (c) => {
      const board = await findBoard(db, c.req.param('id'), staffOf(c).facilityId);
      const query = c.req.valid('query');
      const from = await pointOf(board.id, query.from);
      const to = await pointOf(board.id, query.to);
      const answer: DiffAnswer = { from: from.info, to: to.info, diff: diffBoards(from.board, to.board) };
      return c.json(answer);
    })

    .post('/boards/:id/snapshots/:sid/restore', requireStaff, validate('json', z.strictObject({})), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const snapshot = await findSnapshot(db, board.id, c.req.param('sid'));
      const { id: snapshotId, label, kind } = snapshot.info;
      // The change runs in the room's queue, after every update that arrived before this request,
      // so the diff is taken against exactly the document it rewrites.
      const diff = await registry.serverChange(board.id, session.staff.id, {
        name: 'restore',
        state: toBytes(snapshot.state),
        snapshotId,
        label,
        kind,
      });
      const answer: RestoreAnswer = { snapshot: snapshot.info, diff };
      return c.json(answer);
    });
}
