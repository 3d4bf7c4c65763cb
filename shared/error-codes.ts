/**
 * The error codes of every API answer (spec 3), apart from shared/api.ts's zod schemas: the client
 * reads only these, and importing them from there would put zod in every participant's download.
 */
export const ERROR_CODES = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'rate_limited',
  /** 429 after too many wrong join codes or PINs: only staff can help (or time). */
  'locked_out',
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

const ERROR_CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'rate_limited',
  503: 'unavailable',
};

/** The error code that goes with an HTTP status (anything unlisted is `internal`). */
export function errorCodeForStatus(status: number): ErrorCode {
  return ERROR_CODE_BY_STATUS[status] ?? 'internal';
}
