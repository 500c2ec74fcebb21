/**
 * Dates in words (issue 15): a customer reads "by 5:00 pm GMT on Monday 7 December 2026", never
 * "2026-12-07T17:00:00.000Z". Every instant a letter carries is written in the customer's locale and in
 * the time zone of the complaint's business calendar (the zone its deadlines were counted in), with the
 * zone's short name so a customer abroad knows which clock it is.
 *
 * Rendering runs in the publishing activity (and the API, for a draft), never in workflow code: it uses the
 * host's time-zone data (Intl), which may change between releases; the deadlines were fixed by the workflow.
 * Pure otherwise, so it lives in domain/ beside the templates.
 */

/** An ISO-8601 instant as the workflow writes them (`Date#toISOString`, or with an offset). */
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Whether a template value is an instant to write in words. */
export const isInstant = (value: string): boolean => INSTANT.test(value) && !Number.isNaN(Date.parse(value));

/** `5:00 pm GMT on Monday 7 December 2026` (en-GB) or `5:00 PM EST on Monday, December 7, 2026` (en-US). */
export function instantInWords(instant: string, locale: string, timeZone: string): string {
  const at = new Date(instant);
  const language = locale.split('-')[0];
  // English letters are British unless American; other languages as Intl writes their locale.
  const loc = language === 'en' && locale !== 'en-US' ? 'en-GB' : locale;
  const time = new Intl.DateTimeFormat(loc, {
    hour: 'numeric',
    minute: '2-digit',
    hourCycle: 'h12', // 12:30 am, not en-GB's default 0:30 am
    timeZone,
    timeZoneName: 'short',
  }).format(at);
  const parts = new Intl.DateTimeFormat(loc, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  // Each language's own order and joining words, written here rather than left to ICU, whose versions
  // differ on commas; the template's words around it ("by", "erbyn", "a más tardar el") read into it.
  switch (language) {
    case 'cy':
      // "am 5:00 PM GMT ddydd Llun 7 Rhagfyr 2026": "on Monday" takes the soft mutation, dydd → ddydd.
      return `${time} ${part('weekday').replace(/^dydd/i, 'ddydd')} ${part('day')} ${part('month')} ${part('year')}`;
    case 'es':
      // "lunes, 7 de diciembre de 2026, a las 12:00 p.m. EST": the day first, as Spanish says it.
      // One o'clock is singular: "a la 1:00", "a las 2:00".
      return `${part('weekday')}, ${part('day')} de ${part('month')} de ${part('year')}, ${/^1:/.test(time) ? 'a la' : 'a las'} ${time}`;
    default:
      // British usage has no comma after the weekday ("Monday 7 December 2026").
      return loc === 'en-US'
        ? `${time} on ${part('weekday')}, ${part('month')} ${part('day')}, ${part('year')}`
        : `${time} on ${part('weekday')} ${part('day')} ${part('month')} ${part('year')}`;
  }
}

/** The template values with every instant in words; everything else as it was. */
export function withDatesInWords(
  vars: Readonly<Record<string, string>>,
  locale: string,
  timeZone: string,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(vars).map(([k, v]) => [k, isInstant(v) ? instantInWords(v, locale, timeZone) : v]),
  );
}
