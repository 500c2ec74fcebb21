import { sha256 } from '@noble/hashes/sha2';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils';

/**
 * SHA-256 of a UTF-8 string, as lower-case hex. A draft's id is computed in workflow code too, where
 * the sandbox has no `crypto`, and must be the same wherever it is computed: `@noble/hashes` (audited,
 * pure JavaScript, no Node built-ins) gives the same digest as Node's crypto (tested) on both sides.
 */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
