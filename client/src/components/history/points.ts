/**
 * The points of a board's history the page moves between: its snapshots, oldest first, and "now"
 * (the live board) at the end.
 */
import type { SnapshotInfo, SnapshotKind } from '../../../../shared/history';
import { FACILITY_TIME_ZONE } from '../../../../shared/history';
import type { IconName } from '../../lib/icons';
import type { Locale } from '../../i18n/i18n.svelte';

/** `snapshot` is null for "now". */
export interface HistoryPoint {
  key: string;
  snapshot: SnapshotInfo | null;
}

export const NOW = 'now';

export const NOW_POINT: HistoryPoint = { key: NOW, snapshot: null };

/** Each kind has its own pictogram besides its word, so colour is never what tells them apart. */
export const KIND_ICON: Record<SnapshotKind | 'now', IconName> = {
  named: 'snapshot',
  meeting: 'meetings',
  auto: 'clock',
  now: 'board',
};

/** Oldest first; "now" last. Automatic snapshots only when asked for: they can be many. */
export function historyPoints(snapshots: readonly SnapshotInfo[], withAuto: boolean): HistoryPoint[] {
  return [...snapshots]
    .filter((snapshot) => withAuto || snapshot.kind !== 'auto')
    .sort((a, b) => a.takenAt.localeCompare(b.takenAt) || a.id.localeCompare(b.id))
    .map((snapshot): HistoryPoint => ({ key: snapshot.id, snapshot }))
    .concat(NOW_POINT);
}

/** A snapshot's time as the workshop reads it: Japan's date and time, whatever the device's zone. */
export function japanTime(iso: string, locale: Locale): string {
  return new Intl.DateTimeFormat(locale, {
    timeZone: FACILITY_TIME_ZONE,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    weekday: 'short',
    hour: 'numeric',
    minute: '2-digit',
  }).format(new Date(iso));
}
