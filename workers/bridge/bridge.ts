import type { Client } from '@temporalio/client';
import { Partitioners, type Consumer, type EachMessagePayload, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { createKafka } from '../kafka-client';
import type { Config } from '../../config';
import { parseInbound, type InboundTopicRole } from '../../domain/parse-inbound';
import { describeFieldErrors, type FieldError } from '../../domain/validation';
import { deadLetter } from './dead-letter';
import { deliver, TransientDeliveryError } from './route';

export interface BridgeStats {
  delivered: number;
  duplicates: number;
  deadLettered: number;
  transientRetries: number;
}

export interface Bridge {
  stats: BridgeStats;
  /** Stops consuming, lets in-flight messages finish, commits, and disconnects. */
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The Kafka bridge: consumes `complaints.intake` and `complaints.events`, validates every message,
 * and hands it to Temporal. A message's offset is committed only after Temporal accepted it, or after
 * it was written to the dead-letter topic; a Temporal outage is retried and never dead-lettered.
 * Partitions are processed concurrently; within one partition (hence one complaint) in order.
 */
export async function startBridge(config: Config, client: Client, logger: Logger): Promise<Bridge> {
  const kafka = createKafka(config, 'bridge', logger);
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumer: Consumer = kafka.consumer({ groupId: config.kafka.bridgeGroup, allowAutoTopicCreation: false });
  const roles = new Map<string, InboundTopicRole>([
    [config.topics.intake, 'intake'],
    [config.topics.events, 'events'],
  ]);
  const stats: BridgeStats = { delivered: 0, duplicates: 0, deadLettered: 0, transientRetries: 0 };
  let stopping = false;

  const toDeadLetters = async (p: EachMessagePayload, reason: string, errors: FieldError[]) => {
    const record = deadLetter(p.topic, p.partition, p.message, reason, errors);
    await producer.send({
      topic: config.topics.dlq,
      acks: -1,
      messages: [{ key: p.message.key, value: JSON.stringify(record), headers: { reason: reason.slice(0, 500) } }],
    });
    stats.deadLettered += 1;
    logger.warn({ topic: p.topic, partition: p.partition, offset: p.message.offset, reason }, 'message dead-lettered');
  };

  const handle = async (p: EachMessagePayload): Promise<void> => {
    const role = roles.get(p.topic);
    if (!role) return;
    const parsed = parseInbound(role, p.message.value, p.message.key);
    if (!parsed.ok) {
      await toDeadLetters(
        p,
        parsed.errors.length ? `${parsed.reason} (${describeFieldErrors(parsed.errors)})` : parsed.reason,
        parsed.errors,
      );
      return;
    }
    const event = parsed.event;
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await deliver(client, config.temporal.taskQueue, event);
        if (outcome.kind === 'rejected') {
          await toDeadLetters(p, outcome.reason, []);
        } else {
          stats[outcome.kind === 'delivered' ? 'delivered' : 'duplicates'] += 1;
          logger.debug(
            { complaintId: event.complaintId, type: event.type, eventId: event.eventId, outcome: outcome.kind },
            'delivered',
          );
        }
        return;
      } catch (err) {
        if (!(err instanceof TransientDeliveryError)) throw err;
        if (stopping) throw err; // Not committed: the next consumer of this partition retries it.
        stats.transientRetries += 1;
        // Back off up to 10 s, heartbeating so the group does not think this member died and
        // hand its partitions to another member mid-retry.
        const wait = Math.min(10_000, 250 * 2 ** Math.min(attempt, 6));
        logger.warn(
          { complaintId: event.complaintId, attempt, waitMs: wait, err: err.message },
          'Temporal unavailable; retrying',
        );
        await sleep(wait);
        await p.heartbeat();
      }
    }
  };

  await producer.connect();
  await consumer.connect();
  await consumer.subscribe({ topics: [...roles.keys()], fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 4,
    eachMessage: handle,
  });
  logger.info({ topics: [...roles.keys()], group: config.kafka.bridgeGroup }, 'bridge consuming');

  return {
    stats,
    async stop() {
      stopping = true;
      await consumer.disconnect();
      await producer.disconnect();
      logger.info({ ...stats }, 'bridge stopped');
    },
  };
}
