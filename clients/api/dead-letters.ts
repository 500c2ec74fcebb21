import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { z } from 'zod';
import {
  DeadLetterIdSchema,
  DeadLetterReplaySchema,
  DeadLetterSchema,
  SealedContentSchema,
  type DeadLetter,
  type DeadLetterReplay,
  type SealedContent,
} from '../../domain/dead-letter';
import { earliestEffectiveFrom } from '../../domain/instant-rules';
import { parseInbound, type InboundTopicRole } from '../../domain/parse-inbound';
import type { Policy } from '../../domain/policy/schema';
import type { Topics } from '../../domain/topics';
import { openDeadLetter } from '../../platform/dead-letter-seal';
import type { KeyRingCipher } from '../../platform/payload-codec';
import { ApiError, badRequest, conflict, notFound } from './errors';

/**
 * The dead letters of `complaints.dlq` for an operator (`GET /dead-letters`, `redress dlq`): listed by
 * their clear routing facts, one opened with the payload key ring, and replayed to its source topic
 * once, each replay recorded on `complaints.dlq.replays`. The API reads the topics on each request
 * (a short-lived consumer from the first offset to the last): nothing of the letters is kept in the
 * process, and the topics' 30 days bound the work. The CLI goes through here, so the key ring stays
 * on the servers and every read and replay passes the API's roles and its audit log.
 */

/** A letter as listed: its id, its clear facts, and its replay when it had one. */
export const DeadLetterSummarySchema = DeadLetterSchema.omit({ sealed: true, original: true, detail: true }).extend({
  id: DeadLetterIdSchema,
  /** The original's sizes in bytes, and whether only its first bytes were kept. */
  sizes: z.strictObject({ key: z.number().int(), value: z.number().int(), truncated: z.boolean() }),
  replay: DeadLetterReplaySchema.optional(),
});
export type DeadLetterSummary = z.infer<typeof DeadLetterSummarySchema>;

/** A letter opened: its summary and what was sealed, the key as text and the value as text when it is UTF-8. */
export const OpenedDeadLetterSchema = DeadLetterSummarySchema.extend({
  content: SealedContentSchema.omit({ key: true, value: true }).extend({
    key: z.string().nullable(),
    valueBase64: z.string().nullable(),
    value: z.string().optional(),
  }),
});
export type OpenedDeadLetter = z.infer<typeof OpenedDeadLetterSchema>;

export interface DeadLetterFilter {
  code?: string;
  complaintId?: string;
  /** Letters rejected at or after this instant (epoch ms). */
  since?: number;
  limit: number;
}

export interface DeadLettersDeps {
  kafka: Kafka;
  topics: Pick<Topics, 'dlq' | 'dlqReplays' | 'intake' | 'events'>;
  /** The payload key ring's cipher; absent when the deployment runs unencrypted. */
  cipher: KeyRingCipher | undefined;
  logger: Logger;
  /** The policies in force: a replayed message must meet the bridge's instant rules too. */
  policies: readonly Policy[];
  /** How long one read of a topic may take before the request answers 503 (default 30 s). */
  scanTimeoutMs?: number;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
const idOf = (partition: number, offset: string) => `${partition}-${offset}`;

export class DeadLetters {
  private producer?: Promise<Producer>;
  private readonly roles: ReadonlyMap<string, InboundTopicRole>;
  private readonly earliest: number;

  constructor(private readonly deps: DeadLettersDeps) {
    this.roles = new Map([
      [deps.topics.intake, 'intake'],
      [deps.topics.events, 'events'],
    ]);
    this.earliest = earliestEffectiveFrom(deps.policies);
  }

  /** Letters matching the filter, newest first, at most `limit`. */
  async list(filter: DeadLetterFilter): Promise<DeadLetterSummary[]> {
    const replays = await this.replays();
    const out: DeadLetterSummary[] = [];
    await this.scan(this.deps.topics.dlq, undefined, (partition, message) => {
      const letter = parseLetter(message);
      if (!letter) return;
      if (filter.code !== undefined && letter.code !== filter.code) return;
      if (filter.complaintId !== undefined && letter.complaintId !== filter.complaintId) return;
      if (filter.since !== undefined && Date.parse(letter.rejectedAt) < filter.since) return;
      out.push(summary(idOf(partition, message.offset), letter, replays));
    });
    return out.sort((a, b) => b.rejectedAt.localeCompare(a.rejectedAt)).slice(0, filter.limit);
  }

  /** One letter opened with the key ring; the read is logged (who, which letter: never its content). */
  async show(id: string, by: string): Promise<OpenedDeadLetter> {
    const [letter, replays] = await Promise.all([this.find(id), this.replays()]);
    const content = this.open(letter);
    this.deps.logger.info({ deadLetter: id, by, code: letter.code }, 'dead letter opened');
    const { key, value, ...rest } = content;
    const bytes = value === null ? null : Buffer.from(value, 'base64');
    let text: string | undefined;
    try {
      text = bytes ? utf8.decode(bytes) : undefined;
    } catch {
      text = undefined;
    }
    return {
      ...summary(id, letter, replays),
      content: {
        ...rest,
        key: key === null ? null : Buffer.from(key, 'base64').toString('utf8'),
        valueBase64: value,
        ...(text === undefined ? {} : { value: text }),
      },
    };
  }

  /**
   * Publishes the letter's original (or `fixed`, a corrected message) to its source topic, once: a
   * letter with a replay record answers that record and publishes nothing. The message must pass the
   * bridge's own checks first, so a fix that is still wrong is refused here, with its field errors,
   * rather than dead-lettered again.
   */
  async replay(
    id: string,
    fixed: unknown,
    by: string,
  ): Promise<{ replay: DeadLetterReplay; alreadyReplayed: boolean }> {
    const [letter, replays] = await Promise.all([this.find(id), this.replays()]);
    const earlier = replays.get(id);
    if (earlier) return { replay: earlier, alreadyReplayed: true };
    const role = this.roles.get(letter.source.topic);
    if (!role) {
      throw conflict(
        `dead letter ${id} came from ${letter.source.topic}, which Redress itself writes: only the bridge's inputs (${[...this.roles.keys()].join(', ')}) are replayed`,
      );
    }
    const content = this.open(letter);
    let value: Buffer;
    if (fixed === undefined) {
      if (letter.sealed?.truncated ?? letter.original?.valueBytes.truncated) {
        throw conflict(`dead letter ${id} keeps only the first bytes of its original: replay it with a fixed message`);
      }
      value = Buffer.from(content.value ?? '', 'base64');
    } else {
      value = Buffer.from(JSON.stringify(fixed), 'utf8');
    }
    const parsed = parseInbound(role, value, null, { now: Date.now(), earliest: this.earliest });
    if (!parsed.ok) {
      throw badRequest(
        `the ${fixed === undefined ? 'original' : 'fixed message'} would be dead-lettered again (${parsed.code}): ${parsed.reason}`,
        parsed.errors,
      );
    }
    const { eventId, complaintId } = parsed.event;
    const producer = await this.connectedProducer();
    const [sent] = await producer.send({
      topic: letter.source.topic,
      acks: -1,
      // Keyed by the complaint, as the bridge requires, so it keeps its place among the complaint's events.
      messages: [{ key: complaintId, value, headers: { 'redress-replay-of': id } }],
    });
    const replay: DeadLetterReplay = {
      replayOf: id,
      eventId,
      complaintId,
      topic: letter.source.topic,
      partition: sent?.partition ?? -1,
      offset: sent?.baseOffset ?? '',
      fixed: fixed !== undefined,
      by,
      replayedAt: new Date().toISOString(),
    };
    await producer.send({
      topic: this.deps.topics.dlqReplays,
      acks: -1,
      messages: [{ key: id, value: JSON.stringify(replay) }],
    });
    this.deps.logger.info({ deadLetter: id, by, eventId, complaintId, fixed: replay.fixed }, 'dead letter replayed');
    return { replay, alreadyReplayed: false };
  }

  async close(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    if (producer) await (await producer).disconnect();
  }

  private open(letter: DeadLetter): SealedContent {
    try {
      return openDeadLetter(this.deps.cipher, letter);
    } catch (err) {
      throw new ApiError(500, 'sealed', `cannot open the dead letter: ${(err as Error).message}`);
    }
  }

  private connectedProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })();
    return this.producer;
  }

  private async find(id: string): Promise<DeadLetter> {
    // Offsets are 64-bit: compared as bigints, never as numbers that lose their last digits.
    const [partition, offset] = [Number(id.split('-')[0]), BigInt(id.split('-')[1] ?? '')];
    let found: DeadLetter | undefined;
    await this.scan(this.deps.topics.dlq, { partition, offset }, (p, message) => {
      if (p === partition && BigInt(message.offset) === offset) found = parseLetter(message);
    });
    if (!found) throw notFound(`no dead letter ${id} on ${this.deps.topics.dlq} (or past its retention)`);
    return found;
  }

  /** Every replay record, by the letter it replayed (the first, should two have raced). */
  private async replays(): Promise<Map<string, DeadLetterReplay>> {
    const byLetter = new Map<string, DeadLetterReplay>();
    await this.scan(this.deps.topics.dlqReplays, undefined, (_p, message) => {
      const parsed = DeadLetterReplaySchema.safeParse(jsonOf(message));
      if (parsed.success && !byLetter.has(parsed.data.replayOf)) byLetter.set(parsed.data.replayOf, parsed.data);
    });
    return byLetter;
  }

  /**
   * Reads `topic` from its first offset up to its end as it is now (or, given `until`, only that
   * partition up to that offset), calling `visit` for each record.
   */
  private async scan(
    topic: string,
    until: { partition: number; offset: bigint } | undefined,
    visit: (partition: number, message: KafkaMessage) => void,
  ): Promise<void> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    let ends: Map<number, bigint>;
    try {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends = new Map();
      for (const o of offsets) {
        const [low, last] = [BigInt(o.low), BigInt(o.high) - 1n];
        if (last < low) continue;
        if (!until) ends.set(o.partition, last);
        else if (o.partition === until.partition && until.offset >= low) {
          ends.set(o.partition, until.offset < last ? until.offset : last);
        }
      }
    } finally {
      await admin.disconnect();
    }
    if (ends.size === 0) return;
    // A group of its own, never committed: it reads from the start each time and leaves nothing behind.
    const consumer = this.deps.kafka.consumer({
      groupId: `redress-api-dlq-read-${randomUUID()}`,
      maxWaitTimeInMs: 200,
    });
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const timeoutMs = this.deps.scanTimeoutMs ?? 30_000;
    const timer = setTimeout(finish, timeoutMs);
    let timedOut = true;
    try {
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachMessage: ({ partition, message }) => {
          const end = ends.get(partition);
          if (end === undefined || BigInt(message.offset) > end) return Promise.resolve();
          visit(partition, message);
          if (BigInt(message.offset) === end) ends.delete(partition);
          if (ends.size === 0) {
            timedOut = false;
            finish();
          }
          return Promise.resolve();
        },
      });
      await done;
    } finally {
      clearTimeout(timer);
      await consumer.disconnect();
    }
    if (timedOut) {
      throw new ApiError(503, 'unavailable', `could not read ${topic} within ${timeoutMs} ms: try again`, {
        retryAfterSeconds: 5,
      });
    }
  }
}

function jsonOf(message: KafkaMessage): unknown {
  try {
    return message.value ? (JSON.parse(message.value.toString('utf8')) as unknown) : undefined;
  } catch {
    return undefined;
  }
}

/** A record of the dead-letter topic as a letter; one that is not (a stray write) is skipped. */
function parseLetter(message: KafkaMessage): DeadLetter | undefined {
  const parsed = DeadLetterSchema.safeParse(jsonOf(message));
  return parsed.success ? parsed.data : undefined;
}

function summary(id: string, letter: DeadLetter, replays: Map<string, DeadLetterReplay>): DeadLetterSummary {
  const { sealed, original, detail: _detail, ...clear } = letter;
  const replay = replays.get(id);
  return {
    id,
    ...clear,
    sizes: sealed
      ? { key: sealed.keySize, value: sealed.valueSize, truncated: sealed.truncated }
      : {
          key: original?.keyBytes.size ?? 0,
          value: original?.valueBytes.size ?? 0,
          truncated: original?.valueBytes.truncated ?? false,
        },
    ...(replay ? { replay } : {}),
  };
}
