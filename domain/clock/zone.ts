import { MS_PER_DAY, MS_PER_MINUTE, isoDate } from './civil';
import { CalendarCoverageError } from './snapshot';
import type { CompiledCalendar } from './snapshot';

/**
 * Conversions between instants and local wall time, using only the UTC offsets recorded in the snapshot.
 */

/** A local reading of an instant: the local day number and the milliseconds since local midnight. */
export interface LocalTime {
  readonly day: number;
  readonly msOfDay: number;
  readonly offsetMinutes: number;
}

function coverageError(cal: CompiledCalendar, day: number): CalendarCoverageError {
  const { region, coverage } = cal.snapshot;
  return new CalendarCoverageError(
    `the ${region} calendar snapshot covers ${coverage.from} to ${coverage.to}, but ${isoDate(day)} is needed; ` +
      'fetch a snapshot covering a wider range',
    isoDate(day),
  );
}

/** Throws `CalendarCoverageError` unless the local day is inside the snapshot's coverage. */
export function assertCovered(cal: CompiledCalendar, day: number): void {
  if (day < cal.fromDay || day > cal.toDay) throw coverageError(cal, day);
}

/** Local time minus UTC, in minutes, at an instant. */
export function offsetAt(cal: CompiledCalendar, epochMs: number): number {
  const since = cal.offsetSince;
  let lo = 0;
  let hi = since.length - 1;
  if (hi < 0 || epochMs < (since[0] ?? Infinity)) throw coverageError(cal, Math.floor(epochMs / MS_PER_DAY));
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((since[mid] ?? Infinity) <= epochMs) lo = mid;
    else hi = mid - 1;
  }
  return cal.offsetMinutes[lo] ?? 0;
}

/** The local day and time of an instant; throws `CalendarCoverageError` outside the coverage. */
export function toLocal(cal: CompiledCalendar, epochMs: number): LocalTime {
  const offsetMinutes = offsetAt(cal, epochMs);
  const local = epochMs + offsetMinutes * MS_PER_MINUTE;
  const day = Math.floor(local / MS_PER_DAY);
  assertCovered(cal, day);
  return { day, msOfDay: local - day * MS_PER_DAY, offsetMinutes };
}

/**
 * The instant of a local wall time. A wall time repeated when clocks go back resolves to its first
 * occurrence; one skipped when clocks go forward resolves to the same distance past the jump (01:30 on the
 * day London skips 01:00–02:00 becomes 02:30 BST), as luxon and most calendars do.
 */
export function fromLocal(cal: CompiledCalendar, day: number, msOfDay: number): number {
  assertCovered(cal, day);
  const local = day * MS_PER_DAY + msOfDay;
  // Offsets in force within a day either side are the only candidates: no zone moves by more than that.
  const before = offsetAt(cal, local - MS_PER_DAY);
  const after = offsetAt(cal, local + MS_PER_DAY);
  const candidates = before === after ? [before] : [before, after, ...middleOffsets(cal, local)];
  let best: number | undefined;
  for (const minutes of candidates) {
    const utc = local - minutes * MS_PER_MINUTE;
    if (offsetAt(cal, utc) === minutes && (best === undefined || utc < best)) best = utc;
  }
  // No candidate reads back as this wall time: it is in a gap. The offset before the gap moves it forward.
  return best ?? local - before * MS_PER_MINUTE;
}

function middleOffsets(cal: CompiledCalendar, local: number): number[] {
  const found: number[] = [];
  cal.offsetSince.forEach((since, i) => {
    if (since > local - MS_PER_DAY && since < local + MS_PER_DAY) found.push(cal.offsetMinutes[i] ?? 0);
  });
  return found;
}

/** Formats an instant as local ISO-8601 with its offset (`2026-04-24T17:00:00.000+01:00`). */
export function toLocalIso(cal: CompiledCalendar, epochMs: number): string {
  const { offsetMinutes } = toLocal(cal, epochMs);
  const shifted = new Date(epochMs + offsetMinutes * MS_PER_MINUTE).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
