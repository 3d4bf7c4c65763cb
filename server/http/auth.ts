/** Signing in and out, the first admin's setup, and `GET /api/me` (spec 3). */
import { Hono, type Context } from 'hono';
import { getCookie } from 'hono/cookie';
import { loginBody, setupBody, type Me } from '../../shared/api';
import { createAdmin, findStaffByLogin } from '../auth/bootstrap';
import type { Lock } from '../auth/guess-limits';
import { KNOWN_DEVICE_COOKIE, KNOWN_DEVICE_COOKIE_PATH, KNOWN_DEVICE_MAX_AGE_SECONDS } from '../auth/known-devices';
import { verifySecret } from '../auth/passwords';
import { SESSION_COOKIE, type Session } from '../auth/sessions';
import { clientAddress } from './client-address';
import { apiError, lockedOut } from './errors';
import type { AppDeps, AppEnv } from './context';
import { clearSessionCookie, setHttpOnlyCookie, setSessionCookie } from './session-cookie';
import { validate } from './validate';

export function authRoutes(deps: AppDeps) {
  const { db, sessions, bootstrap, guesses, knownDevices, trustProxy } = deps;

  /** Renews this account's known-device entry on the device that just signed in. */
  function rememberDevice(c: Context, staffId: string): void {
    const value = knownDevices.remember(getCookie(c, KNOWN_DEVICE_COOKIE), staffId);
    setHttpOnlyCookie(c, KNOWN_DEVICE_COOKIE, value, { path: KNOWN_DEVICE_COOKIE_PATH, maxAgeSeconds: KNOWN_DEVICE_MAX_AGE_SECONDS });
  }

  return new Hono<AppEnv>()
    .post('/auth/login', validate('json', loginBody), async (c) => {
      const { login, password } = c.req.valid('json');
      const staff = await findStaffByLogin(db, login);
      const deviceCookie = getCookie(c, KNOWN_DEVICE_COOKIE);
      // Failures count per (login, address), or per device where this device signed in as this
      // account before: a stranger behind the same address cannot lock that device out.
      const attempt = await guesses.signIn({
        address: clientAddress(c, { trustProxy }),
        login,
        facilityId: staff?.facilityId ?? null,
        knownDevice: staff ? knownDevices.find(deviceCookie, staff.id) : null,
      });
      if (attempt.state === 'locked') throw signInLocked(attempt.lock);
      // Verify even for an unknown login, so the answer takes as long either way.
      const valid = await verifySecret(password, staff?.passwordHash ?? DUMMY_HASH);
      if (!staff || !valid || !staff.active) {
        const lock = await attempt.miss();
        if (lock) throw signInLocked(lock);
        throw apiError(401, 'The login or the password is not right');
      }
      await attempt.hit();
      setSessionCookie(c, await sessions.open({ kind: 'staff', facilityId: staff.facilityId, staffId: staff.id }));
      rememberDevice(c, staff.id);
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
      rememberDevice(c, staffId);
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

function signInLocked(lock: Lock) {
  return lockedOut(
    'rate_limited',
    lock.until,
    'Too many wrong passwords for this account from here. Sign in from a device you used before, wait, or ask another staff member to lift the lock.',
  );
}

/** A real scrypt hash of a random string, so unknown logins cost as much as known ones. */
const DUMMY_HASH =
  'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
