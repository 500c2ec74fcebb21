import type { Client } from '@temporalio/client';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import type { InboundEvent } from '../../domain/events';
import { complaintWorkflowId } from '../../domain/ids';
import type { ParseResult } from '../../domain/parse-inbound';
import { describeFieldErrors } from '../../domain/validation';
import type { OriginalProtection } from '../../platform/dead-letter-seal';
import { deadLetter, deadLetterHeaders, deadLetterKey, type Rejection } from './dead-letter';
import type { BridgeMetrics } from './metrics';
import type { Patience, PatienceLimits } from './patience';
import type { CoalescedCheck } from './progress';
import { deliver, TransientDeliveryError, type Delivery, type DeliveryTarget } from './route';

/**
 * Handling one inbound message: dead-letter it when invalid, deliver it to Temporal, decide what a
 * missing complaint or an unexpected error means (within the bounds of patience.ts). The batch,
 * lane and pause machinery around it is in bridge.ts.
 */

/** Why a delivery will be tried again later rather than now. */
export type TransientReason = 'temporal' | 'kafka' | 'awaiting-intake' | 'internal';

/** A failure that pauses the partition and retries: the message is good, something else is not ready. */
export class TransientFailure extends Error {
  constructor(
    readonly reason: TransientReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One fetched message with what parsing made of it. */
export interface Item {
  message: KafkaMessage;
  parsed: ParseResult;
}

/** Counts since start, for logs and tests (the metrics carry the same, labelled). */
export interface BridgeStats {
  delivered: number;
  duplicates: number;
  deadLettered: number;
  transientRetries: number;
}

/** What handling a message needs from the running bridge. */
export interface MessageHandlerDeps {
  client: Client;
  target: DeliveryTarget;
  /** How long one Temporal call may take before it counts as a transient failure. */
  callTimeoutMs: number;
  producer: Producer;
  dlqTopic: string;
  /** How dead letters keep their originals: sealed with the payload key ring, unless running unencrypted. */
  originals: OriginalProtection;
  metrics: BridgeMetrics;
  stats: BridgeStats;
  logger: Logger;
  /** How many intake messages the group has not processed yet. */
  intakeBehind: CoalescedCheck<bigint>;
  limits: PatienceLimits;
}

/**
 * What became of one message: done (`delivered`, `duplicate`, `dead-lettered`), or `transient` — the
 * failure that stops its lane for a retry.
 */
export type HandleOutcome =
  { kind: 'delivered' | 'duplicate' | 'dead-lettered' } | { kind: 'transient'; failure: TransientFailure };

/** The function that processes one message of a partition, answering with its outcome (it never throws). */
export type MessageHandler = (
  topic: string,
  partition: number,
  item: Item,
  patience: Patience,
) => Promise<HandleOutcome>;

const transient = (failure: TransientFailure): HandleOutcome => ({ kind: 'transient', failure });
const DEAD_LETTERED: HandleOutcome = { kind: 'dead-lettered' };

/** Makes the {@link MessageHandler} of a running bridge. */
export function messageHandler(deps: MessageHandlerDeps): MessageHandler {
  const { client, target, callTimeoutMs, producer, metrics, stats, logger, intakeBehind, limits } = deps;

  const sendToDeadLetters = async (
    topic: string,
    partition: number,
    message: KafkaMessage,
    rejection: Rejection,
  ): Promise<HandleOutcome> => {
    const record = deadLetter(topic, partition, message, rejection, deps.originals);
    try {
      await producer.send({
        topic: deps.dlqTopic,
        acks: -1,
        messages: [{ key: deadLetterKey(message), value: JSON.stringify(record), headers: deadLetterHeaders(record) }],
      });
    } catch (err) {
      return transient(
        new TransientFailure('kafka', `could not write to ${deps.dlqTopic}: ${(err as Error).message}`, { cause: err }),
      );
    }
    stats.deadLettered += 1;
    metrics.messages.inc({ topic, outcome: 'dead_lettered', code: rejection.code });
    // Ids only: the reason may quote field names from the input, and the payload is personal data.
    logger.warn(
      {
        topic,
        partition,
        offset: message.offset,
        code: rejection.code,
        eventId: rejection.eventId,
        complaintId: rejection.complaintId,
      },
      'message dead-lettered',
    );
    return DEAD_LETTERED;
  };

  /** Delivers, or answers the transient failure (an unexpected error still throws: see `attempt`). */
  const deliverTimed = async (event: InboundEvent): Promise<Delivery | TransientFailure> => {
    const done = metrics.deliverySeconds.startTimer({ type: event.type });
    try {
      return await client.connection.withDeadline(Date.now() + callTimeoutMs, () => deliver(client, target, event));
    } catch (err) {
      if (err instanceof TransientDeliveryError) return new TransientFailure('temporal', err.message, { cause: err });
      throw err;
    } finally {
      done();
    }
  };

  /** Why a fact's complaint has no open workflow, in words for the dead letter. */
  const missingReason = async (event: InboundEvent): Promise<string> => {
    try {
      const described = await client.connection.withDeadline(Date.now() + callTimeoutMs, () =>
        client.workflow.getHandle(complaintWorkflowId(event.complaintId)).describe(),
      );
      return `complaint ${event.complaintId} is closed (${described.status.name}); ${event.type} cannot be applied`;
    } catch {
      return `no complaint ${event.complaintId}: ${event.type} refers to a complaint Redress never received`;
    }
  };

  const processItem = async (
    topic: string,
    partition: number,
    { message, parsed }: Item,
    patience: Patience,
  ): Promise<HandleOutcome> => {
    if (!parsed.ok) {
      const detail = parsed.errors.length ? ` (${describeFieldErrors(parsed.errors)})` : '';
      return sendToDeadLetters(topic, partition, message, {
        code: parsed.code,
        // Kept in clear once scrubbed (deadLetter): names fields, never quotes the input.
        reason: `${parsed.reason}${detail}`,
        errors: parsed.errors,
        ...parsed.ids,
      });
    }
    const event = parsed.event;
    const ids = { eventId: event.eventId, complaintId: event.complaintId };
    let outcome = await deliverTimed(event);
    if (outcome instanceof TransientFailure) return transient(outcome);
    if (outcome.kind === 'unknown-complaint') {
      // Past its bound the fact gets its last try whatever intake does, so reading intake is pointless.
      let behind = 0n;
      if (!patience.waitedOut(message.offset, Date.now())) {
        try {
          behind = await intakeBehind.run();
        } catch (err) {
          return transient(
            new TransientFailure('kafka', `could not read intake progress: ${(err as Error).message}`, { cause: err }),
          );
        }
      }
      const decision = patience.unknownComplaint(message.offset, Date.now(), behind);
      if (decision.action === 'wait') {
        return transient(
          new TransientFailure(
            'awaiting-intake',
            `complaint ${event.complaintId} is not open yet and the intake topic has ${behind} unprocessed message(s)`,
          ),
        );
      }
      // Intake has caught up, or the fact has waited its bound: if the complaint was on its way, it may be open now.
      outcome = await deliverTimed(event);
      if (outcome instanceof TransientFailure) return transient(outcome);
      if (outcome.kind === 'unknown-complaint') {
        const waited = decision.waitedMs > 0 ? ` (waited ${Math.round(decision.waitedMs / 1000)} s for it)` : '';
        if (decision.waitedMs >= limits.unknownComplaintWaitMs) {
          metrics.retriesExhausted.inc({ topic, reason: 'awaiting-intake' });
        }
        const reason = `${await missingReason(event)}${waited}`;
        return sendToDeadLetters(topic, partition, message, { code: 'unknown-complaint', reason, errors: [], ...ids });
      }
    }
    if (outcome.kind === 'rejected') {
      // The refusal's words may quote what the event carried: sealed as the detail, the type in clear.
      return sendToDeadLetters(topic, partition, message, {
        code: 'rejected',
        reason: `${event.type} refused for good by the complaint or by Temporal`,
        detail: outcome.reason,
        errors: [],
        ...ids,
      });
    }
    if (outcome.kind === 'delivered') stats.delivered += 1;
    else stats.duplicates += 1;
    metrics.messages.inc({ topic, outcome: outcome.kind, code: '' });
    logger.debug({ ...ids, type: event.type, outcome: outcome.kind }, 'delivered');
    return { kind: outcome.kind };
  };

  /**
   * Processes one message. Returns the failure that stops its lane for a retry, or undefined when
   * the message is done (delivered or dead-lettered). An unexpected error (a bug, not an outage) is
   * retried with the usual backoff up to `maxInternalAttempts` times, then dead-lettered as `internal`,
   * so one poisonous message cannot stop its partition for good.
   */
  const attempt = async (topic: string, partition: number, item: Item, patience: Patience): Promise<HandleOutcome> => {
    try {
      return await processItem(topic, partition, item, patience);
    } catch (err) {
      const { offset } = item.message;
      // Ids only, never the payload: it is the customer's personal data.
      const ids = item.parsed.ok
        ? { eventId: item.parsed.event.eventId, complaintId: item.parsed.event.complaintId }
        : {};
      const what = `unexpected error: ${(err as Error).message}`;
      const decision = patience.internalFailure(offset);
      const where = { err, topic, partition, offset, ...ids, attempt: decision.attempt };
      if (decision.action === 'retry') {
        logger.error({ ...where, maxAttempts: limits.maxInternalAttempts }, 'unexpected error; will retry');
        return transient(new TransientFailure('internal', what, { cause: err }));
      }
      logger.error(where, 'unexpected error on every attempt: dead-lettering the message');
      metrics.retriesExhausted.inc({ topic, reason: 'internal' });
      // The dead-letter topic being away is a transient failure like any other: the next attempt tries again.
      return sendToDeadLetters(topic, partition, item.message, {
        code: 'internal',
        // An unexpected error's message may hold anything: sealed as the detail.
        reason: `unexpected error on each of ${decision.attempt} attempts`,
        detail: `${what} (on each of ${decision.attempt} attempts)`,
        errors: [],
        ...ids,
      });
    }
  };

  return attempt;
}
