import { syllable } from 'syllable';
import type { Range } from './context';

/**
 * Flesch reading ease (Flesch 1948): 206.835 − 1.015 × words per sentence − 84.6 × syllables per word.
 * Syllables come from `syllable` (wooorm), a maintained English syllable counter with a list of words
 * the rules get wrong; the formula is the one line below. 60–70 is plain English, below 30 is hard going.
 */
export function fleschReadingEase(words: number, sentences: number, syllables: number): number {
  return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words);
}

/** A word for counting: letters (with inner apostrophes or hyphens) or a number read as one word. */
const WORD = /[\p{L}\p{N}]+(?:['\u2019-][\p{L}\p{N}]+)*/gu;
/** A sentence ends at . ! ? (one or more, with closing quotes or brackets) followed by space or the end. */
const SENTENCE = /[^.!?\n]*(?:[.!?]+["'\u201d\u2019)\]]*(?=\s|$)|\n|$)/g;

export interface Sentence extends Range {
  words: number;
  syllables: number;
}

/** The sentences of a text with their word and syllable counts; sentences without words are left out. */
export function sentencesOf(text: string): Sentence[] {
  const out: Sentence[] = [];
  for (const m of text.matchAll(SENTENCE)) {
    if (m[0].length === 0) continue;
    const words = m[0].match(WORD) ?? [];
    if (words.length === 0) continue;
    const lead = m[0].length - m[0].trimStart().length;
    const start = m.index + lead;
    const end = m.index + m[0].trimEnd().length;
    out.push({ start, end, words: words.length, syllables: words.reduce((n, w) => n + Math.max(1, syllable(w)), 0) });
  }
  return out;
}

/** Reading ease of a whole text; undefined when it has no words. */
export function readingEaseOf(sentences: readonly Sentence[]): number | undefined {
  const words = sentences.reduce((n, s) => n + s.words, 0);
  if (words === 0) return undefined;
  const syllables = sentences.reduce((n, s) => n + s.syllables, 0);
  return fleschReadingEase(words, sentences.length, syllables);
}

/**
 * A sentence is flagged as hard to read when it is long and its own score is below this: short sentences
 * are left alone whatever their words (a one-line "Your reimbursement is authorised." is fine).
 */
export const HARD_SENTENCE = { minWords: 20, belowEase: 30 } as const;

export const isHard = (s: Sentence): boolean =>
  s.words >= HARD_SENTENCE.minWords && fleschReadingEase(s.words, 1, s.syllables) < HARD_SENTENCE.belowEase;
