import { ApplicationFailure } from '@temporalio/common';
import { ACTIONS, type ActionInput, type ActionName } from '../domain/actions';
import { checkExpectedBy, holdingResponseLimit } from '../domain/instant-rules';
import { allowedResponseTypes, missingParts } from '../domain/policy/content';
import type { ResponseKind } from '../domain/policy/vocabulary';
import { templateParts } from '../domain/response-parts';
import { BEFORE_FINAL, type Stage } from '../domain/stages';
import type { ComplaintCase } from './case';
import {
  doApologise,
  doAskQuestion,
  doAssign,
  doDecideRemedy,
  doEscalate,
  doExtend,
  doProposeRemedy,
  doRecordAccount,
  doResolve,
  doSkipApology,
  doWithdraw,
} from './case-effects';
import { REFUSAL, type RefusalType } from './contract';
import type { AssignInput, DecideRemedyInput, ExtendInput, ProposeRemedyInput, ResolveInput } from './messages';

/**
 * Whether an action may be taken, and what it does: the registry's generic checks (who, what input,
 * which stages), then each action's own rule against the complaint's state. Pure (no SDK calls but
 * the failure type), so update validators, handlers and unit tests share it.
 */

/** An action refused: the message says why, in words an operator can act on. */
export class ActionRefused extends Error {
  override readonly name = 'ActionRefused';
  constructor(
    message: string,
    /** About who asks (`forbidden`) or about the complaint's state (`refused`). */
    readonly refusal: RefusalType = REFUSAL.refused,
  ) {
    super(message);
  }
}

const ACTING_ROLES: readonly string[] = ['operator', 'supervisor'];

/**
 * Refuses the action unless its registry entry allows this actor, this input and (after the action's
 * own rule, whose reasons are more precise) this stage; otherwise the action's rule decides.
 */
export function checkAction<N extends ActionName>(name: N, k: ComplaintCase, i: ActionInput<N>, now: number): void {
  const spec = ACTIONS[name];
  const role = i.actor.role;
  if (!ACTING_ROLES.includes(role)) {
    throw new ActionRefused(`the ${role} role cannot act on complaints`, REFUSAL.forbidden);
  }
  if (!spec.roles.includes(role)) {
    throw new ActionRefused(`only a ${spec.roles.join(' or ')} can ${spec.what}`, REFUSAL.forbidden);
  }
  const { actor: _actor, ...body } = i as ActionInput<N> & Record<string, unknown>;
  const parsed = spec.input.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ActionRefused(`${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  RULES[name].check?.(k, i, now);
  requireStage(k, spec.doing, spec.stages);
}

/** Runs the action's effect on the case (after `checkAction`). */
export function applyAction<N extends ActionName>(name: N, k: ComplaintCase, i: ActionInput<N>, now: number): void {
  RULES[name].apply(k, now, i);
}

/** The same refusal as an ApplicationFailure, which is what an update's caller receives. */
export function asFailure(err: unknown): unknown {
  return err instanceof ActionRefused ? ApplicationFailure.nonRetryable(err.message, err.refusal) : err;
}

function requireStage(k: ComplaintCase, what: string, stages: readonly Stage[]): void {
  if (!stages.includes(k.stage)) {
    throw new ActionRefused(`cannot ${what} in the ${k.stage} stage (allowed in: ${stages.join(', ')})`);
  }
}

/** One action's rule: what it checks beyond the registry, and what it does. */
interface Rule<N extends ActionName> {
  check?: (k: ComplaintCase, i: ActionInput<N>, now: number) => void;
  apply: (k: ComplaintCase, now: number, i: ActionInput<N>) => void;
}

/** Every action's rule; a missing one is a type error. */
const RULES: { [N in ActionName]: Rule<N> } = {
  assign: { check: (k, i) => checkAssign(k, i), apply: (k, now, i) => doAssign(k, now, i) },
  recordAccount: { apply: (k, now, i) => doRecordAccount(k, now, i) },
  askQuestion: { apply: (k, now, i) => doAskQuestion(k, now, i) },
  apologise: { apply: (k, now, i) => doApologise(k, now, i) },
  skipApology: { apply: (k, now, i) => doSkipApology(k, now, i) },
  proposeRemedy: { check: (k, i) => checkProposeRemedy(k, i), apply: (k, now, i) => doProposeRemedy(k, now, i) },
  decideRemedy: { check: (k, i) => checkDecideRemedy(k, i), apply: (k, now, i) => doDecideRemedy(k, now, i) },
  extend: { check: (k, i, now) => checkExtend(k, i, now), apply: (k, now, i) => doExtend(k, now, i) },
  escalate: { apply: (k, now, i) => doEscalate(k, now, i) },
  withdraw: { apply: (k, now, i) => doWithdraw(k, now, i.actor, i.reason) },
  resolve: { check: (k, i) => checkResolve(k, i), apply: (k, now, i) => doResolve(k, now, i) },
};

function checkAssign(k: ComplaintCase, i: AssignInput): void {
  if (k.assignee && k.assignee !== i.assignee && i.actor.role !== 'supervisor') {
    throw new ActionRefused(
      `complaint is assigned to ${k.assignee}; reassigning needs a supervisor`,
      REFUSAL.forbidden,
    );
  }
}

function checkProposeRemedy(k: ComplaintCase, i: ProposeRemedyInput): void {
  if (k.stage === 'acknowledged' || k.stage === 'listening') {
    throw new ActionRefused(
      "a remedy cannot be proposed before listening is done: record the customer's confirmed account first",
    );
  }
  if (k.stage === 'apology')
    throw new ActionRefused('apologise (or skip the apology with a reason) before proposing a remedy');
  requireStage(k, 'propose a remedy', ['remedy']);
  if (k.remedy && ['awaiting-approval', 'requested', 'fulfilled'].includes(k.remedy.status)) {
    throw new ActionRefused(
      `remedy ${k.remedy.remedyId} is ${k.remedy.status}; a new one can be proposed only after it was rejected or failed`,
    );
  }
  if (i.kind === 'decline') {
    const provided = [
      'reasons',
      ...((i.alternatives ?? []).length > 0 ? ['alternatives'] : []),
      ...templateParts(k.policy.id, 'decline'),
    ];
    const missing = missingParts(k.policy, 'decline', provided);
    if (missing.length > 0)
      throw new ActionRefused(`a decline under ${k.policy.id} must include: ${missing.join(', ')}`);
  }
}

function checkDecideRemedy(k: ComplaintCase, _i: DecideRemedyInput): void {
  if (k.remedy?.status !== 'awaiting-approval') throw new ActionRefused('no remedy is awaiting approval');
}

function checkExtend(k: ComplaintCase, i: ExtendInput, now: number): void {
  const affected = k.policy.clocks.filter(
    (c) => c.extension?.on === 'holding-response-sent' || c.stop.includes('holding-response-sent'),
  );
  if (!k.policy.responses['holding-response'] || affected.length === 0) {
    throw new ActionRefused(`the ${k.policy.id} regime does not allow a holding response`);
  }
  if (k.extended) throw new ActionRefused('a holding response was already sent');
  // The holding response must come before the deadline it extends (FCA payment services: by day 15).
  for (const c of affected.filter((p) => p.extension?.on === 'holding-response-sent')) {
    const s = k.clocks[c.name];
    if (s && s.breach.fired) {
      throw new ActionRefused(
        `a holding response must be sent before the ${c.name} deadline (${s.deadline}), which has passed`,
      );
    }
  }
  // The API checks the same rule; the workflow holds it for every other caller too.
  const limit = holdingResponseLimit(k.policy, k.receivedAt, k.assessment.snapshot);
  const late = checkExpectedBy('expectedBy', i.expectedBy, now, limit);
  if (late) throw new ActionRefused(`${late.field}: ${late.message}`);
  const provided = ['delay-reasons', 'expected-response-date', ...templateParts(k.policy.id, 'holding-response')];
  const missing = missingParts(k.policy, 'holding-response', provided);
  if (missing.length > 0)
    throw new ActionRefused(`a holding response under ${k.policy.id} must include: ${missing.join(', ')}`);
}

function checkResolve(k: ComplaintCase, i: ResolveInput): void {
  if (i.cause !== undefined) {
    const codes = (k.policy.causes ?? []).map((c) => c.code);
    if (!codes.includes(i.cause)) {
      throw new ActionRefused(
        codes.length === 0
          ? `cause: the ${k.policy.id} regime has no cause taxonomy`
          : `cause: must be one of ${codes.join(', ')}`,
      );
    }
  }
  const kind: ResponseKind = i.response;
  if (!k.policy.responses[kind] && kind !== 'final-response') {
    throw new ActionRefused(`the ${k.policy.id} regime has no ${kind}`);
  }
  const inProgress = kind === 'cfpb-response' && i.responseType === 'in-progress';
  if (kind === 'summary-resolution') {
    requireStage(k, 'send a summary resolution', BEFORE_FINAL);
    const window = k.clocks['summary-resolution'];
    if (!window || window.status === 'stopped' || window.breach.fired) {
      throw new ActionRefused(
        `the summary resolution route is open only until ${window?.deadline ?? 'the close of the 3rd business day'}; send a final response instead`,
      );
    }
  } else if (inProgress) {
    requireStage(k, 'send an in-progress response', BEFORE_FINAL);
  } else {
    requireStage(k, 'send the final response', ['remedy']);
    const settled = ['fulfilled', 'declined', 'explained'];
    if (!k.remedy || !settled.includes(k.remedy.status)) {
      throw new ActionRefused(
        `the final response comes after the remedy is settled (fulfilled, declined or explained); it is ${k.remedy?.status ?? 'not proposed'}`,
      );
    }
  }
  if (kind === 'cfpb-response') {
    const allowed = allowedResponseTypes(k.policy, kind);
    if (!i.responseType || !allowed.includes(i.responseType)) {
      throw new ActionRefused(`responseType: must be one of ${allowed.join(', ')}`);
    }
  }
  const provided = [
    'outcome',
    'reasons',
    ...(i.responseType ? ['response-type'] : []),
    ...(k.remedy ? ['remedy'] : []),
    ...Object.keys(i.parts ?? {}),
    ...templateParts(k.policy.id, kind),
  ];
  const missing = missingParts(k.policy, kind, provided);
  if (missing.length > 0)
    throw new ActionRefused(`the ${kind} under ${k.policy.id} lacks required parts: ${missing.join(', ')}`);
}
