/**
 * Building business-calendar snapshots: holidays from the `date-holidays` library and zone offsets from
 * the host's time-zone database (luxon). Node only, so it runs in an activity (or the API, the CLI), never
 * in workflow code; the region list itself is pure and lives in `domain/regions`. Its output, a
 * `CalendarSnapshot`, is what workflow code hands to `domain/clock`.
 */
export {
  CalendarRequestError,
  DEFAULT_COVERAGE,
  MAX_COVERAGE_DAYS,
  UnknownRegionError,
  buildCalendarSnapshot,
  calendarSnapshotAround,
  calendarSnapshotCovering,
  coverageAround,
} from './build-snapshot';
export type { CalendarSnapshotRequest } from './build-snapshot';
export { isKnownZone } from './zone-offsets';
