/**
 * One HTTP request to the API, answering its JSON or throwing an `ApiRequestError` (spec 3). Apart
 * from lib/api.ts so that the participant's board, which makes four calls (lib/board-api.ts), does
 * not carry the forty of the staff pages.
 */
import type { ApiError, ErrorCode } from '../../../shared/api';
import { errorCodeForStatus } from '../../../shared/error-codes';

/** `network` means the request never got an answer: offline, or the server is down. */
export type RequestErrorCode = ErrorCode | 'network';

export class ApiRequestError extends Error {
  readonly status: number;
  readonly code: RequestErrorCode;
  readonly fields: Record<string, string[]> | undefined;

  constructor(status: number, code: RequestErrorCode, message: string, fields?: Record<string, string[]>) {
    super(message);
    this.name = 'ApiRequestError';
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export async function request<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiRequestError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  const payload: unknown = await readJson(response);
  if (response.ok) return payload as T;
  if (isApiError(payload)) {
    const { code, message, fields } = payload.error;
    throw new ApiRequestError(response.status, code, message, fields);
  }
  // A proxy or a crashed server may answer without our error shape.
  throw new ApiRequestError(response.status, errorCodeForStatus(response.status), response.statusText);
}

async function readJson(response: Response): Promise<unknown> {
  if (!response.headers.get('content-type')?.includes('json')) return undefined;
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === 'object' && error !== null && 'code' in error;
}
