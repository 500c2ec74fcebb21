import { IANAZone } from 'luxon';
import type { SnapshotOffset } from '../../domain/clock';
import { toIso } from '../../domain/clock';

/**
 * The UTC offsets of an IANA zone over a span of time, read once from the host's time-zone data (through
 * luxon and Intl) so the snapshot can carry them and the workflow never reads that data itself.
 */

const SAMPLE_MS = 6 * 3_600_000;

/** Whether the host knows an IANA zone name. */
export function isKnownZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * The offset in force at `fromMs`, then every change up to `toMs`, each to the exact millisecond.
 * Sampling every six hours finds every change in every real zone (none changes twice within six hours);
 * a binary search then finds the instant of each.
 */
export function zoneOffsets(zone: string, fromMs: number, toMs: number): SnapshotOffset[] {
  const z = IANAZone.create(zone);
  if (!z.isValid) throw new RangeError(`unknown time zone ${JSON.stringify(zone)}`);
  const offsets: SnapshotOffset[] = [{ since: toIso(fromMs), minutes: z.offset(fromMs) }];
  let previousMs = fromMs;
  let previous = z.offset(fromMs);
  for (let t = fromMs + SAMPLE_MS; t <= toMs + SAMPLE_MS; t += SAMPLE_MS) {
    const current = z.offset(t);
    if (current !== previous) {
      let lo = previousMs;
      let hi = t;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (z.offset(mid) === previous) lo = mid;
        else hi = mid;
      }
      offsets.push({ since: toIso(hi), minutes: current });
      previous = current;
    }
    previousMs = t;
  }
  return offsets;
}
