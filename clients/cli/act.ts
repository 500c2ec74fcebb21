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
/** A required string option, or a usage error naming it. */
const req = (v: Values, name: string): string => {
  const value = str(v, name);
  if (value === undefined) throw new UsageError(`--${name} is required`);
  return value;
};
/** A number option, or a usage error. */
const num = (v: Values, name: string): number | undefined => {
  const value = str(v, name);
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || Number.isNaN(n)) throw new UsageError(`--${name} must be a number`);
  return n;
};
const defined = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));

const REASON = { reason: { type: 'string' } } as const;

/** Every action command, by name. */
export const ACTIONS: Record<string, ActionCommand> = {
  assign: {
    route: 'assignment',
    options: { to: { type: 'string' } },
    usage: 'assign ID --to AGENT',
    summary: 'assign the complaint (reassigning needs a supervisor)',
    body: (v) => ({ assignee: req(v, 'to') }),
  },
  account: {
    route: 'account',
    options: { text: { type: 'string' }, confirmed: { type: 'boolean' } },
    usage: 'account ID --text TEXT [--confirmed]',
    summary: "record the customer's account (listening is done once confirmed)",
    body: (v) => ({ account: req(v, 'text'), confirmed: v.confirmed === true }),
  },
  ask: {
    route: 'questions',
    options: { question: { type: 'string' } },
    usage: 'ask ID --question TEXT',
    summary: 'ask the customer a clarifying question',
    body: (v) => ({ question: req(v, 'question') }),
  },
  apologise: {
    route: 'apology',
    options: { text: { type: 'string' }, 'fault-admitted': { type: 'boolean' } },
    usage: 'apologise ID --text TEXT [--fault-admitted]',
    summary: 'send the apology',
    body: (v) => ({ text: req(v, 'text'), faultAdmitted: v['fault-admitted'] === true }),
  },
  'skip-apology': {
    route: 'apology/skip',
    options: REASON,
    usage: 'skip-apology ID --reason TEXT',
    summary: 'move on to the remedy without an apology, saying why',
    body: (v) => ({ reason: req(v, 'reason') }),
  },
  'propose-remedy': {
    route: 'remedy',
    options: {
      kind: { type: 'string' },
      description: { type: 'string' },
      amount: { type: 'string' },
      currency: { type: 'string' },
      'due-in-days': { type: 'string' },
      alternative: { type: 'string', multiple: true },
    },
    usage:
      'propose-remedy ID --kind refund|credit|replacement|repair|explanation|decline --description TEXT [--amount N --currency CCY] [--due-in-days N] [--alternative TEXT]...',
    summary: 'propose a remedy (money above the threshold waits for a supervisor)',
    body: (v) =>
      defined({
        kind: req(v, 'kind'),
        description: req(v, 'description'),
        amount: num(v, 'amount'),
        currency: str(v, 'currency'),
        dueInDays: num(v, 'due-in-days'),
        alternatives: Array.isArray(v.alternative) ? v.alternative : undefined,
      }),
  },
  'approve-remedy': {
    route: 'remedy/decision',
    options: REASON,
    usage: 'approve-remedy ID --reason TEXT',
    summary: 'approve the remedy awaiting approval (supervisor)',
    body: (v) => ({ approve: true, reason: req(v, 'reason') }),
  },
  'reject-remedy': {
    route: 'remedy/decision',
    options: REASON,
    usage: 'reject-remedy ID --reason TEXT',
    summary: 'reject the remedy awaiting approval (supervisor)',
    body: (v) => ({ approve: false, reason: req(v, 'reason') }),
  },
  extend: {
    route: 'extension',
    options: { ...REASON, 'expected-by': { type: 'string' } },
    usage: 'extend ID --reason TEXT --expected-by ISO-8601',
    summary: 'send a holding response (supervisor)',
    body: (v) => ({ reason: req(v, 'reason'), expectedBy: req(v, 'expected-by') }),
  },
  escalate: {
    route: 'escalation',
    options: REASON,
    usage: 'escalate ID --reason TEXT',
    summary: 'escalate the complaint',
    body: (v) => ({ reason: req(v, 'reason') }),
  },
  withdraw: {
    route: 'withdrawal',
    options: REASON,
    usage: 'withdraw ID --reason TEXT',
    summary: 'withdraw the complaint (the customer withdrew)',
    body: (v) => ({ reason: req(v, 'reason') }),
  },
  resolve: {
    route: 'resolution',
    options: {
      response: { type: 'string' },
      outcome: { type: 'string' },
      reasons: { type: 'string' },
      'response-type': { type: 'string' },
      part: { type: 'string', multiple: true },
    },
    usage:
      'resolve ID --response final-response|summary-resolution|cfpb-response --outcome upheld|partly-upheld|not-upheld --reasons TEXT [--response-type T] [--part NAME=TEXT]...',
    summary: 'send the final response',
    body: (v) => {
      const parts = Array.isArray(v.part)
        ? Object.fromEntries(
            v.part.map((p) => {
              const at = p.indexOf('=');
              if (at < 1) throw new UsageError(`--part must be NAME=TEXT, not ${p}`);
              return [p.slice(0, at), p.slice(at + 1)];
            }),
          )
        : undefined;
      return defined({
        response: req(v, 'response'),
        outcome: req(v, 'outcome'),
        reasons: req(v, 'reasons'),
        responseType: str(v, 'response-type'),
        parts,
      });
    },
  },
};

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
