/**
 * The words a complaint's summary is searchable by, and the words of a search: the same function on
 * both sides, so "Charged TWICE!" finds a summary that says "charged twice". Whole words only (no
 * prefixes, no stemming): each word becomes one keyed hash in the store (platform/search-index.ts), and
 * every prefix would be another hash that says more about the text than the search needs.
 */

/** Words shorter than this say nothing a search needs ("a", "I") and only grow the index. */
export const MIN_WORD_LENGTH = 2;

/** The most words one text contributes (a summary is at most 200 characters, so about 40 words). */
export const MAX_WORDS = 64;

/**
 * Lower case, accents folded (NFKD, combining marks dropped: "café" is "cafe"), split on anything that
 * is not a letter or a digit; each word once, in first-seen order. Apostrophes join ("didn't" is
 * "didnt"), so a search typed with or without one finds the same complaints.
 */
export function searchWords(text: string): string[] {
  const folded = text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['\u2019]/g, '');
  const words = new Set<string>();
  for (const word of folded.split(/[^\p{L}\p{N}]+/u)) {
    if (word.length < MIN_WORD_LENGTH) continue;
    words.add(word);
    if (words.size === MAX_WORDS) break;
  }
  return [...words];
}
