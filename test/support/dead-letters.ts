import type { DeadLetter, SealedContent } from '../../domain/dead-letter';
import { loadOriginalProtection, openDeadLetter } from '../../platform/dead-letter-seal';

/**
 * Dead letters as an operator with the key ring reads them: the run's ring (global-setup's
 * REDRESS_PAYLOAD_KEYS, which every process of the run seals with) opens their originals.
 */

let ring: ReturnType<typeof loadOriginalProtection> | undefined;
/** A letter's sealed content, opened with the run's payload key ring. */
export function openLetter(letter: DeadLetter): SealedContent {
  ring ??= loadOriginalProtection(process.env);
  return openDeadLetter('seal' in ring ? ring.seal : undefined, letter);
}

/** A letter's original key, as text (empty when it had none). */
export const letterKey = (letter: DeadLetter): string => Buffer.from(openLetter(letter).key ?? '', 'base64').toString();

/** A letter's original value, as bytes (empty when it had none). */
export const letterValue = (letter: DeadLetter): Buffer => Buffer.from(openLetter(letter).value ?? '', 'base64');
