import { readFileSync } from 'node:fs';
import type { Conversation } from '../api/conversation-routes';
import {
  ListQuerySchema,
  type ComplaintDetail,
  type ComplaintList,
  type ComplaintSummary,
  type ListQuery,
  type StoredTimeline,
  type Timeline,
} from '../api/schemas';
import { formatDuration } from '../api/duration';
import type { ComplaintStatus } from '../../workflows/messages';
import { apiClient, parseCommand, runCommand, table, UsageError, type ApiCliIo } from './api-client';

/**
 * `redress submit | status | timeline | list | at-risk`: the read side for operators and supervisors,
 * and submitting a complaint from a JSON file. A readable table or summary by default; `--json` prints
 * the API's JSON for scripts.
 */

const env = (io: ApiCliIo) => io.env ?? process.env;
const path = (id: string) => `/complaints/${encodeURIComponent(id)}`;
const when = (iso: string | undefined, now = Date.now()) =>
  iso === undefined ? '-' : `${iso} (${formatDuration(Date.parse(iso) - now).replace(/^(?!overdue)/, 'in ')})`;

function oneId(positionals: string[]): string {
  if (positionals.length !== 1 || !positionals[0]) throw new UsageError('give one complaint id');
  return positionals[0];
}

/**
 * One line about a complaint's state, after an action or a submission. A `service` key's submission is
 * answered with the id alone (that role may not read complaints): then the line is the id.
 */
export function summaryLine(s: ComplaintStatus | { complaintId: string }): string {
  if (!('stage' in s)) return s.complaintId;
  const parts = [`${s.complaintId}: stage ${s.stage}`, `regime ${s.regime}`];
  if (s.assignee) parts.push(`assigned to ${s.assignee}`);
  if (s.remedy) {
    const amount = s.remedy.amount !== undefined ? ` ${s.remedy.amount} ${s.remedy.currency ?? ''}` : '';
    parts.push(`remedy ${s.remedy.kind}${amount} ${s.remedy.status}`);
  }
  if (s.nextDeadline) parts.push(`next deadline ${when(s.nextDeadline)}`);
  if (s.breached) parts.push('BREACHED');
  if (s.escalated) parts.push('escalated');
  return parts.join('; ');
}

const SUBMIT_USAGE = 'submit FILE [--json] [--api URL]';
/** `redress submit FILE`: posts the complaint in FILE (the body of POST /complaints). */
export function submit(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('submit', SUBMIT_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {});
    if (values.help) return io.out(`usage: redress ${SUBMIT_USAGE}`);
    const file = oneId(positionals);
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UsageError(`cannot read ${file} as JSON: ${(err as Error).message}`);
    }
    const res = await apiClient(env(io), values.api).request<ComplaintStatus | { complaintId: string }>(
      'POST',
      '/complaints',
      body,
    );
    if (values.json) return io.out(JSON.stringify(res.body, null, 2));
    const outcome: Record<number, string> = {
      201: 'created',
      202: 'accepted (no worker has taken it in yet; it will be acknowledged when one runs)',
    };
    io.out(`${outcome[res.status] ?? 'exists (not submitted again)'}: ${summaryLine(res.body)}`);
  });
}

const STATUS_USAGE = 'status ID [--json] [--api URL]';
/** `redress status ID`: stage, owner, remedy and every clock with its deadline and time left. */
export function status(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('status', STATUS_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {});
    if (values.help) return io.out(`usage: redress ${STATUS_USAGE}`);
    const id = oneId(positionals);
    const { body: s } = await apiClient(env(io), values.api).request<ComplaintDetail>('GET', path(id));
    if (values.json) return io.out(JSON.stringify(s, null, 2));
    const yes = (b: boolean) => (b ? 'yes' : 'no');
    const lines = [
      `${s.complaintId}  stage ${s.stage}  regime ${s.regime} v${s.policyVersion} (${s.region})  severity ${s.severity}`,
      `assignee ${s.assignee ?? '-'}  customer ${s.customerId}  channel ${s.channel}  category ${s.category}`,
      `received ${s.receivedAt}  escalated ${yes(s.escalated)}  breached ${yes(s.breached)}  waiting on customer ${yes(s.waitingOnCustomer)}`,
    ];
    if (s.remedy) {
      const r = s.remedy;
      const amount = r.amount !== undefined ? ` ${r.amount} ${r.currency ?? ''}` : '';
      lines.push(
        `remedy ${r.kind}${amount}: ${r.status}${r.needsApproval ? ' (needs approval)' : ''}, proposed by ${r.proposedBy}${r.approvedBy ? `, approved by ${r.approvedBy}` : ''}${r.dueBy ? `, due ${r.dueBy}` : ''}`,
      );
    }
    if (s.outcome) lines.push(`outcome ${s.outcome}${s.csat !== undefined ? `  csat ${s.csat}` : ''}`);
    lines.push('', 'clocks:');
    const now = Date.now();
    lines.push(
      table([
        ['clock', 'status', 'deadline', 'time left'],
        ...s.clocks.map((c) => [
          c.clock + (c.kind === 'window' ? ' (window)' : ''),
          c.status,
          c.deadline,
          c.status === 'stopped'
            ? c.met === undefined
              ? '-'
              : c.met
                ? 'met'
                : 'missed'
            : c.breached
              ? 'BREACHED'
              : formatDuration(Date.parse(c.deadline) - now),
        ]),
      ]),
    );
    if (s.flags.length > 0) lines.push('', 'flags:', ...s.flags.map((f) => `  ${f}`));
    lines.push('', `timeline: ${s.timeline.length} entries (redress timeline ${s.complaintId})`);
    io.out(lines.join('\n'));
  });
}

const TIMELINE_USAGE = 'timeline ID [--json] [--api URL]';
/** `redress timeline ID`: every change, oldest first — who, what, when, why. */
export function timeline(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('timeline', TIMELINE_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {});
    if (values.help) return io.out(`usage: redress ${TIMELINE_USAGE}`);
    const id = oneId(positionals);
    const { body } = await apiClient(env(io), values.api).request<Timeline | StoredTimeline>(
      'GET',
      `${path(id)}/timeline`,
    );
    if (values.json) return io.out(JSON.stringify(body, null, 2));
    if ('source' in body) {
      // Temporal has forgotten it: the store's event log says what happened and when, not who or why.
      io.out(`from the store (Temporal no longer holds ${body.complaintId}): lifecycle events only`);
      return io.out(table([['at', 'what'], ...body.entries.map((e) => [e.occurredAt, e.type])]));
    }
    io.out(
      table([
        ['at', 'who', 'what', 'detail'],
        ...body.entries.map((e) => [
          e.at,
          `${e.actor.id} (${e.actor.role})`,
          e.action,
          [e.detail, ...(e.flags ?? [])].filter(Boolean).join(' | '),
        ]),
      ]),
    );
  });
}

const CONVERSATION_USAGE = 'conversation ID [--json] [--api URL]';
/** What one conversation entry says, in a line or a few (a letter: its subject, then its body as sent). */
function conversationText(e: Conversation['entries'][number]): string {
  switch (e.kind) {
    case 'complaint':
      return [e.summary, e.text, e.desiredOutcome ? `wants: ${e.desiredOutcome}` : ''].filter(Boolean).join('\n');
    case 'reply': {
      const confirms =
        e.confirmsAccount === undefined ? '' : e.confirmsAccount ? '(confirms the account)' : '(corrects the account)';
      return [e.text, confirms, `[${e.eventId}]`].filter(Boolean).join(' ');
    }
    case 'survey':
      return `score ${e.score}${e.text ? `: ${e.text}` : ''}`;
    case 'letter':
      if (!e.sent) return `${e.letter} via ${e.channel} (not yet in the store)`;
      // The store's copy is sealed; the API says why when it could not open it.
      return `${e.sent.subject}\n${e.sent.body ?? `(the text cannot be shown: ${e.sent.bodyError ?? 'not opened'})`}`;
    case 'note':
      return e.text;
  }
}

/** `redress conversation ID`: every message in and out, oldest first (every page). */
export function conversation(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('conversation', CONVERSATION_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {});
    if (values.help) return io.out(`usage: redress ${CONVERSATION_USAGE}`);
    const id = oneId(positionals);
    const api = apiClient(env(io), values.api);
    const entries: Conversation['entries'] = [];
    let after: number | undefined;
    let first: Conversation | undefined;
    do {
      const query = `limit=200${after === undefined ? '' : `&after=${after}`}`;
      const { body } = await api.request<Conversation>('GET', `${path(id)}/conversation?${query}`);
      first ??= body;
      entries.push(...body.entries);
      after = body.nextAfter;
    } while (after !== undefined);
    if (values.json) return io.out(JSON.stringify({ ...first, entries, nextAfter: undefined }, null, 2));
    if (first?.partial) {
      const why =
        first.source === 'store' ? 'only the letters the store keeps' : `${first.dropped} older entries let go`;
      io.out(`(partial: ${why})`);
    }
    for (const e of entries) {
      const who = 'author' in e ? `${e.author.id} (${e.author.role})` : 'redress';
      io.out(`#${e.seq} ${e.at} ${e.direction} ${e.kind} — ${who}\n${conversationText(e).replace(/^/gm, '  ')}\n`);
    }
  });
}

const kebab = (camelName: string) => camelName.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const camel = (kebabName: string) => kebabName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** What each list option's value looks like, for the usage line (the rest take one value). */
const FILTER_HINTS: Partial<Record<keyof ListQuery, string>> = {
  stage: 'S[,S]',
  severity: 'S[,S]',
  channel: 'C[,C]',
  customer: 'ID',
  breached: 'true|false',
  escalated: 'true|false',
  atRiskWithin: 'DURATION',
  receivedFrom: 'ISO',
  receivedTo: 'ISO',
  breachedSince: 'ISO',
  search: 'WORDS',
  limit: 'N',
  cursor: 'C',
};

/**
 * The list filters, as options: the API's query parameters (its schema, so a filter the API gains is an
 * option here too) in kebab case, `--product P`, `--search "charged twice"`, plus `--all`.
 */
const LIST_FILTERS = {
  ...Object.fromEntries(Object.keys(ListQuerySchema.shape).map((name) => [kebab(name), { type: 'string' as const }])),
  all: { type: 'boolean' as const },
};
const filterUsage = (except?: keyof ListQuery) =>
  [
    ...Object.keys(ListQuerySchema.shape)
      .filter((name) => name !== except)
      .map((name) => `[--${kebab(name)} ${FILTER_HINTS[name as keyof ListQuery] ?? name.toUpperCase()}]`),
    '[--all] [--json] [--api URL]',
  ].join(' ');
const LIST_USAGE = `list ${filterUsage()}`;
const AT_RISK_USAGE = `at-risk --within DURATION ${filterUsage('atRiskWithin')}`;

function listTable(items: ComplaintSummary[]): string {
  return table([
    ['complaint', 'stage', 'severity', 'regime', 'product', 'assignee', 'next deadline', 'time left', 'flags'],
    ...items.map((i) => [
      i.complaintId,
      i.stage,
      i.severity ?? '-',
      i.regime ?? '-',
      i.product ?? '-',
      i.assignee ?? '-',
      i.nextDeadline ?? '-',
      i.timeLeftMs === undefined ? '-' : formatDuration(i.timeLeftMs),
      [i.breached ? 'BREACHED' : '', i.escalated ? 'escalated' : ''].filter(Boolean).join(' '),
    ]),
  ]);
}

async function listCommand(name: string, usage: string, argv: string[], io: ApiCliIo, within?: 'required') {
  return runCommand(name, usage, io, async () => {
    const { values, positionals } = parseCommand(argv, {
      ...LIST_FILTERS,
      ...(within ? { within: { type: 'string' } } : {}),
    });
    if (values.help) return io.out(`usage: redress ${usage}`);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
    const v = values as Record<string, string | boolean | undefined>;
    if (within && typeof v.within !== 'string') throw new UsageError('--within is required, e.g. --within 2h');
    const query = new URLSearchParams();
    for (const option of Object.keys(LIST_FILTERS)) {
      const value = v[option];
      if (typeof value === 'string') query.set(camel(option), value);
    }
    if (typeof v.within === 'string') query.set('atRiskWithin', v.within);
    const api = apiClient(env(io), values.api);
    const items: ComplaintSummary[] = [];
    let next: string | undefined;
    do {
      if (next) query.set('cursor', next);
      const { body } = await api.request<ComplaintList>('GET', `/complaints?${query.toString()}`);
      items.push(...body.items);
      next = body.nextCursor;
    } while (values.all && next);
    if (values.json) return io.out(JSON.stringify({ items, ...(next ? { nextCursor: next } : {}) }, null, 2));
    if (within) io.out(`at risk: next deadline within ${String(v.within)}`);
    io.out(items.length > 0 ? listTable(items) : 'no complaints match');
    if (next) io.out(`more: add --cursor ${next} (same filters), or --all`);
  });
}

/** `redress list [filters]`: complaints sorted by next deadline, a page at a time (`--all` for every page). */
export function list(argv: string[], io: ApiCliIo): Promise<number> {
  return listCommand('list', LIST_USAGE, argv, io);
}

/** `redress at-risk --within 2h [filters]`: complaints whose next deadline falls within the duration. */
export function atRisk(argv: string[], io: ApiCliIo): Promise<number> {
  return listCommand('at-risk', AT_RISK_USAGE, argv, io, 'required');
}

/** Usage lines for the dispatcher's help. */
export const USAGES = {
  submit: SUBMIT_USAGE,
  status: STATUS_USAGE,
  timeline: TIMELINE_USAGE,
  conversation: CONVERSATION_USAGE,
  list: LIST_USAGE,
  atRisk: AT_RISK_USAGE,
};
