import type { ActionBody } from '../actions';
import type { NotificationKind } from '../letters/templates';
import type { ResponseKind } from '../policy/vocabulary';
import { partsCountedAsSupplied } from '../response-parts';

/**
 * Which letter a sending action writes and with which values, declared once: the workflow's effects
 * queue exactly these, and a draft renders exactly these, so what a supervisor approves is what is sent.
 */

/** The actions that send agent-written text to the customer (or, for a remedy, into its final response). */
export const DRAFTABLE = ['askQuestion', 'apologise', 'extend', 'proposeRemedy', 'resolve'] as const;
export type DraftAction = (typeof DRAFTABLE)[number];

export const isDraftable = (name: string): name is DraftAction => (DRAFTABLE as readonly string[]).includes(name);

/** What the letter needs of the remedy already on the complaint (a final response restates it). */
export interface RemedyOnFile {
  description: string;
  explanation?: string;
  status: string;
}

/** The values of a decline letter. */
export function declineVars(b: ActionBody<'proposeRemedy'>): Record<string, string> {
  return { reasons: b.description, alternatives: (b.alternatives ?? []).map((a) => `- ${a}`).join('\n') };
}

/** The values of a resolution letter (final, summary, CFPB): the agent's reasons and parts, the remedy restated. */
export function resolutionVars(b: ActionBody<'resolve'>, remedy: RemedyOnFile | undefined): Record<string, string> {
  const parts = Object.fromEntries(Object.entries(b.parts ?? {}).map(([name, v]) => [`part:${name}`, v]));
  return {
    outcome: b.outcome,
    reasons: b.reasons,
    ...(b.responseType ? { responseType: b.responseType } : {}),
    ...(b.waiverPosition ? { waiverPosition: b.waiverPosition } : {}),
    ...(b.outsideTimeLimits === true ? { outsideTimeLimits: 'yes' } : {}),
    ...(remedy && remedy.status !== 'declined' ? { remedy: remedy.description } : {}),
    ...(remedy?.explanation !== undefined && remedy.status !== 'declined'
      ? { remedyExplanation: remedy.explanation }
      : {}),
    ...parts,
  };
}

/** The letter an action sends: its kind and values; undefined for a remedy that is not a decline (no letter of its own). */
export function letterOf(
  name: DraftAction,
  body: ActionBody<DraftAction>,
  remedy: RemedyOnFile | undefined,
): { kind: NotificationKind; vars: Record<string, string> } | undefined {
  switch (name) {
    case 'askQuestion':
      return { kind: 'question', vars: { question: (body as ActionBody<'askQuestion'>).question } };
    case 'apologise':
      return { kind: 'apology', vars: { text: (body as ActionBody<'apologise'>).text } };
    case 'extend': {
      const b = body as ActionBody<'extend'>;
      return { kind: 'holding-response', vars: { reason: b.reason, expectedBy: b.expectedBy } };
    }
    case 'proposeRemedy': {
      const b = body as ActionBody<'proposeRemedy'>;
      return b.kind === 'decline' ? { kind: 'decline', vars: declineVars(b) } : undefined;
    }
    case 'resolve': {
      const b = body as ActionBody<'resolve'>;
      return { kind: b.response, vars: resolutionVars(b, remedy) };
    }
  }
}

/** Every agent-written field of a sending action's body, by its path: each is checked on its own. */
export function agentFields(name: DraftAction, body: ActionBody<DraftAction>): Array<{ field: string; text: string }> {
  switch (name) {
    case 'askQuestion':
      return [{ field: 'question', text: (body as ActionBody<'askQuestion'>).question }];
    case 'apologise':
      return [{ field: 'text', text: (body as ActionBody<'apologise'>).text }];
    case 'extend':
      return [{ field: 'reason', text: (body as ActionBody<'extend'>).reason }];
    case 'proposeRemedy': {
      const b = body as ActionBody<'proposeRemedy'>;
      return [
        { field: 'description', text: b.description },
        ...(b.alternatives ?? []).map((text, n) => ({ field: `alternatives.${n}`, text })),
        ...(b.explanation !== undefined ? [{ field: 'explanation', text: b.explanation }] : []),
      ];
    }
    case 'resolve': {
      const b = body as ActionBody<'resolve'>;
      return [
        { field: 'reasons', text: b.reasons },
        ...Object.entries(b.parts ?? {}).map(([part, text]) => ({ field: `parts.${part}`, text })),
      ];
    }
  }
}

/**
 * The regulated parts a response provides: what the agent supplied, the remedy on file, and the template's
 * standard paragraphs. The workflow refuses a response lacking one; a draft reports it.
 */
export function providedParts(
  regime: string,
  kind: ResponseKind,
  supplied: { agentParts?: readonly string[]; alternatives?: boolean; responseType?: boolean; remedy?: boolean },
): string[] {
  const own: Partial<Record<ResponseKind, string[]>> = {
    decline: ['reasons', ...(supplied.alternatives ? ['alternatives'] : [])],
    'holding-response': ['delay-reasons', 'expected-response-date'],
  };
  const resolution = [
    'outcome',
    'reasons',
    ...(supplied.responseType ? ['response-type'] : []),
    ...(supplied.remedy ? ['remedy'] : []),
    ...(supplied.agentParts ?? []),
  ];
  return [...(own[kind] ?? resolution), ...partsCountedAsSupplied(regime, kind)];
}
