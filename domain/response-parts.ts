import type { ResponseKind } from './policy/vocabulary';

/** The standard paragraphs of every FCA final response (DISP 1.6.2R and DISP 1 Annex 3R). */
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
 * that renders the templates (which must contain what it claims).
 */
export const TEMPLATE_PARTS: Readonly<Record<string, Partial<Record<ResponseKind, readonly string[]>>>> = {
  'fca-disp': {
    'final-response': FCA_FINAL_RESPONSE_PARTS,
    'summary-resolution': [
      'complaint-resolved-statement',
      'ombudsman-referral-right',
      'time-limit-waiver-position',
      'ombudsman-contact-details',
      'ombudsman-further-information',
    ],
    'holding-response': [
      'ombudsman-referral-right',
      'ombudsman-contact-details',
      'ombudsman-leaflet',
      'time-limit-waiver-position',
    ],
    decline: ['ombudsman-referral-right'],
  },
  'fca-payments': {
    'final-response': FCA_FINAL_RESPONSE_PARTS,
    decline: ['ombudsman-referral-right'],
  },
  cfpb: {},
  default: {},
};

/** The parts a template supplies for a regime and kind (none for a regime without templates of its own). */
export function templateParts(regime: string, kind: ResponseKind): readonly string[] {
  return TEMPLATE_PARTS[regime]?.[kind] ?? [];
}
