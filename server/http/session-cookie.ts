/**
 * The session cookie (spec 3: HttpOnly, SameSite=Lax), set and cleared only here, so that its
 * attributes are the same wherever a session starts or ends. It is `Secure` when the server is
 * told that people reach it over https (`TEIAN_PUBLIC_URL`): then a browser never sends it over
 * plain http, where anyone on the network could read it.
 */
import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { CookieOptions } from 'hono/utils/cookie';
import { SESSION_COOKIE } from '../auth/sessions';

export interface SessionCookieEnv {
  Variables: { secureCookies: boolean };
}

/**
 * Tells the cookie helpers below whether to mark the cookie `Secure`.
 *
 * @example app.use(sessionCookies({ secure: config.publicUrl?.protocol === 'https:' }))
 */
export function sessionCookies({ secure = false }: { secure?: boolean } = {}) {
  return createMiddleware<SessionCookieEnv>(async function sessionCookiesMiddleware(c, next) {
    c.set('secureCookies', secure);
    await next();
  });
}

function attributes(c: Context): CookieOptions {
  return { httpOnly: true, sameSite: 'Lax', path: '/', secure: c.get('secureCookies') === true };
}

/** Sets the cookie of a session just opened (`Sessions.open`). */
export function setSessionCookie(c: Context, session: { token: string; maxAgeSeconds: number }): void {
  setCookie(c, SESSION_COOKIE, session.token, { ...attributes(c), maxAge: session.maxAgeSeconds });
}

/**
 * Sets another HttpOnly cookie with the session cookie's attributes, on its own path (the
 * known-device cookie, server/auth/known-devices.ts).
 */
export function setHttpOnlyCookie(c: Context, name: string, value: string, { path, maxAgeSeconds }: { path: string; maxAgeSeconds: number }): void {
  setCookie(c, name, value, { ...attributes(c), path, maxAge: maxAgeSeconds });
}

/** Clears the cookie (the session itself is ended by `Sessions.end`). */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, attributes(c));
}
