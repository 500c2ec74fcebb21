import { readFileSync } from 'node:fs';
import type { DeadLetterReplay } from '../../domain/dead-letter';
import type { DeadLetterSummary, OpenedDeadLetter } from '../api/dead-letters';
import { apiClient, parseCommand, runCommand, table, UsageError, type ApiCliIo } from './api-client';

/**
 * `redress dlq show` and `redress dlq replay`: the dead letters for an operator or a supervisor,
 * through the API (`/dead-letters`), which holds the payload key ring, checks the caller's role and
 * logs who opened or replayed which letter. The CLI never holds the ring nor reads Kafka itself.
 */

const SHOW_USAGE =
  'dlq show [ID] [--code CODE] [--complaint ID] [--since ISO-8601] [--limit N] [--json] [--api URL]\n' +
  '  without ID: the letters, newest first, by their clear facts; with ID (partition-offset): that letter, opened';
const REPLAY_USAGE =
  'dlq replay ID [--file FIXED.json] [--json] [--api URL]\n' +
  '  publishes the original again (or the fixed message in FILE) to its source topic, once';

const env = (io: ApiCliIo) => io.env ?? process.env;
const letterPath = (id: string) => `/dead-letters/${encodeURIComponent(id)}`;
const replayed = (r: DeadLetterReplay | undefined) =>
  r ? `replayed ${r.replayedAt} by ${r.by}${r.fixed ? ' (fixed)' : ''}` : '-';

/** The letters as a table: id, when, code, where from, complaint, reason, replay. */
function lettersTable(items: DeadLetterSummary[]): string {
  if (items.length === 0) return 'no dead letters';
  return table([
    ['id', 'rejected', 'code', 'source', 'complaint', 'reason', 'replay'],
    ...items.map((l) => [
      l.id,
      l.rejectedAt,
      l.code,
      `${l.source.topic}/${l.source.partition}@${l.source.offset}`,
      l.complaintId ?? '-',
      l.reason.length > 80 ? `${l.reason.slice(0, 79)}…` : l.reason,
      replayed(l.replay),
    ]),
  ]);
}

/** One opened letter: its facts, then what was sealed. */
function letterText(l: OpenedDeadLetter): string {
  const { content } = l;
  return [
    `dead letter ${l.id}: ${l.code}, rejected ${l.rejectedAt}`,
    `source     ${l.source.topic} partition ${l.source.partition} offset ${l.source.offset}`,
    `ids        event ${l.eventId ?? '-'}, complaint ${l.complaintId ?? '-'}`,
    `reason     ${content.detail ?? l.reason}`,
    ...content.errors.map((e) => `  ${e.field}: ${e.message}`),
    `replay     ${replayed(l.replay)}`,
    `key        ${content.key ?? '(none)'}`,
    ...Object.entries(content.headers).map(([k, v]) => `header     ${k}: ${v}`),
    `value      ${l.sizes.value} bytes${l.sizes.truncated ? ' (only the first bytes kept)' : ''}:`,
    content.value ?? `(not UTF-8; base64) ${content.valueBase64 ?? ''}`,
  ].join('\n');
}

/** `redress dlq show [ID]`: the list, or one letter opened. */
export function show(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('dlq show', SHOW_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, {
      code: { type: 'string' },
      complaint: { type: 'string' },
      since: { type: 'string' },
      limit: { type: 'string' },
    });
    if (values.help) return io.out(`usage: redress ${SHOW_USAGE}`);
    if (positionals.length > 1) throw new UsageError('give at most one dead-letter id');
    const client = apiClient(env(io), values.api);
    const [id] = positionals;
    if (id !== undefined) {
      const filters = ['code', 'complaint', 'since', 'limit'] as const;
      if (filters.some((f) => values[f] !== undefined))
        throw new UsageError('filters apply to the list, not to one id');
      const { body } = await client.request<OpenedDeadLetter>('GET', letterPath(id));
      return io.out(values.json ? JSON.stringify(body, null, 2) : letterText(body));
    }
    const query = new URLSearchParams();
    for (const name of ['code', 'complaint', 'since', 'limit'] as const) {
      const value = values[name];
      if (value !== undefined) query.set(name, value);
    }
    const qs = query.size > 0 ? `?${query.toString()}` : '';
    const { body } = await client.request<{ items: DeadLetterSummary[] }>('GET', `/dead-letters${qs}`);
    io.out(values.json ? JSON.stringify(body, null, 2) : lettersTable(body.items));
  });
}

/** `redress dlq replay ID [--file FIXED.json]`: republishes the letter (or its fix), once. */
export function replay(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('dlq replay', REPLAY_USAGE, io, async () => {
    const { values, positionals } = parseCommand(argv, { file: { type: 'string' } });
    if (values.help) return io.out(`usage: redress ${REPLAY_USAGE}`);
    const [id, ...rest] = positionals;
    if (id === undefined || rest.length > 0) throw new UsageError('give one dead-letter id (partition-offset)');
    let body: { message?: unknown } = {};
    if (values.file !== undefined) {
      const file = values.file;
      try {
        body = { message: JSON.parse(readFileSync(file, 'utf8')) as unknown };
      } catch (err) {
        throw new UsageError(`--file ${file} is not readable JSON: ${(err as Error).message}`);
      }
    }
    const res = await apiClient(env(io), values.api).request<{ replay: DeadLetterReplay; alreadyReplayed: boolean }>(
      'POST',
      `${letterPath(id)}/replay`,
      body,
    );
    if (values.json) return io.out(JSON.stringify(res.body, null, 2));
    const r = res.body.replay;
    io.out(
      res.body.alreadyReplayed
        ? `not replayed again: ${id} was replayed ${r.replayedAt} by ${r.by} (event ${r.eventId})`
        : `replayed ${id}: event ${r.eventId} of ${r.complaintId} published to ${r.topic} partition ${r.partition} offset ${r.offset}`,
    );
  });
}
