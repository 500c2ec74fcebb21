import { createHmac } from 'node:crypto';
import { searchWords } from '../domain/search-words';

/**
 * A blind index over complaint summaries (issue 12: text search without free text in the store).
 *
 * Each word of a summary becomes `HMAC-SHA256(key, word)`, cut to 128 bits, base64url: the store and the
 * lifecycle topic hold those tokens, never the words. A search computes the same tokens from its own
 * words and asks for complaints holding all of them. Without the key, a token is no dictionary lookup
 * away from its word; with it, equal words still give equal tokens, which is what a search needs and
 * all the index reveals (how often a word recurs across complaints, not which word it is).
 *
 * Keys rotate: tokens are made with the first key of the ring; a search is tried under every key, so
 * complaints indexed under an older key stay findable until it is dropped from the ring.
 */

/** One key of the ring: an id (for logs and rotation) and at least 32 bytes of secret. */
export interface SearchKey {
  id: string;
  secret: Buffer;
}

/** A token is 128 bits of the HMAC: collisions between two words are out of reach at any realistic vocabulary. */
const TOKEN_BYTES = 16;

export class SearchIndex {
  constructor(private readonly keys: readonly SearchKey[]) {
    if (keys.length === 0) throw new Error('a search index needs at least one key');
  }

  /** The id of the key new tokens are made with. */
  get currentKeyId(): string {
    return this.keys[0]!.id;
  }

  /** The tokens a text is indexed by, under the current key (each word once). */
  tokensOf(text: string): string[] {
    return tokensUnder(this.keys[0]!, searchWords(text));
  }

  /**
   * The token sets a search matches, one per key of the ring: a complaint matches when it holds every
   * token of any one set. Empty when the search has no word to look for.
   */
  searchTokens(text: string): string[][] {
    const words = searchWords(text);
    if (words.length === 0) return [];
    return this.keys.map((key) => tokensUnder(key, words));
  }
}

function tokensUnder(key: SearchKey, words: readonly string[]): string[] {
  return words.map((word) =>
    createHmac('sha256', key.secret).update(word, 'utf8').digest().subarray(0, TOKEN_BYTES).toString('base64url'),
  );
}
