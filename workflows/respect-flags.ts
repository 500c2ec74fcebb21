import { inWorkflowContext, patched } from '@temporalio/workflow';
import { respectCheck } from '../domain/respect-check';
import { checkRespect } from '../domain/respect';
import type { ComplaintCase } from './case';

/**
 * Which respect check a complaint's agent-written text meets, and what it makes of the findings: the
 * flags for the timeline, and the alert for the supervisor, if any. What is flagged decides whether an
 * alert is published (a command), so the check in force is chosen by a patch marker: histories recorded
 * before `redress-respect-v2` replay the frozen first check (domain/respect-check.ts), which alerted on
 * any hit; new ones run the check of domain/respect, where only a severe finding (blame, arguing,
 * dismissing, threatening) alerts. Kept apart from the case so the case stays free of the SDK.
 */

/** The patch that moved agent-written text to the respect check v2. */
export const RESPECT_V2_PATCH = 'redress-respect-v2';

export interface RespectFlags {
  flags: string[];
  /** What to tell the supervisor, when something must be looked at before it happens again. */
  alert?: string;
}

/** The flags and alert for a text; undefined when nothing was found. */
export function respectFlags(text: string): RespectFlags | undefined {
  // Outside a workflow (unit tests of the case) there is no history to keep: the current check runs.
  if (inWorkflowContext() && !patched(RESPECT_V2_PATCH)) return firstCheck(text);
  const { findings } = checkRespect(text);
  if (findings.length === 0) return undefined;
  const flags = findings.map((f) => `respect check: ${f.category} "${f.span.text}" — ${f.suggestion}`);
  const severe = findings.filter((f) => f.severity === 'severe');
  return {
    flags,
    ...(severe.length > 0 ? { alert: severe.map((f) => `${f.category} "${f.span.text}"`).join('; ') } : {}),
  };
}

/** The patch after which every agent-written field is flagged: resolution parts, decline alternatives, explanations. */
export const RESPECT_ALL_FIELDS_PATCH = 'redress-respect-all-fields';

/**
 * The agent-written text of an action that the flags read. Before `redress-respect-all-fields` only the
 * main field was checked (a decline's description, a resolution's reasons); more text flagged can mean
 * more alerts (commands), so histories recorded without the marker keep reading the main field alone.
 * Each field is its own paragraph, so a finding never spans two fields.
 */
export function agentText(main: string, others: readonly string[]): string {
  if (others.length === 0) return main;
  if (inWorkflowContext() && !patched(RESPECT_ALL_FIELDS_PATCH)) return main;
  return [main, ...others].join('\n\n');
}

/** The first respect check, frozen: what complaints recorded without the marker did. */
function firstCheck(text: string): RespectFlags | undefined {
  const hits = respectCheck(text);
  if (hits.length === 0) return undefined;
  const flags = hits.map((h) => `respect check: "${h.phrase}" (${h.why})`);
  return { flags, alert: flags.join('; ') };
}

/**
 * Runs the respect check on agent-written text: its findings go to the complaint's flags (returned for
 * the timeline), and a finding worth it alerts the supervisor.
 */
export function flagDisrespect(complaint: ComplaintCase, text: string): string[] | undefined {
  const found = respectFlags(text);
  if (!found) return undefined;
  complaint.flags.push(...found.flags);
  if (found.alert !== undefined) complaint.alertSupervisor('respect check', found.alert);
  return found.flags;
}
