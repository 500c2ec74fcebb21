import { MS_PER_MINUTE, isoWeekday } from './civil';
import type { CompiledCalendar } from './snapshot';
import { assertCovered, fromLocal, toLocal } from './zone';

/**
 * Working time: when the business is open, as instants. Business-hour clocks advance only inside these
 * intervals, so a pause over a night, a weekend or a bank holiday costs nothing.
 */

/** The open interval of one local day, as epoch milliseconds; `close > open`. */
export interface WorkingInterval {
  readonly open: number;
  readonly close: number;
}

/** Whether the business opens at all on a local day (a working weekday that is not a whole-day holiday). */
export function isWorkingDay(cal: CompiledCalendar, day: number): boolean {
  return workingInterval(cal, day) !== undefined;
}

/** When the business is open on a local day, or undefined if it does not open. */
export function workingInterval(cal: CompiledCalendar, day: number): WorkingInterval | undefined {
  assertCovered(cal, day);
  if (!cal.working.has(isoWeekday(day))) return undefined;
  const closeMinute = Math.min(cal.closeMinute, cal.holidayClose.get(day) ?? cal.closeMinute);
  if (closeMinute <= cal.openMinute) return undefined;
  const open = fromLocal(cal, day, cal.openMinute * MS_PER_MINUTE);
  // `24:00` is midnight at the start of the next local day, which has its own offset.
  const close = closeMinute === 24 * 60 ? fromLocal(cal, day + 1, 0) : fromLocal(cal, day, closeMinute * MS_PER_MINUTE);
  return close > open ? { open, close } : undefined;
}

/** The first local day after `day` on which the business opens (throws past the coverage). */
export function nextWorkingDay(cal: CompiledCalendar, day: number): number {
  let d = day + 1;
  while (!isWorkingDay(cal, d)) d += 1;
  return d;
}

/**
 * Whether an instant falls after the close of business for its local day, or on a day the business does
 * not open: the case a policy may count "from the next business day".
 */
export function isOutsideBusinessDay(cal: CompiledCalendar, epochMs: number): boolean {
  const { day } = toLocal(cal, epochMs);
  const iv = workingInterval(cal, day);
  return iv === undefined || epochMs >= iv.close;
}

// A day contributes `overlap / length` to a business-day measure; float sums of whole days are exact, and
// fractions are compared with this tolerance (about 0.1 ms of an 8-hour day) so rounding never pushes a
// deadline across a night.
const DAY_EPSILON = 1e-9;

/**
 * The instant `amount` units of working time after `from`, where a unit is `unitMs` of open time
 * (business hours) or, when `unitMs` is undefined, one whole working day however long it is (business
 * days). The earliest such instant, so a target ending exactly at closing time is due at close, not at the
 * next opening.
 */
export function addWorkingTime(cal: CompiledCalendar, from: number, amount: number, unitMs?: number): number {
  if (amount <= 0) return from;
  let remaining = amount;
  let day = toLocal(cal, from).day;
  for (;;) {
    const iv = workingInterval(cal, day);
    if (iv && iv.close > from) {
      const start = Math.max(from, iv.open);
      const length = iv.close - iv.open;
      const perUnit = unitMs ?? length;
      const available = (iv.close - start) / perUnit;
      if (remaining <= available + DAY_EPSILON) {
        return Math.min(iv.close, start + Math.round(remaining * perUnit));
      }
      remaining -= available;
    }
    day += 1;
  }
}

/**
 * Working time between two instants (zero when `to <= from`), in units of `unitMs` of open time, or in
 * whole working days when `unitMs` is undefined.
 */
export function measureWorkingTime(cal: CompiledCalendar, from: number, to: number, unitMs?: number): number {
  if (to <= from) return 0;
  let total = 0;
  const lastDay = toLocal(cal, to).day;
  for (let day = toLocal(cal, from).day; day <= lastDay; day += 1) {
    const iv = workingInterval(cal, day);
    if (!iv) continue;
    const overlap = Math.min(to, iv.close) - Math.max(from, iv.open);
    if (overlap > 0) total += overlap / (unitMs ?? iv.close - iv.open);
  }
  return total;
}
