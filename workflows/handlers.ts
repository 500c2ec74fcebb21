import { condition, currentUpdateInfo, setHandler } from '@temporalio/workflow';
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
import { intakeStatus } from './intake-status';
import * as m from './messages';
import type { ComplaintInput, ComplaintStatus } from './messages';
import { applyAction, asFailure, checkAction } from './rules';

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
  early: Array<(k: ComplaintCase) => void>;
  /** After every change: what the engine does with it (publish, or queue in the outbox). */
  commit: (k: ComplaintCase) => void | Promise<void>;
  /**
   * Remember update ids in the case (they survive continue-as-new, where Temporal's own update-id
   * deduplication does not reach). The legacy engine never continues as new and does not.
   */
  rememberUpdateIds: boolean;
}

export function registerHandlers(o: HandlerOptions): void {
  const { current, early } = o;
  setHandler(m.statusQuery, () => current()?.status(Date.now()) ?? intakeStatus(o.input, o.receivedAt));
  setHandler(m.timelineQuery, () => [...(current()?.timeline ?? [])]);

  setHandler(m.complaintReceivedSignal, (ref) => {
    // A repeated delivery of the complaint: remembered, otherwise ignored.
    const k = current();
    if (k) k.firstSeen(ref);
    else early.push((kk) => kk.firstSeen(ref));
  });

  /** A fact from another system: applied once per event id, in arrival order. */
  function onFact<F extends { eventId: string }>(
    def: SignalDefinition<[F]>,
    apply: (k: ComplaintCase, now: number, f: F) => void,
  ): void {
    const handle = (k: ComplaintCase, f: F) => {
      if (!k.firstSeen(f) || k.isTerminal()) return;
      apply(k, Date.now(), f);
      void o.commit(k);
    };
    setHandler(def, (f: F) => {
      const k = current();
      if (k) handle(k, f);
      else early.push((kk) => handle(kk, f));
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
    const refuse = (k: ComplaintCase, i: ActionInput<N>) => {
      if (o.rememberUpdateIds && k.seen.has(updateKey())) return;
      try {
        checkAction(name, k, i, Date.now());
      } catch (err) {
        throw asFailure(err);
      }
    };
    setHandler(
      m.ACTION_UPDATES[name] as UpdateDefinition<ComplaintStatus, [ActionInput<N>]>,
      async (i: ActionInput<N>) => {
        await condition(() => current() !== undefined); // intake first: the policy decides what is allowed
        const k = current()!;
        if (o.rememberUpdateIds && !k.firstSeen({ eventId: updateKey() })) return k.status(Date.now());
        refuse(k, i);
        applyAction(name, k, i, Date.now());
        await o.commit(k);
        return k.status(Date.now());
      },
      {
        validator: (i: ActionInput<N>) => {
          const k = current();
          if (k) refuse(k, i);
        },
      },
    );
  }
  for (const name of ACTION_NAMES) action(name);
}
