import { condition, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { ComplaintActivities, PublishBatch, PublishFailure, PublishReport } from '../activities';
import { notificationEventId, remedyRequestEventId } from '../domain/ids';
import type { QueuedBatch } from './messages';

/**
 * The outbox: what a complaint decided to publish, drained on its own path so that Kafka being away, or
 * a message it refuses, never holds up a timer, a warning, a breach or an update. Batches are published
 * in the order they were decided; one leaves the queue only once published (or reported as never
 * publishable), so a run that continues as new hands the rest over.
 *
 * Each drain first tries a local activity (one history marker, the fast path). If that fails — Kafka
 * slow or away — it hands the batch to an ordinary activity, whose retries cost no history events at all
 * however long the outage lasts: one scheduled/started/completed triple per outage, not a workflow-task
 * heartbeat every few seconds. Batches decided meanwhile wait in the queue (workflow state) and go out
 * together, in order, when Kafka returns.
 */

/**
 * One short try: a local activity holds the workflow task while it runs, so an update arriving meanwhile
 * waits for it. With Kafka away that wait is this timeout, once; then the durable path takes over.
 */
const fast = proxyLocalActivities<ComplaintActivities>({
  startToCloseTimeout: '2 seconds',
  retry: { maximumAttempts: 1 },
});
/** After the fast path failed, publish on the durable path for this long before trying it again. */
const DEGRADED_MS = 5 * 60_000;

/**
 * A week of retries (backing off to a minute) outlasts any outage worth waiting for; past it the batch
 * is reported as unpublished, so a bug that fails every attempt cannot wedge a complaint's outbox.
 */
const durable = proxyActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  scheduleToCloseTimeout: '7 days',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** The most queued batches published in one activity call. */
const MAX_BATCHES_PER_PUBLISH = 50;

export class Outbox {
  private publishing = false;
  /** Until when the fast path is not tried (it failed: Kafka is slow or away). */
  private degradedUntil = 0;

  constructor(private readonly queue: QueuedBatch[] = []) {}

  /** Queues a batch decided at `occurredAt`. */
  add(batch: PublishBatch, occurredAt: string): void {
    this.queue.push({ batch, occurredAt });
  }

  /** True when nothing is waiting or being published. */
  get idle(): boolean {
    return this.queue.length === 0 && !this.publishing;
  }

  /** What is still unpublished, for the next run. */
  pending(): QueuedBatch[] {
    return [...this.queue];
  }

  /**
   * Publishes queued batches for ever (run it without awaiting: it is the outbox's own path). `reported`
   * receives the messages that could never be published.
   */
  async drain(reported: (failures: PublishFailure[]) => void): Promise<never> {
    for (;;) {
      await condition(() => this.queue.length > 0);
      const taken = this.queue.slice(0, MAX_BATCHES_PER_PUBLISH);
      this.publishing = true;
      const report = await this.publish(merge(taken), taken[0]!.occurredAt);
      this.queue.splice(0, taken.length);
      this.publishing = false;
      if (report.failed.length > 0) reported(report.failed);
    }
  }

  private async publish(batch: PublishBatch, occurredAt: string): Promise<PublishReport> {
    const { linked = [], ...messages } = batch;
    // A batch of linked complaints alone publishes nothing (histories from before them never had one).
    const report = hasMessages(messages) ? await this.publishMessages(messages, occurredAt) : { failed: [] };
    for (const input of linked) {
      try {
        await durable.openLinkedComplaint(input);
      } catch (err) {
        const reason = `the linked complaint ${input.complaintId} was not opened: ${(err as Error).message}`;
        report.failed.push({ eventId: input.openedBy.eventId, topic: 'temporal', kind: 'linked-complaint', reason });
      }
    }
    return report;
  }

  private async publishMessages(batch: PublishBatch, occurredAt: string): Promise<PublishReport> {
    if (Date.now() >= this.degradedUntil) {
      try {
        return await fast.publish(batch, occurredAt);
      } catch {
        // Kafka slow or away: the durable activity takes over (see above).
        this.degradedUntil = Date.now() + DEGRADED_MS;
      }
    }
    try {
      return await durable.publish(batch, occurredAt);
    } catch (err) {
      const reason = `not published after a week of retries: ${(err as Error).message}`;
      return { failed: everyMessage(batch, reason) };
    }
  }
}

/** Batches in decision order, as one: per topic, the order stays the order they were decided in. */
function merge(taken: readonly QueuedBatch[]): PublishBatch {
  return {
    notifications: taken.flatMap((q) =>
      (q.batch.notifications ?? []).map((n) => ({ ...n, occurredAt: n.occurredAt ?? q.occurredAt })),
    ),
    remedies: taken.flatMap((q) => q.batch.remedies ?? []),
    lifecycle: taken.flatMap((q) => q.batch.lifecycle ?? []),
    ...(taken.some((q) => (q.batch.linked ?? []).length > 0)
      ? { linked: taken.flatMap((q) => q.batch.linked ?? []) }
      : {}),
  };
}

function hasMessages(batch: PublishBatch): boolean {
  return (batch.notifications ?? []).length + (batch.remedies ?? []).length + (batch.lifecycle ?? []).length > 0;
}

function everyMessage(batch: PublishBatch, reason: string): PublishFailure[] {
  return [
    ...(batch.notifications ?? []).map((n) => ({
      eventId: notificationEventId(n.complaintId, n.step),
      topic: 'notifications',
      kind: n.kind,
      reason,
    })),
    ...(batch.remedies ?? []).map((r) => ({
      eventId: remedyRequestEventId(r.complaintId, r.remedyId),
      topic: 'remedies',
      kind: 'remedy.requested',
      reason,
    })),
    ...(batch.lifecycle ?? []).map((e) => ({ eventId: e.eventId, topic: 'lifecycle', kind: e.type, reason })),
  ];
}
