import { sealContext, SealedContentSchema, type DeadLetter, type SealedContent } from '../domain/dead-letter';
import { dataDir } from './data-dir';
import { KeyRingCipher } from './payload-codec';
import { loadPayloadKeys, type PayloadKeys } from './payload-keys';

/**
 * Sealing and opening a dead letter's original (domain/dead-letter.ts) with the payload key ring: the
 * bridge and the projector seal, the API opens for `redress dlq show` and `replay`. One pair, in the
 * layer every process may import, so the two sides cannot disagree about the context or the encoding.
 */

/**
 * How dead letters keep their originals: sealed with the payload key ring (the default), or in clear
 * when the deployment runs without payload encryption on purpose (`REDRESS_PAYLOAD_ENCRYPTION=off`).
 */
export type OriginalProtection = { seal: KeyRingCipher } | { clear: true };

/** The protection a ring gives: the same ring, and the same decision to run without one, as Temporal's payloads. */
export const originalProtection = (keys: PayloadKeys): OriginalProtection =>
  keys.encryption === 'on' ? { seal: new KeyRingCipher(keys.keys) } : { clear: true };

/** The protection from the environment's payload key ring (throws as loadPayloadKeys does). */
export const loadOriginalProtection = (env: NodeJS.ProcessEnv = process.env): OriginalProtection =>
  originalProtection(loadPayloadKeys(env, dataDir(env)));

/** Seals a letter's content, bound to the letter's routing facts (see {@link sealContext}). */
export function sealContent(
  cipher: KeyRingCipher,
  content: SealedContent,
  letter: Pick<DeadLetter, 'code' | 'source' | 'rejectedAt'>,
): { keyId: string; data: string } {
  const sealed = cipher.seal(Buffer.from(JSON.stringify(content), 'utf8'), sealContext(letter));
  return { keyId: sealed.keyId, data: sealed.data.toString('base64') };
}

/**
 * The content of a letter as the bridge saw it: opened with the ring, or (a letter written unencrypted)
 * taken from its clear `original`. Throws naming the key when the ring cannot open it.
 */
export function openDeadLetter(cipher: KeyRingCipher | undefined, letter: DeadLetter): SealedContent {
  if (letter.sealed) {
    if (!cipher)
      throw new Error(
        `dead letter sealed with key ${letter.sealed.keyId}, and this process runs without a payload key ring`,
      );
    const clear = cipher.open(
      letter.sealed.keyId,
      Buffer.from(letter.sealed.data, 'base64'),
      sealContext(letter),
      'a dead letter',
    );
    return SealedContentSchema.parse(JSON.parse(clear.toString('utf8')));
  }
  if (!letter.original) throw new Error('dead letter holds neither a sealed nor a clear original');
  const { key, value, keyBytes, valueBytes, headers } = letter.original;
  return {
    key,
    value,
    keySha256: keyBytes.sha256,
    valueSha256: valueBytes.sha256,
    headers,
    ...(letter.detail === undefined ? {} : { detail: letter.detail }),
    errors: letter.errors,
  };
}
