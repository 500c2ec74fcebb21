import { createHash } from 'node:crypto';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { complaintIdFromWorkflowId, complaintWorkflowId } from '../../domain/ids';
import { SA } from '../../workflows/search-attributes';
import { COMPLAINT_WORKFLOW, STAGES, type Stage } from '../../workflows/messages';
import type { SearchIndex } from '../../platform/search-index';
import type { Queryable } from '../../store/db';
import { listComplaints as listStored, type ComplaintFilter, type ComplaintRecord } from '../../store/queries';
import { ApiError, unprocessable } from './errors';
import type { ComplaintList, ComplaintSummary, ListQuery } from './schemas';

/**
 * `GET /complaints`, from the store when the API has one (DATABASE_URL): SQL sorted by next deadline on
 * an index, a keyset page, no scan limit ({@link listFromStore}). Without a store, the fallback below.
 *
 * The fallback is a Temporal visibility query built from the filters, sorted by next deadline.
 *
 * The dev server's SQLite visibility (and SQL visibility generally) refuses `ORDER BY` on custom search
 * attributes, so the API sorts: it reads every complaint after the cursor that matches, keeps the first
 * `limit` by (next deadline, none last; workflow id), and returns a keyset cursor. One page therefore
 * costs a scan of the matching complaints after the cursor; more than `scanLimit` of them is refused
 * with a 400 asking for narrower filters, rather than answering out of order.
 *
 * Visibility is eventually consistent (a moment behind the workflows), and a complaint whose next
 * deadline moves between two pages can be seen twice or not at all — the price of a keyset on a
 * value that changes.
 */

/** Which complaints this API lists: those of its task queue (as the topic prefix scopes Kafka). */
export interface ListScope {
  taskQueue: string;
}

/** A visibility string literal: apostrophes doubled (the values were checked to hold no `"` or `\`). */
const quote = (value: string): string => `'${value.replace(/'/g, "''")}'`;
const inList = (values: readonly string[]): string => `(${values.map(quote).join(', ')})`;

/** The visibility query of every complaint in scope, with the list filters (not the cursor). */
export function filterQuery(scope: ListScope, q: Omit<ListQuery, 'limit' | 'cursor'>, now: number): string {
  // None is a search attribute (the summary is personal data; product never was one; the vulnerable flag
  // is about the customer's circumstances, kept out of Temporal's visibility store).
  // Nor is when a deadline was breached (only whether), which the store's breaches table records.
  for (const field of ['product', 'search', 'vulnerable', 'breachedSince'] as const) {
    if (q[field] !== undefined) {
      throw unprocessable(`the ${field} filter needs the store`, [
        { field, message: 'answered from the complaint store only: this API has none (DATABASE_URL)' },
      ]);
    }
  }
  const where = [`WorkflowType = ${quote(COMPLAINT_WORKFLOW)}`, `TaskQueue = ${quote(scope.taskQueue)}`];
  if (q.stage) where.push(`${SA.stage.name} IN ${inList(q.stage)}`);
  if (q.severity) where.push(`${SA.severity.name} IN ${inList(q.severity)}`);
  if (q.channel) where.push(`${SA.channel.name} IN ${inList(q.channel)}`);
  if (q.category !== undefined) where.push(`${SA.category.name} = ${quote(q.category)}`);
  if (q.assignee !== undefined) where.push(`${SA.assignee.name} = ${quote(q.assignee)}`);
  if (q.customer !== undefined) where.push(`${SA.customerId.name} = ${quote(q.customer)}`);
  if (q.regime !== undefined) where.push(`${SA.regime.name} = ${quote(q.regime)}`);
  if (q.breached !== undefined) where.push(`${SA.breached.name} = ${String(q.breached)}`);
  if (q.escalated !== undefined) where.push(`${SA.escalated.name} = ${String(q.escalated)}`);
  if (q.atRiskWithin !== undefined) {
    where.push(`${SA.nextDeadline.name} <= ${quote(new Date(now + q.atRiskWithin).toISOString())}`);
  }
  if (q.receivedFrom) where.push(`${SA.receivedAt.name} >= ${quote(new Date(q.receivedFrom).toISOString())}`);
  if (q.receivedTo) where.push(`${SA.receivedAt.name} < ${quote(new Date(q.receivedTo).toISOString())}`);
  return where.join(' AND ');
}

// ------------------------------------------------------------------ cursor

/** Where the previous page ended: its last complaint's next deadline (null: none) and workflow id. */
export interface Cursor {
  d: string | null;
  w: string;
  /** The filters it was made for: a cursor used with other filters is refused, not misapplied. */
  f: string;
}

/** A short fingerprint of the filters (everything but limit and cursor). */
export function filterKey(q: ListQuery): string {
  const { limit: _limit, cursor: _cursor, ...filters } = q;
  return createHash('sha256').update(JSON.stringify(filters)).digest('base64url').slice(0, 16);
}

/** The cursor as an opaque string (base64url JSON): clients pass it back, never build it. */
export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');
}

// A 422: any string has the documented shape of a cursor; one this API did not issue breaks a rule.
const invalidCursor = (why: string) =>
  unprocessable('invalid cursor', [{ field: 'cursor', message: `${why}: pass back nextCursor of the previous page` }]);

/** Reads a cursor; a 422 naming `cursor` when it is not one of ours or was made for other filters. */
export function decodeCursor(text: string, expectedFilters: string): Cursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('not a cursor');
  }
  const c = value as Partial<Cursor> | null;
  const validDeadline = c?.d === null || (typeof c?.d === 'string' && !Number.isNaN(Date.parse(c.d)));
  if (typeof c !== 'object' || !c || !validDeadline || typeof c.w !== 'string' || typeof c.f !== 'string') {
    throw invalidCursor('not a cursor');
  }
  if (c.f !== expectedFilters) throw invalidCursor('made for other filters');
  return { d: c.d ?? null, w: c.w, f: c.f };
}

/** The visibility condition that narrows a scan to what can follow the cursor (exact order is checked in memory). */
function afterCursorQuery(c: Cursor): string {
  const nd = SA.nextDeadline.name;
  return c.d === null ? `${nd} IS NULL` : `(${nd} >= ${quote(c.d)} OR ${nd} IS NULL)`;
}

// ------------------------------------------------------------------ ordering

interface Keyed {
  /** Next deadline in ms, or +Infinity for none (sorts last). */
  d: number;
  w: string;
  summary: ComplaintSummary;
}

const compare = (a: { d: number; w: string }, b: { d: number; w: string }): number =>
  a.d !== b.d ? a.d - b.d : a.w < b.w ? -1 : a.w > b.w ? 1 : 0;

/** Whether a complaint comes strictly after the cursor in list order. */
function afterCursor(k: { d: number; w: string }, c: Cursor): boolean {
  return compare(k, { d: c.d === null ? Infinity : Date.parse(c.d), w: c.w }) > 0;
}

/** A complaint's list row, from its search attributes (the workflow keeps them current). */
export function toSummary(info: WorkflowExecutionInfo, now: number): ComplaintSummary {
  const sa = info.typedSearchAttributes;
  const stage = sa.get(SA.stage);
  const nextDeadline = sa.get(SA.nextDeadline);
  const receivedAt = sa.get(SA.receivedAt);
  const opt = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined || value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    complaintId: complaintIdFromWorkflowId(info.workflowId) ?? info.workflowId,
    // Before intake's first step the workflow has no attributes yet: it is being received.
    stage: stage && (STAGES as readonly string[]).includes(stage) ? (stage as Stage) : 'received',
    open: info.status.name === 'RUNNING',
    ...opt('severity', sa.get(SA.severity)),
    ...opt('category', sa.get(SA.category)),
    ...opt('channel', sa.get(SA.channel)),
    ...opt('customerId', sa.get(SA.customerId)),
    ...opt('assignee', sa.get(SA.assignee)),
    ...opt('regime', sa.get(SA.regime)),
    ...opt('outcome', sa.get(SA.outcome)),
    ...(nextDeadline ? { nextDeadline: nextDeadline.toISOString(), timeLeftMs: nextDeadline.getTime() - now } : {}),
    ...(receivedAt ? { receivedAt: receivedAt.toISOString() } : {}),
    breached: sa.get(SA.breached) ?? false,
    escalated: sa.get(SA.escalated) ?? false,
    ...opt('csat', sa.get(SA.csat)),
    reopenCount: sa.get(SA.reopenCount) ?? 0,
  };
}

/** One page of complaints matching the filters, in next-deadline order, with the cursor of the next. */
export async function listComplaints(
  client: Client,
  scope: ListScope,
  q: ListQuery,
  opts: { scanLimit: number; now?: number },
): Promise<ComplaintList> {
  const now = opts.now ?? Date.now();
  const key = filterKey(q);
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, key);
  const query = [filterQuery(scope, q, now), ...(cursor ? [afterCursorQuery(cursor)] : [])].join(' AND ');

  // The first limit+1 in order (one more tells whether there is a next page), kept sorted as we scan.
  const best: Keyed[] = [];
  let scanned = 0;
  for await (const info of client.workflow.list({ query, pageSize: 1_000 })) {
    scanned += 1;
    if (scanned > opts.scanLimit) {
      throw new ApiError(400, 'too_broad', `more than ${opts.scanLimit} complaints match: narrow the filters`, {
        scanLimit: opts.scanLimit,
        hint: 'filter by stage, regime, assignee, atRiskWithin or receivedFrom/receivedTo',
      });
    }
    const deadline = info.typedSearchAttributes.get(SA.nextDeadline);
    const k = { d: deadline ? deadline.getTime() : Infinity, w: info.workflowId };
    if (cursor && !afterCursor(k, cursor)) continue;
    if (best.length > q.limit && compare(k, best[best.length - 1]!) >= 0) continue;
    const at = best.findIndex((b) => compare(k, b) < 0);
    best.splice(at === -1 ? best.length : at, 0, { ...k, summary: toSummary(info, now) });
    if (best.length > q.limit + 1) best.pop();
  }
  const page = best.slice(0, q.limit);
  const last = page[page.length - 1];
  const more = best.length > q.limit && last !== undefined;
  return {
    items: page.map((b) => b.summary),
    ...(more
      ? {
          nextCursor: encodeCursor({
            d: Number.isFinite(last.d) ? new Date(last.d).toISOString() : null,
            w: last.w,
            f: key,
          }),
        }
      : {}),
  };
}

// ------------------------------------------------------------------ from the store

/**
 * The store's filter for a list query (`atRiskWithin` becomes an instant from `now`, `search` the blind
 * index's token sets, so the words themselves never reach the database).
 */
export function storeFilter(q: ListQuery, now: number, search?: SearchIndex): ComplaintFilter {
  if (q.search !== undefined && !search) {
    throw unprocessable('text search is not configured', [
      { field: 'search', message: 'this API has no search-index key (REDRESS_SEARCH_KEYS)' },
    ]);
  }
  return {
    ...(q.stage ? { stage: q.stage } : {}),
    ...(q.severity ? { severity: q.severity } : {}),
    ...(q.channel ? { channel: q.channel } : {}),
    ...(q.category !== undefined ? { category: q.category } : {}),
    ...(q.assignee !== undefined ? { assignee: q.assignee } : {}),
    ...(q.customer !== undefined ? { customerId: q.customer } : {}),
    ...(q.regime !== undefined ? { regime: q.regime } : {}),
    ...(q.product !== undefined ? { product: q.product } : {}),
    ...(q.breached !== undefined ? { breached: q.breached } : {}),
    ...(q.escalated !== undefined ? { escalated: q.escalated } : {}),
    ...(q.vulnerable !== undefined ? { vulnerable: q.vulnerable } : {}),
    ...(q.atRiskWithin !== undefined ? { nextDeadlineBy: new Date(now + q.atRiskWithin).toISOString() } : {}),
    ...(q.receivedFrom ? { receivedFrom: new Date(q.receivedFrom).toISOString() } : {}),
    ...(q.receivedTo ? { receivedTo: new Date(q.receivedTo).toISOString() } : {}),
    ...(q.breachedSince ? { breachedSince: new Date(q.breachedSince).toISOString() } : {}),
    ...(q.search !== undefined && search ? { searchTokens: search.searchTokens(q.search) } : {}),
  };
}

/** A stored complaint as a list row (the same fields the visibility list gives). */
export function summaryFromStore(r: ComplaintRecord, now: number): ComplaintSummary {
  const opt = <K extends string, V>(key: K, value: V | null) =>
    (value === null ? {} : { [key]: value }) as Partial<Record<K, V>>;
  return {
    complaintId: r.complaintId,
    stage: (STAGES as readonly string[]).includes(r.stage) ? (r.stage as Stage) : 'received',
    open: r.stage !== 'closed' && r.stage !== 'withdrawn',
    ...opt('severity', r.severity),
    ...opt('category', r.category),
    ...opt('product', r.product),
    ...opt('channel', r.channel),
    ...opt('customerId', r.customerId),
    ...opt('assignee', r.assignee),
    ...opt('regime', r.regime),
    ...opt('outcome', r.outcome),
    ...opt('cause', r.cause),
    ...(r.nextDeadline ? { nextDeadline: r.nextDeadline, timeLeftMs: Date.parse(r.nextDeadline) - now } : {}),
    receivedAt: r.receivedAt,
    breached: r.breached,
    escalated: r.escalated,
    vulnerable: r.vulnerable,
    ...opt('csat', r.csat),
    reopenCount: r.reopenCount,
  };
}

/**
 * One page from the store, with the same cursor as the visibility list (next deadline and workflow id,
 * tied to the filters), so a client pages the same way whichever answers. The store is as current as
 * the projector: a moment behind the workflows, like visibility.
 */
export async function listFromStore(
  db: Queryable,
  q: ListQuery,
  opts: { now?: number; search?: SearchIndex } = {},
): Promise<ComplaintList> {
  const now = opts.now ?? Date.now();
  const key = filterKey(q);
  const cursor = q.cursor === undefined ? undefined : decodeCursor(q.cursor, key);
  const after = cursor && {
    nextDeadline: cursor.d,
    complaintId: complaintIdFromWorkflowId(cursor.w) ?? cursor.w,
  };
  const rows = await listStored(db, storeFilter(q, now, opts.search), {
    limit: q.limit + 1,
    ...(after ? { after } : {}),
  });
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return {
    items: page.map((r) => summaryFromStore(r, now)),
    ...(rows.length > q.limit && last
      ? { nextCursor: encodeCursor({ d: last.nextDeadline, w: complaintWorkflowId(last.complaintId), f: key }) }
      : {}),
  };
}
