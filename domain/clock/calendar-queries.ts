import { isoDate } from './civil';
import { workingInterval } from './business-time';
import type { InstantInput } from './instant';
import { toEpochMs } from './instant';
import { compileSnapshot } from './snapshot';
import type { CalendarSnapshot } from './snapshot';
import { toLocal, toLocalIso as formatLocal } from './zone';

/** Questions about a snapshot that callers (status displays, the CLI, tests) ask directly. */

/** Whether the business is open at an instant. */
export function isBusinessTime(instant: InstantInput, snapshot: CalendarSnapshot): boolean {
  const cal = compileSnapshot(snapshot);
  const ms = toEpochMs(instant);
  const iv = workingInterval(cal, toLocal(cal, ms).day);
  return iv !== undefined && ms >= iv.open && ms < iv.close;
}

/** The local date (`YYYY-MM-DD`) of an instant in the snapshot's zone. */
export function localDateOf(instant: InstantInput, snapshot: CalendarSnapshot): string {
  const cal = compileSnapshot(snapshot);
  return isoDate(toLocal(cal, toEpochMs(instant)).day);
}

/** An instant as local ISO-8601 with its offset, e.g. `2026-04-24T17:00:00.000+01:00`. */
export function toLocalIso(instant: InstantInput, snapshot: CalendarSnapshot): string {
  return formatLocal(compileSnapshot(snapshot), toEpochMs(instant));
}
