import { ApplicationFailure } from '@temporalio/common';
import { ACTIONS, type ActionInput, type ActionName } from '../domain/actions';
import { checkExpectedBy, holdingResponseLimit, holdingResponseTooEarly } from '../domain/instant-rules';
import { allowedResponseTypes, missingParts } from '../domain/policy/content';
import type { ResponseKind } from '../domain/policy/vocabulary';
import { providedParts } from '../domain/drafts/letters';
import { BEFORE_FINAL, type Stage } from '../domain/stages';
import type { ComplaintCase } from './case';
import { approvalRefusal, approveDraft, resendRefusal, sendAdmission, useApprovedDraft } from './case-drafts';
import {
  doAddNote,
  doApologise,
  doConfirmAccount,
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
import { doAddCommitment, doKeepCommitment, openCommitment } from './case-commitments';
import { doRecordVulnerability } from './case-vulnerability';
import { doOpenNewMatter, newMatterRefusal } from './case-linked';
import { REFUSAL, type RefusalType } from './contract';
import type {
  AssignInput,
  ComplaintInput,
  ConfirmAccountInput,
  DecideRemedyInput,
  ExtendInput,
  ProposeRemedyInput,
  ResolveInput,
} from './messages';

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
 * Two kinds of check, run at two moments.
 *
 * {@link admitAction} — who may act, the input's schema, and rules on what never changes (the complaint
 * as received) — runs in the update's validator only, as a request arrives: never during replay. A
 * replay must not judge an input accepted years ago by rules written since (a new limit or required
 * field, a new role rule would refuse it on replay and change the history), and none of these can
 * change between admission and handling.
 *
 * {@link checkAction} — the complaint's state (stage, remedy status, clocks) — runs in the validator and
 * again in the handler just before the effect (live and on every replay), since another update may have
 * changed the state in between.
 */
export function admitAction<N extends ActionName>(
  name: N,
  complaint: ComplaintInput,
  i: ActionInput<N>,
  /** The case as it is when the request arrives (undefined before intake): what approvals it holds. */
  live?: ComplaintCase,
): void {
  const spec = ACTIONS[name];
  checkActor(name, i);
  const { actor: _actor, ...body } = i as ActionInput<N> & Record<string, unknown>;
  const parsed = spec.input.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ActionRefused(`${issue.path.join('.') || 'input'}: ${issue.message}`);
  }
  RULES[name].admit?.(complaint, i);
  if (live) RULES[name].screen?.(live, i);
  const unapproved = sendAdmission(name, body, live);
  if (unapproved) throw new ActionRefused(unapproved);
}

/** Refuses the action unless the registry lets the actor's role take it. */
export function checkActor<N extends ActionName>(name: N, i: ActionInput<N>): void {
  const spec = ACTIONS[name];
  const role = i.actor.role;
  if (!ACTING_ROLES.includes(role)) {
    throw new ActionRefused(`the ${role} role cannot act on complaints`, REFUSAL.forbidden);
  }
  if (!spec.roles.includes(role)) {
    throw new ActionRefused(`only a ${spec.roles.join(' or ')} can ${spec.what}`, REFUSAL.forbidden);
  }
}

/** Refuses the action unless the complaint's state allows it: the action's own rule, then its stages. */
export function checkAction<N extends ActionName>(
  name: N,
  complaint: ComplaintCase,
  i: ActionInput<N>,
  now: number,
): void {
  const spec = ACTIONS[name];
  const resent = resendRefusal(name, complaint, i);
  if (resent) throw new ActionRefused(resent);
  RULES[name].check?.(complaint, i, now);
  requireStage(complaint, spec.doing, spec.stages);
}

/** Runs the action's effect on the case (after `checkAction`). */
export function applyAction<N extends ActionName>(
  name: N,
  complaint: ComplaintCase,
  i: ActionInput<N>,
  now: number,
): void {
  useApprovedDraft(name, complaint, i);
  RULES[name].apply(complaint, now, i);
}

/** The same refusal as an ApplicationFailure, which is what an update's caller receives. */
export function asFailure(err: unknown): unknown {
  return err instanceof ActionRefused ? ApplicationFailure.nonRetryable(err.message, err.refusal) : err;
}

function requireStage(complaint: ComplaintCase, what: string, stages: readonly Stage[]): void {
  if (!stages.includes(complaint.stage)) {
    throw new ActionRefused(`cannot ${what} in the ${complaint.stage} stage (allowed in: ${stages.join(', ')})`);
  }
}

/** One action's rule: what it checks beyond the registry, and what it does. */
interface Rule<N extends ActionName> {
  /** Checked at admission only (see {@link admitAction}): rules on the complaint as received. */
  admit?: (complaint: ComplaintInput, i: ActionInput<N>) => void;
  /**
   * Checked at admission only, on the live case: state rules newer than recorded histories, on state that
   * cannot change between admission and handling (so the handler need not, and replay must not, judge
   * an action accepted before the rule by it).
   */
  screen?: (complaint: ComplaintCase, i: ActionInput<N>) => void;
  check?: (complaint: ComplaintCase, i: ActionInput<N>, now: number) => void;
  apply: (complaint: ComplaintCase, now: number, i: ActionInput<N>) => void;
}

/** Every action's rule; a missing one is a type error. */
const RULES: { [N in ActionName]: Rule<N> } = {
  assign: {
    check: (complaint, i) => checkAssign(complaint, i),
    apply: (complaint, now, i) => doAssign(complaint, now, i),
  },
  recordAccount: { apply: (complaint, now, i) => doRecordAccount(complaint, now, i) },
  askQuestion: { apply: (complaint, now, i) => doAskQuestion(complaint, now, i) },
  apologise: { apply: (complaint, now, i) => doApologise(complaint, now, i) },
  skipApology: { apply: (complaint, now, i) => doSkipApology(complaint, now, i) },
  proposeRemedy: {
    admit: (complaint, i) => admitAgainstDesiredOutcome(complaint, i),
    check: (complaint, i) => checkProposeRemedy(complaint, i),
    apply: (complaint, now, i) => doProposeRemedy(complaint, now, i),
  },
  decideRemedy: {
    check: (complaint, i) => checkDecideRemedy(complaint, i),
    apply: (complaint, now, i) => doDecideRemedy(complaint, now, i),
  },
  extend: {
    check: (complaint, i, now) => checkExtend(complaint, i, now),
    apply: (complaint, now, i) => doExtend(complaint, now, i),
  },
  escalate: { apply: (complaint, now, i) => doEscalate(complaint, now, i) },
  withdraw: { apply: (complaint, now, i) => doWithdraw(complaint, now, i.actor, i.reason) },
  resolve: {
    screen: (complaint, i) => screenResolve(complaint, i),
    check: (complaint, i) => checkResolve(complaint, i),
    apply: (complaint, now, i) => doResolve(complaint, now, i),
  },
  confirmAccount: {
    check: (complaint, i) => checkConfirmAccount(complaint, i),
    apply: (complaint, now, i) => doConfirmAccount(complaint, now, i),
  },
  addNote: { apply: (complaint, now, i) => doAddNote(complaint, now, i) },
  recordVulnerability: { apply: (complaint, now, i) => doRecordVulnerability(complaint, now, i) },
  approveDraft: {
    check: (complaint, i) => {
      const why = approvalRefusal(complaint, i.draftId);
      if (why) throw new ActionRefused(why);
    },
    apply: (complaint, now, i) => approveDraft(complaint, now, i.draftId, i.actor),
  },
  addCommitment: {
    check: (_complaint, i, now) => checkCommitmentDue(i.dueAt, now),
    apply: (complaint, now, i) => doAddCommitment(complaint, now, i),
  },
  keepCommitment: {
    check: (complaint, i) => {
      if (!openCommitment(complaint, i.commitmentId)) {
        throw new ActionRefused(`no open commitment ${i.commitmentId} (kept or missed already, or never made)`);
      }
    },
    apply: (complaint, now, i) => doKeepCommitment(complaint, now, i),
  },
  openNewMatter: {
    check: (complaint, i) => {
      const why = newMatterRefusal(complaint, i);
      if (why) throw new ActionRefused(why);
    },
    apply: (complaint, now, i) => doOpenNewMatter(complaint, now, i),
  },
};

/** A commitment is a promise about the future: due after now, and within a year (a typo otherwise). */
function checkCommitmentDue(dueAt: string, now: number): void {
  const due = Date.parse(dueAt);
  if (!(due > now)) throw new ActionRefused(`dueAt ${dueAt} has passed: a commitment is due in the future`);
  if (due > now + 366 * 24 * 3_600_000) throw new ActionRefused(`dueAt ${dueAt} is more than a year away`);
}

/** A reply confirms the account only if it came after the account was sent, while it waits for confirmation. */
function checkConfirmAccount(complaint: ComplaintCase, i: ConfirmAccountInput): void {
  if (!complaint.awaitingAccountConfirmation()) {
    throw new ActionRefused('no account is waiting for the customer to confirm: record the account first');
  }
  const reply = complaint.conversation.reply(i.replyId);
  if (!reply) throw new ActionRefused(`no reply ${i.replyId} from the customer on this complaint`);
  const sent = complaint.conversation.last('letter', (e) => e.letter === 'account-confirmation');
  if (sent && reply.seq < sent.seq) {
    throw new ActionRefused(`reply ${i.replyId} came before the account was sent to the customer`);
  }
}

function checkAssign(complaint: ComplaintCase, i: AssignInput): void {
  if (complaint.assignee && complaint.assignee !== i.assignee && i.actor.role !== 'supervisor') {
    throw new ActionRefused(
      `complaint is assigned to ${complaint.assignee}; reassigning needs a supervisor`,
      REFUSAL.forbidden,
    );
  }
}

/**
 * Beside what the customer asked for (their desired outcome), a remedy says whether it meets it; one
 * that does not carries the explanation the customer will read. A decline is its own explanation (its
 * reasons). An admission rule: remedies were proposed without it before it existed.
 */
function admitAgainstDesiredOutcome(complaint: ComplaintInput, i: ProposeRemedyInput): void {
  if (complaint.complaint.desiredOutcome === undefined || i.kind === 'decline') return;
  if (i.meetsDesiredOutcome === undefined) {
    throw new ActionRefused(
      'meetsDesiredOutcome: the customer said what they want; say whether this remedy gives it (see the conversation)',
    );
  }
  if (!i.meetsDesiredOutcome && i.explanation === undefined) {
    throw new ActionRefused(
      'explanation: this remedy differs from what the customer asked for; explain why, in words they will read',
    );
  }
}

function checkProposeRemedy(complaint: ComplaintCase, i: ProposeRemedyInput): void {
  if (complaint.stage === 'acknowledged' || complaint.stage === 'listening') {
    throw new ActionRefused(
      "a remedy cannot be proposed before listening is done: record the customer's confirmed account first",
    );
  }
  if (complaint.stage === 'apology')
    throw new ActionRefused('apologise (or skip the apology with a reason) before proposing a remedy');
  requireStage(complaint, 'propose a remedy', ['remedy']);
  if (complaint.remedy && ['awaiting-approval', 'requested', 'fulfilled'].includes(complaint.remedy.status)) {
    throw new ActionRefused(
      `remedy ${complaint.remedy.remedyId} is ${complaint.remedy.status}; a new one can be proposed only after it was rejected or failed`,
    );
  }
  if (i.kind === 'decline') {
    const provided = providedParts(complaint.policy.id, 'decline', { alternatives: (i.alternatives ?? []).length > 0 });
    const missing = missingParts(complaint.policy, 'decline', provided);
    if (missing.length > 0)
      throw new ActionRefused(`a decline under ${complaint.policy.id} must include: ${missing.join(', ')}`);
  }
}

function checkDecideRemedy(complaint: ComplaintCase, _i: DecideRemedyInput): void {
  if (complaint.remedy?.status !== 'awaiting-approval') throw new ActionRefused('no remedy is awaiting approval');
}

function checkExtend(complaint: ComplaintCase, i: ExtendInput, now: number): void {
  const affected = complaint.policy.clocks.filter(
    (c) => c.extension?.on === 'holding-response-sent' || c.stop.includes('holding-response-sent'),
  );
  if (!complaint.policy.responses['holding-response'] || affected.length === 0) {
    throw new ActionRefused(`the ${complaint.policy.id} regime does not allow a holding response`);
  }
  if (complaint.extended) throw new ActionRefused('a holding response was already sent');
  const early = holdingResponseTooEarly(complaint.policy, complaint.receivedAt, complaint.assessment.snapshot, now);
  if (early) throw new ActionRefused(early);
  // The holding response must come before the deadline it extends (FCA payment services: by day 15).
  for (const c of affected.filter((p) => p.extension?.on === 'holding-response-sent')) {
    const s = complaint.clocks[c.name];
    if (s && s.breach.fired) {
      throw new ActionRefused(
        `a holding response must be sent before the ${c.name} deadline (${s.deadline}), which has passed`,
      );
    }
    // FCA DISP: the clock is then due at the promised date, so that date is past the present deadline.
    if (s && c.extension?.until === 'expected-by' && Date.parse(i.expectedBy) <= Date.parse(s.deadline)) {
      throw new ActionRefused(
        `expectedBy: must be after the ${c.name} deadline (${s.deadline}): a final response that can come ` +
          'by then is sent instead of a holding response',
      );
    }
  }
  // The API checks the same rule; the workflow holds it for every other caller too.
  const limit = holdingResponseLimit(complaint.policy, complaint.receivedAt, complaint.assessment.snapshot);
  const late = checkExpectedBy('expectedBy', i.expectedBy, now, limit);
  if (late) throw new ActionRefused(`${late.field}: ${late.message}`);
  const provided = providedParts(complaint.policy.id, 'holding-response', {});
  const missing = missingParts(complaint.policy, 'holding-response', provided);
  if (missing.length > 0)
    throw new ActionRefused(`a holding response under ${complaint.policy.id} must include: ${missing.join(', ')}`);
}

/** An apology is given before the remedy, and the stage never goes back to it before the final response. */
function screenResolve(complaint: ComplaintCase, i: ResolveInput): void {
  const inProgress = i.response === 'cfpb-response' && i.responseType === 'in-progress';
  if (complaint.faultAdmitted && i.outcome === 'not-upheld' && !inProgress) {
    throw new ActionRefused(
      'outcome: the apology admitted fault, so the complaint is upheld or partly upheld; say which, and why in the reasons',
    );
  }
}

function checkResolve(complaint: ComplaintCase, i: ResolveInput): void {
  if (i.cause !== undefined) {
    const codes = (complaint.policy.causes ?? []).map((c) => c.code);
    if (!codes.includes(i.cause)) {
      throw new ActionRefused(
        codes.length === 0
          ? `cause: the ${complaint.policy.id} regime has no cause taxonomy`
          : `cause: must be one of ${codes.join(', ')}`,
      );
    }
  }
  const kind: ResponseKind = i.response;
  if (!complaint.policy.responses[kind] && kind !== 'final-response') {
    throw new ActionRefused(`the ${complaint.policy.id} regime has no ${kind}`);
  }
  const inProgress = kind === 'cfpb-response' && i.responseType === 'in-progress';
  if (kind === 'summary-resolution') {
    requireStage(complaint, 'send a summary resolution', BEFORE_FINAL);
    const window = complaint.clocks['summary-resolution'];
    if (!window || window.status === 'stopped' || window.breach.fired) {
      throw new ActionRefused(
        `the summary resolution route is open only until ${window?.deadline ?? 'the close of the 3rd business day'}; send a final response instead`,
      );
    }
  } else if (inProgress) {
    requireStage(complaint, 'send an in-progress response', BEFORE_FINAL);
  } else {
    requireStage(complaint, 'send the final response', ['remedy']);
    const settled = ['fulfilled', 'declined', 'explained'];
    if (!complaint.remedy || !settled.includes(complaint.remedy.status)) {
      throw new ActionRefused(
        `the final response comes after the remedy is settled (fulfilled, declined or explained); it is ${complaint.remedy?.status ?? 'not proposed'}`,
      );
    }
  }
  if (kind === 'cfpb-response') {
    const allowed = allowedResponseTypes(complaint.policy, kind);
    if (!i.responseType || !allowed.includes(i.responseType)) {
      throw new ActionRefused(`responseType: must be one of ${allowed.join(', ')}`);
    }
  }
  const provided = providedParts(complaint.policy.id, kind, {
    agentParts: Object.keys(i.parts ?? {}),
    responseType: i.responseType !== undefined,
    remedy: complaint.remedy !== undefined,
  });
  const missing = missingParts(complaint.policy, kind, provided);
  if (missing.length > 0)
    throw new ActionRefused(`the ${kind} under ${complaint.policy.id} lacks required parts: ${missing.join(', ')}`);
}
