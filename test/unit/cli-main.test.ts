import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { main } from '../../clients/cli/main';
import { captureIo } from '../support/cli-io';

const capture = captureIo;

describe('redress CLI dispatch', () => {
  it('runs `deadlines` with --json and prints every clock with its deadline', async () => {
    const c = capture();
    const code = await main(
      ['deadlines', '--regime', 'fca-payments', '--region', 'GB-ENG', '--received', '2026-03-02T10:00:00Z', '--json'],
      c.io,
    );
    expect(code).toBe(0);
    const rows = JSON.parse(c.out.join('\n')) as Array<{ clock: string; deadline: string }>;
    expect(rows.map((r) => r.clock)).toEqual(expect.arrayContaining(['first-response', 'final-response']));
  });

  it('dispatches the two-word `policy check`', async () => {
    const c = capture();
    const code = await main(['policy', 'check', join(__dirname, '../../policies/default.v1.json')], c.io);
    expect(code).toBe(0);
  });

  it('refuses an unknown command with the usage and exit code 2', async () => {
    const c = capture();
    expect(await main(['frobnicate'], c.io)).toBe(2);
    expect(c.err.join('\n')).toMatch(/unknown command: frobnicate[\s\S]*usage: redress/);
  });

  it('works as the installed bin (the compiled dist), exiting non-zero on an unknown regime', () => {
    const bin = join(__dirname, '../../dist/clients/cli/main.js');
    const result = spawnSync(
      process.execPath,
      [bin, 'deadlines', '--regime', 'nope', '--region', 'GB-ENG', '--received', '2026-03-02T10:00:00Z'],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nope/);
  });
});
