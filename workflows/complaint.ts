import { condition, proxyActivities, setHandler, workflowInfo, allHandlersFinished } from '@temporalio/workflow';
import type { ComplaintActivities } from '../activities';
import type { LifecycleEventType, OutboundEvent } from '../domain/events';
import { publishedEventId } from '../domain/ids';
import {
  complaintReceivedSignal,
  customerRepliedSignal,
  customerWithdrewSignal,
  remedyFailedSignal,
  remedyFulfilledSignal,
  surveyRespondedSignal,
  timelineQuery,
  type ExternalFact,
  type TimelineEntry,
  recordAccountUpdate,
  statusQuery,
  type ComplaintInput,
  type ComplaintStatus,
  type RecordAccountInput,
  type Stage,
} from './messages';

const { publishLifecycle, sendNotification } = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  // Kafka being down must not lose an event: retry for as long as it takes, backing off to a minute.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

const HOUR = 3_600_000;
/** Redress's own promise: a human reply within 24 hours of receipt. */
const FIRST_RESPONSE_MS = 24 * HOUR;

/** One customer complaint, from intake to its first response (the walking skeleton). */
export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintStatus> {
  const { complaintId, complaint } = input;
  const seenEvents = new Set<string>([input.openedBy.eventId]);
  let stage: Stage = 'received';
  let escalated = false;
  let firstResponseAt: number | undefined;
  let withdrawn = false;
  const breaches: Array<{ clock: string; at: string }> = [];
  const timeline: TimelineEntry[] = [];

  // The clock runs from receipt, not from when the workflow happened to start.
  const receivedAt = Math.min(Date.parse(complaint.receivedAt), Date.now());
  const firstResponseDeadline = receivedAt + FIRST_RESPONSE_MS;

  const status = (): ComplaintStatus => ({
    complaintId,
    stage,
    escalated,
    breaches: [...breaches],
    clocks: [
      {
        clock: 'first-response',
        deadline: new Date(firstResponseDeadline).toISOString(),
        timeLeftMs: firstResponseDeadline - Date.now(),
        ...(firstResponseAt !== undefined ? { stoppedAt: new Date(firstResponseAt).toISOString() } : {}),
        ...(breaches.some((b) => b.clock === 'first-response') ? { breachedAt: breaches[0]?.at } : {}),
      },
    ],
    ...(firstResponseAt !== undefined ? { firstResponseAt: new Date(firstResponseAt).toISOString() } : {}),
    receivedAt: new Date(receivedAt).toISOString(),
    category: complaint.category,
    channel: complaint.channel,
    severity: complaint.severity ?? 'medium',
  });

  const publish = (type: LifecycleEventType, step: string, data: Record<string, unknown> = {}) => {
    const event: OutboundEvent = {
      eventId: publishedEventId(complaintId, step),
      type,
      complaintId,
      occurredAt: new Date().toISOString(),
      source: 'redress',
      data,
    };
    return publishLifecycle(event);
  };

  setHandler(complaintReceivedSignal, ({ eventId }) => {
    // A repeated delivery of the complaint: remembered, and otherwise ignored.
    seenEvents.add(eventId);
  });
  setHandler(statusQuery, status);
  setHandler(timelineQuery, () => [...timeline]);

  // Facts from other systems: each applied once, whatever how often Kafka delivers it.
  const fact = (action: string) => (event: ExternalFact<unknown>) => {
    if (seenEvents.has(event.eventId)) return;
    seenEvents.add(event.eventId);
    timeline.push({
      at: new Date().toISOString(),
      actor: { id: event.source, role: 'service' },
      action,
      eventId: event.eventId,
    });
  };
  setHandler(customerRepliedSignal, fact('customer.replied'));
  setHandler(customerWithdrewSignal, (event) => {
    fact('customer.withdrew')(event);
    withdrawn = true;
  });
  setHandler(remedyFulfilledSignal, fact('remedy.fulfilled'));
  setHandler(remedyFailedSignal, fact('remedy.failed'));
  setHandler(surveyRespondedSignal, fact('survey.responded'));
  setHandler(
    recordAccountUpdate,
    async ({ actor, account }) => {
      firstResponseAt ??= Date.now();
      stage = 'apology';
      await sendNotification(
        {
          complaintId,
          step: 'account-confirmation',
          kind: 'account-confirmation',
          customer: complaint.customer,
          channel: complaint.customer.preferredChannel ?? complaint.channel,
          vars: { account, actor: actor.id },
        },
        new Date().toISOString(),
      );
      return status();
    },
    {
      validator: ({ account }: RecordAccountInput) => {
        if (stage !== 'acknowledged' && stage !== 'listening') {
          throw new Error(`the account can be recorded in the acknowledged or listening stage, not in ${stage}`);
        }
        if (account.trim().length === 0) throw new Error('account: must not be empty');
      },
    },
  );

  await publish('complaint.opened', 'opened', {
    category: complaint.category,
    channel: complaint.channel,
    receivedAt: complaint.receivedAt,
    workflowId: workflowInfo().workflowId,
  });
  const deadlineIso = new Date(firstResponseDeadline).toISOString();
  await sendNotification(
    {
      complaintId,
      step: 'acknowledgement',
      kind: 'acknowledgement',
      customer: complaint.customer,
      channel: complaint.customer.preferredChannel ?? complaint.channel,
      vars: { firstResponseDeadline: deadlineIso },
    },
    new Date().toISOString(),
  );
  stage = 'acknowledged';
  await publish('complaint.acknowledged', 'acknowledged', { firstResponseDeadline: deadlineIso });

  const answeredInTime = await condition(
    () => firstResponseAt !== undefined || withdrawn,
    Math.max(firstResponseDeadline - Date.now(), 1),
  );
  if (!answeredInTime) {
    const at = new Date().toISOString();
    breaches.push({ clock: 'first-response', at });
    escalated = true;
    await publish('complaint.deadline-breached', 'breached:first-response', {
      clock: 'first-response',
      deadline: deadlineIso,
    });
    await publish('complaint.escalated', 'escalated:first-response', { reason: 'first-response window breached' });
  }
  // The complaint stays open for facts and actions until the customer withdraws it.
  await condition(() => withdrawn);
  stage = 'withdrawn';
  await publish('complaint.withdrawn', 'withdrawn', {});
  await condition(allHandlersFinished);
  return status();
}
