/**
 * Locks after too many wrong guesses, for staff to see and lift (docs/security.md): addresses
 * locked for join codes or PINs, and staff sign-ins locked at an address. A card's PIN lock is on
 * the roster instead (`POST /api/participants/:id/unlock`).
 */
import { Hono } from 'hono';
import { apiError } from './errors';
import { requireStaff, staffOf, type AppDeps, type AppEnv } from './context';

export function lockoutRoutes({ guesses }: AppDeps) {
  return new Hono<AppEnv>()
    .use(requireStaff)
    .get('/', async (c) => c.json(await guesses.lockouts(staffOf(c).facilityId)))

    .delete('/:id', async (c) => {
      if (!(await guesses.lift(c.req.param('id'), staffOf(c).facilityId))) throw apiError(404, 'No such lock');
      return c.body(null, 204);
    });
}
