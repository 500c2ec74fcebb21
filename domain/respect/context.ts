/**
 * Context that changes what a phrase means: quotation (the customer's words repeated back are not the
 * agent's) and negation ("we did not say you were wrong" is not blame). Both work on offsets into the
 * original text, so a finding's span stays exact.
 */

/** A half-open range of offsets `[start, end)`. */
export interface Range {
  start: number;
  end: number;
}

const OPENERS: Readonly<Record<string, string>> = { '"': '"', '\u201c': '\u201d', '\u2018': '\u2019', "'": "'" };
const LETTER = /[\p{L}\p{N}]/u;

/**
 * A straight single quote opens a quotation only after a space or an opening bracket and before a letter,
 * and closes one only before a non-letter: otherwise it is an apostrophe ("don't", "customers'").
 */
function opensAt(text: string, i: number): boolean {
  const c = text[i]!;
  if (c !== "'" && c !== '\u2018') return c === '"' || c === '\u201c';
  const before = i === 0 ? ' ' : text[i - 1]!;
  const after = text[i + 1] ?? '';
  return /[\s([{]/.test(before) && LETTER.test(after);
}

function closesAt(text: string, i: number, closer: string): boolean {
  if (text[i] !== closer) return false;
  if (closer !== "'" && closer !== '\u2019') return true;
  return !LETTER.test(text[i + 1] ?? '');
}

/**
 * The quoted parts of a text, quote marks included. An unclosed quotation runs to the end of its
 * paragraph (a quoted reply often loses its closing mark), never to the end of the whole text.
 */
export function quotedRanges(text: string): Range[] {
  const ranges: Range[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const closer = OPENERS[text[i]!];
    if (closer === undefined || !opensAt(text, i)) continue;
    let j = i + 1;
    while (j < text.length && !closesAt(text, j, closer) && !(text[j] === '\n' && text[j + 1] === '\n')) j += 1;
    ranges.push({ start: i, end: Math.min(j + 1, text.length) });
    i = j;
  }
  return ranges;
}

/** True when `[start, end)` lies inside one of `ranges`. */
export const inside = (ranges: readonly Range[], start: number, end: number): boolean =>
  ranges.some((r) => start >= r.start && end <= r.end);

/**
 * Where the clause holding `offset` starts: after the last sentence or clause mark (. ! ? ; : , dash, new
 * line) or a contrasting conjunction ("but", "however", "although"), which end a negation's reach.
 */
export function clauseStart(lower: string, offset: number): number {
  const head = lower.slice(0, offset);
  let start = 0;
  for (const m of head.matchAll(/[.!?;:,\u2013\u2014\n]|\b(?:but|however|although|though|yet)\b/g)) {
    start = m.index + m[0].length;
  }
  return start;
}

/** Words that negate what follows them in the same clause. */
const NEGATOR =
  /(?:\b(?:not|never|no|nobody|nothing|neither|nor|without|hardly|cannot)\b|n't\b|\bno one\b|\bat no point\b)/;
/** How far back (in words) a negator still reaches the phrase: "we did not at any point say you were wrong". */
const NEGATION_REACH = 6;

/**
 * True when the phrase starting at `offset` is negated: a negator among the few words before it, in the
 * same clause. Only words *before* the phrase count, so a phrase that carries its own negation ("you did
 * not read", "not our fault") is matched as written.
 */
export function negatedAt(lower: string, offset: number): boolean {
  const clause = lower.slice(clauseStart(lower, offset), offset);
  const words = clause.trim().split(/\s+/).filter(Boolean);
  return NEGATOR.test(words.slice(-NEGATION_REACH).join(' '));
}
