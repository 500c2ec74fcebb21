import { condition, currentUpdateInfo, patched, setHandler } from '@temporalio/workflow';
import type { SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ACTION_NAMES, type ActionInput, type ActionName } from '../domain/actions';
import type { ComplaintCase } from './case';
import {
  onCustomerReplied,
  onCustomerWithdrew,
  onRemedyFailed,
  onRemedyFulfilled,
  onSurveyResponded,
} from './case-facts';
import { registerDraftHandler } from './draft-handler';
import { intakeStatus } from './intake-status';
import * as m from './messages';
import type { ComplaintInput, ComplaintStatus } from './messages';
import { admitAction, applyAction, asFailure, checkAction, checkActor } from './rules';

/** The patch after which an update's handler checks the complaint's state again before every effect. */
export const ADMISSION_SPLIT_PATCH = 'redress-admission-split';

/**
 * The complaint workflow's message handlers, registered the same way by both engines (registering a
 * handler issues no command, so sharing them changes no history).
 *
 * Every handler is registered before the engine's first await. Signals that arrive while intake is still
 * assessing the complaint wait in `early`, in arrival order: registered after the assessment, the SDK
 * would replay buffered signals grouped by handler, so a reply and a survey answer could be applied the
 * other way round. Updates wait for the assessment, then are checked.
 */
export interface HandlerOptions {
  input: ComplaintInput;
  receivedAt: number;
  /** The case once intake has assessed the complaint. */
  current: () => ComplaintCase | undefined;
  /** Where signals wait until there is a case. */
  early: Array<(complaint: ComplaintCase) => void>;
  /** After every change: what the engine does with it (publish, or queue in the outbox). */
  commit: (complaint: ComplaintCase) => void | Promise<void>;
  /**
   * Remember update ids in the case (they survive continue-as-new, where Temporal's own update-id
   * deduplication does not reach). The legacy engine never continues as new and does not.
   */
  rememberUpdateIds: boolean;
}

export function registerHandlers(o: HandlerOptions): void {
  const { current, early } = o;
  const status = () => current()?.status(Date.now()) ?? intakeStatus(o.input, o.receivedAt);
  const timeline = () => [...(current()?.timeline ?? [])];
  // Before intake has made the case there is nothing said yet but the complaint, which the case adds.
  const conversation = () => current()?.conversation.page() ?? { entries: [], dropped: 0 };
  setHandler(m.statusQuery, status);
  setHandler(m.timelineQuery, timeline);
  setHandler(m.conversationQuery, conversation);
  setHandler(m.pageQuery, () => ({ status: status(), timeline: timeline(), conversation: conversation() }));

  setHandler(m.complaintReceivedSignal, (ref) => {
    // A repeated delivery of the complaint: remembered, otherwise ignored.
    const complaint = current();
    if (complaint) complaint.firstSeen(ref);
    else early.push((later) => later.firstSeen(ref));
  });

  /** A fact from another system: applied once per event id, in arrival order. */
  function onFact<F extends { eventId: string }>(
    def: SignalDefinition<[F]>,
    apply: (complaint: ComplaintCase, now: number, f: F) => void,
  ): void {
    const handle = (complaint: ComplaintCase, f: F) => {
      if (!complaint.firstSeen(f) || complaint.isTerminal()) return;
      apply(complaint, Date.now(), f);
      void o.commit(complaint);
    };
    setHandler(def, (f: F) => {
      const complaint = current();
      if (complaint) handle(complaint, f);
      else early.push((later) => handle(later, f));
    });
  }
  onFact(m.customerRepliedSignal, onCustomerReplied);
  onFact(m.customerWithdrewSignal, onCustomerWithdrew);
  onFact(m.remedyFulfilledSignal, onRemedyFulfilled);
  onFact(m.remedyFailedSignal, onRemedyFailed);
  onFact(m.surveyRespondedSignal, onSurveyResponded);

  /**
   * Every human action in the registry (domain/actions) is an update: the validator refuses it (nothing
   * recorded) when a check fails; the handler checks again (another update may have changed the stage
   * since), applies it, and answers with the status.
   */
  function action<N extends ActionName>(name: N): void {
    const updateKey = () => `update:${currentUpdateInfo()?.id ?? ''}`;
    const seen = () => o.rememberUpdateIds && (current()?.seen.has(updateKey()) ?? false);
    /** Who, what input, and the complaint as received (see rules.ts): as the request arrives, never on replay. */
    const admit = (i: ActionInput<N>) => {
      if (seen()) return; // a repeat of an update already applied: answered with the status
      try {
        const complaint = current();
        admitAction(name, o.input, i, complaint);
        if (complaint) checkAction(name, complaint, i, Date.now());
      } catch (err) {
        throw asFailure(err);
      }
    };
    /**
     * The complaint's state, just before the effect: live and on every replay. Before the
     * `redress-admission-split` patch the handler did otherwise, and histories made then replay as they
     * ran: the outbox engine did not check again (the update id it had just remembered short-circuited
     * it), the legacy engine checked who and the state. Neither parses the input again (see rules.ts).
     */
    const refuse = (complaint: ComplaintCase, i: ActionInput<N>, alreadySeen: boolean) => {
      try {
        if (patched(ADMISSION_SPLIT_PATCH)) {
          checkAction(name, complaint, i, Date.now());
        } else if (!(o.rememberUpdateIds && alreadySeen)) {
          checkActor(name, i);
          checkAction(name, complaint, i, Date.now());
        }
      } catch (err) {
        throw asFailure(err);
      }
    };
    setHandler(
      m.ACTION_UPDATES[name] as UpdateDefinition<ComplaintStatus, [ActionInput<N>]>,
      async (i: ActionInput<N>) => {
        await condition(() => current() !== undefined); // intake first: the policy decides what is allowed
        const complaint = current()!;
        if (o.rememberUpdateIds && !complaint.firstSeen({ eventId: updateKey() })) return complaint.status(Date.now());
        refuse(complaint, i, o.rememberUpdateIds);
        applyAction(name, complaint, i, Date.now());
        await o.commit(complaint);
        return complaint.status(Date.now());
      },
      {
        validator: admit,
      },
    );
  }
  for (const name of ACTION_NAMES) action(name);
  registerDraftHandler(current, o.commit);
}
