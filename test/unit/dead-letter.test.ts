import { CustomerRepliedSchema, EnvelopeSchema } from '../../domain/events';
import { declaredFieldNames, DeadLetterSchema, scrubField, scrubText, type DeadLetter } from '../../domain/dead-letter';
import { parseInbound } from '../../domain/parse-inbound';
import { describeFieldErrors } from '../../domain/validation';
import { parseKeyRing } from '../../platform/key-ring';
import { KeyRingCipher } from '../../platform/payload-codec';
import { openDeadLetter } from '../../platform/dead-letter-seal';
import { deadLetter, MAX_ORIGINAL_BYTES, TRUNCATED_ORIGINAL_BYTES } from '../../workers/bridge/dead-letter';
import { randomPayloadKeyRing } from '../support/payload-keys';

/** Dead letters keep routing facts in clear and seal the original with the payload key ring (issue 16). */

const ring = (id: string) => parseKeyRing(randomPayloadKeyRing(id), 'test', { min: 32, exact: true });
const cipher = new KeyRingCipher(ring('k1'));
const sealed = { seal: cipher };

const NAME = 'Ada Lovelace';
const EMAIL = 'ada.lovelace@example.org';
const message = (value: Buffer | null, key: Buffer | null = Buffer.from('c-1')) => ({
  key,
  value,
  headers: { trace: Buffer.from(`from ${EMAIL}`) },
  offset: '42',
  timestamp: '1700000000000',
});
/** A complaint.received whose email is invalid and which carries an unknown key named after the customer. */
const malformed = Buffer.from(
  JSON.stringify({
    eventId: 'e-1',
    type: 'complaint.received',
    complaintId: 'c-1',
    occurredAt: '2026-01-01T00:00:00Z',
    source: 'crm',
    data: {
      customer: { id: 'cust-1', name: NAME, email: `${NAME} <not-an-email>`, jurisdiction: 'GB-ENG' },
      channel: 'email',
      category: 'billing',
      summary: 'Charged twice',
      description: `Dear team, ${NAME} here`,
      [EMAIL]: true,
    },
  }),
);
const bounds = { now: Date.parse('2026-01-02T00:00:00Z'), earliest: Date.parse('2020-01-01T00:00:00Z') };
/** The rejection as the bridge makes it from a parse failure: the reason with its field errors. */
function bridgeRejection(value: Buffer) {
  const parsed = parseInbound('intake', value, Buffer.from('c-1'), bounds);
  if (parsed.ok) throw new Error('expected the malformed message to be refused');
  return {
    code: parsed.code,
    reason: `${parsed.reason} (${describeFieldErrors(parsed.errors)})`,
    errors: parsed.errors,
    ...parsed.ids,
  };
}

describe('a dead letter', () => {
  it('holds none of the input’s text in clear, reason, errors and headers included', () => {
    const rejection = bridgeRejection(malformed);
    // The premise: zod's own words quote the unknown key, so an unscrubbed reason would carry it.
    expect(JSON.stringify(rejection)).toContain(EMAIL);
    const letter = deadLetter('complaints.intake', 3, message(malformed), rejection, sealed);
    expect(DeadLetterSchema.parse(letter)).toEqual(letter);
    const raw = JSON.stringify(letter);
    for (const secret of [NAME, EMAIL, 'Dear team', 'not-an-email']) expect(raw).not.toContain(secret);
    // What routes it stays readable: the code, the fields at fault, where it came from.
    expect(letter.code).toBe('invalid-data');
    // The envelope was valid: its ids are kept in clear, so an operator finds the letter by complaint.
    expect(letter).toMatchObject({ eventId: 'e-1', complaintId: 'c-1' });
    expect(letter.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['data.customer.email']));
    expect(letter.reason).toContain('data.customer.email');
    expect(letter.source).toEqual({
      topic: 'complaints.intake',
      partition: 3,
      offset: '42',
      timestamp: '1700000000000',
    });
    expect(letter.original).toBeUndefined();
    expect(letter.sealed).toMatchObject({ keyId: 'k1', valueSize: malformed.length, keySize: 3, truncated: false });
  });

  it('opens with the ring to the original bytes, headers, and the errors as they were', () => {
    const rejection = bridgeRejection(malformed);
    const letter = deadLetter('complaints.intake', 3, message(malformed), rejection, sealed);
    const content = openDeadLetter(cipher, letter);
    expect(Buffer.from(content.value!, 'base64').equals(malformed)).toBe(true);
    expect(Buffer.from(content.key!, 'base64').toString()).toBe('c-1');
    expect(content.headers).toEqual({ trace: `from ${EMAIL}` });
    expect(content.valueSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(content.errors).toEqual(rejection.errors);
  });

  it('opens after a rotation (old key behind the new) and not without its key', () => {
    const [old] = ring('old');
    const [fresh] = ring('new');
    const letter = deadLetter('t', 0, message(malformed), bridgeRejection(malformed), {
      seal: new KeyRingCipher([old!]),
    });
    expect(openDeadLetter(new KeyRingCipher([fresh!, old!]), letter).value).not.toBeNull();
    expect(() => openDeadLetter(new KeyRingCipher([fresh!]), letter)).toThrow(/key old.*does not hold/);
    expect(() => openDeadLetter(undefined, letter)).toThrow(/without a payload key ring/);
  });

  it('does not open as part of another letter (its routing facts are the authenticated data)', () => {
    const letter = deadLetter('t', 0, message(malformed), bridgeRejection(malformed), sealed);
    const moved: DeadLetter = { ...letter, source: { ...letter.source, offset: '43' } };
    expect(() => openDeadLetter(cipher, moved)).toThrow(/failed authentication/);
  });

  it('seals the detail of a refusal and keeps its fixed reason in clear', () => {
    const letter = deadLetter(
      't',
      0,
      message(Buffer.from('{}')),
      { code: 'rejected', reason: 'survey.responded refused', detail: `comment "${NAME}" refused`, errors: [] },
      sealed,
    );
    expect(JSON.stringify(letter)).not.toContain(NAME);
    expect(openDeadLetter(cipher, letter).detail).toBe(`comment "${NAME}" refused`);
  });

  it('keeps the original in clear, in the first version’s shape, only when running unencrypted', () => {
    const value = Buffer.from([0xff, 0x00, 0x7b]);
    const d = deadLetter(
      't',
      3,
      message(value),
      { code: 'not-utf8', reason: 'not valid UTF-8', errors: [] },
      {
        clear: true,
      },
    );
    expect(d.sealed).toBeUndefined();
    expect(Buffer.from(d.original!.value!, 'base64')).toEqual(value);
    expect(d.original!.valueBytes).toMatchObject({ size: 3, truncated: false });
    expect(d.original!.headers).toEqual({ trace: `from ${EMAIL}` });
    expect(Buffer.from(openDeadLetter(undefined, d).value!, 'base64')).toEqual(value);
  });

  it('seals the largest whole original within one Kafka record, and a prefix of a larger one', () => {
    const whole = deadLetter(
      't',
      0,
      message(Buffer.alloc(MAX_ORIGINAL_BYTES, 0x61)),
      { code: 'too-large', reason: 'big', errors: [] },
      sealed,
    );
    expect(JSON.stringify(whole).length).toBeLessThan(1024 * 1024);
    expect(Buffer.from(openDeadLetter(cipher, whole).value!, 'base64')).toHaveLength(MAX_ORIGINAL_BYTES);

    const big = deadLetter(
      't',
      0,
      message(Buffer.alloc(MAX_ORIGINAL_BYTES + 1, 0x61), Buffer.alloc(100_000, 0x62)),
      { code: 'too-large', reason: 'big', errors: [] },
      sealed,
    );
    expect(big.sealed).toMatchObject({ valueSize: MAX_ORIGINAL_BYTES + 1, keySize: 100_000, truncated: true });
    expect(Buffer.from(openDeadLetter(cipher, big).value!, 'base64')).toHaveLength(TRUNCATED_ORIGINAL_BYTES);
    expect(JSON.stringify(big).length).toBeLessThan(1024 * 1024);
  });

  it('keeps declared names of a path up to the first undeclared one, and blanks quoted text', () => {
    const declared = declaredFieldNames([EnvelopeSchema, CustomerRepliedSchema]);
    expect(scrubField('data.message', declared)).toBe('data.message');
    expect(scrubField('data.attachments.3.name', new Set(['data', 'attachments', 'name']))).toBe(
      'data.attachments.3.name',
    );
    expect(scrubField(`data.${EMAIL}.message`, declared)).toBe('data.…');
    expect(scrubField('(root)', declared)).toBe('(root)');
    expect(scrubText(`Unexpected token 'A', "${NAME}" is not valid JSON`)).toBe(
      'Unexpected token "…", "…" is not valid JSON',
    );
  });

  it('scrubs a field path that is no schema name, and quoted text in messages', () => {
    const letter = deadLetter(
      't',
      0,
      message(Buffer.from('{}')),
      {
        code: 'invalid-envelope',
        reason: `invalid envelope: ${EMAIL}.x`,
        errors: [{ field: `${EMAIL}.x`, message: `Unrecognized key: "${NAME}"` }],
      },
      sealed,
    );
    expect(letter.errors).toEqual([{ field: '…', message: 'Unrecognized key: "…"' }]);
    expect(letter.reason).toBe('invalid envelope: …');
  });
});
