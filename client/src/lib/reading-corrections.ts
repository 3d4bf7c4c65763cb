/**
 * Staff's corrections of how a word is read in their facility (docs/api.md, "Readings"). Only the
 * reading-correction dialog imports this, so it travels in staff's chunk, never the board's.
 *
 * After a change, every text holding the word is read again (readings.forget), so the ruby on this
 * screen follows at once; other devices get it the next time they read the text.
 */
import type { ErrorCode } from '../../../shared/error-codes';
import type { ReadingCorrection } from '../../../shared/reading';
import { ApiRequestError } from './api';
import { readings } from './readings.svelte';

const path = (surface: string) => `/api/facility/readings/${encodeURIComponent(surface)}`;

export function listCorrections(): Promise<ReadingCorrection[]> {
  return send<ReadingCorrection[]>('GET', '/api/facility/readings');
}

export async function correctReading(surface: string, reading: string): Promise<ReadingCorrection> {
  const saved = await send<ReadingCorrection>('PUT', path(surface), { reading });
  readings.forget((text) => text.includes(surface));
  return saved;
}

export async function removeCorrection(surface: string): Promise<void> {
  await send<undefined>('DELETE', path(surface));
  readings.forget((text) => text.includes(surface));
}

/** The server's own words for a refused correction (which field, and why), to show as they are. */
export function refusalOf(error: unknown): string | null {
  if (!(error instanceof ApiRequestError) || error.status !== 400) return null;
  const reasons = Object.values(error.fields ?? {}).flat();
  return reasons.length > 0 ? reasons.join(' ') : error.message;
}

async function send<T>(method: 'GET' | 'PUT' | 'DELETE', url: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiRequestError(0, 'network', cause instanceof Error ? cause.message : 'Network error');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => undefined)) as { error?: { code: ErrorCode; message: string; fields?: Record<string, string[]> } } | undefined;
  if (response.ok) return payload as T;
  const error = payload?.error;
  throw new ApiRequestError(response.status, error?.code ?? 'bad_request', error?.message ?? response.statusText, error?.fields);
}
