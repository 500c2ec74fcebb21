import type { z } from 'zod';
import type { ActionSpec } from '../../domain/actions';
import { html, type SafeHtml } from './html';
import type { Flash } from './sessions';

/**
 * The complaint page's forms, derived from the action registry (domain/actions): one form per action,
 * one control per field of the action's input schema, read from the zod schema itself. A new action in
 * the registry gets its form with no change here, as it gets its API route and CLI verb. The POST's
 * fields are turned back into the input's types here and then checked by the same schema the API uses.
 */

/** How a field is asked for and read back. */
export type FieldKind =
  | { kind: 'text'; long: boolean; maxLength?: number }
  | { kind: 'instant' }
  | { kind: 'number'; integer: boolean; min?: number; max?: number }
  | { kind: 'boolean' }
  | { kind: 'choice'; options: readonly string[] }
  | { kind: 'list' }
  | { kind: 'pairs' };

export interface FormField {
  name: string;
  label: string;
  required: boolean;
  description?: string;
  control: FieldKind;
}

// The zod internals read here (`def.type`, `shape`, `options`, `format`): zod 4's public introspection.
interface Introspected {
  def: { type: string; innerType?: Introspected; element?: Introspected };
  shape?: Record<string, Introspected>;
  options?: readonly string[];
  format?: string | null;
  maxLength?: number | null;
  minValue?: number | null;
  maxValue?: number | null;
  isInt?: boolean;
  description?: string;
}

/** `confirmedHow` → `Confirmed how`. */
export function labelOf(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function controlOf(t: Introspected): FieldKind {
  switch (t.def.type) {
    case 'string':
      if (t.format === 'datetime') return { kind: 'instant' };
      return { kind: 'text', long: (t.maxLength ?? 0) > 500, ...(t.maxLength ? { maxLength: t.maxLength } : {}) };
    case 'number':
      return {
        kind: 'number',
        integer: t.isInt === true || t.format === 'safeint',
        ...(typeof t.minValue === 'number' && Number.isFinite(t.minValue) ? { min: t.minValue } : {}),
        ...(typeof t.maxValue === 'number' && Number.isFinite(t.maxValue) ? { max: t.maxValue } : {}),
      };
    case 'boolean':
      return { kind: 'boolean' };
    case 'enum':
      return { kind: 'choice', options: t.options ?? [] };
    case 'array':
      return { kind: 'list' };
    case 'record':
      return { kind: 'pairs' };
    default:
      // Anything else is asked for as text and left to the schema to judge.
      return { kind: 'text', long: false };
  }
}

/** The fields of an action's input, in the schema's order. */
export function formFields(schema: z.ZodType): FormField[] {
  const shape = (schema as unknown as Introspected).shape ?? {};
  return Object.entries(shape).map(([name, outer]) => {
    let t = outer;
    let required = true;
    while ((t.def.type === 'optional' || t.def.type === 'default') && t.def.innerType) {
      required = false;
      t = t.def.innerType;
    }
    const description = outer.description ?? t.description;
    return { name, label: labelOf(name), required, ...(description ? { description } : {}), control: controlOf(t) };
  });
}

/** A POST body as @fastify/formbody gives it: a repeated name becomes an array. */
export type FormBody = Record<string, string | string[] | undefined>;

const first = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const lines = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

/**
 * A form's fields as the action's input (before the schema checks it): empty fields are left out, so
 * an optional field left blank is absent, never an empty string the schema would refuse.
 */
export function inputFromForm(fields: readonly FormField[], body: FormBody): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const f of fields) {
    const text = first(body[f.name]);
    if (text === '') continue;
    switch (f.control.kind) {
      case 'number':
        input[f.name] = Number(text);
        break;
      case 'boolean':
        input[f.name] = text === 'true' ? true : text === 'false' ? false : text;
        break;
      case 'list':
        input[f.name] = lines(text);
        break;
      case 'pairs':
        input[f.name] = Object.fromEntries(
          lines(text).map((l) => {
            const at = l.indexOf('=');
            return at === -1 ? [l, ''] : [l.slice(0, at).trim(), l.slice(at + 1).trim()];
          }),
        );
        break;
      case 'instant': {
        // A browser's datetime-local has no zone and no seconds; ISO-8601 with an offset passes as typed.
        input[f.name] = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(text) ? `${text}:00Z` : text;
        break;
      }
      default:
        input[f.name] = text;
    }
  }
  return input;
}

/** What the schema said about each field (`(form)` for the input as a whole). */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '(form)';
    out[key] ??= issue.message;
  }
  return out;
}

/** The values to show again after a refused POST (strings, as typed). */
export function typedValues(fields: readonly FormField[], body: FormBody): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const v = first(body[f.name]);
    if (v !== '') out[f.name] = v;
  }
  return out;
}

/**
 * A posted action form read against the action's schema (the action and the draft check both post one):
 * its input, or the flash that shows the page why not, with what was typed kept for the form.
 */
export function readActionForm(
  action: ActionSpec,
  body: FormBody,
  path: string,
): { ok: true; input: unknown; values: Record<string, string> } | { ok: false; flash: Flash } {
  const fields = formFields(action.input);
  const values = typedValues(fields, body);
  const parsed = action.input.safeParse(inputFromForm(fields, body));
  if (parsed.success) return { ok: true, input: parsed.data, values };
  return {
    ok: false,
    flash: {
      path,
      kind: 'refused',
      action: action.name,
      message: `${action.summary}: check the fields marked below.`,
      fieldErrors: fieldErrorsOf(parsed.error),
      values,
    },
  };
}

interface FormState {
  values?: Record<string, string>;
  errors?: Record<string, string>;
}

function control(formId: string, f: FormField, value: string, error: string | undefined): SafeHtml {
  const id = `${formId}-${f.name}`;
  const describedBy = [f.description ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  const common = html`id="${id}"
  name="${f.name}"${f.required ? html` required` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${error ? html` aria-invalid="true"` : ''}`;
  const hint = f.description ? html`<span class="hint" id="${id}-hint">${f.description}</span>` : '';
  const err = error ? html`<span class="field-error" id="${id}-error">${error}</span>` : '';
  const label = html`<label for="${id}"
    >${f.label}${f.required ? '' : html` <span class="optional">(optional)</span>`}</label
  >`;
  const c = f.control;
  switch (c.kind) {
    case 'boolean': {
      // Yes or no, said on purpose: a checkbox left alone would send "no" for the agent.
      const options = f.required ? ['true', 'false'] : ['', 'true', 'false'];
      const names: Record<string, string> = { '': 'Not said', true: 'Yes', false: 'No' };
      return html`<div class="field">
        ${label}${hint}<select ${common}>
          ${options.map(
            (o) => html`<option value="${o}" ${o === value ? html` selected` : ''}>${names[o] ?? o}</option>`,
          )}</select
        >${err}
      </div>`;
    }
    case 'choice':
      return html`<div class="field">
        ${label}${hint}<select ${common}>
          ${f.required ? '' : html`<option value="">—</option>`}${c.options.map(
            (o) => html`<option value="${o}" ${o === value ? html` selected` : ''}>${o}</option>`,
          )}</select
        >${err}
      </div>`;
    case 'number':
      return html`<div class="field">
        ${label}${hint}<input
          type="number"
          ${common}
          value="${value}"
          step="${c.integer ? '1' : 'any'}"
          ${c.min !== undefined ? html` min="${c.min}"` : ''}${c.max !== undefined ? html` max="${c.max}"` : ''}
        />${err}
      </div>`;
    case 'instant':
      return html`<div class="field">
        ${label}<span class="hint" id="${id}-hint"
          >${f.description ?? ''} ISO-8601 with a zone, e.g. 2026-12-31T17:00:00Z</span
        ><input type="text" ${common} value="${value}" inputmode="text" autocomplete="off" />${err}
      </div>`;
    case 'list':
    case 'pairs':
      return html`<div class="field">
        ${label}<span class="hint" id="${id}-hint"
          >${f.description ?? ''} ${c.kind === 'list' ? 'One a line.' : 'One NAME=TEXT a line.'}</span
        ><textarea ${common} rows="3">${value}</textarea>${err}
      </div>`;
    default:
      return c.long
        ? html`<div class="field">
            ${label}${hint}<textarea ${common} rows="4" ${c.maxLength ? html` maxlength="${c.maxLength}"` : ''}>
${value}</textarea
            >${err}
          </div>`
        : html`<div class="field">
            ${label}${hint}<input
              type="text"
              ${common}
              value="${value}"
              ${c.maxLength ? html` maxlength="${c.maxLength}"` : ''}
            />${err}
          </div>`;
  }
}

/** One action's form, posting to the page's action route with the session's CSRF token. */
export function actionForm(
  action: ActionSpec,
  complaintId: string,
  csrf: string,
  state: FormState = {},
  opts: {
    nonce: string;
    back?: string;
    fixed?: Record<string, string>;
    label?: string;
    /** Makes the form's ids unique when one action has several forms on a page (held drafts). */
    prefix?: string;
    /** A second button that checks the text as a draft (drafts-panel.ts) instead of sending it. */
    check?: boolean;
  },
): SafeHtml {
  const formId =
    `${opts.prefix ? `${opts.prefix}-` : ''}${opts.back ? `${opts.back}-` : ''}${action.name}-${complaintId}`.replace(
      /[^A-Za-z0-9_-]/g,
      '_',
    );
  const fields = formFields(action.input).filter((f) => opts.fixed?.[f.name] === undefined);
  const formError = state.errors?.['(form)'];
  return html`<form
    method="post"
    class="action"
    id="${formId}"
    action="/ui/complaints/${encodeURIComponent(complaintId)}/actions/${action.name}"
    aria-label="${opts.label ?? action.summary}"
  >
    <input type="hidden" name="_csrf" value="${csrf}" /><input
      type="hidden"
      name="_nonce"
      value="${opts.nonce}"
    />${opts.back ? html`<input type="hidden" name="_back" value="${opts.back}" />` : ''}${Object.entries(
      opts.fixed ?? {},
    ).map(([k, v]) => html`<input type="hidden" name="${k}" value="${v}" />`)}
    ${formError ? html`<p class="field-error" role="alert">${formError}</p>` : ''}
    ${fields.map((f) => control(formId, f, state.values?.[f.name] ?? '', state.errors?.[f.name]))}
    <button type="submit">${opts.label ?? action.summary}</button>
    ${
      opts.check
        ? html`<button
            type="submit"
            class="secondary"
            formaction="/ui/complaints/${encodeURIComponent(complaintId)}/drafts/${action.name}"
          >
            Check the draft
          </button>`
        : ''
    }
  </form>`;
}
