import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseKeyRing, type RingKey } from '../../platform/key-ring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../platform/payload-codec';
import { devPayloadKeyFile, loadPayloadKeys } from '../../platform/payload-keys';
import { FAILURE_CONVERTER_PATH, payloadDataConverter } from '../../platform/data-converter';
import { failureConverter } from '../../platform/failure-converter';
import { randomPayloadKeyRing } from '../support/payload-keys';

const ring = (...ids: string[]): RingKey[] =>
  parseKeyRing(ids.map((id) => randomPayloadKeyRing(id)).join(','), 'test', { min: 32, exact: true });
const meta = (p: Payload, key: string) => Buffer.from(p.metadata![key]!).toString('utf8');
const complaint = { customer: { name: 'Ada Lovelace', email: 'ada@example.com' }, description: 'Charged twice' };
const clear = (): Payload => defaultPayloadConverter.toPayload(complaint);

describe('the payload codec', () => {
  it('encrypts each payload with a fresh IV, naming its key, and decrypts it back exactly', async () => {
    const codec = new AesGcmPayloadCodec(ring('k1'));
    const [a, b] = await codec.encode([clear(), clear()]);
    expect(meta(a!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(meta(a!, KEY_ID_METADATA)).toBe('k1');
    // The same value twice is two different ciphertexts: nobody learns that two payloads are equal.
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
    expect(Buffer.from(a!.data!).includes('Ada')).toBe(false);
    const [back] = await codec.decode([a!]);
    expect(meta(back!, 'encoding')).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(back!)).toEqual(complaint);
  });

  it('passes a clear payload through untouched (histories recorded before encryption)', async () => {
    const codec = new AesGcmPayloadCodec(ring('k1'));
    const payload = clear();
    const [out] = await codec.decode([payload]);
    expect(out).toBe(payload);
  });

  it('rotates: a payload under the old key decodes with [new, old]; new payloads use the new key', async () => {
    const [old] = ring('2025-01');
    const [fresh] = ring('2026-01');
    const [underOld] = await new AesGcmPayloadCodec([old!]).encode([clear()]);
    const rotated = new AesGcmPayloadCodec([fresh!, old!]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([underOld!]))[0]!)).toEqual(complaint);
    const [underNew] = await rotated.encode([clear()]);
    expect(meta(underNew!, KEY_ID_METADATA)).toBe('2026-01');
    // And once the old key is dropped, what it protected is unreadable, with the key named.
    await expect(new AesGcmPayloadCodec([fresh!]).decode([underOld!])).rejects.toThrow(/key 2025-01.*does not hold/);
  });

  it('refuses an altered payload, and one relabelled with another key id', async () => {
    const keys = ring('k1', 'k2');
    const codec = new AesGcmPayloadCodec(keys);
    const [p] = await codec.encode([clear()]);
    const flipped = Buffer.from(p!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...p!, data: flipped }])).rejects.toThrow(/failed authentication/);
    const relabelled = { ...p!, metadata: { ...p!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(codec.decode([relabelled])).rejects.toThrow(/failed authentication/);
  });

  it('reads a ring file whose comments hold commas (the committed replay test key has one)', () => {
    const keys = parseKeyRing(`# a comment, with a comma\n${randomPayloadKeyRing('k1')}`, 'X', {
      min: 32,
      exact: true,
    });
    expect(keys.map((k) => k.id)).toEqual(['k1']);
  });

  it('takes 32-byte keys only', () => {
    expect(() => parseKeyRing(`k:${Buffer.alloc(48).toString('base64')}`, 'X', { min: 32, exact: true })).toThrow(
      /X: key 1 \(k\) must be exactly 32 bytes/,
    );
  });

  it('makes a data converter that encodes failure messages, and carries the codec only when encryption is on', () => {
    const on = payloadDataConverter({ encryption: 'on', keys: ring('k1'), source: 'REDRESS_PAYLOAD_KEYS' });
    expect(on.payloadCodecs).toHaveLength(1);
    expect(on.failureConverterPath).toBe(FAILURE_CONVERTER_PATH);
    expect(failureConverter.options.encodeCommonAttributes).toBe(true);
    const off = payloadDataConverter({ encryption: 'off', source: 'REDRESS_PAYLOAD_ENCRYPTION=off' });
    expect(off.payloadCodecs).toBeUndefined();
  });
});

describe('the payload key ring', () => {
  const dir = () => mkdtempSync(join(tmpdir(), 'payload-keys-'));
  const inline = randomPayloadKeyRing('env-1');

  it('comes from REDRESS_PAYLOAD_KEYS, or from REDRESS_PAYLOAD_KEYS_FILE', () => {
    const d = dir();
    expect(loadPayloadKeys({ REDRESS_PAYLOAD_KEYS: inline }, d)).toMatchObject({ source: 'REDRESS_PAYLOAD_KEYS' });
    const file = join(d, 'ring');
    writeFileSync(file, `# newest first\n${randomPayloadKeyRing('f-2')}\n${randomPayloadKeyRing('f-1')}\n`);
    const fromFile = loadPayloadKeys({ REDRESS_PAYLOAD_KEYS_FILE: file }, d);
    expect(fromFile).toMatchObject({ encryption: 'on', source: 'REDRESS_PAYLOAD_KEYS_FILE' });
    expect(fromFile.encryption === 'on' ? fromFile.keys.map((k) => k.id) : []).toEqual(['f-2', 'f-1']);
  });

  it('makes one private development ring and keeps it across starts', () => {
    const d = dir();
    const first = loadPayloadKeys({}, d);
    const second = loadPayloadKeys({}, d);
    expect(first.source).toBe('development key');
    expect(second).toEqual(first);
    expect(statSync(devPayloadKeyFile(d)).mode & 0o777).toBe(0o600);
    expect(readFileSync(devPayloadKeyFile(d), 'utf8')).toMatch(/^# Redress payload keys/);
  });

  it('refuses a production start without a ring, unless told explicitly to run unencrypted', () => {
    const d = dir();
    expect(() => loadPayloadKeys({ NODE_ENV: 'production' }, d)).toThrow(
      /no payload key ring.*REDRESS_PAYLOAD_ENCRYPTION=off/,
    );
    expect(loadPayloadKeys({ NODE_ENV: 'production', REDRESS_PAYLOAD_ENCRYPTION: 'off' }, d)).toEqual({
      encryption: 'off',
      source: 'REDRESS_PAYLOAD_ENCRYPTION=off',
    });
    expect(loadPayloadKeys({ NODE_ENV: 'production', REDRESS_PAYLOAD_KEYS: inline }, d).encryption).toBe('on');
  });

  it('refuses off together with a ring, and any other mode', () => {
    const d = dir();
    expect(() => loadPayloadKeys({ REDRESS_PAYLOAD_ENCRYPTION: 'off', REDRESS_PAYLOAD_KEYS: inline }, d)).toThrow(
      /both set/,
    );
    expect(() => loadPayloadKeys({ REDRESS_PAYLOAD_ENCRYPTION: 'no' }, d)).toThrow(/must be on or off/);
  });
});
