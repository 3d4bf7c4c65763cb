/**
 * Staff's corrections of how a word is read in their facility (docs/api.md, "Readings"). Only the
 * reading-correction dialog imports this, so it travels in staff's chunk, never the board's.
 *
 * After a change, every text holding the word is read again (readings.forget), so the ruby on this
 * screen follows at once; other devices get it the next time they read the text.
 */
import type { ReadingCorrection } from '../../../shared/reading';
import { ApiRequestError, request } from './request';
import { readings } from './readings.svelte';

const path = (surface: string) => `/api/facility/readings/${encodeURIComponent(surface)}`;

export function listCorrections(): Promise<ReadingCorrection[]> {
  return request<ReadingCorrection[]>('GET', '/api/facility/readings');
}

export async function correctReading(surface: string, reading: string): Promise<ReadingCorrection> {
  const saved = await request<ReadingCorrection>('PUT', path(surface), { reading });
  readings.forget((text) => text.includes(surface));
  return saved;
}

export async function removeCorrection(surface: string): Promise<void> {
  await request<undefined>('DELETE', path(surface));
  readings.forget((text) => text.includes(surface));
}

/** The server's own words for a refused correction (which field, and why), to show as they are. */
export function refusalOf(error: unknown): string | null {
  if (!(error instanceof ApiRequestError) || error.status !== 400) return null;
  const reasons = Object.values(error.fields ?? {}).flat();
  return reasons.length > 0 ? reasons.join(' ') : error.message;
}
