import type { ResponseKind } from './policy/vocabulary';

/**
 * The standard paragraphs of every FCA final response: the right to refer and its six months (DISP
 * 1.6.2R(1)(c)-(d)), the ombudsman's contact details and leaflet (DISP 1.6.2R(1)(f)), and the waiver
 * position in DISP 1 Annex 3R's words (DISP 1.6.2R(1)(e)).
 */
const FCA_FINAL_RESPONSE_PARTS = [
  'ombudsman-referral-right',
  'ombudsman-time-limit-6-months',
  'ombudsman-contact-details',
  'ombudsman-leaflet',
  'time-limit-waiver-position',
];

/**
 * Which required parts of a regulated response the message templates themselves supply (standard
 * wording about the ombudsman, the CFPB, time limits). Everything else a policy requires must come from
 * the agent. Shared by the workflow (to refuse a response that would lack a part) and by the activity
 * that renders the templates (which must contain what it claims): the template files are refused at load
 * when one lacks the section that supplies a part listed here (domain/letters/template-set.ts).
 *
 * A decline of a remedy (FCA) supplies no ombudsman paragraph: it is not a final response, and the right
 * to refer arises with the final response or the 8-week holding response (DISP 1.6.2R); telling the
 * customer earlier would be premature.
 */
export const TEMPLATE_PARTS: Readonly<Record<string, Partial<Record<ResponseKind, readonly string[]>>>> = {
  'fca-disp': {
    'final-response': FCA_FINAL_RESPONSE_PARTS,
    // DISP 1.5.4R: resolved, may be able to refer, the waiver position in Annex 3R's words (which state
    // the six months), the ombudsman's website and where to find more about it.
    'summary-resolution': [
      'complaint-resolved-statement',
      'ombudsman-referral-right',
      'ombudsman-time-limit-6-months',
      'time-limit-waiver-position',
      'ombudsman-contact-details',
      'ombudsman-further-information',
    ],
    // DISP 1.6.2R(2): at 8 weeks, the customer may now refer; a final response still follows.
    'holding-response': [
      'ombudsman-referral-right',
      'ombudsman-contact-details',
      'ombudsman-leaflet',
      'time-limit-waiver-position',
    ],
  },
  'fca-payments': {
    'final-response': FCA_FINAL_RESPONSE_PARTS,
  },
  cfpb: {},
  default: {},
};

/** The parts a template supplies for a regime and kind (none for a regime without templates of its own). */
export function templateParts(regime: string, kind: ResponseKind): readonly string[] {
  return TEMPLATE_PARTS[regime]?.[kind] ?? [];
}

/**
 * Parts that policy versions recorded before a correction still require of a kind, though the correction
 * withdrew the requirement as wrong (docs/policies.md, "Corrections to shipped versions"): counted as
 * supplied, and never printed. Without this a complaint assessed before the correction could not decline
 * a remedy, and its recorded history would no longer replay (the workflow checks the parts on replay).
 */
const WITHDRAWN_PARTS: Readonly<Record<string, Partial<Record<ResponseKind, readonly string[]>>>> = {
  // A decline is not a final response: its ombudsman paragraph was premature (DISP 1.6.2R).
  'fca-disp': { decline: ['ombudsman-referral-right'] },
  'fca-payments': { decline: ['ombudsman-referral-right'] },
};

/** What the workflow's check counts as supplied by the template: its parts, and the withdrawn ones. */
export function partsCountedAsSupplied(regime: string, kind: ResponseKind): readonly string[] {
  return [...templateParts(regime, kind), ...(WITHDRAWN_PARTS[regime]?.[kind] ?? [])];
}
