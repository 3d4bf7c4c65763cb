/**
 * What the server accepts as a request body, before any route reads it: at most
 * `API_BODY_MAX_BYTES` (413 beyond it, without reading the rest), and JSON only as valid UTF-8.
 */
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { API_BODY_MAX_BYTES } from '../../shared/limits';
import { apiError } from './errors';

export interface BodyOptions {
  maxBytes?: number;
}

/**
 * Refuses a body larger than `maxBytes` with 413 in the API's error shape. A declared
 * Content-Length is checked before anything is read; a chunked body is counted as it arrives.
 *
 * @example app.use(limitBody())
 */
export function limitBody({ maxBytes = API_BODY_MAX_BYTES }: BodyOptions = {}): MiddlewareHandler {
  return bodyLimit({
    maxSize: maxBytes,
    onError: function bodyTooLarge() {
      throw apiError(413, `The request body is larger than ${maxBytes} bytes`);
    },
  });
}

/** `application/json` and `application/<something>+json`, as Hono's JSON validator reads them. */
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/**
 * Decodes a JSON body strictly as UTF-8 and refuses invalid bytes with 400. `Request.text()`
 * would replace them with U+FFFD, so a name or an idea would be stored quietly changed. Hono keeps
 * the bytes read here, and `c.req.json()` (the validators) decodes the same bytes again later.
 *
 * @example app.use(strictUtf8Json)
 */
export const strictUtf8Json = createMiddleware(async function strictUtf8JsonMiddleware(c, next) {
  const mediaType = c.req.header('content-type')?.split(';')[0]?.trim() ?? '';
  if (c.req.raw.body && JSON_MEDIA_TYPE.test(mediaType)) {
    const bytes = await c.req.arrayBuffer();
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw apiError(400, 'The request body is not valid UTF-8');
    }
  }
  await next();
});
