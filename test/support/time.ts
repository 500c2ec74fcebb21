/** Durations in milliseconds, for tests that move workflow time or compute deadlines. */
export const HOUR = 3_600_000;
/** See {@link HOUR}. */
export const DAY = 24 * HOUR;
