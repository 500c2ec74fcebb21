import { z } from 'zod';
import { InstantSchema, SEVERITIES } from '../../domain/complaint';
import { OPEN_STAGES } from '../../domain/stages';
import type { SearchIndex } from '../../platform/search-index';
import type { Queryable } from '../../store/db';
import type { ComplaintFilter, ListPosition } from '../../store/queries';
import { QUEUE_VIEWS, queuePage, type QueueRow, type QueueView } from '../../store/workspace';
import { html, type HtmlValue, type SafeHtml } from './html';
import { countdown, dataTable, formatInstant, zoneOf } from './layout';
import type { Session } from './sessions';

/**
 * The queues: the complaints a person works from (mine, unassigned, at risk, breached, awaiting
 * approval, drafts held for a supervisor, every open one), with filters, sorted by next deadline with a live countdown, a page at a
 * time. From the store, as `GET /complaints` is: a moment behind the workflows.
 */

const VIEW_NAMES: Record<QueueView, string> = {
  open: 'All open',
  mine: 'Mine',
  unassigned: 'Unassigned',
  'at-risk': 'At risk',
  breached: 'Breached',
  'awaiting-approval': 'Awaiting approval',
  'held-drafts': 'Held drafts',
};

/** How far ahead "at risk" looks. */
export const AT_RISK_WINDOWS = { '4h': 4, '24h': 24, '48h': 48, '7d': 168 } as const;
type AtRiskWindow = keyof typeof AT_RISK_WINDOWS;

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const opt = <T extends z.ZodType>(s: T) => z.preprocess(blankToUndefined, s.optional());

/** The queue page's query: unknown or invalid values are a 400 page, as the JSON list refuses them. */
export const QueueQuerySchema = z.object({
  view: opt(z.enum(QUEUE_VIEWS)),
  stage: opt(z.enum(OPEN_STAGES as [string, ...string[]])),
  severity: opt(z.enum(SEVERITIES)),
  regime: opt(z.string().regex(/^[a-z0-9-]{1,60}$/)),
  assignee: opt(z.string().trim().min(1).max(100)),
  search: opt(z.string().trim().min(1).max(200)),
  within: opt(z.enum(Object.keys(AT_RISK_WINDOWS) as [AtRiskWindow, ...AtRiskWindow[]])),
  /** `yes`: only customers flagged as in vulnerable circumstances. */
  vulnerable: opt(z.enum(['yes'])),
  /** An instant: complaints that breached a deadline since, closed ones included (the dashboard links here). */
  breachedSince: opt(InstantSchema),
  after: opt(z.string().max(400)),
});
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

/** The rows a page shows. */
export const QUEUE_PAGE_SIZE = 50;

/** The keyset cursor of the next page: the last row's position, opaque to the browser. */
const encodeAfter = (r: QueueRow): string =>
  Buffer.from(JSON.stringify([r.nextDeadline, r.complaintId]), 'utf8').toString('base64url');
function decodeAfter(text: string | undefined): ListPosition | undefined {
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(v) && (v[0] === null || typeof v[0] === 'string') && typeof v[1] === 'string') {
      return { nextDeadline: v[0] as string | null, complaintId: v[1] };
    }
  } catch {
    // Not one of ours: the first page.
  }
  return undefined;
}

/** A queue's URL with these parameters (blank ones left out). */
export function queueHref(params: Partial<Record<keyof QueueQuery, string | undefined>>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? `/ui/queue?${s}` : '/ui/queue';
}

/** A row's flags: the things that change what to do first. */
export function flagsOf(
  r: Pick<
    QueueRow,
    | 'breached'
    | 'escalated'
    | 'vulnerable'
    | 'repeatOf'
    | 'flagCount'
    | 'heldDrafts'
    | 'waitingOnCustomer'
    | 'remedyStatus'
  >,
): SafeHtml {
  const flags: Array<[string, string]> = [];
  if (r.breached) flags.push(['breached', 'bad']);
  if (r.escalated) flags.push(['escalated', 'bad']);
  if (r.vulnerable) flags.push(['vulnerable', 'bad']);
  if (r.repeatOf.length > 0) flags.push(['repeat', 'warn']);
  if (r.heldDrafts > 0) flags.push([`draft held${r.heldDrafts > 1 ? ` ×${r.heldDrafts}` : ''}`, 'warn']);
  if (r.flagCount > 0) flags.push([`flagged ×${r.flagCount}`, 'warn']);
  if (r.remedyStatus === 'awaiting-approval') flags.push(['awaiting approval', 'warn']);
  if (r.waitingOnCustomer) flags.push(['waiting on customer', '']);
  return html`${flags.map(([text, tone]) => html`<span class="flag ${tone}">${text}</span>`)}`;
}

/** The rows as a table (the dashboard's approvals list uses it too). */
export function queueTable(
  rows: readonly QueueRow[],
  now: number,
  caption: string,
  extra?: (r: QueueRow) => HtmlValue,
): SafeHtml {
  return dataTable({
    caption,
    label: caption,
    head: [
      'Complaint',
      'Time left',
      'Next deadline',
      'Stage',
      'Severity',
      'Regime',
      'Assignee',
      'Flags',
      ...(extra ? ['Action'] : []),
    ],
    rows: rows.map((r) => {
      const zone = zoneOf(r.region).zone;
      return html`<tr data-complaint="${r.complaintId}">
        <th scope="row"><a href="/ui/complaints/${encodeURIComponent(r.complaintId)}">${r.complaintId}</a></th>
        <td>${r.nextDeadline ? countdown(r.nextDeadline, now) : '—'}</td>
        <td>${r.nextDeadline ? formatInstant(r.nextDeadline, zone) : '—'}</td>
        <td>${r.stage}</td>
        <td>${r.severity ?? '—'}</td>
        <td>${r.regime}</td>
        <td>${r.assignee ?? html`<em>unassigned</em>`}</td>
        <td>${flagsOf(r)}</td>
        ${extra ? html`<td>${extra(r)}</td>` : ''}
      </tr>`;
    }),
  });
}

function select(
  name: string,
  label: string,
  options: readonly string[],
  value: string | undefined,
  blank: string,
  words: Record<string, string> = {},
): SafeHtml {
  return html`<div class="field">
    <label for="f-${name}">${label}</label
    ><select id="f-${name}" name="${name}">
      <option value="">${blank}</option>
      ${options.map((o) => html`<option value="${o}" ${o === value ? html` selected` : ''}>${words[o] ?? o}</option>`)}
    </select>
  </div>`;
}

/** The queue page's body (the page shell adds the header). */
export async function renderQueue(
  deps: { store: Queryable; search?: SearchIndex; regimes: readonly string[] },
  session: Session,
  q: QueueQuery,
  now: number,
): Promise<SafeHtml> {
  const view = q.view ?? 'at-risk';
  const within = q.within ?? '48h';
  const filter: ComplaintFilter = {
    ...(q.stage ? { stage: [q.stage] } : {}),
    ...(q.severity ? { severity: [q.severity] } : {}),
    ...(q.regime ? { regime: q.regime } : {}),
    ...(q.assignee ? { assignee: q.assignee } : {}),
    ...(q.vulnerable ? { vulnerable: true } : {}),
    ...(q.breachedSince ? { breachedSince: new Date(q.breachedSince).toISOString() } : {}),
    ...(q.search && deps.search ? { searchTokens: deps.search.searchTokens(q.search) } : {}),
  };
  const after = decodeAfter(q.after);
  const rows = await queuePage(deps.store, {
    view,
    me: session.principal.id,
    atRiskBy: new Date(now + AT_RISK_WINDOWS[within] * 3_600_000).toISOString(),
    filter,
    limit: QUEUE_PAGE_SIZE + 1,
    ...(after ? { after } : {}),
  });
  const shown = rows.slice(0, QUEUE_PAGE_SIZE);
  const last = shown[shown.length - 1];
  const keep = {
    stage: q.stage,
    severity: q.severity,
    regime: q.regime,
    assignee: q.assignee,
    search: q.search,
    vulnerable: q.vulnerable,
    breachedSince: q.breachedSince,
  };
  const tabs = QUEUE_VIEWS.map(
    (v) =>
      html`<li>
        <a
          href="${queueHref({ view: v, ...keep, ...(v === 'at-risk' ? { within: q.within } : {}) })}"
          ${v === view ? html` aria-current="page"` : ''}
          >${VIEW_NAMES[v]}</a
        >
      </li>`,
  );
  return html`<nav aria-label="Queues">
      <ul class="tabs">
        ${tabs}
      </ul>
    </nav>
    <form method="get" action="/ui/queue" class="filters" role="search" aria-label="Filter the queue">
      <input type="hidden" name="view" value="${view}" />
      ${select('stage', 'Stage', OPEN_STAGES, q.stage, 'any stage')}
      ${select('severity', 'Severity', SEVERITIES, q.severity, 'any severity')}
      ${select('regime', 'Regime', deps.regimes, q.regime, 'any regime')}
      <div class="field">
        <label for="f-assignee">Assignee</label
        ><input id="f-assignee" name="assignee" value="${q.assignee ?? ''}" maxlength="100" />
      </div>
      ${deps.search ? html`<div class="field"><label for="f-search">Words in the summary</label><input id="f-search" name="search" type="search" value="${q.search ?? ''}" maxlength="200" /></div>` : ''}
      ${select('vulnerable', 'Customers', ['yes'], q.vulnerable, 'all customers', { yes: 'vulnerable only' })}
      ${view === 'at-risk' ? select('within', 'Deadline within', Object.keys(AT_RISK_WINDOWS), within, '48h') : ''}
      <div class="field">
        <label for="f-breachedSince">Breached since</label
        ><input
          id="f-breachedSince"
          name="breachedSince"
          value="${q.breachedSince ?? ''}"
          maxlength="40"
          placeholder="2026-12-01T00:00:00Z"
          aria-describedby="f-breachedSince-hint"
        /><span class="hint" id="f-breachedSince-hint">an instant; closed complaints included</span>
      </div>
      <div class="field"><button type="submit">Filter</button></div>
    </form>
    <h2 id="queue-heading">
      ${VIEW_NAMES[view]}${view === 'at-risk' ? ` (next deadline within ${within})` : ''}${
        q.breachedSince ? `, breached since ${formatInstant(q.breachedSince)}, closed included` : ''
      }
    </h2>
    ${
      shown.length === 0
        ? html`<p>No ${q.breachedSince ? '' : 'open '}complaints here.</p>`
        : queueTable(
            shown,
            now,
            `Sorted by next deadline, soonest first; deadlines in each complaint's calendar time zone.`,
          )
    }
    ${rows.length > QUEUE_PAGE_SIZE && last ? html`<p><a href="${queueHref({ view, within: q.within, ...keep, after: encodeAfter(last) })}" rel="next">Next ${QUEUE_PAGE_SIZE}</a></p>` : ''}`;
}
