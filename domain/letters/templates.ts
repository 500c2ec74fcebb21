import type { ResponseKind } from '../policy/vocabulary';
import { templateParts } from '../response-parts';
import { withDatesInWords } from './date-words';

/** A letter that cannot be rendered from its template (a missing variable or standard text). */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * Customer messages, written once, per locale. Pure (in domain/) so the API can render a draft exactly as
 * the notification activity renders the letter. Outbound words come from here, never from code paths
 * scattered over the workflow, so tone is reviewed in one place (DESIGN §1: respect, never blame).
 * Regulated paragraphs (the ombudsman, time limits) are composed from `PART_TEXT` for exactly the parts
 * `domain/response-parts.ts` says the template supplies, so the workflow's check and the letter agree.
 */

export const NOTIFICATION_KINDS = [
  'acknowledgement',
  'account-confirmation',
  'question',
  'apology',
  'holding-response',
  'final-response',
  'summary-resolution',
  'cfpb-response',
  'decline',
  'survey',
  'supervisor-alert',
  'deadline-warning',
  'deadline-breached',
  'commitment-apology',
  'ombudsman-signpost',
  'progress-update',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const LOCALES = ['en-GB', 'en-US'] as const;
type Locale = (typeof LOCALES)[number];

/** How to reach the ombudsman: in the regulated part and in the signpost after a final response. */
const OMBUDSMAN_CONTACT =
  'Financial Ombudsman Service, Exchange Tower, London E14 9SR; 0800 023 4567; www.financial-ombudsman.org.uk.';

interface Template {
  subject: string;
  body: string;
}

const EN_GB: Record<NotificationKind, Template> = {
  acknowledgement: {
    subject: 'We have received your complaint ({{complaintId}})',
    body:
      'Dear {{name}},\n\nThank you for telling us about this. Your complaint reference is {{complaintId}}.\n' +
      'A member of our team will reply to you by {{firstResponseDeadline}} at the latest, and we will send you ' +
      'our final response by {{finalResponseDeadline}}.\n\nWe are sorry you have had reason to complain.',
  },
  'account-confirmation': {
    subject: 'What we understood from you ({{complaintId}})',
    body:
      'Dear {{name}},\n\nThank you for explaining what happened. This is what we understood:\n\n{{account}}\n\n' +
      'Please reply to tell us whether this is right. If we have missed or misunderstood anything, tell us what, ' +
      'and we will put it right before we go further.',
  },
  question: {
    subject: 'A question about your complaint ({{complaintId}})',
    body: 'Dear {{name}},\n\nTo put this right we need to understand one more thing:\n\n{{question}}\n\nPlease reply when you can.',
  },
  apology: {
    subject: 'We are sorry ({{complaintId}})',
    body: 'Dear {{name}},\n\n{{text}}',
  },
  'holding-response': {
    subject: 'An update on your complaint ({{complaintId}})',
    body:
      'Dear {{name}},\n\nWe have not finished looking into your complaint yet, and we want to tell you why: {{reason}}\n\n' +
      'We will send you our final response by {{expectedBy}}.',
  },
  'final-response': {
    subject: 'Our final response to your complaint ({{complaintId}})',
    body: 'Dear {{name}},\n\nOur decision: your complaint is {{outcomeText}}.\n\nWhy: {{reasons}}{{remedyText}}',
  },
  'summary-resolution': {
    subject: 'Your complaint has been resolved ({{complaintId}})',
    body: 'Dear {{name}},\n\nThank you for raising your complaint with us. {{reasons}}',
  },
  'cfpb-response': {
    subject: 'Our response to your complaint ({{complaintId}})',
    body: 'Dear {{name}},\n\nStatus: {{responseTypeText}}.\n\n{{reasons}}',
  },
  decline: {
    subject: 'About what you asked us for ({{complaintId}})',
    body:
      'Dear {{name}},\n\nWe have looked carefully at what you asked for, and we are not able to do it. ' +
      'We want to explain why: {{reasons}}\n\nWhat you can do instead:\n{{alternatives}}',
  },
  survey: {
    subject: 'Did we put things right? ({{complaintId}})',
    body:
      'Dear {{name}},\n\nWe would like to know whether we resolved your complaint to your satisfaction. ' +
      'Please rate us from 1 to 5 and press "Submit" to confirm your answer: {{surveyLink}}',
  },
  'supervisor-alert': {
    subject: 'Complaint {{complaintId}} needs attention: {{reason}}',
    body: 'Complaint {{complaintId}}: {{reason}}\n\n{{detail}}',
  },
  // Staff notifications of a warning ladder: the complaint id and the clock, nothing of the customer's
  // (staff read the rest in Redress, where their role decides what they may see).
  'deadline-warning': {
    subject: 'Complaint {{complaintId}}: {{clock}} at {{percent}} of its time',
    body:
      'Complaint {{complaintId}}: the {{clock}} clock is at {{percent}} of its time{{lateText}}. ' +
      'It is due by {{deadline}}.\n\nOpen the complaint in Redress to act on it.',
  },
  'deadline-breached': {
    subject: 'Complaint {{complaintId}}: {{clock}} deadline missed',
    body:
      'Complaint {{complaintId}}: the {{clock}} deadline ({{deadline}}) has passed.\n\n' +
      'Open the complaint in Redress to act on it.',
  },
  // A promise we did not keep: say so plainly, apologise, and give the new date (no excuses).
  'commitment-apology': {
    subject: 'We did not keep our promise to you ({{complaintId}})',
    body:
      'Dear {{name}},\n\nWe told you: "{{words}}", by {{dueAt}}. We did not do it, and we are sorry.\n\n' +
      'We will now do it by {{newDueAt}}.',
  },
  // Keeping the customer informed (DISP 1.6.1R(2)) when no other letter has gone for a while.
  'progress-update': {
    subject: 'An update on your complaint ({{complaintId}})',
    body:
      'Dear {{name}},\n\nWe are still looking into your complaint, and we have not forgotten you. We will send ' +
      'you our final response by {{finalResponseDeadline}} at the latest, and sooner if we can.\n\n' +
      'If there is anything you would like to add, just reply to this message.',
  },
  // A dissatisfied reply after the final response (FCA): the final response stands and was the firm's
  // last word; say so kindly and point to the ombudsman with the time left, never argue the case again.
  'ombudsman-signpost': {
    subject: 'You are still unhappy with our response ({{complaintId}})',
    body:
      'Dear {{name}},\n\nThank you for telling us that you are still unhappy, and we are sorry that our final ' +
      'response of {{finalResponseAt}} did not put things right for you. That response is our final position.\n\n' +
      'You can ask the Financial Ombudsman Service to look at your complaint, free of charge. You must do so ' +
      `within six months of our final response, so by {{referBy}}. ${OMBUDSMAN_CONTACT}\n\n` +
      'If you are telling us about something new, reply and say so, and we will look into it as a new complaint.',
  },
};

/** Where en-US differs from en-GB. */
const EN_US: Partial<Record<NotificationKind, Template>> = {
  apology: { subject: 'We apologize ({{complaintId}})', body: 'Dear {{name}},\n\n{{text}}' },
};

/** Standard paragraphs for the parts of a regulated response that a template supplies. */
export const PART_TEXT: Record<string, string> = {
  'complaint-resolved-statement':
    'You told us you were unhappy, and we now consider your complaint resolved. If that is not so, just reply to this message.',
  'ombudsman-referral-right':
    'If you are not happy with our response, you can refer your complaint to the Financial Ombudsman Service, free of charge.',
  'ombudsman-time-limit-6-months':
    'You must do so within six months of the date of this letter, or the ombudsman may not be able to consider it.',
  'ombudsman-contact-details': OMBUDSMAN_CONTACT,
  'ombudsman-leaflet': "We enclose the ombudsman's explanatory leaflet.",
  'ombudsman-further-information':
    'You can find more information about the ombudsman at www.financial-ombudsman.org.uk.',
  'time-limit-waiver-position':
    'We do not consent to the ombudsman considering your complaint if you refer it after the time limits have passed.',
};

const OUTCOME_TEXT: Record<string, string> = {
  upheld: 'upheld: we got this wrong',
  'partly-upheld': 'partly upheld: we got some of this wrong',
  'not-upheld': 'not upheld',
};

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new TemplateError(`template variable "${name}" has no value`);
    return value;
  });
}

const RESPONSE_KINDS_WITH_PARTS: ReadonlySet<string> = new Set<ResponseKind>([
  'final-response',
  'summary-resolution',
  'holding-response',
  'decline',
  'cfpb-response',
]);

/** Subject and body of a message of `kind` for a regime and locale, with every variable filled. */
export function renderTemplate(
  kind: NotificationKind,
  regime: string,
  locale: string,
  vars: Record<string, string>,
): Template {
  const loc: Locale = locale === 'en-US' ? 'en-US' : 'en-GB';
  const template = (loc === 'en-US' ? EN_US[kind] : undefined) ?? EN_GB[kind];
  const derived: Record<string, string> = { ...vars };
  if (vars.outcome) derived.outcomeText = OUTCOME_TEXT[vars.outcome] ?? vars.outcome;
  if (vars.responseType) derived.responseTypeText = vars.responseType.replace(/-/g, ' ');
  derived.remedyText ??= vars.remedy
    ? `\n\nWhat we are doing about it: ${vars.remedy}` +
      (vars.remedyExplanation ? `\n\nWhy this is not what you asked for: ${vars.remedyExplanation}` : '')
    : '';
  let body = fill(template.body, derived);
  if (RESPONSE_KINDS_WITH_PARTS.has(kind)) {
    // Parts the agent wrote (a regime's extra requirement) and the template's standard paragraphs.
    const agentParts = Object.entries(vars)
      .filter(([name]) => name.startsWith('part:'))
      .map(([, text]) => text);
    const standard = templateParts(regime, kind as ResponseKind).map((part) => {
      const text = PART_TEXT[part];
      if (!text) throw new TemplateError(`no standard text for part "${part}"`);
      return text;
    });
    if (agentParts.length + standard.length > 0) body += `\n\n${[...agentParts, ...standard].join('\n\n')}`;
  }
  return { subject: fill(template.subject, derived), body };
}

/** The locale of a customer's letters: theirs, else the regime's (US English for the CFPB). */
export function letterLocale(customer: { locale?: string } | undefined, regime: string): string {
  return customer?.locale ?? (regime === 'cfpb' ? 'en-US' : 'en-GB');
}

/** A customer's letter as they get it: their name and locale, dates in words in the complaint's zone. */
export function renderCustomerLetter(l: {
  complaintId: string;
  kind: NotificationKind;
  regime: string;
  customer?: { name: string; locale?: string };
  vars: Record<string, string>;
  /** The IANA zone of the complaint's business calendar; UTC when absent. */
  timeZone?: string;
}): Template & { locale: string } {
  const locale = letterLocale(l.customer, l.regime);
  // Customers read dates in words; staff notices keep exact instants (they act on them, in Redress).
  const given = l.customer ? withDatesInWords(l.vars, locale, l.timeZone ?? 'UTC') : l.vars;
  const vars = { ...given, complaintId: l.complaintId, ...(l.customer ? { name: l.customer.name } : {}) };
  return { ...renderTemplate(l.kind, l.regime, locale, vars), locale };
}
