import type { ActionBody } from '../actions';
import type { Actor } from '../actor';
import type { TemplateSet } from '../letters/template-set';
import { renderCustomerLetter, type LetterRequest } from '../letters/templates';
import { sha256Hex } from '../letters/sha256';
import { missingParts, readingEaseThreshold } from '../policy/content';
import type { Policy } from '../policy/schema';
import type { ResponseKind } from '../policy/vocabulary';
import { checkRespect, type RespectFinding } from '../respect';
import { agentFields, letterOf, providedParts, type DraftAction, type RemedyOnFile } from './letters';
import { findPromises, type PromiseFinding } from './promises';

/**
 * The draft check (issue 13 §3): an agent-written letter rendered as the customer would get it, with every
 * check, sending nothing. The same function answers `POST …/drafts` and decides, at admission, whether a
 * send needs a supervisor's approval, so the two can never disagree.
 */

/** A finding in one field of the draft (`alternatives.0`, `parts.ombudsman-leaflet`, …). */
export type FieldFinding<T> = T & { field: string };

export interface DraftReport {
  /** SHA-256 of the action and its canonical body: what a supervisor approves, and what a send is matched to. */
  draftId: string;
  action: DraftAction;
  /** The letter as the customer would get it; absent for a remedy other than a decline (no letter of its own). */
  letter?: { kind: string; locale: string; subject: string; body: string };
  respect: Array<FieldFinding<RespectFinding>>;
  /** True when a respect finding is severe: sending it needs a supervisor's approval of this draft. */
  severe: boolean;
  /** Regulated parts the policy requires that neither the agent nor the template supplies. */
  missingParts: string[];
  promises: Array<FieldFinding<PromiseFinding>>;
  /** Fields whose reading ease is below the policy's threshold. */
  readability: Array<{ field: string; readingEase: number; atLeast: number }>;
}

/** A draft to check: the sending action, its body as the action takes it, and who drafts it. */
export interface DraftRequest {
  action: DraftAction;
  input: Record<string, unknown>;
  actor: Actor;
}

/** What the check needs of the complaint. */
export interface DraftContext {
  complaintId: string;
  policy: Policy;
  customer: { name: string; locale?: string; jurisdiction?: string };
  /** The zone of the complaint's business calendar: where the letter's dates are written in words. */
  timeZone?: string;
  remedy?: RemedyOnFile;
  /** The instant promises are dated from (epoch ms). */
  now: number;
}

/** JSON with keys sorted and strings trimmed (as the action's schema trims them), so equal bodies hash equal. */
function canonical(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.trim());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([key, v]) => v !== undefined && key !== 'actor')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The id of a draft: the same action with the same body (whoever sends it) has the same id. */
export function draftId(action: DraftAction, body: object): string {
  return sha256Hex(`${action}\n${canonical(body)}`);
}

/** The severe respect findings of a send, by field: what needs a supervisor's approval. */
export function severeFindings(
  action: DraftAction,
  body: ActionBody<DraftAction>,
): Array<FieldFinding<RespectFinding>> {
  return agentFields(action, body).flatMap(({ field, text }) =>
    checkRespect(text)
      .findings.filter((f) => f.severity === 'severe')
      .map((f) => ({ ...f, field })),
  );
}

/** The regulated parts this draft would lack, for the letters a policy regulates. */
function missingOf(action: DraftAction, body: ActionBody<DraftAction>, ctx: DraftContext): string[] {
  const regime = ctx.policy.id;
  if (action === 'extend')
    return missingParts(ctx.policy, 'holding-response', providedParts(regime, 'holding-response', {}));
  if (action === 'proposeRemedy') {
    const b = body as ActionBody<'proposeRemedy'>;
    if (b.kind !== 'decline') return [];
    return missingParts(
      ctx.policy,
      'decline',
      providedParts(regime, 'decline', { alternatives: (b.alternatives ?? []).length > 0 }),
    );
  }
  if (action === 'resolve') {
    const b = body as ActionBody<'resolve'>;
    const kind: ResponseKind = b.response;
    const supplied = {
      agentParts: Object.keys(b.parts ?? {}),
      responseType: b.responseType !== undefined,
      remedy: ctx.remedy !== undefined,
    };
    return missingParts(ctx.policy, kind, providedParts(regime, kind, supplied));
  }
  return [];
}

/** What a letter is rendered from: everything `renderCustomerLetter` takes besides the templates. */
export type LetterSource = LetterRequest;

/**
 * A draft checked, its letter not yet rendered: what workflow code computes (rendering writes dates in
 * words with the host's time-zone data, which workflow code must not use; see domain/letters/date-words.ts).
 */
export type DraftCheck = Omit<DraftReport, 'letter'> & { source?: LetterSource };

/**
 * The checked draft with its letter rendered as the customer would get it (outside workflow code), with
 * the deployment's templates: the same set the notification activity renders the letter with.
 */
export function withLetter(check: DraftCheck, templates: TemplateSet): DraftReport {
  const { source, ...rest } = check;
  if (!source) return rest;
  const { subject, body, locale } = renderCustomerLetter(templates, source);
  return { ...rest, letter: { kind: source.kind, locale, subject, body } };
}

/** Checks a draft of `action` with `body` (already parsed by the action's schema); see `withLetter`. */
export function checkDraft(action: DraftAction, body: ActionBody<DraftAction>, ctx: DraftContext): DraftCheck {
  const fields = agentFields(action, body);
  const atLeast = readingEaseThreshold(ctx.policy);
  const respect: DraftReport['respect'] = [];
  const promises: DraftReport['promises'] = [];
  const readability: DraftReport['readability'] = [];
  for (const { field, text } of fields) {
    const report = checkRespect(text);
    respect.push(...report.findings.map((f) => ({ ...f, field })));
    promises.push(...findPromises(text, ctx.now).map((p) => ({ ...p, field })));
    if (report.readingEase !== undefined && report.readingEase < atLeast) {
      readability.push({ field, readingEase: Math.round(report.readingEase * 10) / 10, atLeast });
    }
  }
  const letter = letterOf(action, body, ctx.remedy);
  const source: LetterSource | undefined = letter && {
    complaintId: ctx.complaintId,
    regime: ctx.policy.id,
    customer: ctx.customer,
    ...(ctx.timeZone !== undefined ? { timeZone: ctx.timeZone } : {}),
    ...letter,
  };
  return {
    draftId: draftId(action, body),
    action,
    ...(source ? { source } : {}),
    respect,
    severe: respect.some((f) => f.severity === 'severe'),
    missingParts: missingOf(action, body, ctx),
    promises,
    readability,
  };
}
