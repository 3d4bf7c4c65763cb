/**
 * Days and months in the facility's time zone (`FACILITY_TIME_ZONE`, Japan: UTC+9 all year, no
 * daylight saving), so that "June" in a report is Japan's June on a server whose clock is in UTC.
 * The API's `from`/`to` bounds (`periodBound` in shared/history.ts) are read here.
 */

const OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Where a period starts: a date is its first instant in Japan, a time is itself. */
export function periodStart(bound: string): Date {
  const day = DATE_ONLY.exec(bound);
  return day ? new Date(dayStartMs(day)) : new Date(bound);
}

/** Where a period ends, exclusive: a date counts as a whole day, a time is itself. */
export function periodEnd(bound: string): Date {
  const day = DATE_ONLY.exec(bound);
  return day ? new Date(dayStartMs(day) + DAY_MS) : new Date(bound);
}

/** `YYYY-MM` of the month `at` falls in, in Japan. */
export function monthOf(at: Date | number): string {
  return facilityDate(at).slice(0, 7);
}

/** `YYYY-MM-DD` of the day `at` falls in, in Japan. */
export function facilityDate(at: Date | number): string {
  return new Date(new Date(at).getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** Every `YYYY-MM` from the month of `from` to the month of the last instant before `to`. */
export function monthsBetween(from: Date, to: Date): string[] {
  const months: string[] = [];
  const last = monthOf(to.getTime() - 1);
  let [year, month] = monthOf(from).split('-').map(Number) as [number, number];
  for (;;) {
    const current = `${year}-${String(month).padStart(2, '0')}`;
    if (current > last) return months;
    months.push(current);
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
}

function dayStartMs([, year, month, day]: RegExpExecArray): number {
  return Date.UTC(Number(year), Number(month) - 1, Number(day)) - OFFSET_MS;
}
