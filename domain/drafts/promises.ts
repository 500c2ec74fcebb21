import type { COMMITMENT_KINDS } from '../commitments';
import type { Span } from '../respect';

type CommitmentKind = (typeof COMMITMENT_KINDS)[number];

/**
 * Promises in agent-written text ("we will call you on Tuesday at 10", "we will refund you by Friday",
 * "you will hear from us within 5 days"): each one the customer will hold us to, so each becomes a
 * proposed commitment (issue 13 §5). Pure and deterministic: the reference instant comes from the caller.
 * Where the words name a time this can read, a proposed due instant is given; otherwise the words alone.
 */

export interface PromiseFinding {
  /** The promise as written: from its subject to the end of its sentence (a commitment's `words`). */
  span: Span;
  /** The commitment it would be (`POST …/commitments` `kind`): a call-back, a reply, or another promise. */
  kind: CommitmentKind;
  /** The words that say when ("on Tuesday at 10", "within 5 days"); absent when the promise names no time. */
  when?: string;
  /**
   * The due instant read from `when` (ISO-8601, UTC): a weekday is the next one after the reference day, at
   * the hour given or else the end of that day; "within N days/hours/weeks" counts calendar time. Absent for
   * what needs a calendar (business days) or cannot be read: the words stand for the agent to date.
   */
  dueAt?: string;
}

const VERBS =
  'call|phone|ring|contact|email|e-mail|write(?: to)?|reply(?: to)?|respond(?: to)?|get back to|update|refund|credit|pay|send|repay|reimburse|fix|replace|repair|arrange|visit|resolve|complete|confirm';
/** "we will call", "I'll refund", "we are going to send", "our team will contact", "you will hear from us". */
const PROMISE = new RegExp(
  `(?<![\\p{L}])(?:(?:we|i|our (?:team|engineer|manager|specialist))(?:'ll| will| shall| are going to| am going to)(?: (?:personally|then|also|now|aim to|try to|be able to))* (?:${VERBS})|you(?:'ll| will) (?:hear from us|hear back|receive|get|have|see)(?! to))(?![\\p{L}])[^.!?\\n]*`,
  'giu',
);

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  fourteen: 14,
};
const WEEKDAY = `(?:on |by |this |next |before )?(${DAYS.join('|')})(?: (?:morning|afternoon|evening))?(?: at (\\d{1,2})(?:[:.](\\d{2}))? ?(am|pm|a\\.m\\.|p\\.m\\.)?)?`;
const WITHIN = `(?:within|in the next|in) (\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')}) (business |working )?(hours?|days?|weeks?)`;
const WHEN = new RegExp(`\\b(?:${WEEKDAY}|${WITHIN}|(tomorrow|today|by the end of (?:the |this )?(?:day|week)))`, 'i');

const MS_HOUR = 3_600_000;
const MS_DAY = 24 * MS_HOUR;
const iso = (ms: number) => new Date(ms).toISOString();

/** The due instant of the words matched by WHEN, from `now`; undefined when it needs a calendar. */
function dueOf(m: RegExpExecArray, now: number): number | undefined {
  const startOfDay = Math.floor(now / MS_DAY) * MS_DAY;
  const endOf = (day: number) => day + MS_DAY - 1;
  if (m[1] !== undefined) {
    const target = DAYS.indexOf(m[1].toLowerCase());
    const today = new Date(now).getUTCDay();
    const ahead = (target - today + 7) % 7 || 7;
    const day = startOfDay + ahead * MS_DAY;
    if (m[2] === undefined) return endOf(day);
    let hour = Number(m[2]);
    const pm = m[4] !== undefined && m[4].toLowerCase().startsWith('p');
    if (pm && hour < 12) hour += 12;
    if (m[4] !== undefined && !pm && hour === 12) hour = 0;
    if (hour > 23) return undefined;
    return day + hour * MS_HOUR + Number(m[3] ?? 0) * 60_000;
  }
  if (m[5] !== undefined) {
    if (m[6] !== undefined) return undefined; // business days: only the complaint's calendar can count them
    const n = NUMBER_WORDS[m[5].toLowerCase()] ?? Number(m[5]);
    const unit = m[7]!.toLowerCase();
    return now + n * (unit.startsWith('hour') ? MS_HOUR : unit.startsWith('week') ? 7 * MS_DAY : MS_DAY);
  }
  const words = m[8]!.toLowerCase();
  if (words === 'today') return endOf(startOfDay);
  if (words === 'tomorrow') return endOf(startOfDay + MS_DAY);
  if (words.endsWith('day')) return endOf(startOfDay);
  const toSunday = (7 - new Date(now).getUTCDay()) % 7;
  return endOf(startOfDay + toSunday * MS_DAY);
}

const CALL = /\b(?:call|phone|ring)\b/i;
const REPLY = /\b(?:reply|respond|get back to|hear from us|hear back|email|e-mail|write|update)\b/i;
const kindOf = (written: string): CommitmentKind =>
  CALL.test(written) ? 'call-back' : REPLY.test(written) ? 'reply' : 'other';

/** The promises in a text, in order, each with when it is due where that can be read (`now`: epoch ms). */
export function findPromises(text: string, now: number): PromiseFinding[] {
  const out: PromiseFinding[] = [];
  for (const m of text.matchAll(PROMISE)) {
    const written = m[0].trimEnd();
    const span = { start: m.index, end: m.index + written.length, text: written };
    const kind = kindOf(written);
    const when = WHEN.exec(written);
    if (!when) {
      out.push({ span, kind });
      continue;
    }
    const due = dueOf(when, now);
    out.push({ span, kind, when: when[0].trim(), ...(due !== undefined ? { dueAt: iso(due) } : {}) });
  }
  return out;
}
