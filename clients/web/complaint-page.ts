import { randomBytes } from 'node:crypto';
import { ACTION_NAMES, ACTIONS, type ActionSpec } from '../../domain/actions';
import type { ConversationEntry } from '../../domain/conversation';
import type { Queryable } from '../../store/db';
import type { TextSeal } from '../../domain/sealed-text';
import { customerLetters, type SentLetter } from '../../store/letters';
import type { ComplaintStatus, TimelineEntry } from '../../workflows/messages';
import type { Complaints } from '../api/complaints';
import { isDraftable } from '../../domain/drafts/letters';
import { draftFindings, renderHeldDrafts } from './drafts-panel';
import { actionForm } from './forms';
import { html, type SafeHtml } from './html';
import { countdown, dataTable, flashBox, formatInstant, zoneOf } from './layout';
import type { Flash, Session } from './sessions';

/**
 * The complaint page: what the customer said and wants, the conversation, the clocks in the complaint's
 * calendar time zone with time left, the remedy, the timeline, and one form for every action the
 * caller's role may take in the complaint's stage (from the action registry). Live from the workflow,
 * as `GET /complaints/:id` is; the letters' text as sent from the store.
 */

/** The actions `role` may take on a complaint in `stage`, in the registry's order. */
export function actionsFor(role: string, stage: string): ActionSpec[] {
  return ACTION_NAMES.map((n) => ACTIONS[n] as ActionSpec).filter(
    (a) => (a.roles as readonly string[]).includes(role) && (a.stages as readonly string[]).includes(stage),
  );
}

/** A fresh value for a form's `_nonce`: its POST becomes one workflow update id, so a second click acts once. */
export const formNonce = (): string => randomBytes(12).toString('base64url');

export interface ComplaintPageData {
  status: ComplaintStatus;
  timeline: TimelineEntry[];
  conversation: ConversationEntry[];
  letters: Map<string, SentLetter>;
}

/** Reads everything the page shows; throws the Complaints class's ApiError (404, 503) as the API would. */
export async function readComplaintPage(
  complaints: Complaints,
  store: Queryable | undefined,
  seal: TextSeal,
  id: string,
): Promise<ComplaintPageData> {
  // One query for the three (the workflow's `page`): a round trip to the worker, not three, and one query
  // for Temporal to buffer while a workflow task is pending (it holds one per workflow).
  const { status, timeline, conversation: page } = await complaints.page(id);
  const conversation = page.entries;
  const letters = new Map((store ? await customerLetters(store, id, seal) : []).map((l) => [l.idempotencyKey, l]));
  return { status, timeline, conversation, letters };
}

function entryBody(e: ConversationEntry, letters: Map<string, SentLetter>): SafeHtml {
  switch (e.kind) {
    case 'complaint':
      return html`<p class="words">${e.text}</p>`;
    case 'letter': {
      const sent = letters.get(e.idempotencyKey);
      const pending = html`<p class="hint">
        The ${e.letter} letter (${e.channel}); its text arrives from the mailer's record.
      </p>`;
      if (!sent) return pending;
      // A body the ring cannot open says so (naming the key), rather than showing its sealed bytes.
      const body =
        sent.body === null
          ? html`<p class="hint">The text of this letter cannot be shown: ${sent.bodyError}</p>`
          : html`<p class="words">${sent.body}</p>`;
      return html`<p><strong>${sent.subject}</strong></p>
        ${body}`;
    }
    case 'survey':
      return html`<p>Score ${e.score}${e.text ? html`: <span class="words">${e.text}</span>` : ''}</p>`;
    default:
      return html`<p class="words">${e.text}</p>`;
  }
}

const who = (a: { id: string; role: string }) => `${a.id} (${a.role})`;

export function renderComplaint(
  data: ComplaintPageData,
  session: Session,
  flash: Flash | undefined,
  now: number,
): SafeHtml {
  const { status: s, timeline, conversation, letters } = data;
  const { zone, known } = zoneOf(s.region);
  const at = (iso: string) => formatInstant(iso, zone);
  const complaint = conversation.find((e) => e.kind === 'complaint');
  const actions = actionsFor(session.principal.role, s.stage);
  const remedy = s.remedy;
  return html` <p class="hint">
      Times in ${zone}${known ? ` (the ${s.region} calendar)` : ' (no calendar time zone known for this complaint)'}.
    </p>
    <dl class="facts">
      <dt>Stage</dt>
      <dd>${s.stage}</dd>
      <dt>Regime</dt>
      <dd>${s.regime} (policy v${s.policyVersion})</dd>
      <dt>Severity</dt>
      <dd>${s.severity}</dd>
      <dt>Category</dt>
      <dd>${s.category}</dd>
      <dt>Channel</dt>
      <dd>${s.channel}</dd>
      <dt>Assignee</dt>
      <dd>${s.assignee ?? 'unassigned'}</dd>
      <dt>Received</dt>
      <dd>${at(s.receivedAt)}</dd>
      <dt>Flags</dt>
      <dd>
        ${[
          s.breached ? html`<span class="flag bad">breached</span>` : '',
          s.escalated ? html`<span class="flag bad">escalated</span>` : '',
          s.vulnerability?.vulnerable ? html`<span class="flag bad">vulnerable</span>` : '',
          s.repeatOf.length > 0 ? html`<span class="flag warn">repeat of ${s.repeatOf.join(', ')}</span>` : '',
          s.waitingOnCustomer ? html`<span class="flag">waiting on customer</span>` : '',
          s.flags.map((f) => html`<span class="flag warn">${f}</span>`),
        ]}
      </dd>
      ${
        s.vulnerability
          ? html`<dt>Vulnerability</dt>
              <dd class="vulnerability">
                ${
                  s.vulnerability.vulnerable
                    ? html`${s.vulnerability.drivers.join(', ')}${s.vulnerability.needs ? html`: <span class="words">${s.vulnerability.needs}</span>` : ''}`
                    : 'not vulnerable now'
                }
                <span class="hint"
                  >(${s.vulnerability.by === 'intake' ? 'flagged at intake' : `recorded by ${s.vulnerability.by}`},
                  ${at(s.vulnerability.at)})</span
                >
              </dd>`
          : ''
      }
    </dl>
    <section aria-labelledby="h-words">
      <h2 id="h-words">The customer's words</h2>
      ${
        complaint && complaint.kind === 'complaint'
          ? html`<p><strong class="summary">${complaint.summary}</strong></p>
              <p class="words">${complaint.text}</p>
              <h3>What they want</h3>
              <p class="words">${complaint.desiredOutcome ?? 'They did not say.'}</p>`
          : html`<p>The complaint's own text is no longer held.</p>`
      }
    </section>
    <section aria-labelledby="h-clocks">
      <h2 id="h-clocks">Clocks</h2>
      ${dataTable({
        label: 'Clocks',
        head: ['Clock', 'Status', 'Deadline', 'Time left'],
        rows: s.clocks.map(
          (c) =>
            html`<tr>
              <th scope="row">${c.clock}${c.kind === 'window' ? ' (window)' : ''}</th>
              <td>${c.status}</td>
              <td>${at(c.deadline)}</td>
              <td>${c.status === 'running' ? countdown(c.deadline, now) : c.status}</td>
            </tr>`,
        ),
      })}
      ${s.breaches.length > 0 ? html`<p>Breached: ${s.breaches.map((b) => `${b.clock} at ${at(b.at)}`).join('; ')}</p>` : ''}
    </section>
    <section aria-labelledby="h-commitments">
      <h2 id="h-commitments">Commitments</h2>
      ${
        s.commitments.length > 0
          ? html`${dataTable({
              label: 'Commitments',
              head: ['Promise', 'Owner', 'Due', 'Status'],
              rows: s.commitments.map(
                (c) =>
                  html`<tr>
                    <th scope="row">${c.kind}: ${c.words}${c.visibleToCustomer ? '' : ' (not told)'}</th>
                    <td>${c.owner}</td>
                    <td>${at(c.dueAt)}</td>
                    <td class="commitment-status">${c.status === 'open' ? countdown(c.dueAt, now) : c.status}</td>
                  </tr>`,
              ),
            })}`
          : html`<p>No promises made yet.</p>`
      }
    </section>
    <section aria-labelledby="h-remedy">
      <h2 id="h-remedy">Remedy</h2>
      ${
        remedy
          ? html`<dl class="facts">
              <dt>Kind</dt>
              <dd>${remedy.kind}</dd>
              <dt>Status</dt>
              <dd class="remedy-status">${remedy.status}</dd>
              <dt>What</dt>
              <dd>${remedy.description}</dd>
              ${
                remedy.amount !== undefined
                  ? html`<dt>Amount</dt>
                      <dd>${remedy.amount} ${remedy.currency ?? ''}</dd>`
                  : ''
              }
              ${
                remedy.dueBy
                  ? html`<dt>Due by</dt>
                      <dd>${at(remedy.dueBy)}</dd>`
                  : ''
              }
              <dt>Proposed by</dt>
              <dd>${remedy.proposedBy}</dd>
              ${
                remedy.approvedBy
                  ? html`<dt>Approved by</dt>
                      <dd>${remedy.approvedBy}</dd>`
                  : ''
              }
              ${
                remedy.explanation
                  ? html`<dt>Why it differs</dt>
                      <dd>${remedy.explanation}</dd>`
                  : ''
              }
              ${
                remedy.failureReason
                  ? html`<dt>Failed</dt>
                      <dd>${remedy.failureReason}</dd>`
                  : ''
              }
            </dl>`
          : html`<p>None proposed yet.</p>`
      }
    </section>
    ${renderHeldDrafts(s, session, (a) => actions.some((x) => x.name === a.name), zone, formNonce)}
    ${
      actions.length > 0
        ? html`<section aria-labelledby="h-actions">
            <h2 id="h-actions">Actions</h2>
            ${flashBox(flash)}
            ${actions.map((a) => {
              const mine = flash?.action === a.name;
              return html`<details class="action-box" id="action-${a.name}" ${mine ? html` open` : ''}>
                <summary>${a.summary}</summary>
                <p class="hint">${a.description}</p>
                ${mine && flash.draft ? draftFindings(flash.draft, zone) : ''}
                ${actionForm(a, s.complaintId, session.csrf, mine ? { ...(flash.values ? { values: flash.values } : {}), ...(flash.fieldErrors ? { errors: flash.fieldErrors } : {}) } : {}, { nonce: formNonce(), check: isDraftable(a.name) })}
              </details>`;
            })}
          </section>`
        : flashBox(flash)
    }
    <section aria-labelledby="h-conversation">
      <h2 id="h-conversation">Conversation</h2>
      <ol class="conversation">
        ${conversation.map(
          (e) =>
            html`<li>
              <p>
                <strong>${e.kind}</strong>
                ${e.direction === 'in' ? 'from' : e.direction === 'out' ? 'to the customer, by' : 'by'}
                ${who(e.author)}, ${at(e.at)}
              </p>
              ${entryBody(e, letters)}
            </li>`,
        )}
      </ol>
    </section>
    <section aria-labelledby="h-timeline">
      <h2 id="h-timeline">Timeline</h2>
      ${dataTable({
        label: 'Timeline',
        head: ['When', 'Who', 'What', 'Detail'],
        rows: timeline.map(
          (t) =>
            html`<tr>
              <td>${at(t.at)}</td>
              <td>${who(t.actor)}</td>
              <td>${t.action}</td>
              <td>${t.detail ?? ''}${(t.flags ?? []).map((f) => html` <span class="flag warn">${f}</span>`)}</td>
            </tr>`,
        ),
      })}
    </section>`;
}
