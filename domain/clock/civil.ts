/**
 * Proleptic Gregorian dates as day numbers (days since 1970-01-01), with integer arithmetic only.
 *
 * The clock code runs inside Temporal's workflow sandbox, where it must give the same answer on every
 * replay. `Date.parse` is lenient (it rolls 30 February over into March and guesses a zone for strings
 * without one), so dates are parsed and built here by hand instead.
 */

/** Milliseconds in a day of 24 hours; local days may be 23 or 25 hours long, see `zone.ts`. */
export const MS_PER_DAY = 86_400_000;
/** Milliseconds in an hour. */
export const MS_PER_HOUR = 3_600_000;
/** Milliseconds in a minute. */
export const MS_PER_MINUTE = 60_000;

/** A day of the week as ISO 8601 numbers it: 1 = Monday … 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A calendar date's parts. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The day number of a calendar date (Howard Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** The calendar date of a day number (Howard Hinnant's `civil_from_days`). */
export function civilFromDays(dayNumber: number): CivilDate {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether the parts name a real date (no 30 February, no month 13). */
export function isValidCivilDate(year: number, month: number, day: number): boolean {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return false;
  if (month < 1 || month > 12 || day < 1) return false;
  const c = civilFromDays(daysFromCivil(year, month, day));
  return c.year === year && c.month === month && c.day === day;
}

/** The ISO weekday of a day number; day 0 (1970-01-01) was a Thursday. */
export function isoWeekday(dayNumber: number): IsoWeekday {
  return (((((dayNumber + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** `YYYY-MM-DD` for a day number. */
export function isoDate(dayNumber: number): string {
  const c = civilFromDays(dayNumber);
  return `${pad(c.year, 4)}-${pad(c.month, 2)}-${pad(c.day, 2)}`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day number of a `YYYY-MM-DD` string, or undefined when it is not a real date. */
export function parseIsoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return isValidCivilDate(year, month, day) ? daysFromCivil(year, month, day) : undefined;
}

const HH_MM = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** Minutes after midnight of an `HH:mm` wall time; `24:00` is the end of the day. Undefined if malformed. */
export function parseWallTime(text: string): number | undefined {
  const m = HH_MM.exec(text);
  if (!m) return undefined;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes <= 24 * 60 ? minutes : undefined;
}
