import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run as deadlines } from '../../clients/cli/deadlines';
import { run as policyCheck } from '../../clients/cli/policy-check';
import { POLICY_DIR_ENV, shippedPolicyDir } from '../../platform/policy-files';

/** The two CLI commands, called through their `run` functions with captured output. */

async function call(
  command: (argv: string[], io: { out: (s: string) => void; err: (s: string) => void }) => Promise<number>,
  argv: string[],
) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await command(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface JsonClock {
  clock: string;
  deadline: string | null;
  target: { amount: number; unit: string };
  extension?: { deadline: string };
}

let scratch: string;
const savedEnv = process.env[POLICY_DIR_ENV];
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'redress-cli-'));
  delete process.env[POLICY_DIR_ENV];
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (savedEnv === undefined) delete process.env[POLICY_DIR_ENV];
  else process.env[POLICY_DIR_ENV] = savedEnv;
});

describe('redress deadlines', () => {
  it('--json prints every clock with its deadline and target', async () => {
    // Wed 1 Apr 2026 10:00 BST, England, FCA payment services (see clock-table.test.ts for the counting).
    const { code, out, err } = await call(deadlines, [
      '--regime',
      'fca-payments',
      '--region',
      'GB-ENG',
      '--received',
      '2026-04-01T10:00:00+01:00',
      '--json',
    ]);
    expect({ code, err }).toEqual({ code: 0, err: '' });
    const clocks = JSON.parse(out) as JsonClock[];
    expect(clocks.map((c) => [c.clock, c.deadline, c.target])).toEqual([
      ['acknowledgement', '2026-04-01T10:00:00.000Z', { amount: 1, unit: 'hours' }],
      ['first-response', '2026-04-02T09:00:00.000Z', { amount: 24, unit: 'hours' }],
      ['final-response', '2026-04-24T16:00:00.000Z', { amount: 15, unit: 'business-days' }],
    ]);
    expect(clocks[2]?.extension?.deadline).toBe('2026-05-26T16:00:00.000Z');
    expect(clocks[2]).toMatchObject({
      regime: 'fca-payments',
      policyVersion: 1,
      region: 'GB-ENG',
      deadlineLocal: '2026-04-24T17:00:00.000+01:00',
    });
  });

  it('prints a readable table by default, with local times', async () => {
    const { code, out } = await call(deadlines, [
      '--regime',
      'fca-disp',
      '--region',
      'GB-SCT',
      '--received',
      '2025-12-29T10:00:00Z',
    ]);
    expect(code).toBe(0);
    expect(out).toMatch(/^regime fca-disp v1/);
    expect(out).toMatch(
      /summary-resolution\s+3 business days \(window\)\s+2026-01-05T17:00:00\.000Z\s+2026-01-05T17:00:00\.000\+00:00/,
    );
    expect(out).toMatch(/final-response\s+8 weeks\s+2026-02-23T10:00:00\.000Z/);
  });

  it('uses the regime’s default region when none is given', async () => {
    const { code, out } = await call(deadlines, [
      '--regime',
      'cfpb',
      '--received',
      '2025-12-19T15:00:00-05:00',
      '--json',
    ]);
    expect(code).toBe(0);
    const clocks = JSON.parse(out) as JsonClock[];
    expect(clocks.find((c) => c.clock === 'response')?.deadline).toBe('2026-01-03T20:00:00.000Z');
  });

  it.each([
    [
      ['--regime', 'fca', '--region', 'GB-ENG', '--received', '2026-01-05T09:00:00Z'],
      /--regime: unknown regime "fca"; known regimes: cfpb, default, fca-disp, fca-payments/,
    ],
    [
      ['--regime', 'default', '--region', 'GB', '--received', '2026-01-05T09:00:00Z'],
      /--region: unknown region "GB"; known regions: GB-ENG/,
    ],
    [
      ['--regime', 'default', '--region', 'GB-ENG', '--received', '2026-01-05 09:00'],
      /--received: not an ISO-8601 instant with an offset/,
    ],
    [
      ['--regime', 'default', '--region', 'GB-ENG', '--received', '2026-01-05T09:00:00'],
      /--received: not an ISO-8601 instant with an offset/,
    ],
    [['--regime', 'default', '--region', 'GB-ENG', '--received', '2026-02-30T09:00:00Z'], /--received: no such date/],
    [['--regime', 'cfpb', '--received', '2019-06-01T09:00:00Z'], /no version of regime cfpb was in force/],
  ])('%j is refused with a reason and exit code 1', async (argv, message) => {
    const { code, out, err } = await call(deadlines, argv);
    expect({ code, out }).toEqual({ code: 1, out: '' });
    expect(err).toMatch(message);
  });

  it('usage errors exit with 2', async () => {
    expect((await call(deadlines, ['--regime', 'default'])).code).toBe(2);
    expect(
      (await call(deadlines, ['--regime', 'default', '--received', '2026-01-05T09:00:00Z', '--colour'])).err,
    ).toMatch(/Unknown option '--colour'/);
  });

  it(`includes the operator's policies from ${POLICY_DIR_ENV}, and fails loudly if one is broken`, async () => {
    const base = JSON.parse(readFileSync(join(shippedPolicyDir(), 'default.v1.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(join(scratch, 'house.json'), JSON.stringify({ ...base, id: 'house' }));
    process.env[POLICY_DIR_ENV] = scratch;
    expect((await call(deadlines, ['--regime', 'house', '--received', '2026-01-05T09:00:00Z'])).code).toBe(0);
    writeFileSync(join(scratch, 'broken.json'), '{}');
    const { code, err } = await call(deadlines, ['--regime', 'house', '--received', '2026-01-05T09:00:00Z']);
    expect(code).toBe(1);
    expect(err).toContain(`${join(scratch, 'broken.json')}: id: Invalid input`);
  });
});

describe('redress policy check', () => {
  it('accepts a shipped policy and summarises its clocks', async () => {
    const { code, out } = await call(policyCheck, [join(shippedPolicyDir(), 'fca-payments.v1.json')]);
    expect(code).toBe(0);
    expect(out).toContain('ok — fca-payments v1');
    expect(out).toContain(
      'final-response: 15 business days from received, extended to 35 business days on holding-response-sent',
    );
  });

  it('names each bad field and the reason, and exits 1', async () => {
    const policy = JSON.parse(readFileSync(join(shippedPolicyDir(), 'default.v1.json'), 'utf8')) as {
      clocks: Record<string, unknown>[];
    };
    policy.clocks[2]!.target = { amount: 10, unit: 'fortnights' };
    policy.clocks[0]!.colour = 'red';
    const file = join(scratch, 'broken.json');
    writeFileSync(file, JSON.stringify(policy));
    const { code, err } = await call(policyCheck, [file]);
    expect(code).toBe(1);
    expect(err).toContain(`${file}: invalid policy (2 problems)`);
    expect(err).toContain('clocks[2].target.unit: Invalid option: expected one of');
    expect(err).toContain('clocks[0].colour: unknown field');
  });

  it('reports unreadable files and bad JSON', async () => {
    expect((await call(policyCheck, [join(scratch, 'missing.json')])).err).toMatch(/cannot read/);
    writeFileSync(join(scratch, 'bad.json'), '{');
    const { code, err } = await call(policyCheck, [join(scratch, 'bad.json')]);
    expect(code).toBe(1);
    expect(err).toMatch(/\(root\): not valid JSON/);
  });

  it('needs exactly one file', async () => {
    expect((await call(policyCheck, [])).code).toBe(2);
    expect((await call(policyCheck, ['a.json', 'b.json'])).code).toBe(2);
  });
});
