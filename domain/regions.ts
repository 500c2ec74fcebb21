import type { IsoWeekday } from './clock';

/**
 * The regions Redress has a business calendar for. Each names where its holidays come from in the
 * `date-holidays` library, its zone and its default working week; the holidays themselves always come
 * from the library, never from a table here.
 *
 * The list is closed on purpose: `date-holidays` answers an unknown country or state with an empty or a
 * country-wide list rather than an error, and a deadline computed without a nation's bank holidays would
 * look right and be wrong.
 */

/** Holiday types that close the business (the library also reports observances, which do not). */
export const CLOSING_HOLIDAY_TYPES = ['public', 'bank'] as const;
/** See `CLOSING_HOLIDAY_TYPES`. */
export type ClosingHolidayType = (typeof CLOSING_HOLIDAY_TYPES)[number];

/** One region's calendar definition. */
export interface RegionDefinition {
  /** ISO 3166-style code: the country, with the subdivision when holidays differ inside it (`GB-SCT`). */
  readonly code: string;
  readonly name: string;
  /** `date-holidays` country and state. */
  readonly holidays: { readonly country: string; readonly state?: string };
  /** IANA zone of the working hours. */
  readonly zone: string;
  readonly workingDays: readonly IsoWeekday[];
  readonly workingHours: { readonly start: string; readonly end: string };
  readonly holidayTypes: readonly ClosingHolidayType[];
}

const MON_FRI: readonly IsoWeekday[] = [1, 2, 3, 4, 5];
const NINE_TO_FIVE = { start: '09:00', end: '17:00' } as const;
const CLOSED_ON = ['public', 'bank'] as const;

function region(
  code: string,
  name: string,
  country: string,
  state: string | undefined,
  zone: string,
): RegionDefinition {
  return {
    code,
    name,
    holidays: state === undefined ? { country } : { country, state },
    zone,
    workingDays: MON_FRI,
    workingHours: NINE_TO_FIVE,
    holidayTypes: CLOSED_ON,
  };
}

/**
 * The shipped regions. The four UK nations are separate because their bank holidays differ (Scotland has
 * 2 January, the first Monday of August and St Andrew's Day but not Easter Monday; Northern Ireland has
 * St Patrick's Day and 12 July). `US` is the federal calendar in New York time; pass another zone to
 * `buildCalendarSnapshot` for an office elsewhere.
 */
export const REGIONS = {
  'GB-ENG': region('GB-ENG', 'England', 'GB', 'ENG', 'Europe/London'),
  'GB-WLS': region('GB-WLS', 'Wales', 'GB', 'WLS', 'Europe/London'),
  'GB-SCT': region('GB-SCT', 'Scotland', 'GB', 'SCT', 'Europe/London'),
  'GB-NIR': region('GB-NIR', 'Northern Ireland', 'GB', 'NIR', 'Europe/London'),
  US: region('US', 'United States (federal holidays)', 'US', undefined, 'America/New_York'),
  IE: region('IE', 'Ireland', 'IE', undefined, 'Europe/Dublin'),
  DE: region('DE', 'Germany (national holidays)', 'DE', undefined, 'Europe/Berlin'),
  FR: region('FR', 'France', 'FR', undefined, 'Europe/Paris'),
} as const satisfies Record<string, RegionDefinition>;

/** A shipped region code. */
export type RegionCode = keyof typeof REGIONS;

/** The shipped region codes, in a stable order for messages. */
export const REGION_CODES = Object.keys(REGIONS) as RegionCode[];

/** Whether a string is a shipped region code. */
export function isRegionCode(code: string): code is RegionCode {
  return Object.prototype.hasOwnProperty.call(REGIONS, code);
}

/** The region definition for a code, or undefined. */
export function findRegion(code: string): RegionDefinition | undefined {
  return isRegionCode(code) ? REGIONS[code] : undefined;
}
