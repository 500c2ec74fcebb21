import { resourceExhausted } from '../../clients/api/complaints';

/** A complaint too busy for another consistent query is a 429 to retry, not a 500 (clients/api/complaints.ts). */
describe('resourceExhausted', () => {
  const grpc = (code: number) => Object.assign(new Error(`grpc ${code}`), { code });
  it('finds RESOURCE_EXHAUSTED on the error or anywhere in its causes', () => {
    expect(resourceExhausted(grpc(8))).toBe(true);
    expect(resourceExhausted(new Error('query failed', { cause: new Error('service', { cause: grpc(8) }) }))).toBe(
      true,
    );
  });
  it('is false for other codes and for what is not an error', () => {
    expect(resourceExhausted(grpc(4))).toBe(false);
    expect(resourceExhausted(new Error('plain'))).toBe(false);
    expect(resourceExhausted({ code: 8 })).toBe(false);
  });
});
