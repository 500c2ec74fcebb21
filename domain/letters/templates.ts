import type { ResponseKind } from '../policy/vocabulary';
import { templateParts } from '../response-parts';
import { withDatesInWords } from './date-words';
import { waiverPosition, type Attachment } from './firm-settings';
import { KIND_SPECS, type NotificationKind } from './kinds';
import { resolveTemplate, type TemplateSet } from './template-set';
import type { TemplateText } from './template-file';

export { NOTIFICATION_KINDS, type NotificationKind } from './kinds';

/** A letter that cannot be rendered from its template (a missing variable or section). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Customer messages, rendered from the deployment's template files (domain/letters/template-set.ts).
 * Pure (in domain/) so the API renders a draft exactly as the notification activity renders the letter,
 * from the same loaded set. Outbound words come from the files, never from code paths scattered over the
 * workflow, so tone is reviewed in one place (DESIGN §1: respect, never blame). Regulated paragraphs are
 * the file's sections for exactly the parts `domain/response-parts.ts` says the template supplies, so the
 * workflow's check and the letter agree; the set is refused at load when a file lacks one.
 */

/** A rendered letter: what the notification carries. */
export interface Letter {
  subject: string;
  body: string;
  /** The locale whose words and dates the letter is in (see `resolveTemplate`). */
  locale: string;
  /** Documents the letter says are enclosed, by reference. */
  attachments: Attachment[];
}

function fill(template: string, vars: Readonly<Record<string, string>>): string {
  return template.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new TemplateError(`template variable "${name}" has no value`);
    return value;
  });
}

function section(t: TemplateText, name: string, vars: Readonly<Record<string, string>>): string {
  const text = t.sections.get(name);
  if (text === undefined) throw new TemplateError(`the template has no section "${name}"`);
  return fill(text, vars);
}

/** The values a body uses that are chosen from its sections (an outcome, a response type, the remedy). */
function derived(
  kind: NotificationKind,
  t: TemplateText,
  vars: Readonly<Record<string, string>>,
): Record<string, string> {
  // Only where the kind has the section: a summary resolution carries the outcome too, and never says it.
  const has = (name: string) => name in KIND_SPECS[kind].sections;
  const out: Record<string, string> = {};
  if (has('outcome') && vars.outcome !== undefined) out.outcomeText = section(t, `outcome: ${vars.outcome}`, vars);
  if (has('response-type') && vars.responseType !== undefined) {
    out.responseTypeText = section(t, `response-type: ${vars.responseType}`, vars);
  }
  // A missed holding-response date: the promise is the template's sentence in the letter's locale.
  if (has('holding-promise') && vars.promise === 'holding') out.words = section(t, 'holding-promise', vars);
  if (has('remedy')) {
    out.remedyText =
      vars.remedy !== undefined
        ? `\n\n${section(t, 'remedy', vars)}` +
          (vars.remedyExplanation !== undefined ? `\n\n${section(t, 'remedy-explanation', vars)}` : '')
        : '';
  }
  return out;
}

/** The standard paragraphs for the regime's template parts, in the order the kind declares its sections. */
function standardParagraphs(
  set: TemplateSet,
  t: TemplateText,
  kind: NotificationKind,
  regime: string,
  vars: Readonly<Record<string, string>>,
): { paragraphs: string[]; attachments: Attachment[] } {
  const parts = new Set(templateParts(regime, kind as ResponseKind));
  const leaflet = set.firm.ombudsmanLeaflet;
  const variant: Record<string, string> = {
    'annex-3r': waiverPosition(set.firm, vars),
    'ombudsman-leaflet': leaflet ? 'enclosed' : 'online',
  };
  const paragraphs: string[] = [];
  const attachments: Attachment[] = [];
  for (const [name, spec] of Object.entries(KIND_SPECS[kind].sections)) {
    if (!(spec.supplies ?? []).some((p) => parts.has(p))) continue;
    const chosen = spec.variants ? `${name}: ${variant[name] ?? ''}` : name;
    paragraphs.push(section(t, chosen, { ...vars, ...(leaflet ? { leafletName: leaflet.name } : {}) }));
    if (chosen === 'ombudsman-leaflet: enclosed' && leaflet) attachments.push(leaflet);
  }
  return { paragraphs, attachments };
}

/** Subject and body of a message of `kind` for a regime, from its resolved template, every value filled. */
export function renderTemplate(
  set: TemplateSet,
  kind: NotificationKind,
  regime: string,
  template: TemplateText,
  vars: Readonly<Record<string, string>>,
): Omit<Letter, 'locale'> {
  const all = { ...vars, ...derived(kind, template, vars) };
  let body = fill(template.body, all);
  // Parts the agent wrote (a regime's extra requirement), then the template's standard paragraphs.
  const agentParts = Object.entries(vars)
    .filter(([name]) => name.startsWith('part:'))
    .map(([, text]) => text);
  const { paragraphs, attachments } = standardParagraphs(set, template, kind, regime, vars);
  if (agentParts.length + paragraphs.length > 0) body += `\n\n${[...agentParts, ...paragraphs].join('\n\n')}`;
  return { subject: fill(template.subject, all), body, attachments };
}

/**
 * The locale of a customer's letters: theirs, else US English for a customer in the US (a complaint made
 * directly is under `default`, not `cfpb`, and still reads "apologize" and US dates) or under the CFPB,
 * else British English.
 */
export function letterLocale(customer: { locale?: string; jurisdiction?: string } | undefined, regime: string): string {
  if (customer?.locale !== undefined) return customer.locale;
  const inUs = customer?.jurisdiction === 'US' || customer?.jurisdiction?.startsWith('US-') === true;
  return regime === 'cfpb' || inUs ? 'en-US' : 'en-GB';
}

/** What a letter is rendered from. */
export interface LetterRequest {
  complaintId: string;
  kind: NotificationKind;
  regime: string;
  customer?: { name: string; locale?: string; jurisdiction?: string };
  vars: Record<string, string>;
  /** The IANA zone of the complaint's business calendar; UTC when absent. */
  timeZone?: string;
}

/** A letter as its reader gets it: a customer's in their locale with dates in words in the complaint's zone. */
export function renderCustomerLetter(set: TemplateSet, l: LetterRequest): Letter {
  const { template, locale } = resolveTemplate(set, l.kind, l.regime, letterLocale(l.customer, l.regime));
  // Customers read dates in words; staff notices keep exact instants (they act on them, in Redress).
  const given = l.customer ? withDatesInWords(l.vars, locale, l.timeZone ?? 'UTC') : l.vars;
  const vars = { ...given, complaintId: l.complaintId, ...(l.customer ? { name: l.customer.name } : {}) };
  return { ...renderTemplate(set, l.kind, l.regime, template, vars), locale };
}
