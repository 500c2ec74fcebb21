/**
 * Business calendars per region: zone, working week and holidays from the `date-holidays` library.
 *
 * Reads library data and the host's time-zone database, so it runs in an activity (or the CLI), never in
 * workflow code. Its output, a `CalendarSnapshot`, is what workflow code hands to `domain/clock`.
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
export { CLOSING_HOLIDAY_TYPES, REGIONS, REGION_CODES, findRegion, isRegionCode } from './regions';
export type { ClosingHolidayType, RegionCode, RegionDefinition } from './regions';
export { isKnownZone } from './zone-offsets';
