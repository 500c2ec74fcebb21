import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import type { RingKey } from './key-ring';

/**
 * Temporal's payload codec for Redress: every payload the worker, the bridge and the API send to
 * Temporal (workflow input, update arguments and results, query answers, memo, failure messages and
 * stack traces) is encrypted with AES-256-GCM before it leaves the process, so the server, its database
 * and its UI hold ciphertext. The codec runs in Node, outside the workflow sandbox: the workflow code
 * sees clear values and never knows.
 *
 * A payload becomes `iv (12 bytes) ‖ ciphertext ‖ tag (16 bytes)` of the original payload's protobuf
 * (metadata included, so its own encoding survives), with metadata `encoding: binary/encrypted` and
 * `encryption-key-id`. The key id is also the authenticated data, so a payload relabelled with another
 * key's id fails authentication instead of decrypting under a key it was not made with.
 */

/** The metadata encoding of an encrypted payload. */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
/** The metadata key naming the ring key a payload was encrypted with. */
export const KEY_ID_METADATA = 'encryption-key-id';
/** AES-256: 32-byte keys. */
export const PAYLOAD_KEY_BYTES = 32;
/** 96-bit IVs, random per payload: GCM's recommended size; under one key, 2^32 payloads stay far from a collision. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

const text = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const metadataText = (payload: Payload, key: string): string | undefined => {
  const value = payload.metadata?.[key];
  return value ? Buffer.from(value).toString('utf8') : undefined;
};

/** Whether a payload is one this codec encrypted (by its metadata). */
export const isEncrypted = (payload: Payload): boolean => metadataText(payload, 'encoding') === ENCRYPTED_ENCODING;

/**
 * AES-256-GCM over a key ring, the one cipher of Redress: the first key seals, every key opens
 * (rotation). The payload codec seals Temporal payloads with it, and the dead-letter topic its
 * originals (workers/bridge/dead-letter.ts). Sealed bytes are `iv ‖ ciphertext ‖ tag`; the key id is
 * always part of the authenticated data, with an optional context after it (what the bytes belong to),
 * so bytes relabelled with another key's id, or moved to another record, fail authentication instead
 * of opening.
 */
export class KeyRingCipher {
  private readonly byId: ReadonlyMap<string, Buffer>;
  private readonly current: RingKey;

  constructor(keys: readonly RingKey[]) {
    const [current] = keys;
    if (!current) throw new Error('the payload key ring needs at least one key');
    for (const k of keys) {
      if (k.secret.length !== PAYLOAD_KEY_BYTES) {
        throw new Error(`payload key ${k.id} must be ${PAYLOAD_KEY_BYTES} bytes (AES-256), not ${k.secret.length}`);
      }
    }
    this.current = current;
    this.byId = new Map(keys.map((k) => [k.id, k.secret]));
  }

  /** The id new data is sealed under. */
  get keyId(): string {
    return this.current.id;
  }

  /** Seals `clear` under the ring's first key, bound to `context` (empty: the key id alone). */
  seal(clear: Uint8Array, context = ''): { keyId: string; data: Buffer } {
    const { id, secret } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', secret, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(authenticated(id, context));
    return { keyId: id, data: Buffer.concat([iv, cipher.update(clear), cipher.final(), cipher.getAuthTag()]) };
  }

  /** Opens what {@link seal} made under `keyId` with the same `context`; throws naming `what` and the key. */
  open(keyId: string, sealed: Uint8Array, context = '', what = 'an encrypted payload'): Buffer {
    const secret = this.byId.get(keyId);
    if (!secret) {
      throw new Error(
        `${what} is encrypted with key ${keyId}, which this ring does not hold (it holds ${[...this.byId.keys()].join(', ')}): add the key to REDRESS_PAYLOAD_KEYS`,
      );
    }
    const data = Buffer.from(sealed);
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error(`${what} (key ${keyId}) is too short`);
    const decipher = createDecipheriv('aes-256-gcm', secret, data.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
    decipher.setAAD(authenticated(keyId, context));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    try {
      return Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new Error(
        `${what} (key ${keyId}) failed authentication: altered, or encrypted with another key of that id`,
      );
    }
  }
}

/** The key id alone (as payloads have always been sealed), or the id, a NUL and the context. */
const authenticated = (keyId: string, context: string): Uint8Array => text(context ? `${keyId}\0${context}` : keyId);

/** Temporal's codec over a {@link KeyRingCipher}: payloads sealed whole (protobuf, metadata included). */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly cipher: KeyRingCipher;

  constructor(keys: readonly RingKey[] | KeyRingCipher) {
    this.cipher = keys instanceof KeyRingCipher ? keys : new KeyRingCipher(keys);
  }

  /** The id new payloads are encrypted under. */
  get keyId(): string {
    return this.cipher.keyId;
  }

  // Synchronous work in a promise's executor, so a refusal is a rejection, as callers of a codec expect.
  encode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((p) => this.encrypt(p))));
  }

  /** Clear payloads (recorded before encryption, or written by a process without the codec) pass through. */
  decode(payloads: Payload[]): Promise<Payload[]> {
    return new Promise((resolve) => resolve(payloads.map((p) => (isEncrypted(p) ? this.decrypt(p) : p))));
  }

  private encrypt(payload: Payload): Payload {
    const { keyId, data } = this.cipher.seal(temporal.api.common.v1.Payload.encode(payload).finish());
    return { metadata: { encoding: text(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: text(keyId) }, data };
  }

  private decrypt(payload: Payload): Payload {
    const id = metadataText(payload, KEY_ID_METADATA);
    if (id === undefined) throw new Error(`an encrypted payload has no ${KEY_ID_METADATA} metadata`);
    const decoded = temporal.api.common.v1.Payload.decode(this.cipher.open(id, payload.data ?? new Uint8Array()));
    return { metadata: decoded.metadata, data: decoded.data };
  }
}
