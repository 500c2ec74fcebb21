import { letterBodyContext, surveyCommentContext } from '../../domain/sealed-text';
import { KeyRingCipher } from '../../platform/payload-codec';
import { textSeal } from '../../platform/store-seal';

/** The store's sealing of personal text (platform/store-seal.ts): bound to its row, its errors true of what it opens. */
const ring = (id: string) => textSeal({ seal: new KeyRingCipher([{ id, secret: Buffer.alloc(32, id.length) }]) });
const WHAT = 'a stored letter body';

describe('textSeal', () => {
  const seal = ring('k-1');
  const at = letterBodyContext('e-1', 'c-1');

  it('seals to base64 under the ring’s key and opens to the text', () => {
    const stored = seal.seal('Dear Ada', at);
    expect(stored.keyId).toBe('k-1');
    expect(Buffer.from(stored.text, 'base64').toString('utf8')).not.toContain('Ada');
    expect(seal.open(stored, at, WHAT)).toBe('Dear Ada');
    // A random IV: the same text seals differently each time, and both open.
    expect(seal.seal('Dear Ada', at).text).not.toBe(stored.text);
  });

  it('refuses another row, another table, and names what it opens in every error', () => {
    const stored = seal.seal('Dear Ada', at);
    expect(() => seal.open(stored, letterBodyContext('e-2', 'c-1'), WHAT)).toThrow(
      /^a stored letter body \(key k-1\) failed authentication/,
    );
    expect(() => seal.open(stored, surveyCommentContext('e-1', 'c-1'), WHAT)).toThrow(/failed authentication/);
    expect(() => ring('k-22').open(stored, at, WHAT)).toThrow(/^a stored letter body is encrypted with key k-1/);
    expect(() => textSeal({ clear: true }).open(stored, at, WHAT)).toThrow(
      /^a stored letter body is sealed with key k-1, and this process runs without a payload key ring/,
    );
  });

  it('keeps text in clear only when the deployment runs without encryption', () => {
    const clear = textSeal({ clear: true });
    expect(clear.seal('Dear Ada', at)).toEqual({ keyId: null, text: 'Dear Ada' });
    // A row in clear (before migration 0008, or without encryption) opens under any seal.
    expect(seal.open({ keyId: null, text: 'Dear Ada' }, at, WHAT)).toBe('Dear Ada');
  });
});
