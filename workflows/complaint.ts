import {
  allHandlersFinished,
  condition,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import {
  ApplicationFailure,
  type SearchAttributeUpdatePair,
  type SignalDefinition,
  type UpdateDefinition,
} from '@temporalio/common';
import type { ComplaintActivities } from '../activities';
import type { ActionBase, ComplaintInput, ComplaintStatus } from './messages';
import * as m from './messages';
import { SA } from '../domain/search-attributes';
import { ActionRefused, ComplaintCase } from './case';

/**
 * Local activities: each step's publishing runs inside the workflow task that decided it, which keeps a
 * full complaint's history short (one marker per step instead of five events). Kafka being down must not
 * lose an event, so they retry for as long as it takes, backing off to a minute.
 */
const { assess, publish } = proxyLocalActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One customer complaint, from intake to a closed and measured outcome (DESIGN §2). The rules live in
 * `ComplaintCase`; this function wires them to Temporal: human actions are validated updates, facts
 * from other systems are signals deduplicated by event id, and every clock is a durable timer.
 */
export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintStatus> {
  // The clock runs from receipt, not from when the workflow happened to start (never in the future).
  const receivedAt = Math.min(Date.parse(input.complaint.receivedAt), Date.now());
  // Readable from the first moment: until intake has assessed the complaint, the status says so.
  let c: ComplaintCase | undefined;
  setHandler(m.statusQuery, () => (c ? c.status(Date.now()) : intakeStatus(input, receivedAt)));
  setHandler(m.timelineQuery, () => (c ? [...c.timeline] : []));
  const assessment = await assess(input.complaintId, {
    ...input.complaint,
    receivedAt: new Date(receivedAt).toISOString(),
  });
  return run(new ComplaintCase(input, assessment, receivedAt));
}

/** The status of a complaint whose intake assessment has not finished yet (a moment after it arrived). */
function intakeStatus(input: ComplaintInput, receivedAt: number): ComplaintStatus {
  const { complaint } = input;
  return {
    complaintId: input.complaintId,
    stage: 'received',
    regime: 'pending',
    policyVersion: 0,
    region: 'pending',
    severity: complaint.severity ?? 'medium',
    category: complaint.category,
    channel: complaint.channel,
    customerId: complaint.customer.id,
    escalated: false,
    breached: false,
    breaches: [],
    clocks: [],
    waitingOnCustomer: false,
    reopenCount: 0,
    repeatOf: [],
    flags: [],
    receivedAt: new Date(receivedAt).toISOString(),
  };
}

/** The complaint's life once intake has assessed it: handlers, then the clock loop until it ends. */
async function run(c: ComplaintCase): Promise<ComplaintStatus> {
  const receivedAt = c.receivedAt;

  // Publishing is serialised: steps publish in the order they happened, even when handlers overlap.
  let publishing: Promise<void> = Promise.resolve();
  const commit = (): Promise<void> => {
    syncSearchAttributes();
    const batch = c.takeOutbox();
    if (!batch) return publishing;
    const occurredAt = new Date().toISOString();
    publishing = publishing.then(() => publish(batch, occurredAt));
    return publishing;
  };

  let lastAttributes = '';
  const syncSearchAttributes = () => {
    const s = c.status(Date.now());
    const next = c.nextDeadline();
    const pairs: SearchAttributeUpdatePair[] = [
      { key: SA.stage, value: s.stage },
      { key: SA.severity, value: s.severity },
      { key: SA.category, value: s.category },
      { key: SA.channel, value: s.channel },
      { key: SA.customerId, value: s.customerId },
      { key: SA.assignee, value: s.assignee ?? null },
      { key: SA.regime, value: s.regime },
      { key: SA.outcome, value: s.outcome ?? null },
      { key: SA.nextDeadline, value: next === undefined ? null : new Date(next) },
      { key: SA.receivedAt, value: new Date(receivedAt) },
      { key: SA.breached, value: s.breached },
      { key: SA.escalated, value: s.escalated },
      { key: SA.csat, value: s.csat ?? null },
      { key: SA.reopenCount, value: s.reopenCount },
    ] as SearchAttributeUpdatePair[];
    // Only when something changed: every upsert is a history event.
    const key = JSON.stringify(pairs.map((p) => p.value));
    if (key === lastAttributes) return;
    lastAttributes = key;
    upsertSearchAttributes(pairs);
  };

  setHandler(m.statusQuery, () => c.status(Date.now()));
  setHandler(m.timelineQuery, () => [...c.timeline]);

  setHandler(m.complaintReceivedSignal, (ref) => {
    c.firstSeen(ref); // A repeated delivery of the complaint: remembered, otherwise ignored.
  });
  /** A fact from another system: applied once per event id, and published. */
  function onFact<F extends { eventId: string }>(def: SignalDefinition<[F]>, apply: (now: number, f: F) => void): void {
    setHandler(def, (f: F) => {
      if (!c.firstSeen(f) || c.isTerminal()) return;
      apply(Date.now(), f);
      void commit();
    });
  }
  onFact(m.customerRepliedSignal, (now, f) => c.onCustomerReplied(now, f));
  onFact(m.customerWithdrewSignal, (now, f) => c.onCustomerWithdrew(now, f));
  onFact(m.remedyFulfilledSignal, (now, f) => c.onRemedyFulfilled(now, f));
  onFact(m.remedyFailedSignal, (now, f) => c.onRemedyFailed(now, f));
  onFact(m.surveyRespondedSignal, (now, f) => c.onSurveyResponded(now, f));

  /**
   * A human action: the validator refuses it (nothing recorded) when the check fails; the handler checks
   * again (another update may have changed the stage since), applies it and publishes what it caused.
   */
  function action<I extends ActionBase>(
    def: UpdateDefinition<ComplaintStatus, [I]>,
    check: (i: I) => void,
    apply: (now: number, i: I) => void,
  ): void {
    const refuse = (i: I) => {
      try {
        check(i);
      } catch (err) {
        if (err instanceof ActionRefused) throw ApplicationFailure.nonRetryable(err.message, 'ActionRefused');
        throw err;
      }
    };
    setHandler(
      def,
      async (i: I) => {
        refuse(i);
        apply(Date.now(), i);
        await commit();
        return c.status(Date.now());
      },
      { validator: refuse },
    );
  }
  action(
    m.assignUpdate,
    (i) => c.checkAssign(i),
    (now, i) => c.doAssign(now, i),
  );
  action(
    m.recordAccountUpdate,
    (i) => c.checkRecordAccount(i),
    (now, i) => c.doRecordAccount(now, i),
  );
  action(
    m.askQuestionUpdate,
    (i) => c.checkAskQuestion(i),
    (now, i) => c.doAskQuestion(now, i),
  );
  action(
    m.apologiseUpdate,
    (i) => c.checkApologise(i),
    (now, i) => c.doApologise(now, i),
  );
  action(
    m.skipApologyUpdate,
    (i) => c.checkSkipApology(i),
    (now, i) => c.doSkipApology(now, i),
  );
  action(
    m.proposeRemedyUpdate,
    (i) => c.checkProposeRemedy(i),
    (now, i) => c.doProposeRemedy(now, i),
  );
  action(
    m.decideRemedyUpdate,
    (i) => c.checkDecideRemedy(i),
    (now, i) => c.doDecideRemedy(now, i),
  );
  action(
    m.extendUpdate,
    (i) => c.checkExtend(i),
    (now, i) => c.doExtend(now, i),
  );
  action(
    m.escalateUpdate,
    (i) => c.checkEscalate(i),
    (now, i) => c.doEscalate(now, i),
  );
  action(
    m.withdrawUpdate,
    (i) => c.checkWithdraw(i),
    (now, i) => c.doWithdraw(now, i.actor, i.reason),
  );
  action(
    m.resolveUpdate,
    (i) => c.checkResolve(i),
    (now, i) => c.doResolve(now, i),
  );

  c.open(Date.now());
  await commit();

  // The clocks: sleep until the next warning, breach or scheduled step. A message that brings the next
  // instant earlier wakes the loop; one that moves it later lets the sleep run out and re-arm, so a
  // busy complaint does not start and cancel a timer for every action.
  while (!c.isTerminal()) {
    const wakeAt = c.nextWakeAt();
    const sooner = () => {
      const next = c.nextWakeAt();
      return next !== undefined && (wakeAt === undefined || next < wakeAt);
    };
    if (wakeAt === undefined) {
      await condition(() => c.isTerminal() || sooner());
    } else {
      await condition(() => c.isTerminal() || sooner(), Math.max(wakeAt - Date.now(), 1));
    }
    if (!c.isTerminal()) c.runDue(Date.now());
    await commit();
  }
  await commit();
  await condition(allHandlersFinished);
  return c.status(Date.now());
}
