import { join } from 'node:path';
import { ensureDevKeyRing, ringFromEnv, type RingKey } from './key-ring';
import { PAYLOAD_KEY_BYTES } from './payload-codec';

/**
 * The payload codec's key ring (platform/payload-codec.ts), held by every process that talks to
 * Temporal: the worker, the bridge and the API. They must hold the same ring, or one cannot read what
 * another wrote.
 *
 * `REDRESS_PAYLOAD_KEYS` (`id:base64,id:base64`, newest first: the first encrypts, all decrypt) or
 * `REDRESS_PAYLOAD_KEYS_FILE` (the same, one key a line); neither set, the local stack's development ring
 * in the data directory, made on first start (as the search index's is) — refused when
 * `NODE_ENV=production`, where a key nobody chose is a key nobody guards. A deployment that means to run
 * unencrypted says so with `REDRESS_PAYLOAD_ENCRYPTION=off`; silence is never taken for it.
 */

const SIZE = { min: PAYLOAD_KEY_BYTES, exact: true };

/** Where the development ring lives under a data directory. */
export const devPayloadKeyFile = (dataDir: string): string => join(dataDir, 'dev-payload-keys');

/** How payloads are protected, and on whose word: for the start-up log line (never the keys). */
export type PayloadKeys =
  | {
      encryption: 'on';
      keys: RingKey[];
      source: 'REDRESS_PAYLOAD_KEYS' | 'REDRESS_PAYLOAD_KEYS_FILE' | 'development key';
    }
  | { encryption: 'off'; source: 'REDRESS_PAYLOAD_ENCRYPTION=off' };

/** The ring from the environment, the development ring, or none when told explicitly; throws otherwise. */
export function loadPayloadKeys(env: NodeJS.ProcessEnv, dataDir: string): PayloadKeys {
  const mode = env.REDRESS_PAYLOAD_ENCRYPTION?.trim() || 'on';
  if (mode !== 'on' && mode !== 'off') {
    throw new Error(`REDRESS_PAYLOAD_ENCRYPTION must be on or off, not ${JSON.stringify(mode)}`);
  }
  const ring = ringFromEnv(env, 'REDRESS_PAYLOAD_KEYS', SIZE);
  if (mode === 'off') {
    // Both at once is a configuration nobody can read the intent of: refuse rather than guess.
    if (ring) throw new Error('REDRESS_PAYLOAD_ENCRYPTION=off and a payload key ring are both set: unset one');
    return { encryption: 'off', source: 'REDRESS_PAYLOAD_ENCRYPTION=off' };
  }
  if (ring) {
    return {
      encryption: 'on',
      keys: ring.keys,
      source: ring.source === 'inline' ? 'REDRESS_PAYLOAD_KEYS' : 'REDRESS_PAYLOAD_KEYS_FILE',
    };
  }
  if (env.NODE_ENV === 'production') {
    throw new Error(
      'no payload key ring: set REDRESS_PAYLOAD_KEYS or REDRESS_PAYLOAD_KEYS_FILE (NODE_ENV=production makes no development key), or REDRESS_PAYLOAD_ENCRYPTION=off to run unencrypted on purpose',
    );
  }
  const keys = ensureDevKeyRing(
    devPayloadKeyFile(dataDir),
    dataDir,
    'Redress payload keys (Temporal payload encryption) for local development. Keep private.',
    SIZE,
  );
  return { encryption: 'on', keys, source: 'development key' };
}
