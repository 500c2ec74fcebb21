#!/usr/bin/env node
import type { CliIo } from './deadlines';

/**
 * `redress`: the command line for operators, supervisors and policy authors. Each command lives in its
 * own module exporting `run(argv, io)`, which returns the exit code, so commands are testable without
 * spawning a process. This file only dispatches.
 */
type Command = (argv: string[], io: CliIo) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  deadlines: {
    summary:
      'deadlines --regime ID [--region CODE] --received ISO-8601 [--json]   every clock of a regime with its deadline',
    load: async () => (await import('./deadlines')).run,
  },
  'policy check': {
    summary: 'policy check FILE                                                  validate a policy file',
    load: async () => (await import('./policy-check')).run,
  },
};

function usage(io: CliIo): void {
  io.err(
    [
      'usage: redress <command> [options]',
      '',
      'commands:',
      ...Object.values(COMMANDS).map((c) => `  redress ${c.summary}`),
    ].join('\n'),
  );
}

/** Finds the longest command name the arguments start with (`policy check` before `policy`). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const names = Object.keys(COMMANDS).sort((a, b) => b.split(' ').length - a.split(' ').length);
  for (const name of names) {
    const words = name.split(' ');
    if (words.every((w, i) => argv[i] === w)) {
      const command = await COMMANDS[name]!.load();
      return command(argv.slice(words.length), io);
    }
  }
  if (argv[0] && argv[0] !== '--help' && argv[0] !== '-h') io.err(`unknown command: ${argv.join(' ')}`);
  usage(io);
  return argv[0] === '--help' || argv[0] === '-h' ? 0 : 2;
}

if (require.main === module) {
  const io: CliIo = { out: (s) => process.stdout.write(`${s}\n`), err: (s) => process.stderr.write(`${s}\n`) };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      io.err(`redress: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    },
  );
}
