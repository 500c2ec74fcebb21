import { main } from '../../clients/cli/main';

/** `redress dlq`'s usage refusals: exit code 2 and the usage, before any call to the API. */
async function dlq(...argv: string[]) {
  const err: string[] = [];
  // An API nobody listens on: a usage error must be found before anything is sent.
  const env = { REDRESS_API_URL: 'http://127.0.0.1:9', REDRESS_API_KEY: 'k' };
  const code = await main(['dlq', ...argv], { out: () => undefined, err: (s) => err.push(s), env });
  return { code, err: err.join('\n') };
}

describe('redress dlq', () => {
  it.each([
    [['show', '1-2', '--code', 'invalid-data'], /filters apply to the list, not to one id/],
    [['show', '1-2', '3-4'], /at most one dead-letter id/],
    [['replay'], /give one dead-letter id/],
    [['replay', '1-2', '--file', '/nonexistent/fixed.json'], /--file \/nonexistent\/fixed.json is not readable JSON/],
    [['show', '--frobnicate'], /Unknown option '--frobnicate'/],
  ])('refuses %j with its reason and the usage (exit 2)', async (argv, reason) => {
    const { code, err } = await dlq(...argv);
    expect(code).toBe(2);
    expect(err).toMatch(reason);
    expect(err).toMatch(/usage: redress dlq (show|replay)/);
  });

  it('says the API is unreachable (exit 3) when it is', async () => {
    const { code, err } = await dlq('show');
    expect(code).toBe(3);
    expect(err).toMatch(/cannot reach the API/);
  });
});
