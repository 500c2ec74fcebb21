/** The units a duration may use, in milliseconds: weeks, days, hours, minutes, seconds. */
const UNITS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 };
const DURATION = /^(?:(\d{1,4})w)?(?:(\d{1,4})d)?(?:(\d{1,5})h)?(?:(\d{1,6})m)?(?:(\d{1,7})s)?$/;
/** {@link DURATION} with at least one unit and nothing around it: the shape the OpenAPI document states. */
export const DURATION_PATTERN = new RegExp(`^(?=\\d)${DURATION.source.slice(1)}`);
/** A year: a longer at-risk window is a mistake, not a question. */
export const MAX_DURATION_MS = 365 * 86_400_000;

/**
 * Parses a short duration such as `2h`, `30m`, `1d` or `1h30m` into milliseconds; undefined when it is
 * not one, is zero, or is longer than a year. Units go from the largest to the smallest, each at most once.
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === '') return undefined;
  const ms = ['w', 'd', 'h', 'm', 's'].reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * UNITS[unit]!, 0);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/**
 * An at-risk window from a string of {@link DURATION_PATTERN}'s shape, in milliseconds, held to at most a
 * year (any longer window holds every open complaint that one does); `0s` is "already due".
 */
export function windowMs(text: string): number {
  const match = DURATION.exec(text);
  const ms = ['w', 'd', 'h', 'm', 's'].reduce((sum, unit, i) => sum + Number(match?.[i + 1] ?? 0) * UNITS[unit]!, 0);
  return Math.min(ms, MAX_DURATION_MS);
}

/** A duration for people: `1h 59m`, `3d 4h`, `45s`; negative ones as `overdue 2h 5m`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `overdue ${formatDuration(-ms)}`;
  const parts: string[] = [];
  let rest = Math.floor(ms / 1000);
  for (const [unit, secs] of [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
  ] as const) {
    const n = Math.floor(rest / secs);
    if (n > 0) parts.push(`${n}${unit}`);
    rest -= n * secs;
  }
  if (parts.length === 0) return `${rest}s`;
  return parts.slice(0, 2).join(' ');
}
