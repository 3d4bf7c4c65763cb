/**
 * The projector's one HTTP route (docs/api.md, "Projector"): what `/b/:id/present` shows besides
 * the document. The projector has no session, only its viewer token, sent as a bearer token; the
 * same check as the websocket's decides whether it still counts (the link not revoked, the board
 * not closed).
 */
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import * as Y from 'yjs';
import { boardSnapshots, boards } from '../../drizzle/schema';
import type { PresentInfo } from '../../shared/api';
import { boardToJson } from '../../shared/board';
import { createBoardAccess } from '../auth/board-access';
import { createMeetingStore, type MeetingRow } from '../persistence/meetings';
import type { Database } from '../db/database';
import { boardContext } from './board-context';
import type { AppDeps, AppEnv } from './context';
import { apiError } from './errors';

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

export function presentRoutes({ db, tokens, anonymousIds }: AppDeps) {
  const mayUseBoard = createBoardAccess(db);
  const meetings = createMeetingStore(db);

  return new Hono<AppEnv>().get('/boards/:id/present-info', async function presentInfo(c) {
    const boardId = c.req.param('id');
    const token = BEARER.exec(c.req.header('authorization') ?? '')?.[1];
    const check = await tokens.check(token, boardId);
    if (!check.ok) throw apiError(check.status, check.status === 401 ? 'A projector link is required' : 'This projector link is for another board');
    if (check.actor.role !== 'viewer') throw apiError(403, 'Only a projector link opens this');
    const verdict = await mayUseBoard({ actor: check.actor, boardId, viewerGeneration: check.viewerGeneration });
    if (!verdict.allowed) throw apiError(403, verdict.reason);
    const [board] = await db.select().from(boards).where(eq(boards.id, boardId));
    if (!board) throw apiError(404, 'No such board');

    // The projector is no person: it gets what every participant's context holds, less their own ids.
    const context = await boardContext(db, board, { actorId: check.actor.id, staff: false, anonymousIds });
    const info: PresentInfo = {
      board: { id: board.id, title: board.title, joinCode: board.joinCode },
      people: context.people,
      categories: context.categories,
      meeting: await openMeeting(db, await meetings.list(board.id)),
    };
    c.header('cache-control', 'no-store');
    return c.json(info);
  });
}

/** The open meeting and what came before it; `list` is newest first. */
async function openMeeting(db: Database, list: MeetingRow[]): Promise<PresentInfo['meeting']> {
  const open = list.find((meeting) => meeting.closedAt === null);
  if (!open) return null;
  const previous = list.find((meeting) => meeting !== open && meeting.startedAt < open.startedAt);
  return {
    id: open.id,
    startedAt: open.startedAt.toISOString(),
    since: previous ? (previous.closedAt ?? previous.startedAt).toISOString() : null,
    doneBefore: previous?.snapshotId ? await projectsDoneIn(db, previous.snapshotId) : [],
  };
}

/** The ids of the projects that a snapshot shows as done. */
async function projectsDoneIn(db: Database, snapshotId: string): Promise<string[]> {
  const [row] = await db.select({ state: boardSnapshots.state }).from(boardSnapshots).where(eq(boardSnapshots.id, snapshotId));
  if (!row) return [];
  const doc = new Y.Doc();
  try {
    Y.applyUpdate(doc, row.state);
    return Object.values(boardToJson(doc).projects)
      .filter((project) => project.status === 'done')
      .map((project) => project.id);
  } finally {
    doc.destroy();
  }
}
