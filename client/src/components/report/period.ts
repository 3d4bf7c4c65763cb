/**
 * The report's periods, as calendar days in the facility's time zone (`YYYY-MM-DD`, both ends
 * counted whole, as the API reads them): this month, the last 3 or 6 months (whole months,
 * this one included, so the chart's months are all there), or any two dates.
 *
 * @example presetPeriod('months3', Date.parse('2026-12-02T00:00:00Z')) // { from: '2026-10-01', to: '2026-12-02' }
 */
import { FACILITY_TIME_ZONE } from '../../../../shared/history';

export const PRESETS = ['month', 'months3', 'months6'] as const;
export type Preset = (typeof PRESETS)[number];
export type PeriodChoice = Preset | 'custom';

export interface Period {
  from: string;
  to: string;
}

const MONTHS: Record<Preset, number> = { month: 1, months3: 3, months6: 6 };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Today in the facility's time zone. */
export function facilityToday(now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: FACILITY_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

export function presetPeriod(preset: Preset, now = Date.now()): Period {
  const today = facilityToday(now);
  const [year, month] = today.split('-').map(Number) as [number, number];
  const first = new Date(Date.UTC(year, month - 1 - (MONTHS[preset] - 1), 1));
  return { from: first.toISOString().slice(0, 10), to: today };
}

/** Which button a period matches (a link with other dates is "custom"). */
export function choiceOf(period: Period, now = Date.now()): PeriodChoice {
  return PRESETS.find((preset) => {
    const candidate = presetPeriod(preset, now);
    return candidate.from === period.from && candidate.to === period.to;
  }) ?? 'custom';
}

/** A period from the address, when both ends are days and in order; null otherwise. */
export function periodFrom(from: string | null, to: string | null): Period | null {
  if (!from || !to || !DAY.test(from) || !DAY.test(to) || from > to) return null;
  return { from, to };
}

/** A calendar day (`YYYY-MM-DD`) or an instant, as a date in words, in the facility's time zone. */
export function dateLabel(value: string | number, locale: string): string {
  const instant = typeof value === 'string' && DAY.test(value) ? new Date(`${value}T12:00:00+09:00`) : new Date(value);
  return new Intl.DateTimeFormat(locale, { timeZone: FACILITY_TIME_ZONE, year: 'numeric', month: 'long', day: 'numeric' }).format(instant);
}

/** `2026-06` as a month in words ("2026年6月", "Jun 2026"). */
export function monthLabel(month: string, locale: string, short = false): string {
  return new Intl.DateTimeFormat(locale, { timeZone: FACILITY_TIME_ZONE, year: short ? undefined : 'numeric', month: short ? 'short' : 'long' }).format(
    new Date(`${month}-15T12:00:00+09:00`),
  );
}
