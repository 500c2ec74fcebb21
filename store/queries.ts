import type { TextSeal } from '../domain/sealed-text';
import type { Queryable } from './db';
import { complaintLetters } from './letters';

/**
 * Reading the store: one page of complaints in next-deadline order (keyset, on the indexes of
 * migration 0001), one complaint's record with its events, letters (store/letters.ts), remedies and
 * breaches. Times come back as ISO-8601 strings whichever driver read them.
 */

/** The filters a list takes; every one optional, all of them ANDed. */
export interface ComplaintFilter {
  stage?: readonly string[];
  severity?: readonly string[];
  channel?: readonly string[];
  category?: string;
  assignee?: string;
  customerId?: string;
  regime?: string;
  product?: string;
  breached?: boolean;
  escalated?: boolean;
  /** Customers flagged as in vulnerable circumstances (FCA FG21/1). */
  vulnerable?: boolean;
  /** Only complaints whose next deadline is at or before this instant. */
  nextDeadlineBy?: string;
  receivedFrom?: string;
  receivedTo?: string;
  /**
   * Complaints that breached a deadline at or after this instant (complaint_breaches), closed ones too:
   * what the dashboard's "breached today" and "this month" count.
   */
  breachedSince?: string;
  /**
   * A text search, as the blind index's token sets (one per key of the ring, platform/search-index.ts):
   * a complaint matches when its `search_tokens` hold every token of any one set. Empty matches nothing.
   */
  searchTokens?: readonly (readonly string[])[];
}

/** Where the previous page ended, in list order (next deadline, none last; complaint id). */
export interface ListPosition {
  nextDeadline: string | null;
  complaintId: string;
}

/** A complaint's row as the store holds it. */
export interface ComplaintRecord {
  complaintId: string;
  revision: number;
  stage: string;
  regime: string;
  policyVersion: number | null;
  region: string | null;
  severity: string | null;
  category: string | null;
  product: string | null;
  channel: string | null;
  customerId: string | null;
  assignee: string | null;
  escalated: boolean;
  breached: boolean;
  vulnerable: boolean;
  nextDeadline: string | null;
  waitingOnCustomer: boolean;
  remedy: unknown;
  outcome: string | null;
  /** The root cause the final response recorded (the policy's taxonomy), if any. */
  cause: string | null;
  csat: number | null;
  reopenCount: number;
  repeatOf: string[];
  flagCount: number;
  receivedAt: string;
  firstResponseAt: string | null;
  finalResponseAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  closedAt: string | null;
  withdrawnAt: string | null;
  updatedAt: string;
}

const COLUMNS = `complaint_id, revision, stage, regime, policy_version, region, severity, category, product, channel,
  customer_id, assignee, escalated, breached, vulnerable, next_deadline, waiting_on_customer, remedy, outcome, cause, csat, reopen_count,
  repeat_of, flag_count, received_at, first_response_at, final_response_at, acknowledged_at, resolved_at, closed_at,
  withdrawn_at, updated_at`;

/** A timestamptz as ISO-8601 (pg and PGlite both give Date objects; null stays null). */
export const isoOrNull = (v: unknown): string | null =>
  v === null || v === undefined
    ? null
    : v instanceof Date
      ? v.toISOString()
      : new Date(v as string | number).toISOString();

const camel = (s: string): string => s.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
const TIME_COLUMNS = new Set([
  'next_deadline',
  'received_at',
  'first_response_at',
  'final_response_at',
  'acknowledged_at',
  'resolved_at',
  'closed_at',
  'withdrawn_at',
  'updated_at',
  'occurred_at',
  'at',
  'deadline',
  'due_by',
  'proposed_at',
  'approved_at',
  'declined_at',
  'requested_at',
  'fulfilled_at',
  'failed_at',
]);

/** A database row with camelCase keys and times as ISO strings. */
export function fromRow<T>(row: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) out[camel(k)] = TIME_COLUMNS.has(k) ? isoOrNull(v) : v;
  return out as T;
}

/** The WHERE clause of a filter and its parameters (numbered from `first`). */
export function filterSql(f: ComplaintFilter, first = 1): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const p = (value: unknown) => {
    params.push(value);
    return `$${first + params.length - 1}`;
  };
  // `= ANY(array)` would need array parameters, which the two drivers encode differently: a JSON list.
  const anyOf = (column: string, values: readonly string[]) =>
    where.push(`${column} IN (SELECT jsonb_array_elements_text(${p(JSON.stringify(values))}::jsonb))`);
  if (f.stage) anyOf('stage', f.stage);
  if (f.severity) anyOf('severity', f.severity);
  if (f.channel) anyOf('channel', f.channel);
  if (f.category !== undefined) where.push(`category = ${p(f.category)}`);
  if (f.assignee !== undefined) where.push(`assignee = ${p(f.assignee)}`);
  if (f.customerId !== undefined) where.push(`customer_id = ${p(f.customerId)}`);
  if (f.regime !== undefined) where.push(`regime = ${p(f.regime)}`);
  if (f.product !== undefined) where.push(`product = ${p(f.product)}`);
  if (f.breached !== undefined) where.push(`breached = ${p(f.breached)}`);
  if (f.escalated !== undefined) where.push(`escalated = ${p(f.escalated)}`);
  if (f.vulnerable !== undefined) where.push(`vulnerable = ${p(f.vulnerable)}`);
  if (f.nextDeadlineBy !== undefined) where.push(`next_deadline <= ${p(f.nextDeadlineBy)}::timestamptz`);
  if (f.receivedFrom !== undefined) where.push(`received_at >= ${p(f.receivedFrom)}::timestamptz`);
  if (f.receivedTo !== undefined) where.push(`received_at < ${p(f.receivedTo)}::timestamptz`);
  // A semi-join on the breaches' time index: the period's breaches are few however many complaints there are.
  if (f.breachedSince !== undefined)
    where.push(
      `complaint_id IN (SELECT complaint_id FROM complaint_breaches WHERE at >= ${p(f.breachedSince)}::timestamptz)`,
    );
  if (f.searchTokens !== undefined) {
    const sets = f.searchTokens.map((set) => `search_tokens @> ${p(JSON.stringify(set))}::jsonb`);
    where.push(sets.length === 0 ? 'false' : `(${sets.join(' OR ')})`);
  }
  return { where, params };
}

/**
 * Up to `limit` complaints after `after`, in list order: next deadline ascending with none last, then
 * complaint id. The order and the keyset condition are the index's, so a page costs an index range
 * scan however many complaints match.
 */
export async function listComplaints(
  db: Queryable,
  filter: ComplaintFilter,
  page: { limit: number; after?: ListPosition },
): Promise<ComplaintRecord[]> {
  const { where, params } = filterSql(filter);
  const p = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const a = page.after;
  if (a && a.nextDeadline === null) {
    where.push(`next_deadline IS NULL AND complaint_id > ${p(a.complaintId)}`);
  } else if (a && a.nextDeadline !== null) {
    const d = p(a.nextDeadline);
    where.push(
      `(next_deadline > ${d}::timestamptz OR (next_deadline = ${d}::timestamptz AND complaint_id > ${p(a.complaintId)})` +
        ` OR next_deadline IS NULL)`,
    );
  }
  const sql = `SELECT ${COLUMNS} FROM complaints ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
    ORDER BY next_deadline ASC NULLS LAST, complaint_id ASC LIMIT ${p(page.limit)}`;
  const { rows } = await db.query<Record<string, unknown>>(sql, params);
  return rows.map((r) => fromRow<ComplaintRecord>(r));
}

/** One complaint's row, or undefined when the store has none. */
export async function getComplaint(db: Queryable, complaintId: string): Promise<ComplaintRecord | undefined> {
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM complaints WHERE complaint_id = $1`,
    [complaintId],
  );
  return rows[0] === undefined ? undefined : fromRow<ComplaintRecord>(rows[0]);
}

/** A lifecycle event as the store's event log keeps it. */
export interface StoredEvent {
  eventId: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/**
 * A complaint's event log, oldest first: the lifecycle events Redress published (what happened and when),
 * not the workflow's timeline (who did it and why, assignments, notes), which only Temporal holds.
 */
export async function complaintEvents(db: Queryable, complaintId: string): Promise<StoredEvent[]> {
  const { rows } = await db.query<Record<string, unknown>>(
    // Events of one instant in the order they were published: one complaint's events share a key, so a
    // partition, whose offsets are that order (the event ids would put "acknowledged" before "opened").
    `SELECT event_id, type, occurred_at, data FROM complaint_events WHERE complaint_id = $1
     ORDER BY occurred_at, kafka_offset::bigint, event_id`,
    [complaintId],
  );
  return rows.map((r) => fromRow<StoredEvent>(r));
}

/**
 * A complaint's whole record: the row, its clocks, events, letters, remedies and breaches, oldest first.
 * Letter bodies are opened with `seal` (store/letters.ts); one that cannot be opened says why instead.
 */
export async function complaintRecord(db: Queryable, complaintId: string, seal: TextSeal) {
  const complaint = await getComplaint(db, complaintId);
  if (!complaint) return undefined;
  const all = async <T>(sql: string) =>
    (await db.query<Record<string, unknown>>(sql, [complaintId])).rows.map((r) => fromRow<T>(r));
  const [clocks, events, letters, remedies, breaches] = await Promise.all([
    all<Record<string, unknown>>(
      'SELECT clock, kind, status, deadline, breached, met FROM complaint_clocks WHERE complaint_id = $1 ORDER BY deadline, clock',
    ),
    complaintEvents(db, complaintId),
    complaintLetters(db, complaintId, seal),
    all<Record<string, unknown>>(
      `SELECT remedy_id, kind, amount, currency, due_by, needs_approval, status, proposed_at, approved_at, declined_at,
         requested_at, fulfilled_at, failed_at FROM complaint_remedies WHERE complaint_id = $1 ORDER BY remedy_id`,
    ),
    all<Record<string, unknown>>(
      'SELECT event_id, clock, deadline, at FROM complaint_breaches WHERE complaint_id = $1 ORDER BY at, event_id',
    ),
  ]);
  return { complaint, clocks, events, letters, remedies, breaches, links: linksIn(events) };
}

/**
 * A complaint's links to the complaints its customer's replies raised as new matters, both ways, as its
 * event log states them (workflows/case-linked.ts): the `complaint.opened` of a linked complaint names
 * where it came from, and each `complaint.linked` the complaint a reply opened. Read from the log rather
 * than a column of the row, which would take a migration for what the log already keeps.
 */
export function linksIn(events: readonly StoredEvent[]): { linkedFrom?: string; relatedTo: string[] } {
  const opened = events.find((e) => e.type === 'complaint.opened')?.data.linkedFrom as
    { complaintId?: unknown } | undefined;
  const relatedTo = events.filter((e) => e.type === 'complaint.linked').map((e) => String(e.data.relatedTo));
  return {
    ...(typeof opened?.complaintId === 'string' ? { linkedFrom: opened.complaintId } : {}),
    relatedTo: [...new Set(relatedTo)],
  };
}
/** See {@link complaintRecord}. */
export type StoredComplaint = NonNullable<Awaited<ReturnType<typeof complaintRecord>>>;
