import { readFile } from 'node:fs/promises';
import { describeDuration } from '../../domain/clock';
import { describeExtensionTarget, parsePolicyJson } from '../../domain/policy';

/**
 * `redress policy check FILE`: validates a policy file before an operator deploys it, printing each
 * problem as `path: reason` (e.g. `clocks[2].target.unit: Invalid option: …`).
 */

/** Where a command writes. */
export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const USAGE = 'usage: redress policy check FILE';

/** Runs the command; `argv` is what follows `redress policy check` (the file). Returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--help' || argv[0] === '-h')) {
    io.out(USAGE);
    return 0;
  }
  const file = argv[0];
  if (argv.length !== 1 || file === undefined || file.startsWith('-')) {
    io.err(`redress policy check: expected exactly one policy file\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    io.err(`${file}: cannot read: ${(error as Error).message}`);
    return 1;
  }
  const result = parsePolicyJson(text);
  if (!result.ok) {
    io.err(`${file}: invalid policy (${result.errors.length} ${result.errors.length === 1 ? 'problem' : 'problems'})`);
    for (const e of result.errors) io.err(`  ${e}`);
    return 1;
  }
  const p = result.policy;
  io.out(`${file}: ok — ${p.id} v${p.version}, in force from ${p.effectiveFrom}`);
  for (const c of p.clocks) {
    const extension = c.extension ? `, extended to ${describeExtensionTarget(c.extension)} on ${c.extension.on}` : '';
    io.out(`  ${c.name}: ${describeDuration(c.target)} from ${c.start}${extension}`);
  }
  return 0;
}
