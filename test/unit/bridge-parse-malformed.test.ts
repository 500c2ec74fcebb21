import fc from 'fast-check';
import { MAX_INBOUND_DEPTH, parseInbound as parseAt, type InboundTopicRole } from '../../domain/parse-inbound';
import { receivedEvent } from '../support/fixtures';
import { badInput, followUpEvent, malformedInputs } from '../support/malformed';

/** These tests are about structure: every instant they supply is now, which the instant rules accept. */
const parseInbound = (role: InboundTopicRole, value: Buffer | null, key: Buffer | null) =>
  parseAt(role, value, key, { now: Date.now(), earliest: Date.parse('2020-01-01T00:00:00Z') });

const key = (k: string | null) => (k === null ? null : Buffer.from(k));
const bytes = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('parseInbound against generated malformed input', () => {
  it('refuses every generated defect with the code of that defect, and never throws', () => {
    fc.assert(
      fc.property(badInput('unit'), (input) => {
        const result = parseInbound(input.role, input.value, key(input.key));
        if (input.expected === 'unknown-complaint') {
          // Valid on its own: only Temporal can tell the complaint does not exist.
          expect(result.ok).toBe(true);
          return;
        }
        expect(result).toMatchObject({ ok: false, code: input.expected });
        if (!result.ok) expect(result.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it('covers every defect the integration test publishes (same seed, same inputs)', () => {
    const kinds = new Set(malformedInputs(1_000, 20_260_601, 'cov').map((i) => i.kind.split(':')[0]));
    expect([...kinds].sort()).toEqual(
      [
        'control-char',
        'empty',
        'invalid-utf8',
        'key-mismatch',
        'lone-surrogate',
        'missing',
        'not-an-object',
        'not-json',
        'oversized-field',
        'oversized-message',
        'raw-control-char',
        'too-deep',
        'truncated-json',
        'unknown-complaint',
        'unknown-field',
        'unknown-type',
        'wrong-topic',
        'wrong-type',
      ].sort(),
    );
  });
});

describe('parseInbound: the checks added for hostile input', () => {
  it('refuses invalid UTF-8 instead of silently replacing it', () => {
    const text = JSON.stringify(receivedEvent('c-1', 'e-1'));
    const broken = Buffer.concat([Buffer.from(text.slice(0, 20)), Buffer.from([0xff]), Buffer.from(text.slice(20))]);
    expect(parseInbound('intake', broken, null)).toMatchObject({ ok: false, code: 'not-utf8' });
  });

  it('accepts tab, CR and LF in free text but no other control character, and names the field', () => {
    const withNewlines = receivedEvent('c-1', 'e-1');
    withNewlines.data.description = 'Line one.\r\nLine two,\tindented.';
    expect(parseInbound('intake', bytes(withNewlines), null).ok).toBe(true);

    const withNul = receivedEvent('c-1', 'e-1');
    withNul.data.customer.name = 'Ada\u0000Lovelace';
    const result = parseInbound('intake', bytes(withNul), null);
    expect(result).toMatchObject({ ok: false, code: 'control-characters' });
    if (!result.ok) expect(result.errors[0]?.field).toBe('data.customer.name');
  });

  it('refuses a control character in a property name and an unpaired surrogate', () => {
    const text = JSON.stringify(followUpEvent('customer.replied', 'c-1', 'e-1')).replace(
      '"message"',
      '"mess\\u0007age"',
    );
    expect(parseInbound('events', Buffer.from(text), null)).toMatchObject({ ok: false, code: 'control-characters' });
    const fact = followUpEvent('customer.replied', 'c-1', 'e-1');
    (fact.data as { message: string }).message = 'half an emoji \ud83d';
    expect(parseInbound('events', bytes(fact), null)).toMatchObject({ ok: false, code: 'control-characters' });
    (fact.data as { message: string }).message = 'a whole emoji \ud83d\ude00';
    expect(parseInbound('events', bytes(fact), null).ok).toBe(true);
  });

  it('refuses nesting deeper than the limit without overflowing the stack', () => {
    const deep = (n: number) =>
      Buffer.from(
        JSON.stringify(receivedEvent('c-1', 'e-1')).replace(
          '"data":{',
          `"data":{"x":${'['.repeat(n)}${']'.repeat(n)},`,
        ),
      );
    expect(parseInbound('intake', deep(MAX_INBOUND_DEPTH + 5), null)).toMatchObject({ ok: false, code: 'too-deep' });
    expect(parseInbound('intake', deep(100_000), null)).toMatchObject({ ok: false });
    // Shallow enough: refused for the unknown field, not for depth.
    expect(parseInbound('intake', deep(3), null)).toMatchObject({ ok: false, code: 'invalid-data' });
  });

  it('does not quote the input in its JSON error (it may be personal data)', () => {
    const result = parseInbound('intake', Buffer.from('{"name": Ada Lovelace of 12 Acacia Avenue}'), null);
    expect(result).toMatchObject({ ok: false, code: 'not-json' });
    if (!result.ok) expect(result.reason).not.toMatch(/Acacia|Lovelace/);
  });
});
