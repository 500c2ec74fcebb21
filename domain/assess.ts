import type { Complaint, Severity } from './complaint';

/**
 * Severity when the upstream system gave none. Deliberately simple and explainable: words that signal
 * harm or a vulnerable customer raise it. An operator can always escalate by hand.
 */
const CRITICAL = [/\bsuicid/i, /\bself[- ]harm/i, /\bthreat/i, /\bdiscriminat/i, /\bunsafe\b/i, /\binjur/i];
const HIGH = [
  /\bfraud/i,
  /\bscam/i,
  /\bstolen\b/i,
  /\bvulnerab/i,
  /\bbereave/i,
  /\bdebt collect/i,
  /\blegal action\b/i,
  /\bombudsman\b/i,
  /\bregulator\b/i,
];

export function assessSeverity(
  complaint: Pick<Complaint, 'severity' | 'summary' | 'description' | 'category'>,
): Severity {
  if (complaint.severity) return complaint.severity;
  const text = `${complaint.category} ${complaint.summary} ${complaint.description}`;
  if (complaint.category.toLowerCase() === 'safety' || CRITICAL.some((re) => re.test(text))) return 'critical';
  if (HIGH.some((re) => re.test(text))) return 'high';
  return 'medium';
}
