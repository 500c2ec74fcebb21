import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { searchWords } from '../../domain/search-words';
import { SearchIndex } from '../../platform/search-index';
import { devSearchKeyFile, ensureDevSearchKey, loadSearchKeys, parseSearchKeys } from '../../platform/search-keys';

const secret = (fill: number) => Buffer.alloc(32, fill);

describe('searchWords', () => {
  it('folds case, accents and apostrophes, and splits on everything else', () => {
    expect(searchWords("Charged TWICE — at the Café; didn't refund")).toEqual([
      'charged',
      'twice',
      'at',
      'the',
      'cafe',
      'didnt',
      'refund',
    ]);
  });
  it('keeps each word once, drops one-letter words, and stops at the cap', () => {
    expect(searchWords('a b twice twice I')).toEqual(['twice']);
    const many = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    expect(searchWords(many)).toHaveLength(64);
  });
});

describe('SearchIndex', () => {
  const index = new SearchIndex([{ id: 'a', secret: secret(1) }]);
  it('makes one short opaque token a word, the same for the same word however it is written', () => {
    const tokens = index.tokensOf('Charged twice');
    expect(tokens).toHaveLength(2);
    for (const t of tokens) expect(t).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(index.tokensOf('TWICE, charged!').sort()).toEqual([...tokens].sort());
    expect(tokens.join(' ')).not.toMatch(/charged|twice/i);
  });
  it('gives other tokens under another key', () => {
    const other = new SearchIndex([{ id: 'b', secret: secret(2) }]);
    expect(other.tokensOf('charged')).not.toEqual(index.tokensOf('charged'));
  });
  it('searches under every key of the ring, newest first, and indexes with the newest', () => {
    const ring = new SearchIndex([
      { id: 'new', secret: secret(3) },
      { id: 'old', secret: secret(1) },
    ]);
    expect(ring.currentKeyId).toBe('new');
    const sets = ring.searchTokens('charged');
    expect(sets).toHaveLength(2);
    expect(sets[1]).toEqual(index.tokensOf('charged'));
    expect(ring.tokensOf('charged')).toEqual(sets[0]);
    expect(ring.searchTokens(' ! ')).toEqual([]);
  });
  it('refuses an empty ring', () => {
    expect(() => new SearchIndex([])).toThrow(/at least one key/);
  });
});

describe('search keys', () => {
  const b64 = secret(7).toString('base64');
  it('parses id:base64 entries, comma or line separated', () => {
    const keys = parseSearchKeys(`k1:${b64},\n# a comment\nk0:${b64}`, 'REDRESS_SEARCH_KEYS');
    expect(keys.map((k) => k.id)).toEqual(['k1', 'k0']);
    expect(keys[0]!.secret.equals(secret(7))).toBe(true);
  });
  it('refuses short secrets, missing ids and repeated ids, naming the source', () => {
    expect(() => parseSearchKeys(`k1:${Buffer.alloc(8).toString('base64')}`, 'X')).toThrow(
      /X: key 1 \(k1\) must be at least 32 bytes/,
    );
    expect(() => parseSearchKeys(b64, 'X')).toThrow(/X: key 1 needs an id/);
    expect(() => parseSearchKeys(`k:${b64},k:${b64}`, 'X')).toThrow(/share an id/);
    expect(() => parseSearchKeys(' , ', 'X')).toThrow(/X: no key/);
  });
  it('makes one development key, private, and keeps it across calls', () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-keys-'));
    const first = ensureDevSearchKey(dir);
    const second = ensureDevSearchKey(dir);
    expect(second[0]!.secret.equals(first[0]!.secret)).toBe(true);
    expect(statSync(devSearchKeyFile(dir)).mode & 0o777).toBe(0o600);
    expect(readFileSync(devSearchKeyFile(dir), 'utf8')).toMatch(/^# Redress search-index key/);
  });
  it('prefers the environment, and refuses to make a development key in production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'search-keys-'));
    expect(loadSearchKeys({ REDRESS_SEARCH_KEYS: `env:${b64}` }, dir).source).toBe('REDRESS_SEARCH_KEYS');
    expect(() => loadSearchKeys({ NODE_ENV: 'production' }, dir)).toThrow(/REDRESS_SEARCH_KEYS/);
    expect(loadSearchKeys({}, dir).source).toBe('development key');
  });
});
