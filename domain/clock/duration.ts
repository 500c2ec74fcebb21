import { MS_PER_DAY, MS_PER_HOUR } from './civil';
import {
  addWorkingTime,
  isOutsideBusinessDay,
  measureWorkingTime,
  nextWorkingDay,
  workingInterval,
} from './business-time';
import type { InstantInput } from './instant';
import { toEpochMs, toIso } from './instant';
import { compileSnapshot } from './snapshot';
import type { CalendarSnapshot, CompiledCalendar } from './snapshot';
import { fromLocal, toLocal } from './zone';

/** Units that count every hour of the day: what "8 weeks" and "15 calendar days" mean. */
export const CALENDAR_UNITS = ['hours', 'days', 'weeks'] as const;
/** Units that count only the business's open time on working days. */
export const BUSINESS_UNITS = ['business-hours', 'business-days'] as const;
/** Every unit a clock target can be expressed in. */
export const DURATION_UNITS = [...CALENDAR_UNITS, ...BUSINESS_UNITS] as const;
/** A unit a clock target can be expressed in. */
export type DurationUnit = (typeof DURATION_UNITS)[number];

/** A clock target: an amount of a unit (`{ amount: 8, unit: 'weeks' }`). */
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

/**
 * How an event after the close of business counts: `next-business-day` treats it as happening when the
 * business next opens (as FCA DISP allows for a complaint received after close or on a non-business day);
 * `same-day` counts from the instant itself.
 */
export const AFTER_CLOSE_OF_BUSINESS = ['next-business-day', 'same-day'] as const;
/** See `AFTER_CLOSE_OF_BUSINESS`. */
export type AfterCloseOfBusiness = (typeof AFTER_CLOSE_OF_BUSINESS)[number];

/** The policy settings that decide where counting starts. */
export interface CountingRules {
  readonly afterCloseOfBusiness: AfterCloseOfBusiness;
}

const DEFAULT_RULES: CountingRules = { afterCloseOfBusiness: 'same-day' };

/** Whether a unit counts only business time. */
export function isBusinessUnit(unit: DurationUnit): boolean {
  return unit === 'business-hours' || unit === 'business-days';
}

/** `15 business days`, `24 hours`, `1 week`. */
export function describeDuration(duration: Duration): string {
  const amount = duration.amount;
  const word = duration.unit.replace('-', ' ');
  return `${amount} ${amount === 1 ? word.replace(/s$/, '') : word}`;
}

/**
 * The instant a clock started at `start` begins counting.
 *
 * - With `next-business-day`, an event after the close of business (or on a day the business does not
 *   open) counts as happening at the next opening.
 * - A business-day clock then counts whole business days *after* the day of that event, as regulators
 *   write their rules ("by the close of business on the third business day following the day on which it
 *   is received"): counting starts when the business opens on the next working day, and the Nth business
 *   day ends at its close.
 * - Other units count from the (possibly moved) instant itself.
 */
export function countingOriginMs(
  cal: CompiledCalendar,
  start: number,
  unit: DurationUnit,
  rules: CountingRules,
): number {
  let effective = start;
  if (rules.afterCloseOfBusiness === 'next-business-day' && isOutsideBusinessDay(cal, start)) {
    effective = openingOf(cal, nextWorkingDay(cal, toLocal(cal, start).day));
  }
  if (unit === 'business-days') {
    return openingOf(cal, nextWorkingDay(cal, toLocal(cal, effective).day));
  }
  return effective;
}

function openingOf(cal: CompiledCalendar, day: number): number {
  const iv = workingInterval(cal, day);
  if (!iv) throw new Error(`internal: day ${day} is not a working day`);
  return iv.open;
}

/**
 * The same local wall time `days` local days after `origin`; on a day that wall time does not exist (the
 * clocks went forward) the instant just after the jump.
 */
function plusLocalDays(cal: CompiledCalendar, origin: number, days: number): number {
  if (days === 0) return origin;
  const { day, msOfDay } = toLocal(cal, origin);
  return fromLocal(cal, day + days, msOfDay);
}

const FRACTION_EPSILON = 1e-9;

function addLocalDays(cal: CompiledCalendar, origin: number, amount: number): number {
  let whole = Math.floor(amount);
  let fraction = amount - whole;
  if (fraction > 1 - FRACTION_EPSILON) {
    whole += 1;
    fraction = 0;
  }
  const base = plusLocalDays(cal, origin, whole);
  if (fraction < FRACTION_EPSILON) return base;
  // A fraction of a day is a fraction of *that* local day, which may be 23 or 25 hours long.
  const next = plusLocalDays(cal, origin, whole + 1);
  return base + Math.round(fraction * (next - base));
}

function measureLocalDays(cal: CompiledCalendar, origin: number, end: number): number {
  if (end <= origin) return 0;
  let whole = Math.floor((end - origin) / MS_PER_DAY);
  while (whole > 0 && plusLocalDays(cal, origin, whole) > end) whole -= 1;
  while (plusLocalDays(cal, origin, whole + 1) <= end) whole += 1;
  const base = plusLocalDays(cal, origin, whole);
  const next = plusLocalDays(cal, origin, whole + 1);
  return whole + (end - base) / (next - base);
}

/** Adds `amount` of `unit` to the counting origin: the arithmetic behind every deadline. */
export function addFromOriginMs(cal: CompiledCalendar, origin: number, amount: number, unit: DurationUnit): number {
  switch (unit) {
    case 'hours':
      return origin + Math.round(amount * MS_PER_HOUR);
    case 'days':
      return addLocalDays(cal, origin, amount);
    case 'weeks':
      return addLocalDays(cal, origin, amount * 7);
    case 'business-hours':
      return addWorkingTime(cal, origin, amount, MS_PER_HOUR);
    case 'business-days':
      return addWorkingTime(cal, origin, amount);
  }
}

/** How much of `unit` has elapsed from the counting origin to `end` (zero before the origin). */
export function elapsedFromOrigin(cal: CompiledCalendar, origin: number, end: number, unit: DurationUnit): number {
  if (end <= origin) return 0;
  switch (unit) {
    case 'hours':
      return (end - origin) / MS_PER_HOUR;
    case 'days':
      return measureLocalDays(cal, origin, end);
    case 'weeks':
      return measureLocalDays(cal, origin, end) / 7;
    case 'business-hours':
      return measureWorkingTime(cal, origin, end, MS_PER_HOUR);
    case 'business-days':
      return measureWorkingTime(cal, origin, end);
  }
}

/** Validates a duration, so a bad target is reported where it enters rather than as a wrong deadline. */
export function assertDuration(duration: Duration): void {
  if (!(DURATION_UNITS as readonly string[]).includes(duration.unit)) {
    throw new RangeError(
      `unknown duration unit ${JSON.stringify(duration.unit)} (expected ${DURATION_UNITS.join(', ')})`,
    );
  }
  if (!Number.isFinite(duration.amount) || duration.amount < 0) {
    throw new RangeError(`duration amount must be a finite number >= 0, got ${duration.amount}`);
  }
}

/**
 * The deadline of a duration started at `start`: where counting begins (see `countingOriginMs`) plus the
 * duration in its own unit. Never earlier than `start`.
 */
export function addDuration(
  start: InstantInput,
  duration: Duration,
  snapshot: CalendarSnapshot,
  rules: CountingRules = DEFAULT_RULES,
): string {
  assertDuration(duration);
  const cal = compileSnapshot(snapshot);
  const origin = countingOriginMs(cal, toEpochMs(start), duration.unit, rules);
  return toIso(addFromOriginMs(cal, origin, duration.amount, duration.unit));
}

/**
 * How much of `unit` a clock started at `start` has counted by `end`: the inverse of `addDuration`, so
 * `measure(s, addDuration(s, d), d.unit) === d.amount`. Zero when `end` is before counting begins.
 */
export function measure(
  start: InstantInput,
  end: InstantInput,
  unit: DurationUnit,
  snapshot: CalendarSnapshot,
  rules: CountingRules = DEFAULT_RULES,
): number {
  const cal = compileSnapshot(snapshot);
  const origin = countingOriginMs(cal, toEpochMs(start), unit, rules);
  return elapsedFromOrigin(cal, origin, toEpochMs(end), unit);
}

/** The instant counting begins for a clock started at `start` (see `countingOriginMs`). */
export function countingOrigin(
  start: InstantInput,
  unit: DurationUnit,
  snapshot: CalendarSnapshot,
  rules: CountingRules = DEFAULT_RULES,
): string {
  return toIso(countingOriginMs(compileSnapshot(snapshot), toEpochMs(start), unit, rules));
}
