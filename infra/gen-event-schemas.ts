import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { COMPLAINT_UPDATED, ComplaintViewSchema } from '../domain/complaint-view';
import { join } from 'node:path';
import { z } from 'zod';
import {
  EnvelopeSchema,
  INBOUND_DATA_SCHEMAS,
  LIFECYCLE_EVENT_TYPES,
  REDRESS_SOURCE,
  type InboundEventType,
} from '../domain/events';
import { DeadLetterReplaySchema, DeadLetterSchema } from '../domain/dead-letter';
import { NotificationDataSchema } from '../domain/letters/notification-event';
import { repoRoot } from './paths';

/**
 * JSON Schemas of the Kafka contracts (DESIGN §4, docs/events.md), generated from the zod schemas
 * the bridge validates with, so an upstream team can validate an event before publishing it and a
 * schema can never drift from the code: a unit test fails when the committed files are stale.
 *
 *   node dist/infra/gen-event-schemas.js           writes docs/schemas/
 *   node dist/infra/gen-event-schemas.js --check   exits 1 when docs/schemas/ is out of date
 */

/** The contract's version, in each schema's $id. A breaking change gets a new event type instead. */
export const SCHEMA_VERSION = 1;

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, name: string, title: string, description: string): JsonSchema {
  // io 'input': what a producer must send (before defaults and trims are applied).
  const generated = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'throw' });
  return {
    $schema: generated.$schema,
    $id: `urn:redress:schema:${name}:v${SCHEMA_VERSION}`,
    title,
    description,
    ...Object.fromEntries(Object.entries(generated).filter(([k]) => k !== '$schema')),
  };
}

const INBOUND_TOPIC: Record<InboundEventType, string> = {
  'complaint.received': 'complaints.intake',
  'customer.replied': 'complaints.events',
  'customer.withdrew': 'complaints.events',
  'remedy.fulfilled': 'complaints.events',
  'remedy.failed': 'complaints.events',
  'survey.responded': 'complaints.events',
};

/** Every schema file of docs/schemas/, by file name. */
export function eventSchemas(): Record<string, JsonSchema> {
  const files: Record<string, JsonSchema> = {
    'envelope.schema.json': toSchema(
      EnvelopeSchema,
      'envelope',
      'Redress event envelope',
      'Every event on every Redress topic, in both directions. The message key is the complaintId.',
    ),
  };
  for (const type of Object.keys(INBOUND_DATA_SCHEMAS) as InboundEventType[]) {
    const event = EnvelopeSchema.extend({ type: z.literal(type), data: INBOUND_DATA_SCHEMAS[type] });
    files[`${type}.schema.json`] = toSchema(
      event,
      type,
      `${type} (on ${INBOUND_TOPIC[type]})`,
      `A ${type} event as an upstream system publishes it on ${INBOUND_TOPIC[type]}, keyed by complaintId. ` +
        'Strings must not contain control characters other than tab, CR and LF; the whole message must be at most 256 KiB.',
    );
  }
  files['lifecycle.schema.json'] = toSchema(
    EnvelopeSchema.extend({ type: z.enum(LIFECYCLE_EVENT_TYPES), source: z.literal(REDRESS_SOURCE) }),
    'lifecycle',
    'Lifecycle event (on complaints.lifecycle)',
    'What happened to a complaint, as Redress publishes it. eventId is redress:<complaintId>:<step>: a repeated id is a duplicate to drop.',
  );
  files[`${COMPLAINT_UPDATED}.schema.json`] = toSchema(
    EnvelopeSchema.extend({
      type: z.literal(COMPLAINT_UPDATED),
      source: z.literal(REDRESS_SOURCE),
      data: ComplaintViewSchema,
    }),
    COMPLAINT_UPDATED,
    `${COMPLAINT_UPDATED} (on complaints.lifecycle)`,
    'The record view of a complaint after a change: what lists, queues and reports filter on, no personal data. ' +
      'Keep the one with the highest data.revision: redeliveries and retries may bring an older one later.',
  );
  files['notification.requested.schema.json'] = toSchema(
    EnvelopeSchema.extend({
      type: z.literal('notification.requested'),
      source: z.literal(REDRESS_SOURCE),
      data: NotificationDataSchema,
    }),
    'notification.requested',
    'notification.requested (on complaints.notifications)',
    'A rendered message for the mailer or the contact centre; send it once per data.idempotencyKey. ' +
      'data.locale is the locale the words are in; data.attachments (additive) are the documents the letter says are enclosed, by reference.',
  );
  files['dead-letter.schema.json'] = toSchema(
    DeadLetterSchema,
    'dead-letter',
    'Dead letter (on complaints.dlq)',
    'An input the bridge (or the projector) could not accept: why (code, reason, errors, scrubbed of input text), where it came from (source), and the original, sealed with the payload key ring (sealed), or in clear (original) only when running unencrypted.',
  );
  files['dead-letter-replay.schema.json'] = toSchema(
    DeadLetterReplaySchema,
    'dead-letter-replay',
    'Dead-letter replay (on complaints.dlq.replays)',
    'A dead letter an operator replayed: which (replayOf), the event it became and where it was published, fixed or not, by whom and when.',
  );
  return files;
}

/** The directory the schemas are committed in. */
export function schemaDir(): string {
  return join(repoRoot(), 'docs', 'schemas');
}

export const render = (schema: JsonSchema) => `${JSON.stringify(schema, null, 2)}\n`;

function main(): void {
  const dir = schemaDir();
  const files = eventSchemas();
  if (process.argv.includes('--check')) {
    const stale = Object.entries(files).filter(([name, schema]) => {
      try {
        return readFileSync(join(dir, name), 'utf8') !== render(schema);
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      process.stderr.write(
        `out of date: ${stale.map(([n]) => n).join(', ')}; run node dist/infra/gen-event-schemas.js\n`,
      );
      process.exit(1);
    }
    return;
  }
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (name.endsWith('.schema.json') && !(name in files)) rmSync(join(dir, name));
  for (const [name, schema] of Object.entries(files)) writeFileSync(join(dir, name), render(schema));
  process.stdout.write(`wrote ${Object.keys(files).length} schemas to ${dir}\n`);
}

if (require.main === module) main();
