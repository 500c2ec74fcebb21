import { ACTION_NAMES, ACTIONS as ACTIONS_REGISTRY, type CliFlag, type CliVerb } from '../../domain/actions';
import type { ComplaintStatus } from '../../workflows/messages';
import { apiClient, parseCommand, runCommand, UsageError, type ApiCliIo } from './api-client';
import { summaryLine } from './complaints';

/**
 * The human actions as commands: each builds the body of one action route from its options and posts it
 * as the caller's key. The API validates (and names any invalid field) and the workflow decides; the
 * CLI only translates. `--idempotency-key K` makes a retried command act once.
 */

type Values = Record<string, string | boolean | string[] | undefined>;
type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean };

interface ActionCommand {
  /** The route under /complaints/:id/. */
  route: string;
  options: Record<string, OptionSpec>;
  usage: string;
  summary: string;
  body: (v: Values) => Record<string, unknown>;
}

const str = (v: Values, name: string): string | undefined => {
  const value = v[name];
  return typeof value === 'string' ? value : undefined;
};

/** One flag's value as its field wants it, or a usage error naming the flag. */
function flagValue(v: Values, name: string, flag: CliFlag): unknown {
  const value = v[name];
  if (value === undefined) {
    if (flag.required) throw new UsageError(`--${name} is required`);
    return flag.type === 'boolean' ? false : undefined;
  }
  switch (flag.type) {
    case 'boolean':
      return value === true;
    case 'number': {
      const n = Number(value);
      if (typeof value !== 'string' || value.trim() === '' || Number.isNaN(n)) {
        throw new UsageError(`--${name} must be a number`);
      }
      return n;
    }
    case 'list':
      return Array.isArray(value) ? value : [value];
    case 'pairs':
      return Object.fromEntries(
        (Array.isArray(value) ? value : [String(value)]).map((p) => {
          const at = p.indexOf('=');
          if (at < 1) throw new UsageError(`--${name} must be NAME=TEXT, not ${p}`);
          return [p.slice(0, at), p.slice(at + 1)];
        }),
      );
    default:
      return value;
  }
}

/** A command from one CLI verb of the action registry. */
function fromRegistry(path: string, verb: CliVerb): ActionCommand {
  const options = Object.fromEntries(
    Object.entries(verb.flags).map(([name, flag]) => [
      name,
      flag.type === 'boolean'
        ? ({ type: 'boolean' } as const)
        : flag.type === 'list' || flag.type === 'pairs'
          ? ({ type: 'string', multiple: true } as const)
          : ({ type: 'string' } as const),
    ]),
  );
  return {
    route: path,
    options,
    usage: verb.usage,
    summary: verb.summary,
    body: (v) => {
      const fields = Object.entries(verb.flags)
        .map(([name, flag]) => [flag.field, flagValue(v, name, flag)] as const)
        .filter(([, value]) => value !== undefined);
      return { ...Object.fromEntries(fields), ...verb.fixed };
    },
  };
}

/** Every action command, by verb: derived from the action registry (domain/actions). */
export const ACTIONS: Record<string, ActionCommand> = Object.fromEntries(
  ACTION_NAMES.flatMap((name) =>
    ACTIONS_REGISTRY[name].cli.map((verb) => [verb.verb, fromRegistry(ACTIONS_REGISTRY[name].path, verb)]),
  ),
);

const COMMON_USAGE = ' [--idempotency-key KEY] [--json] [--api URL]';

/** The command `redress <name> ID [options]` for one action. */
export function command(name: string): (argv: string[], io: ApiCliIo) => Promise<number> {
  const a = ACTIONS[name];
  if (!a) throw new Error(`no action command ${name}`);
  const usage = a.usage + COMMON_USAGE;
  return (argv, io) =>
    runCommand(name, usage, io, async () => {
      const { values, positionals } = parseCommand(argv, { ...a.options, 'idempotency-key': { type: 'string' } });
      if (values.help) return io.out(`usage: redress ${usage}\n${a.summary}`);
      if (positionals.length !== 1 || !positionals[0]) throw new UsageError('give one complaint id');
      const v = values as Values;
      const body = a.body(v);
      const key = str(v, 'idempotency-key');
      const { body: status } = await apiClient(io.env ?? process.env, str(v, 'api')).request<ComplaintStatus>(
        'POST',
        `/complaints/${encodeURIComponent(positionals[0])}/${a.route}`,
        body,
        key ? { 'idempotency-key': key } : {},
      );
      io.out(v.json === true ? JSON.stringify(status, null, 2) : summaryLine(status));
    });
}
