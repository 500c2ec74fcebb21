import type { StoredText, TextSeal } from '../domain/sealed-text';
import type { OriginalProtection } from './dead-letter-seal';

/**
 * The store's sealing of personal text (domain/sealed-text.ts) with the payload key ring: the same
 * cipher (AES-256-GCM, platform/payload-codec.ts), the same ring and the same choice to run in clear
 * as Temporal's payloads and the dead letters' originals, so one rotation covers them all. `open` names
 * what it opens (the caller says: a survey comment, a letter body) so its error is true of the row.
 */
export function textSeal(protection: OriginalProtection): TextSeal {
  return {
    seal(clear, context): StoredText {
      if (!('seal' in protection)) return { keyId: null, text: clear };
      const sealed = protection.seal.seal(Buffer.from(clear, 'utf8'), context);
      return { keyId: sealed.keyId, text: sealed.data.toString('base64') };
    },
    open(stored, context, what): string {
      if (stored.keyId === null) return stored.text;
      if (!('seal' in protection)) {
        throw new Error(
          `${what} is sealed with key ${stored.keyId}, and this process runs without a payload key ring (REDRESS_PAYLOAD_ENCRYPTION=off)`,
        );
      }
      return protection.seal.open(stored.keyId, Buffer.from(stored.text, 'base64'), context, what).toString('utf8');
    },
  };
}
