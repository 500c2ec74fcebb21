/**
 * What the respect check can find, and how much each kind matters (issue 13 §3–§4). `severe` is what
 * DESIGN §1 says Redress never does to a customer: blame them, argue with them, dismiss them or threaten
 * them; a draft with a severe finding needs a supervisor. `mild` is tone and clarity that a supervisor
 * coaches but that does not hurt the customer on its own: sarcasm (often unintended), jargon and
 * sentences too hard to read.
 */
export const RESPECT_CATEGORIES = [
  'blame',
  'argument',
  'dismissal',
  'threat',
  'sarcasm',
  'jargon',
  'readability',
] as const;
export type RespectCategory = (typeof RESPECT_CATEGORIES)[number];

export const SEVERITIES = ['severe', 'mild'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** The severity of each category: one place, so the workflow, drafts and the README agree. */
export const SEVERITY_OF: Readonly<Record<RespectCategory, Severity>> = {
  blame: 'severe',
  argument: 'severe',
  dismissal: 'severe',
  threat: 'severe',
  sarcasm: 'mild',
  jargon: 'mild',
  readability: 'mild',
};

/** Where a finding is: offsets into the original text (UTF-16, `text.slice(start, end) === span.text`). */
export interface Span {
  start: number;
  end: number;
  text: string;
}

/** One thing the check found, with what to say instead. */
export interface RespectFinding {
  category: RespectCategory;
  severity: Severity;
  span: Span;
  /** Why this reads badly to a customer. */
  why: string;
  /** How to say it better. */
  suggestion: string;
}

/** The check's whole answer for one text. */
export interface RespectReport {
  /** In order of where they start in the text. */
  findings: RespectFinding[];
  /** Flesch reading ease of the whole text (higher is easier; 60–70 is plain English); undefined without words. */
  readingEase: number | undefined;
  /** True when any finding is severe. */
  severe: boolean;
}
