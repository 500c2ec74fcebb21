import { MS_PER_DAY, parseIsoDate, parseWallTime } from './civil';
import type { IsoWeekday } from './civil';
import { toEpochMs } from './instant';

/** Identifies the snapshot format, so a history recorded by an older worker is recognised (or refused). */
export const CALENDAR_SNAPSHOT_FORMAT = 'redress.calendar-snapshot/1' as const;

/** A holiday the business is closed on, as the calendar library reported it. */
export interface SnapshotHoliday {
  /** The local date, `YYYY-MM-DD`. */
  readonly date: string;
  readonly name: string;
  /**
   * Present for a holiday that starts part-way through the day (German banks close at 14:00 on
   * 24 December): the business closes early at this local `HH:mm` instead of not opening.
   */
  readonly closedFrom?: string;
}

/** When the UTC offset of the zone changes: from `since` on, local time is UTC plus `minutes`. */
export interface SnapshotOffset {
  /** ISO-8601 instant the offset applies from. */
  readonly since: string;
  /** Local time minus UTC, in minutes (60 for British Summer Time, -300 for New York in winter). */
  readonly minutes: number;
}

/**
 * Everything the clock arithmetic needs to know about one region's business calendar over a date range,
 * as plain JSON.
 *
 * It is produced by an activity (`platform/calendar`), so it is recorded in the workflow's history and a
 * replay computes the same deadlines even after the holiday library or the time-zone database has been
 * updated. For the same reason it carries the zone's UTC offsets itself rather than asking `Intl` for
 * them: the clock code never consults the host's time-zone data.
 */
export interface CalendarSnapshot {
  readonly format: typeof CALENDAR_SNAPSHOT_FORMAT;
  /** The region code, e.g. `GB-SCT`. */
  readonly region: string;
  /** The IANA zone the working hours are in (for display; the arithmetic uses `utcOffsets`). */
  readonly zone: string;
  /** The local dates covered, both inclusive, `YYYY-MM-DD`. Arithmetic outside them is refused. */
  readonly coverage: { readonly from: string; readonly to: string };
  /** Offset changes in ascending order; the first applies from before the start of the coverage. */
  readonly utcOffsets: readonly SnapshotOffset[];
  /** The days of the week the business works. */
  readonly workingDays: readonly IsoWeekday[];
  /** Local opening and closing time, `HH:mm` (`24:00` allowed for the end), the same on every working day. */
  readonly workingHours: { readonly start: string; readonly end: string };
  /** Holidays inside the coverage, in date order. */
  readonly holidays: readonly SnapshotHoliday[];
  /** Where the holidays came from, so a reader of the history can tell which data a deadline used. */
  readonly source: {
    readonly library: string;
    readonly libraryVersion: string;
    readonly country: string;
    readonly state?: string;
    readonly holidayTypes: readonly string[];
  };
}

/** A snapshot is malformed (not one the calendar activity produced). */
export class InvalidSnapshotError extends Error {
  override readonly name = 'InvalidSnapshotError';
}

/**
 * An instant outside the snapshot's coverage was needed. The workflow should fetch a snapshot covering a
 * wider range (through the calendar activity) and retry the computation with it.
 */
export class CalendarCoverageError extends Error {
  override readonly name = 'CalendarCoverageError';
  constructor(
    message: string,
    /** The local date that was needed, `YYYY-MM-DD`. */
    readonly neededDate: string,
  ) {
    super(message);
  }
}

/** The snapshot in the form the arithmetic uses; built once per snapshot object and cached. */
export interface CompiledCalendar {
  readonly snapshot: CalendarSnapshot;
  readonly fromDay: number;
  readonly toDay: number;
  readonly offsetSince: readonly number[];
  readonly offsetMinutes: readonly number[];
  readonly working: ReadonlySet<number>;
  readonly openMinute: number;
  readonly closeMinute: number;
  /** Day number → minute the business closes that day (0 for a whole-day holiday). */
  readonly holidayClose: ReadonlyMap<number, number>;
}

// Workflow state is deserialised afresh on each activation, so the cache is keyed by object identity and
// lets garbage collection drop what is no longer referenced.
const compiled = new WeakMap<CalendarSnapshot, CompiledCalendar>();

/** Validates and indexes a snapshot; throws `InvalidSnapshotError` if it is not well formed. */
export function compileSnapshot(snapshot: CalendarSnapshot): CompiledCalendar {
  const cached = compiled.get(snapshot);
  if (cached) return cached;
  const fail = (what: string): never => {
    throw new InvalidSnapshotError(
      `invalid calendar snapshot for ${String((snapshot as { region?: unknown } | null)?.region)}: ${what}`,
    );
  };
  if (snapshot === null || typeof snapshot !== 'object') return fail('not an object');
  const format: unknown = snapshot.format;
  if (format !== CALENDAR_SNAPSHOT_FORMAT)
    fail(`format is ${JSON.stringify(format)}, expected ${CALENDAR_SNAPSHOT_FORMAT}`);
  const fromDay = parseIsoDate(snapshot.coverage?.from ?? '') ?? fail('coverage.from is not a YYYY-MM-DD date');
  const toDay = parseIsoDate(snapshot.coverage?.to ?? '') ?? fail('coverage.to is not a YYYY-MM-DD date');
  if (toDay < fromDay) fail('coverage.to is before coverage.from');
  const openMinute = parseWallTime(snapshot.workingHours?.start ?? '') ?? fail('workingHours.start is not HH:mm');
  const closeMinute = parseWallTime(snapshot.workingHours?.end ?? '') ?? fail('workingHours.end is not HH:mm');
  if (closeMinute <= openMinute) fail('workingHours.end must be after workingHours.start');
  const working = new Set<number>();
  for (const d of snapshot.workingDays ?? []) {
    if (!Number.isInteger(d) || d < 1 || d > 7) fail(`workingDays has ${String(d)}, expected 1 (Monday) … 7 (Sunday)`);
    working.add(d);
  }
  const offsetSince: number[] = [];
  const offsetMinutes: number[] = [];
  for (const o of snapshot.utcOffsets ?? []) {
    const since = toEpochMs(o.since);
    if (offsetSince.length > 0 && since <= (offsetSince[offsetSince.length - 1] ?? -Infinity)) {
      fail('utcOffsets are not in ascending order');
    }
    if (!Number.isInteger(o.minutes) || Math.abs(o.minutes) > 18 * 60) fail(`utcOffsets has offset ${o.minutes}`);
    offsetSince.push(since);
    offsetMinutes.push(o.minutes);
  }
  // Local midnight at the start of the coverage can be up to 18 hours before UTC midnight.
  if (offsetSince.length === 0 || (offsetSince[0] ?? Infinity) > fromDay * MS_PER_DAY - 18 * 3_600_000) {
    fail('utcOffsets do not reach back to the start of the coverage');
  }
  const holidayClose = new Map<number, number>();
  for (const h of snapshot.holidays ?? []) {
    const day = parseIsoDate(h.date) ?? fail(`holiday date ${JSON.stringify(h.date)} is not YYYY-MM-DD`);
    const closesAt =
      h.closedFrom === undefined
        ? 0
        : (parseWallTime(h.closedFrom) ?? fail(`holiday ${h.date} closedFrom is not HH:mm`));
    holidayClose.set(day, Math.min(closesAt, holidayClose.get(day) ?? closesAt));
  }
  const result: CompiledCalendar = {
    snapshot,
    fromDay,
    toDay,
    offsetSince,
    offsetMinutes,
    working,
    openMinute,
    closeMinute,
    holidayClose,
  };
  compiled.set(snapshot, result);
  return result;
}
