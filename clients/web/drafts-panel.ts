import type { UpdateDefinition } from '@temporalio/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ACTIONS, type ActionSpec } from '../../domain/actions';
import { withLetter, type DraftCheck, type DraftReport } from '../../domain/drafts/check';
import { isDraftable } from '../../domain/drafts/letters';
import { deploymentTemplates } from '../../platform/template-files';
import * as m from '../../workflows/messages';
import type { HeldDraft } from '../../workflows/case-drafts';
import type { ComplaintStatus } from '../../workflows/messages';
import type { Complaints } from '../api/complaints';
import { ApiError } from '../api/errors';
import { actionForm, formFields, readActionForm, type FormBody } from './forms';
import { html, type SafeHtml } from './html';
import { formatInstant } from './layout';
import type { Session } from './sessions';

/**
 * Drafts on the complaint page (issue 13 §3 in the workspace): a sending action's form can be checked
 * before it is sent (the same `draft` update as `POST /complaints/:id/drafts`, which renders the letter and
 * holds it when the respect check finds something severe), and the drafts the complaint holds are listed
 * with their findings, for a supervisor to approve and an operator to revise, or to send once approved.
 */

/** What a draft check leaves for the page it redirects to: the report as the API answers it. */
type DraftFlash = DraftReport;

/** The held input as the form's strings: what `inputFromForm` reads back into the same body. */
export function formValues(action: ActionSpec, input: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of formFields(action.input)) {
    const v = input[f.name];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[f.name] = v.map(String).join('\n');
    else if (typeof v === 'object')
      out[f.name] = Object.entries(v as Record<string, unknown>)
        .map(([k, x]) => `${k}=${String(x)}`)
        .join('\n');
    else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[f.name] = String(v);
  }
  return out;
}

/** A draft's findings as a person reads them: severe first, then the rest of what the check said. */
export function draftFindings(r: DraftFlash, zone: string): SafeHtml {
  const items = [
    ...r.respect.map(
      (f) =>
        html`<li class="${f.severity === 'severe' ? 'bad' : 'warn'}">
          <strong>${f.category}</strong> (${f.severity}) in ${f.field}: “${f.span.text}”. ${f.why}
          ${f.suggestion ? html`<span class="hint">Try: ${f.suggestion}</span>` : ''}
        </li>`,
    ),
    ...r.missingParts.map((p) => html`<li class="bad"><strong>missing part</strong>: ${p}</li>`),
    ...r.readability.map(
      (x) =>
        html`<li class="warn">
          <strong>hard to read</strong>: ${x.field} scores ${Math.round(x.readingEase)} (the policy asks ${x.atLeast})
        </li>`,
    ),
    ...r.promises.map(
      (p) =>
        html`<li>
          <strong>promise</strong> (${p.kind}) in ${p.field}:
          “${p.span.text}”${p.dueAt ? `, due ${formatInstant(p.dueAt, zone)}` : ''}: make it a commitment so a clock
          keeps it
        </li>`,
    ),
  ];
  return html`<div class="draft-report" role="status">
    <p>
      ${
        r.severe
          ? html`<strong>Held for a supervisor:</strong> the respect check found something severe; it is listed under
              Held drafts until approved or reworded.`
          : items.length === 0
            ? 'The check found nothing: this text may be sent.'
            : 'Nothing severe: this text may be sent, but read what the check found.'
      }
    </p>
    ${
      items.length > 0
        ? html`<ul class="findings">
            ${items}
          </ul>`
        : ''
    }
    ${
      r.letter
        ? html`<details>
            <summary>The letter as the customer would get it</summary>
            <p><strong>${r.letter.subject}</strong></p>
            <p class="words">${r.letter.body}</p>
          </details>`
        : ''
    }
  </div>`;
}

/** The drafts the complaint holds, each with its findings and what the caller's role may do with it. */
export function renderHeldDrafts(
  s: ComplaintStatus,
  session: Session,
  mayAct: (a: ActionSpec) => boolean,
  zone: string,
  nonce: () => string,
): SafeHtml {
  const held = s.heldDrafts ?? [];
  if (held.length === 0) return html``;
  return html`<section aria-labelledby="h-drafts">
    <h2 id="h-drafts">Held drafts</h2>
    <p class="hint">
      Text the respect check held before it reached the customer: a supervisor approves it as written, or it is
      reworded.
    </p>
    ${held.map((d, i) => heldDraft(d, i, s.complaintId, session, mayAct, zone, nonce))}
  </section>`;
}

function heldDraft(
  d: HeldDraft,
  i: number,
  complaintId: string,
  session: Session,
  mayAct: (a: ActionSpec) => boolean,
  zone: string,
  nonce: () => string,
): SafeHtml {
  const action = ACTIONS[d.action] as ActionSpec;
  const values = formValues(action, d.input);
  const approve = ACTIONS.approveDraft as ActionSpec;
  const canSend = mayAct(action);
  return html`<article class="held-draft" data-draft="${d.draftId}" aria-labelledby="h-draft-${i}">
    <h3 id="h-draft-${i}">${action.summary}: drafted by ${d.by}, ${formatInstant(d.at, zone)}</h3>
    <ul class="findings">
      ${d.findings.map((f) => html`<li class="bad">${f}</li>`)}
    </ul>
    <dl class="facts">
      ${Object.entries(values).map(
        ([k, v]) =>
          html`<dt>${k}</dt>
            <dd class="words">${v}</dd>`,
      )}
    </dl>
    ${
      d.approvedBy !== undefined
        ? html`<p class="approved">Approved by ${d.approvedBy}: this exact text may be sent once.</p>
            ${
              canSend
                ? actionForm(
                    action,
                    complaintId,
                    session.csrf,
                    {},
                    {
                      nonce: nonce(),
                      prefix: `held-${i}`,
                      fixed: values,
                      label: 'Send the approved text',
                    },
                  )
                : ''
            }`
        : mayAct(approve)
          ? actionForm(
              approve,
              complaintId,
              session.csrf,
              {},
              {
                nonce: nonce(),
                prefix: `held-${i}`,
                fixed: { draftId: d.draftId },
                label: 'Approve this draft',
              },
            )
          : html`<p>Waiting for a supervisor's approval.</p>`
    }
    ${
      canSend
        ? html`<details class="action-box">
            <summary>Revise and check again</summary>
            ${actionForm(action, complaintId, session.csrf, { values }, { nonce: nonce(), prefix: `revise-${i}`, check: true })}
          </details>`
        : ''
    }
  </article>`;
}

/**
 * `POST /ui/complaints/:id/drafts/:action`: the draft check of a sending action's form (a second submit
 * button on the form, `formaction` here), answered on the complaint page beside that form, sending nothing.
 */
export function draftCheckRoute(
  scope: FastifyInstance,
  deps: {
    complaints: Complaints;
    need: (req: FastifyRequest) => Session;
    setFlash: (s: Session, flash: NonNullable<Session['flash']>) => Promise<void> | void;
    refused: (status: number, message: string) => Error;
  },
): void {
  scope.post<{ Params: { id: string; action: string }; Body: FormBody }>(
    '/ui/complaints/:id/drafts/:action',
    async (req, reply) => {
      const s = deps.need(req);
      const { id, action: name } = req.params;
      if (!isDraftable(name)) throw deps.refused(404, `${name} sends no letter to draft`);
      const action = ACTIONS[name] as ActionSpec;
      if (!(action.roles as readonly string[]).includes(s.principal.role))
        throw deps.refused(403, `the ${s.principal.role} role cannot draft letters`);
      const body = req.body ?? {};
      const path = `/ui/complaints/${id}`;
      const back = `/ui/complaints/${encodeURIComponent(id)}#action-${name}`;
      const form = readActionForm(action, body, path);
      if (!form.ok) {
        await deps.setFlash(s, form.flash);
        return reply.redirect(back, 303);
      }
      const { values } = form;
      // The draft update answers with the report, not the status: the client's act() is typed for actions.
      const update = m.draftUpdate as unknown as UpdateDefinition<
        ComplaintStatus,
        [m.ActionBase & { action: typeof name; input: Record<string, unknown> }]
      >;
      try {
        const check = (await deps.complaints.act(
          id,
          'draft',
          update,
          { action: name, input: form.input as Record<string, unknown> },
          {
            id: s.principal.id,
            role: s.principal.role,
          },
        )) as unknown as DraftCheck;
        const draft = withLetter(check, deploymentTemplates());
        await deps.setFlash(s, {
          path,
          kind: draft.severe ? 'refused' : 'ok',
          action: name,
          message: draft.severe
            ? 'Checked: held for a supervisor (see Held drafts), or reword it.'
            : 'Checked: nothing severe, nothing sent yet.',
          values,
          draft,
        });
      } catch (err) {
        if (!(err instanceof ApiError) || (err.statusCode >= 500 && err.statusCode !== 503)) throw err;
        await deps.setFlash(s, { path, kind: 'refused', action: name, message: err.message, values });
      }
      return reply.redirect(back, 303);
    },
  );
}
