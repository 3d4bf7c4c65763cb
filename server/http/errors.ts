/**
 * Every error the API answers has one shape (spec 3): `{ error: { code, message, fields? } }`.
 * Routes throw `apiError(...)`; `onError` and `notFound` turn everything else into the same shape,
 * so no route formats an error by hand.
 */
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { errorCodeForStatus, type ApiError, type ErrorCode } from '../../shared/api';
import { isDatabaseUnavailable } from '../db/database';
import type { Logger } from '../log';
import { RoomUnavailable } from '../sync/room';

function errorResponse(
  status: ContentfulStatusCode,
  code: ErrorCode,
  message: string,
  fields?: Record<string, string[]>,
): Response {
  const body: ApiError = { error: { code, message, ...(fields ? { fields } : {}) } };
  return Response.json(body, { status });
}

/** An error for the client; throw it from a route or middleware. */
export function apiError(
  status: ContentfulStatusCode,
  message: string,
  fields?: Record<string, string[]>,
): HTTPException {
  const code = errorCodeForStatus(status);
  return new HTTPException(status, { res: errorResponse(status, code, message, fields), message });
}

/**
 * 429 for a lock after too many wrong guesses (server/auth/guess-limits.ts): `locked_out` where only
 * staff can help (join codes, PINs), `rate_limited` where waiting does (a staff sign-in). The
 * `Retry-After` header says when it lifts by itself.
 *
 * @example throw lockedOut('locked_out', attempt.lock.until, 'Too many wrong PINs. Please ask the staff.')
 */
export function lockedOut(code: 'locked_out' | 'rate_limited', until: Date, message: string): HTTPException {
  const res = errorResponse(429, code, message);
  res.headers.set('retry-after', String(Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000))));
  return new HTTPException(429, { res, message });
}

export function createErrorHandler(log: Logger): ErrorHandler {
  return function handleError(error, c: Context) {
    if (error instanceof HTTPException) {
      // Ours carry their response; Hono's own (a malformed JSON body, say) get our shape here.
      if (error.res?.headers.get('content-type')?.includes('application/json')) return error.res;
      const status = error.status as ContentfulStatusCode;
      return errorResponse(status, errorCodeForStatus(status), error.message || 'Request failed');
    }
    if (error instanceof RoomUnavailable || isDatabaseUnavailable(error)) {
      // The store is down: say so plainly and invite a retry; the request changed nothing that
      // will not be stored once the store is back.
      log.warn('answering 503: the database is unavailable', { method: c.req.method, path: c.req.path, error });
      const response = errorResponse(503, 'unavailable', 'The server cannot save just now. Please try again in a moment.');
      response.headers.set('retry-after', '5');
      return response;
    }
    log.error('unhandled error', { method: c.req.method, path: c.req.path, error });
    return errorResponse(500, 'internal', 'Something went wrong on the server');
  };
}

export const notFound: NotFoundHandler = (c) =>
  errorResponse(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`);
