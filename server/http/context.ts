/**
 * What every route may use: the dependencies the app is built with, the session that the cookie
 * names, and guards that turn "who is this" into 401/403 before a route runs.
 */
import type { Context } from 'hono';
import type { Registry } from 'prom-client';
import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { Bootstrap } from '../auth/bootstrap';
import type { AnonymousIds } from '../auth/anonymous-ids';
import type { BoardTokens } from '../auth/board-tokens';
import type { GuessLimits } from '../auth/guess-limits';
import type { KnownDevices } from '../auth/known-devices';
import { SESSION_COOKIE, type Session, type Sessions } from '../auth/sessions';
import type { Database } from '../db/database';
import type { Logger } from '../log';
import type { RoomRegistry } from '../sync/registry';
import { apiError } from './errors';

export interface AppDeps {
  db: Database;
  sessions: Sessions;
  tokens: BoardTokens;
  registry: RoomRegistry;
  bootstrap: Bootstrap;
  anonymousIds: AnonymousIds;
  log: Logger;
  metrics: Registry;
  /** The address people open (`TEIAN_PUBLIC_URL`): https means `Secure` cookies and HSTS. */
  publicUrl?: URL | undefined;
  /** Counts wrong join codes, PINs and passwords, and holds the locks (docs/security.md). */
  guesses: GuessLimits;
  /** Signs and reads the known-device cookie of staff sign-in. */
  knownDevices: KnownDevices;
  /** Take the client's address from `X-Forwarded-For` (`TEIAN_TRUST_PROXY`). */
  trustProxy?: boolean;
}

export type StaffSession = Extract<Session, { kind: 'staff' }>;

export interface AppEnv {
  Variables: { session: Session | null };
}

export function loadSession(sessions: Sessions) {
  return createMiddleware<AppEnv>(async function loadSessionMiddleware(c, next) {
    c.set('session', await sessions.find(getCookie(c, SESSION_COOKIE)));
    await next();
  });
}

/** The staff session of this request: 401 without a session, 403 for a participant. */
export function staffOf(c: Context<AppEnv>): StaffSession {
  const session = c.get('session');
  if (!session) throw apiError(401, 'Please sign in');
  if (session.kind !== 'staff') throw apiError(403, 'Only staff may do this');
  return session;
}

/** Guards a group of staff routes (they still call `staffOf` for the typed session). */
export const requireStaff = createMiddleware<AppEnv>(async function requireStaffMiddleware(c, next) {
  staffOf(c);
  await next();
});
