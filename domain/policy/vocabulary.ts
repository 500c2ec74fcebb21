/**
 * The closed vocabularies a policy file is written in. Closed so a typo in a policy (`final-reponse-sent`)
 * is an error naming the field when the file is loaded, not a clock that silently never stops.
 */

/** Complaint lifecycle events a clock can start, stop or be extended on. */
export const LIFECYCLE_EVENTS = [
  'received',
  'acknowledged',
  'first-response-sent',
  'summary-resolution-sent',
  'holding-response-sent',
  'in-progress-response-sent',
  'final-response-sent',
  'remedy-proposed',
  'remedy-approved',
  'remedy-declined',
  'remedy-requested',
  'remedy-fulfilled',
  'followup-sent',
  'survey-responded',
  'resolved',
  'reopened',
  'closed',
  'withdrawn',
] as const;
/** See `LIFECYCLE_EVENTS`. */
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

/** What happens when a deadline is missed (one or more). */
export const BREACH_ACTIONS = ['escalate', 'notify-supervisor', 'publish-breach'] as const;
/** See `BREACH_ACTIONS`. */
export type BreachAction = (typeof BREACH_ACTIONS)[number];

/**
 * `deadline`: missing it is a breach, with breach actions. `window`: an opportunity that closes (the FCA
 * summary resolution route is open only until the close of the third business day); its expiry is no
 * breach and has no actions.
 */
export const CLOCK_KINDS = ['deadline', 'window'] as const;
/** See `CLOCK_KINDS`. */
export type ClockKind = (typeof CLOCK_KINDS)[number];

/** Kinds of response whose content a policy can prescribe. */
export const RESPONSE_KINDS = [
  'final-response',
  'summary-resolution',
  'holding-response',
  'decline',
  'cfpb-response',
] as const;
/** See `RESPONSE_KINDS`. */
export type ResponseKind = (typeof RESPONSE_KINDS)[number];

/** Parts a response can be required to contain. */
export const RESPONSE_PARTS = [
  /** Upheld, partly upheld or not upheld, said plainly. */
  'outcome',
  /** Why: the reasons for the outcome or the decision. */
  'reasons',
  /** The remedy offered, if any. */
  'remedy',
  'apology',
  /** Other things the customer can do when the answer is no. */
  'alternatives',
  /** Summary resolution: the complaint was made and is now considered resolved. */
  'complaint-resolved-statement',
  /** Holding response: why a final response cannot be given yet. */
  'delay-reasons',
  /** Holding response: when the final response will be given. */
  'expected-response-date',
  /** The customer may refer the complaint to the ombudsman. */
  'ombudsman-referral-right',
  /** FCA: the referral must be made within six months of the final response. */
  'ombudsman-time-limit-6-months',
  /** The ombudsman's website address and contact details. */
  'ombudsman-contact-details',
  /** FCA: the ombudsman's standard explanatory leaflet is enclosed. */
  'ombudsman-leaflet',
  /** FCA summary resolution: where further information about the ombudsman is available. */
  'ombudsman-further-information',
  /** FCA: whether the firm consents to waive the ombudsman's time limits (DISP 1 Annex 3R wording). */
  'time-limit-waiver-position',
  /** CFPB: one of the fixed response types. */
  'response-type',
] as const;
/** See `RESPONSE_PARTS`. */
export type ResponsePart = (typeof RESPONSE_PARTS)[number];

/** The fixed ways a company can answer a complaint in the CFPB's company portal. */
export const CFPB_RESPONSE_TYPES = [
  'closed-with-monetary-relief',
  'closed-with-non-monetary-relief',
  'closed-with-explanation',
  'in-progress',
  'administrative-response',
] as const;
/** See `CFPB_RESPONSE_TYPES`. */
export type CfpbResponseType = (typeof CFPB_RESPONSE_TYPES)[number];

/**
 * Who a rung of a clock's warning ladder notifies, named by role because the people change while the
 * complaint runs: resolved when the warning fires (`assignee` becomes the assignee's id, or the team
 * queue while nobody owns the complaint). Redress knows no team structure, so `team-lead`,
 * `supervisor` and `team-queue` stay roles for the mailer to route.
 */
export const LADDER_ROLES = ['assignee', 'team-lead', 'supervisor', 'team-queue'] as const;
/** See `LADDER_ROLES`. */
export type LadderRole = (typeof LADDER_ROLES)[number];

/** The regulators that refer complaints to a firm; a referral selects the regime that governs it. */
export const REFERRING_REGULATORS = ['cfpb'] as const;
