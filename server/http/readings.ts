/**
 * Furigana's routes (docs/api.md, "Readings"; docs/furigana.md):
 *
 * - `POST /readings {texts}`: readings for anyone with a session (staff, participants, guests),
 *   with the corrections of the session's facility;
 * - `POST /boards/:id/readings {texts}`: the same for a board token sent as `Authorization: Bearer`
 *   (the projector has no session, only its viewer token), checked as the websocket checks it;
 * - `GET /facility/readings`, `PUT` and `DELETE /facility/readings/:surface`: staff's corrections.
 *
 * Every answer of the first two says in `Teian-Reading-Cache` how many texts the cache answered and
 * how many the analyser read. Mounted before the board routes, whose staff guard covers /boards/*.
 */
import { eq } from 'drizzle-orm';
import type { Context } from 'hono';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { z } from 'zod';
import { boards } from '../../drizzle/schema';
import { correctionBody, correctionSurface, readingsBody } from '../../shared/reading-api';
import type { ReadingCorrection, ReadingsAnswer } from '../../shared/reading';
import { createBoardAccess } from '../auth/board-access';
import { AnalyserUnavailable } from '../reading/analyser';
import { createCorrectionStore } from '../reading/corrections';
import { createReadingService, type ReadingService } from '../reading/service';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';
import { apiError } from './errors';
import { validate } from './validate';

const BEARER = /^Bearer ([A-Za-z0-9._-]+)$/;

export interface ReadingRouteOptions extends AppDeps {
  /** The analyser and its cache; by default one per app over the process's one analyser. */
  readings?: ReadingService;
}

const requireSession = createMiddleware<AppEnv>(async function requireSessionMiddleware(c, next) {
  if (!c.var.session) throw apiError(401, 'Please sign in or join the board first');
  await next();
});

const surfaceParam = z.object({ surface: correctionSurface });

export function readingRoutes(options: ReadingRouteOptions) {
  const { db, tokens } = options;
  const readings =
    options.readings ?? createReadingService({ corrections: createCorrectionStore(db), metrics: options.metrics, log: options.log });
  const mayUseBoard = createBoardAccess(db);

  async function answer(c: Context<AppEnv>, facilityId: string, texts: readonly string[]) {
    const result = await readings.read(facilityId, texts).catch((error: unknown) => {
      if (error instanceof AnalyserUnavailable) throw apiError(503, 'Readings are not available just now. Please try again in a moment.');
      throw error;
    });
    c.header('teian-reading-cache', `hit=${result.hits}, miss=${result.misses}`);
    c.header('cache-control', 'no-store');
    return c.json({ readings: result.readings } satisfies ReadingsAnswer);
  }

  return new Hono<AppEnv>()
    .post('/readings', requireSession, validate('json', readingsBody), async (c) =>
      answer(c, c.var.session!.facilityId, c.req.valid('json').texts),
    )

    .post(
      '/boards/:id/readings',
      async function requireBoardToken(c, next) {
        const boardId = c.req.param('id');
        const check = await tokens.check(BEARER.exec(c.req.header('authorization') ?? '')?.[1], boardId);
        if (!check.ok) throw apiError(check.status, check.status === 401 ? 'A board token is required' : 'This token is for another board');
        const verdict = await mayUseBoard({ actor: check.actor, boardId, viewerGeneration: check.viewerGeneration });
        if (!verdict.allowed) throw apiError(403, verdict.reason);
        await next();
      },
      validate('json', readingsBody),
      async (c) => {
        const [board] = await db.select({ facilityId: boards.facilityId }).from(boards).where(eq(boards.id, c.req.param('id')));
        if (!board) throw apiError(404, 'No such board');
        return answer(c, board.facilityId, c.req.valid('json').texts);
      },
    )

    .get('/facility/readings', requireStaff, async (c) => c.json(await readings.corrections.list(staffOf(c).facilityId)))

    .put('/facility/readings/:surface', requireStaff, validate('param', surfaceParam), validate('json', correctionBody), async (c) => {
      const staff = staffOf(c);
      const { surface } = c.req.valid('param');
      const { reading } = c.req.valid('json');
      return c.json((await readings.corrections.put(staff.facilityId, { surface, reading }, staff.staff.id)) satisfies ReadingCorrection);
    })

    .delete('/facility/readings/:surface', requireStaff, validate('param', surfaceParam), async (c) => {
      const removed = await readings.corrections.remove(staffOf(c).facilityId, c.req.valid('param').surface);
      if (!removed) throw apiError(404, 'This word has no correction');
      return c.body(null, 204);
    });
}
