/** Signing in and out, the first admin's setup, and `GET /api/me` (spec 3). */
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { rateLimiter } from 'hono-rate-limiter';
import { loginBody, setupBody, type Me } from '../../shared/api';
import { createAdmin, findStaffByLogin } from '../auth/bootstrap';
import { verifySecret } from '../auth/passwords';
import { SESSION_COOKIE, type Session } from '../auth/sessions';
import { apiError } from './errors';
import type { AppDeps, AppEnv } from './context';
import { clearSessionCookie, setSessionCookie } from './session-cookie';
import { validate } from './validate';

export function authRoutes(deps: AppDeps) {
  const { db, sessions, bootstrap } = deps;

  const loginLimit = rateLimiter<AppEnv>({
    windowMs: 15 * 60 * 1000,
    limit: deps.loginAttemptsPer15Minutes ?? 20,
    // Staff tablets share the facility's one address: count only failed attempts against it.
    skipSuccessfulRequests: true,
    keyGenerator: clientAddress,
    handler: () => {
      throw apiError(429, 'Too many sign-in attempts. Please wait a few minutes and try again.');
    },
  });

  return new Hono<AppEnv>()
    .post('/auth/login', loginLimit, validate('json', loginBody), async (c) => {
      const { login, password } = c.req.valid('json');
      const staff = await findStaffByLogin(db, login);
      // Verify even for an unknown login, so the answer takes as long either way.
      const valid = await verifySecret(password, staff?.passwordHash ?? DUMMY_HASH);
      if (!staff || !valid || !staff.active) throw apiError(401, 'The login or the password is not right');
      setSessionCookie(c, await sessions.open({ kind: 'staff', facilityId: staff.facilityId, staffId: staff.id }));
      return c.json(meOf({ kind: 'staff', facilityId: staff.facilityId, staff }));
    })

    .post('/auth/logout', async (c) => {
      await sessions.end(getCookie(c, SESSION_COOKIE));
      clearSessionCookie(c);
      return c.body(null, 204);
    })

    .get('/me', (c) => {
      const session = c.get('session');
      if (!session) throw apiError(401, 'Not signed in');
      return c.json(meOf(session));
    })

    .post('/setup', validate('json', setupBody), async (c) => {
      const { token, login, name, password } = c.req.valid('json');
      if (!bootstrap.setup.take(token)) {
        throw apiError(403, 'This setup link was already used or is not valid. Restart the server for a new one.');
      }
      const staffId = await createAdmin(db, bootstrap.facilityId, { login, name, password });
      setSessionCookie(c, await sessions.open({ kind: 'staff', facilityId: bootstrap.facilityId, staffId }));
      return c.json(meOf({ kind: 'staff', facilityId: bootstrap.facilityId, staff: { id: staffId, name, role: 'admin' } }), 201);
    });
}

export function meOf(session: Session): Me {
  if (session.kind === 'staff') {
    const { id, name, role } = session.staff;
    return { kind: 'staff', id, actorId: id, name, role, facilityId: session.facilityId };
  }
  const { id, name, avatar, guest } = session.participant;
  return {
    kind: 'participant',
    id,
    actorId: id,
    name,
    avatar,
    role: guest ? 'guest' : 'participant',
    facilityId: session.facilityId,
    boardId: session.boardId,
  };
}

function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (tests) have no socket.
    return 'local';
  }
}

/** A real scrypt hash of a random string, so unknown logins cost as much as known ones. */
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
