import Holidays from 'date-holidays';
import dateHolidaysPackage from 'date-holidays/package.json';
import { CALENDAR_SNAPSHOT_FORMAT, toEpochMs } from '../../domain/clock';
import type { CalendarSnapshot, InstantInput, IsoWeekday, SnapshotHoliday } from '../../domain/clock';
import { CLOSING_HOLIDAY_TYPES, REGION_CODES, findRegion } from '../../domain/regions';
import type { ClosingHolidayType, RegionDefinition } from '../../domain/regions';
import { isKnownZone, zoneOffsets } from './zone-offsets';

/**
 * Builds the calendar snapshot the clock arithmetic works from. This reads the holiday library and the
 * host's time-zone data, so it belongs in an activity: its result is recorded in the workflow's history.
 */

/** What calendar to build: a region, the local dates to cover, and optional changes to the region's defaults. */
export interface CalendarSnapshotRequest {
  /** A shipped region code (`GB-SCT`, `US`, …). */
  readonly region: string;
  /** First local date covered, `YYYY-MM-DD`. */
  readonly from: string;
  /** Last local date covered, `YYYY-MM-DD`. */
  readonly to: string;
  /** IANA zone of the office, instead of the region's default. */
  readonly zone?: string;
  readonly workingDays?: readonly IsoWeekday[];
  readonly workingHours?: { readonly start: string; readonly end: string };
  readonly holidayTypes?: readonly ClosingHolidayType[];
}

/** The region is not one Redress has a calendar for. */
export class UnknownRegionError extends Error {
  override readonly name = 'UnknownRegionError';
  constructor(readonly region: string) {
    super(`unknown region ${JSON.stringify(region)}; known regions: ${REGION_CODES.join(', ')}`);
  }
}

/** The request is malformed (dates, zone, working week). */
export class CalendarRequestError extends Error {
  override readonly name = 'CalendarRequestError';
}

/** The longest range one snapshot may cover; a workflow asks for a new one rather than a huge one. */
export const MAX_COVERAGE_DAYS = 366 * 10;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const HH_MM = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY_MS = 86_400_000;

function dayNumber(field: string, text: string): number {
  const m = ISO_DATE.exec(text);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new CalendarRequestError(`${field}: expected a YYYY-MM-DD date, got ${JSON.stringify(text)}`);
  }
  return ms / DAY_MS;
}

function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

function checkWorkingWeek(days: readonly IsoWeekday[], hours: { start: string; end: string }): void {
  if (days.length === 0 || days.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new CalendarRequestError(
      `workingDays: expected ISO weekdays 1 (Monday) … 7 (Sunday), got ${JSON.stringify(days)}`,
    );
  }
  if (!HH_MM.test(hours.start) || !HH_MM.test(hours.end) || hours.end <= hours.start) {
    throw new CalendarRequestError(
      `workingHours: expected HH:mm with start before end, got ${JSON.stringify(hours.start)}–${JSON.stringify(hours.end)}`,
    );
  }
}

// date-holidays answers "YYYY-MM-DD hh:mm:ss", optionally followed by an offset.
const HOLIDAY_DATE = /^(\d{4}-\d{2}-\d{2}) (\d{2}):(\d{2})/;

function holidaysOf(def: RegionDefinition, types: readonly ClosingHolidayType[], fromDay: number, toDay: number) {
  const { country, state } = def.holidays;
  const library = new Holidays(state === undefined ? { country } : { country, state }, {
    types: [...types],
    languages: ['en'],
  });
  // Guard against the library dropping or renaming a subdivision: it would silently fall back to the
  // country's holidays.
  if (state !== undefined && !Object.keys(library.getStates(country) ?? {}).includes(state)) {
    throw new Error(`date-holidays ${dateHolidaysPackage.version} no longer knows ${country}-${state}`);
  }
  const byDate = new Map<string, SnapshotHoliday>();
  const fromYear = new Date(fromDay * DAY_MS).getUTCFullYear();
  const toYear = new Date(toDay * DAY_MS).getUTCFullYear();
  for (let year = fromYear; year <= toYear; year += 1) {
    for (const h of library.getHolidays(year, 'en')) {
      if (!(types as readonly string[]).includes(h.type)) continue;
      const m = HOLIDAY_DATE.exec(h.date);
      if (!m || m[1] === undefined)
        throw new Error(`date-holidays returned an unexpected date ${JSON.stringify(h.date)}`);
      const date = m[1];
      const day = dayNumber('holiday', date);
      if (day < fromDay || day > toDay) continue;
      const startsAt = `${m[2]}:${m[3]}`;
      const holiday: SnapshotHoliday =
        startsAt === '00:00' ? { date, name: h.name } : { date, name: h.name, closedFrom: startsAt };
      const existing = byDate.get(date);
      // Two holidays on one date: the day is closed from the earlier of the two.
      if (!existing) byDate.set(date, holiday);
      else if (holiday.closedFrom === undefined || (existing.closedFrom ?? '') > holiday.closedFrom) {
        byDate.set(date, { ...holiday, name: `${existing.name}; ${holiday.name}` });
      } else byDate.set(date, { ...existing, name: `${existing.name}; ${holiday.name}` });
    }
  }
  return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/**
 * A business calendar for a region over a range of local dates, as a JSON-serialisable snapshot.
 * Throws `UnknownRegionError` or `CalendarRequestError` for a bad request.
 */
export function buildCalendarSnapshot(request: CalendarSnapshotRequest): CalendarSnapshot {
  const def = findRegion(request.region);
  if (!def) throw new UnknownRegionError(request.region);
  const fromDay = dayNumber('from', request.from);
  const toDay = dayNumber('to', request.to);
  if (toDay < fromDay) throw new CalendarRequestError(`to (${request.to}) is before from (${request.from})`);
  if (toDay - fromDay > MAX_COVERAGE_DAYS) {
    throw new CalendarRequestError(`the range ${request.from}..${request.to} is longer than ${MAX_COVERAGE_DAYS} days`);
  }
  const zone = request.zone ?? def.zone;
  if (!isKnownZone(zone)) throw new CalendarRequestError(`zone: unknown IANA time zone ${JSON.stringify(zone)}`);
  const workingDays = [...new Set(request.workingDays ?? def.workingDays)].sort((a, b) => a - b);
  const workingHours = {
    start: (request.workingHours ?? def.workingHours).start,
    end: (request.workingHours ?? def.workingHours).end,
  };
  checkWorkingWeek(workingDays, workingHours);
  const holidayTypes = [...(request.holidayTypes ?? def.holidayTypes)];
  for (const t of holidayTypes) {
    if (!(CLOSING_HOLIDAY_TYPES as readonly string[]).includes(t)) {
      throw new CalendarRequestError(
        `holidayTypes: ${JSON.stringify(t)} is not one of ${CLOSING_HOLIDAY_TYPES.join(', ')}`,
      );
    }
  }
  // Offsets from two days before to three days after the covered dates: local midnight is up to 18 hours
  // from UTC midnight, and a wall time near the edge is resolved by looking a day either side.
  const utcOffsets = zoneOffsets(zone, (fromDay - 2) * DAY_MS, (toDay + 3) * DAY_MS);
  return {
    format: CALENDAR_SNAPSHOT_FORMAT,
    region: def.code,
    zone,
    coverage: { from: isoDay(fromDay), to: isoDay(toDay) },
    utcOffsets,
    workingDays,
    workingHours,
    holidays: holidaysOf(def, holidayTypes, fromDay, toDay),
    source: {
      library: 'date-holidays',
      libraryVersion: dateHolidaysPackage.version,
      country: def.holidays.country,
      ...(def.holidays.state === undefined ? {} : { state: def.holidays.state }),
      holidayTypes,
    },
  };
}

/** How far around an instant `coverageAround` reaches by default: a week before, two years after. */
export const DEFAULT_COVERAGE = { daysBefore: 7, daysAfter: 731 } as const;

/**
 * The local dates to cover for clocks starting at `instant`. Two years ahead leaves room for the longest
 * regulatory window (8 weeks) plus long pauses; the week before absorbs any zone's offset from UTC.
 */
export function coverageAround(
  instant: InstantInput,
  margins: { readonly daysBefore?: number; readonly daysAfter?: number } = {},
): { from: string; to: string } {
  const day = Math.floor(toEpochMs(instant) / DAY_MS);
  return {
    from: isoDay(day - (margins.daysBefore ?? DEFAULT_COVERAGE.daysBefore)),
    to: isoDay(day + (margins.daysAfter ?? DEFAULT_COVERAGE.daysAfter)),
  };
}

/**
 * A snapshot from a week before `from` to two years after `through` (at most {@link MAX_COVERAGE_DAYS}:
 * past that the start moves forward, since nothing a running clock computes reaches that far back).
 */
export function calendarSnapshotCovering(region: string, from: InstantInput, through: InstantInput): CalendarSnapshot {
  const start = coverageAround(from);
  const end = coverageAround(toEpochMs(through) >= toEpochMs(from) ? through : from);
  const latestStart = dayNumber('to', end.to) - (MAX_COVERAGE_DAYS - 1);
  const startDay = Math.max(dayNumber('from', start.from), latestStart);
  return buildCalendarSnapshot({ region, from: isoDay(startDay), to: end.to });
}

/** A snapshot of a region's calendar around an instant (see `coverageAround`), with optional overrides. */
export function calendarSnapshotAround(
  region: string,
  instant: InstantInput,
  overrides: Omit<CalendarSnapshotRequest, 'region' | 'from' | 'to'> = {},
): CalendarSnapshot {
  return buildCalendarSnapshot({ ...overrides, region, ...coverageAround(instant) });
}
