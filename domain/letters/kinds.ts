import { OUTCOMES } from '../actions/vocabulary';
import { CFPB_RESPONSE_TYPES } from '../policy/vocabulary';

/**
 * What each kind of letter is made of, declared once: the placeholders a template of the kind may use,
 * the named sections its file must have (the regulated paragraphs and the phrases chosen by a value), and
 * a sample of its values for `redress template preview` and the snapshot tests. The template files are
 * validated against this when they are loaded (domain/letters/template-set.ts), so an operator's file can
 * never ask for a value the workflow does not send, nor leave out a paragraph the workflow counts on.
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
  'progress-update',
  'ombudsman-signpost',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const isNotificationKind = (name: string): name is NotificationKind =>
  (NOTIFICATION_KINDS as readonly string[]).includes(name);

/**
 * A named section of a template file (`## name` or `## name: variant`). One variant of a group is
 * chosen at rendering; every variant must be in the file.
 */
export interface SectionSpec {
  /** The variants (`consent`, `do-not-consent`, …); absent for a section that has none. */
  readonly variants?: readonly string[];
  /** The regulated parts (domain/response-parts.ts) this section supplies. */
  readonly supplies?: readonly string[];
  /** Placeholders the section may use beyond the kind's own. */
  readonly vars?: readonly string[];
  /** Placeholders one variant alone may use (only an enclosed leaflet has a name to give). */
  readonly variantVars?: Readonly<Record<string, readonly string[]>>;
  /**
   * `always`: every file of the kind has it (a phrase the body needs). `parts`: only where a regime's
   * template parts need what it supplies.
   */
  readonly required: 'always' | 'parts';
}

export interface KindSpec {
  /** Who reads it: customers get every locale; staff kinds are written in English only. */
  readonly audience: 'customer' | 'staff';
  /** Placeholders the subject and body may use (besides `complaintId`, and `name` for a customer). */
  readonly vars: readonly string[];
  /** Placeholders the body must use: what the regulated content or the message itself is about. */
  readonly mustUse: readonly string[];
  readonly sections: Readonly<Record<string, SectionSpec>>;
  /** Values for a preview and the snapshot tests (instants as the workflow sends them). */
  readonly sample: Readonly<Record<string, string>>;
}

/** The waiver positions of DISP 1 Annex 3R a letter can take (see domain/letters/firm-settings.ts). */
export const WAIVER_POSITIONS = ['do-not-consent', 'consent', 'out-of-time'] as const;
export type WaiverPosition = (typeof WAIVER_POSITIONS)[number];

/** The ombudsman's leaflet: enclosed (an attachment by reference) or, with none configured, where to read it. */
export const LEAFLET_VARIANTS = ['enclosed', 'online'] as const;

/**
 * The standard ombudsman paragraphs (DISP 1.6.2R, DISP 1.5.4R, DISP 1 Annex 3R). `annex-3r` is the
 * Annex's explanation in one block, as the Annex writes it: the right to refer, the six months and the
 * firm's position on waiving the time limits.
 */
const OMBUDSMAN_SECTIONS: Record<string, SectionSpec> = {
  'complaint-resolved-statement': { supplies: ['complaint-resolved-statement'], required: 'parts' },
  'annex-3r': {
    variants: WAIVER_POSITIONS,
    supplies: ['ombudsman-referral-right', 'ombudsman-time-limit-6-months', 'time-limit-waiver-position'],
    required: 'parts',
  },
  'ombudsman-contact-details': { supplies: ['ombudsman-contact-details'], required: 'parts' },
  'ombudsman-leaflet': {
    variants: LEAFLET_VARIANTS,
    supplies: ['ombudsman-leaflet'],
    variantVars: { enclosed: ['leafletName'] },
    required: 'parts',
  },
  'ombudsman-further-information': { supplies: ['ombudsman-further-information'], required: 'parts' },
};

const customer = (
  vars: readonly string[],
  sample: Record<string, string>,
  more: { mustUse?: readonly string[]; sections?: Record<string, SectionSpec> } = {},
): KindSpec => ({
  audience: 'customer',
  vars,
  mustUse: more.mustUse ?? vars,
  sections: more.sections ?? {},
  sample,
});

const staff = (vars: readonly string[], sample: Record<string, string>): KindSpec => ({
  audience: 'staff',
  vars,
  mustUse: [],
  sections: {},
  sample,
});

const SAMPLE_REASONS = 'We charged you twice for your October bill because of an error in our billing system.';

export const KIND_SPECS: Readonly<Record<NotificationKind, KindSpec>> = {
  acknowledgement: customer(
    ['firstResponseDeadline', 'finalResponseDeadline'],
    { firstResponseDeadline: '2026-12-03T10:00:00.000Z', finalResponseDeadline: '2027-01-27T10:00:00.000Z' },
    { mustUse: ['finalResponseDeadline'] },
  ),
  'account-confirmation': customer(['account'], { account: 'You were charged twice for your October bill.' }),
  question: customer(['question'], { question: 'Which card did you pay with?' }),
  apology: customer(['text'], { text: 'We are sorry: we charged you twice.' }),
  'holding-response': customer(
    ['reason', 'expectedBy'],
    {
      reason: 'we are still waiting for the statement from our card processor.',
      expectedBy: '2027-02-10T17:00:00.000Z',
    },
    { sections: OMBUDSMAN_SECTIONS },
  ),
  'final-response': customer(
    ['outcomeText', 'reasons', 'remedyText'],
    { outcome: 'upheld', reasons: SAMPLE_REASONS, remedy: 'We will refund the second charge of £42.50.' },
    {
      mustUse: ['outcomeText', 'reasons', 'remedyText'],
      sections: {
        outcome: { variants: OUTCOMES, required: 'always' },
        remedy: { vars: ['remedy'], required: 'always' },
        'remedy-explanation': { vars: ['remedyExplanation'], required: 'always' },
        ...OMBUDSMAN_SECTIONS,
      },
    },
  ),
  'summary-resolution': customer(
    ['reasons'],
    { reasons: 'We have refunded the second charge.' },
    {
      sections: OMBUDSMAN_SECTIONS,
    },
  ),
  'cfpb-response': customer(
    ['responseTypeText', 'reasons'],
    { responseType: 'closed-with-monetary-relief', reasons: SAMPLE_REASONS },
    { sections: { 'response-type': { variants: CFPB_RESPONSE_TYPES, required: 'always' } } },
  ),
  decline: customer(['reasons', 'alternatives'], {
    reasons: 'the fee is set out in your agreement and was charged correctly.',
    alternatives: '- A payment plan over three months.\n- A call with our hardship team.',
  }),
  survey: customer(['surveyLink'], { surveyLink: 'https://feedback.example/complaints/c-1001/c1' }),
  'supervisor-alert': staff(['reason', 'detail'], { reason: 'escalated', detail: 'The customer asked for a manager.' }),
  'deadline-warning': staff(['clock', 'percent', 'lateText', 'deadline'], {
    clock: 'final-response',
    percent: '75%',
    lateText: '',
    deadline: '2027-01-27T10:00:00.000Z',
  }),
  'deadline-breached': staff(['clock', 'deadline'], { clock: 'final-response', deadline: '2027-01-27T10:00:00.000Z' }),
  // The promise quoted is the agent's words, or for a holding response's date (`promise: holding`) the
  // file's own `holding-promise` section, so a Welsh or Spanish letter quotes it in Welsh or Spanish.
  'commitment-apology': customer(
    ['words', 'dueAt', 'newDueAt'],
    {
      words: 'We will call you back tomorrow.',
      dueAt: '2026-12-03T17:00:00.000Z',
      newDueAt: '2026-12-04T17:00:00.000Z',
    },
    { sections: { 'holding-promise': { required: 'always' } } },
  ),
  // DISP 1.6.1R(2): keep the customer informed of progress. The lead's update clock sends it.
  'progress-update': customer(['finalResponseDeadline'], { finalResponseDeadline: '2027-01-27T10:00:00.000Z' }),
  // DISP 2.8.2R: still unhappy after the final response (FCA). The final response stands; the letter
  // points to the ombudsman with the date the six months end, and never argues the case again.
  'ombudsman-signpost': customer(['finalResponseAt', 'referBy'], {
    finalResponseAt: '2027-01-20T10:00:00.000Z',
    referBy: '2027-07-20T10:00:00.000Z',
  }),
};

/** The sample customer of previews and snapshots. */
export const SAMPLE_CUSTOMER = { name: 'Ada Lovelace' } as const;
/** The sample complaint id of previews and snapshots. */
export const SAMPLE_COMPLAINT_ID = 'c-1001';
