/**
 * Response-window arithmetic: pure and deterministic, safe to import from workflow code.
 *
 * Everything here works from a `CalendarSnapshot` (produced by an activity through `platform/calendar` and so
 * recorded in the workflow's history); nothing reads the clock, the host's time-zone data, a holiday
 * library or any file. Instants are ISO-8601 strings (or epoch milliseconds on input).
 */
export { CALENDAR_SNAPSHOT_FORMAT, CalendarCoverageError, InvalidSnapshotError } from './snapshot';
export type { CalendarSnapshot, SnapshotHoliday, SnapshotOffset } from './snapshot';
export type { IsoWeekday } from './civil';
export { InvalidInstantError, isInstant, toEpochMs, toIso } from './instant';
export type { InstantInput } from './instant';
export {
  AFTER_CLOSE_OF_BUSINESS,
  BUSINESS_UNITS,
  CALENDAR_UNITS,
  DURATION_UNITS,
  addDuration,
  countingOrigin,
  describeDuration,
  isBusinessUnit,
  measure,
} from './duration';
export type { AfterCloseOfBusiness, CountingRules, Duration, DurationUnit } from './duration';
export {
  ClockTransitionError,
  dueEvents,
  extendClock,
  extendClockUntil,
  markFired,
  nextDueEvent,
  pauseClock,
  pendingEvents,
  resumeClock,
  startClock,
  stopClock,
  timeLeft,
} from './clock-state';
export type {
  ClockEvent,
  ClockExtension,
  ClockPause,
  ClockSpec,
  ClockState,
  ClockStatus,
  ClockWarning,
  TimeLeft,
} from './clock-state';
export { isBusinessTime, localDateOf, toLocalIso } from './calendar-queries';
