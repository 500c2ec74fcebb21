import { actionHash, canonicalJson } from '../../clients/api/idempotency';

describe('what an Idempotency-Key is bound to', () => {
  it('one canonical text per value: keys sorted at every depth, undefined fields left out', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });

  it('the same action and body hash the same whatever the key order; another body or action does not', () => {
    const h = actionHash('escalate', { reason: 'Vulnerable', extra: { b: 1, a: 2 } });
    expect(actionHash('escalate', { extra: { a: 2, b: 1 }, reason: 'Vulnerable' })).toBe(h);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(actionHash('escalate', { reason: 'Other', extra: { a: 2, b: 1 } })).not.toBe(h);
    expect(actionHash('withdraw', { reason: 'Vulnerable', extra: { a: 2, b: 1 } })).not.toBe(h);
  });
});
