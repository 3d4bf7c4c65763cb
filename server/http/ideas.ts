/**
 * Tidying ideas that only the server can do (docs/api.md, "Tidying ideas"): merging a duplicate
 * moves other voters' dots, and no client may write another voter's `votes/<actor>` (spec 6). So
 * staff ask here, and the relay applies `shared/merge.ts` as its own change (server/cluster/changes.ts, run by the
 * board's owner when there are several instances), attributed to the
 * staff member: it reaches every client like any other update and its events name them.
 */
import { Hono } from 'hono';
import { ideaMergeBody, type IdeaMergeAnswer } from '../../shared/api';
import { z } from 'zod';
import { mergeProblemText } from '../../shared/merge';
import type { ServerChange, TidyOutcome } from '../cluster/changes';
import { findBoard } from './boards';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

export function ideaRoutes({ db, registry }: AppDeps) {
  /** Runs one merge or unmerge in the board's room, wherever it runs, as `staffId`, and answers what it did. */
  async function tidy(boardId: string, ideaId: string, staffId: string, change: ServerChange): Promise<IdeaMergeAnswer> {
    // The change runs in the room's queue, after every update that arrived before this request.
    const { result, mergedInto } = (await registry.serverChange(boardId, staffId, change)) as TidyOutcome;
    if (!result.ok) throw apiError(result.problem === 'missing' ? 404 : 409, mergeProblemText[result.problem]);
    return { ideaId, mergedInto, moved: result.moved };
  }

  return new Hono<AppEnv>()
    .post('/boards/:id/ideas/:ideaId/merge', requireStaff, validate('json', ideaMergeBody), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const ideaId = c.req.param('ideaId');
      const { into } = c.req.valid('json');
      return c.json(await tidy(board.id, ideaId, session.staff.id, { name: 'merge', ideaId, into }));
    })

    .post('/boards/:id/ideas/:ideaId/unmerge', requireStaff, validate('json', z.strictObject({})), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const ideaId = c.req.param('ideaId');
      return c.json(await tidy(board.id, ideaId, session.staff.id, { name: 'unmerge', ideaId }));
    });
}
