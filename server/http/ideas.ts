/**
 * Tidying ideas that only the server can do (docs/api.md, "Tidying ideas"): merging a duplicate
 * moves other voters' dots, and no client may write another voter's `votes/<actor>` (spec 6). So
 * staff ask here, and the relay applies `shared/merge.ts` as its own change, attributed to the
 * staff member: it reaches every client like any other update and its events name them.
 */
import { Hono } from 'hono';
import { ideaMergeBody, type IdeaMergeAnswer } from '../../shared/api';
import * as Y from 'yjs';
import { z } from 'zod';
import { boardRoots, readIdea } from '../../shared/board';
import { mergeIdea, mergeProblemText, unmergeIdea, type MergeResult } from '../../shared/merge';
import { findBoard } from './boards';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

export function ideaRoutes({ db, registry }: AppDeps) {
  /** Runs one merge or unmerge in the board's room, as `staffId`, and answers what it did. */
  async function tidy(boardId: string, ideaId: string, staffId: string, run: (doc: Y.Doc) => MergeResult): Promise<IdeaMergeAnswer> {
    return registry.withRoom(boardId, async (room) => {
      // The change runs in the room's queue, after every update that arrived before this request.
      const done: { result: MergeResult; mergedInto: string | null } = { result: { ok: false, problem: 'missing' }, mergedInto: null };
      await room.change(staffId, (doc) => {
        done.result = run(doc);
        const map = boardRoots(doc).ideas.get(ideaId);
        done.mergedInto = map ? (readIdea(ideaId, map).mergedInto ?? null) : null;
      });
      const { result, mergedInto } = done;
      if (!result.ok) throw apiError(result.problem === 'missing' ? 404 : 409, mergeProblemText[result.problem]);
      return { ideaId, mergedInto, moved: result.moved };
    });
  }

  return new Hono<AppEnv>()
    .post('/boards/:id/ideas/:ideaId/merge', requireStaff, validate('json', ideaMergeBody), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const ideaId = c.req.param('ideaId');
      const { into } = c.req.valid('json');
      return c.json(await tidy(board.id, ideaId, session.staff.id, (doc) => mergeIdea(doc, ideaId, into)));
    })

    .post('/boards/:id/ideas/:ideaId/unmerge', requireStaff, validate('json', z.strictObject({})), async (c) => {
      const session = staffOf(c);
      const board = await findBoard(db, c.req.param('id'), session.facilityId);
      const ideaId = c.req.param('ideaId');
      return c.json(await tidy(board.id, ideaId, session.staff.id, (doc) => unmergeIdea(doc, ideaId)));
    });
}
