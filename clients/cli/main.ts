#!/usr/bin/env node
import { ACTIONS, command } from './act';
import type { ApiCliIo } from './api-client';
import type { CliIo } from './deadlines';

/**
 * `redress`: the command line for operators, supervisors and policy authors. Each command lives in its
 * own module exporting `run(argv, io)`, which returns the exit code, so commands are testable without
 * spawning a process. This file only dispatches.
 */
type Command = (argv: string[], io: CliIo) => Promise<number>;

/** A read or submit command of ./complaints, loaded when used. */
const complaints =
  (name: 'submit' | 'status' | 'timeline' | 'conversation' | 'list' | 'atRisk') => async (): Promise<Command> =>
    (await import('./complaints'))[name];

/** A usage line: the command and its options, then what it does, in a column. */
const line = (command: string, what: string) => `${command.padEnd(38)} ${what}`;

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
  'template preview': {
    summary: line('template preview KIND --regime R --locale L', 'render a letter from the templates with sample values'),
    load: async () => (await import('./template-preview')).run,
  },
  // Operators and supervisors, through the HTTP API (REDRESS_API_URL, REDRESS_API_KEY).
  submit: { summary: line('submit FILE [--json]', 'submit a complaint from a JSON file'), load: complaints('submit') },
  status: { summary: line('status ID [--json]', 'stage, owner, remedy, clocks'), load: complaints('status') },
  timeline: { summary: line('timeline ID [--json]', 'who did what, when, why'), load: complaints('timeline') },
  conversation: {
    summary: line('conversation ID [--json]', 'every message in and out, with internal notes'),
    load: complaints('conversation'),
  },
  list: {
    summary: line('list [filters] [--all] [--json]', 'complaints by next deadline (filters: list --help)'),
    load: complaints('list'),
  },
  'at-risk': {
    summary: line('at-risk --within 2h [filters]', 'complaints whose next deadline is within 2h'),
    load: complaints('atRisk'),
  },
  report: {
    summary: line(
      'report NAME [--from --to] [--csv]',
      'a report for a period: fca-return, breaches, csat, root-cause (report --help)',
    ),
    load: async () => (await import('./report')).run,
  },
  ...Object.fromEntries(
    Object.entries(ACTIONS).map(([name, { summary }]) => [
      name,
      { summary: line(`${name} ID [options]`, summary), load: () => Promise.resolve(command(name)) },
    ]),
  ),
  draft: {
    summary: line('draft VERB ID [options]', 'check the letter VERB would send, sending nothing (draft --help)'),
    load: async () => (await import('./draft')).run,
  },
  'dlq show': {
    summary: line('dlq show [ID] [filters] [--json]', 'dead letters, or one opened (operators; dlq show --help)'),
    load: async () => (await import('./dlq')).show,
  },
  'dlq replay': {
    summary: line('dlq replay ID [--file FIXED.json]', 'publish a dead letter (or its fix) again, once'),
    load: async () => (await import('./dlq')).replay,
  },
  'api-key create': {
    summary: line('api-key create --id NAME --role R', 'make an API key: shown once, with its hashed entry'),
    load: async () => (await import('./api-key')).run,
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
export async function main(argv: string[], io: ApiCliIo): Promise<number> {
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
