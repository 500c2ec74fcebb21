import { ApiError } from '../../clients/api/errors';
import { MAX_BODY_DEPTH, parseJsonBody } from '../../clients/api/json-body';

/** The 400 a body is refused with (or fails the test when it is accepted). */
function refusal(body: Buffer): ApiError {
  try {
    parseJsonBody(body);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('the body was accepted');
}

describe('JSON request bodies, on the Kafka bridge’s terms', () => {
  it('accepts ordinary text: tabs, line breaks, accents and emoji (surrogate pairs)', () => {
    const body = { description: 'Line one\n\tLine two — café 😀', nested: { list: ['a', 'b'] } };
    expect(parseJsonBody(Buffer.from(JSON.stringify(body)))).toEqual(body);
  });

  it('refuses a control character or a lone surrogate, naming the field', () => {
    const nul = refusal(Buffer.from(JSON.stringify({ customer: { name: 'A\u0000B' } })));
    expect(nul.statusCode).toBe(400);
    expect(nul.details).toEqual([
      { field: 'customer.name', message: 'must not contain control characters other than tab, CR and LF' },
    ]);
    // JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse turns back into one.
    const lone = refusal(Buffer.from(JSON.stringify({ summary: 'x\ud800y' })));
    expect(lone.details).toEqual([expect.objectContaining({ field: 'summary' })]);
    const key = refusal(Buffer.from('{"bad\\u0007key": 1}'));
    expect(key.details).toEqual([expect.objectContaining({ field: '(root)(property name)' })]);
  });

  it('refuses bytes that are not UTF-8 rather than replacing them with U+FFFD', () => {
    const latin1 = Buffer.concat([Buffer.from('{"summary":"caf'), Buffer.from([0xe9]), Buffer.from('"}')]);
    expect(refusal(latin1).message).toMatch(/not valid UTF-8/);
  });

  it('refuses an empty body, and JSON it cannot parse without quoting the body back', () => {
    expect(refusal(Buffer.alloc(0)).details).toEqual([{ field: '(body)', message: 'must not be empty' }]);
    const broken = refusal(Buffer.from('{"customer": {"name": "Jane Secret"'));
    expect(broken.message).toMatch(/not valid JSON/);
    expect(broken.message).not.toContain('Jane Secret');
  });

  it(`refuses nesting deeper than ${MAX_BODY_DEPTH} levels, naming where`, () => {
    let deep: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH + 1; i++) deep = { d: deep };
    const err = refusal(Buffer.from(JSON.stringify(deep)));
    expect((err.details as Array<{ field: string }>)[0]!.field).toBe(Array(MAX_BODY_DEPTH).fill('d').join('.'));
    let ok: unknown = 1;
    for (let i = 0; i < MAX_BODY_DEPTH; i++) ok = { d: ok };
    expect(parseJsonBody(Buffer.from(JSON.stringify(ok)))).toEqual(ok);
  });
});
