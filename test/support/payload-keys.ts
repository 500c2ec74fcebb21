import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseKeyRing, newRingEntry, type RingKey } from '../../platform/key-ring';
import { PAYLOAD_KEY_BYTES } from '../../platform/payload-codec';

/**
 * Payload key rings for tests. Integration runs get a fresh random ring each (global-setup puts it in
 * REDRESS_PAYLOAD_KEYS, so in-process workers and spawned processes share it); the replay corpus's
 * encrypted histories need a key that lasts, so it is committed: {@link REPLAY_TEST_KEY_FILE}.
 */

/** A random ring of one key, as `REDRESS_PAYLOAD_KEYS` takes it. */
export const randomPayloadKeyRing = (id = 'test-1'): string => newRingEntry(id, PAYLOAD_KEY_BYTES);

/**
 * The committed TEST key the encrypted histories of test/replay/histories were recorded under. It
 * protects nothing but those recordings, and no deployment may ever use it.
 */
export const REPLAY_TEST_KEY_FILE = join(__dirname, '../replay/test-payload-key');

/** The replay test key ring, parsed from its committed file. */
export function replayTestKeys(): RingKey[] {
  return parseKeyRing(readFileSync(REPLAY_TEST_KEY_FILE, 'utf8'), REPLAY_TEST_KEY_FILE, {
    min: PAYLOAD_KEY_BYTES,
    exact: true,
  });
}
