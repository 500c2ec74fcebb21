import { MS_PER_DAY, MS_PER_MINUTE, daysFromCivil, isValidCivilDate } from './civil';

/**
 * An instant as the clock functions accept it: an ISO-8601 string with an explicit offset
 * (`2026-01-05T17:00:00Z`, `2026-01-05T09:30:00+01:00`) or epoch milliseconds. Instants come back as
 * ISO strings in UTC (`toISOString()` form), which are JSON-serialisable and readable in workflow history.
 */
export type InstantInput = string | number;

/** An instant could not be read: the message says what was wrong and what is expected. */
export class InvalidInstantError extends Error {
  override readonly name = 'InvalidInstantError';
}

// A zone-less string would be read in the host's zone by Date.parse; a deadline must not depend on the host.
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|([+-])(\d{2}):?(\d{2}))$/;

/** Epoch milliseconds of an instant; throws `InvalidInstantError` for anything that is not an exact instant. */
export function toEpochMs(instant: InstantInput): number {
  if (typeof instant === 'number') {
    if (!Number.isFinite(instant)) throw new InvalidInstantError(`not an instant: ${instant}`);
    return Math.round(instant);
  }
  const m = ISO_INSTANT.exec(instant);
  if (!m) {
    throw new InvalidInstantError(
      `not an ISO-8601 instant with an offset: ${JSON.stringify(instant)} (expected e.g. 2026-01-05T09:30:00Z or 2026-01-05T09:30:00+01:00)`,
    );
  }
  const [year, month, day, hour, minute] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const millis = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000);
  if (!isValidCivilDate(year, month, day)) throw new InvalidInstantError(`no such date in ${JSON.stringify(instant)}`);
  if (hour > 23 || minute > 59 || second > 59)
    throw new InvalidInstantError(`no such time in ${JSON.stringify(instant)}`);
  let offsetMinutes = 0;
  if (m[9] !== undefined) {
    const [oh, om] = [Number(m[10]), Number(m[11])];
    if (oh > 18 || om > 59) throw new InvalidInstantError(`no such offset in ${JSON.stringify(instant)}`);
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const local = daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
  return local - offsetMinutes * MS_PER_MINUTE;
}

/** The ISO-8601 UTC form of epoch milliseconds (`2026-01-05T17:00:00.000Z`). */
export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Whether a value is an instant `toEpochMs` accepts. */
export function isInstant(instant: InstantInput): boolean {
  try {
    toEpochMs(instant);
    return true;
  } catch {
    return false;
  }
}
