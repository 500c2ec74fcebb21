import { ConfigResourceTypes, type Kafka, type Producer } from 'kafkajs';
import { EnvelopeSchema } from '../../domain/events';
import { snapshotStore } from '../../store/tables';
import { complaintRecord, getComplaint } from '../../store/queries';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { rebuildStore } from '../../workers/projector/rebuild';
import { NOTIFICATIONS_RETENTION_MS } from '../../infra/kafka-topics';
import { waitUntil } from '../support/wait';
import { TopicCollector, testKafka, testProducer } from '../support/kafka';
import { publishRecords, recordStream, storeCounts } from '../support/projector-harness';
import { startTestRun, type TestRun } from '../support/stack';
import { DRIVERS, envSeal, freshStore } from '../support/store';
import { intakeEvents, updated, view } from '../support/store-events';
import type { Db } from '../../store/db';

/**
 * The projector fed through the real Kafka broker, into the store on each driver: what Redress
 * publishes lands in the store once, whatever is redelivered; what cannot be applied goes to the DLQ
 * with its reason while the rest flows; and a rebuild from offset zero gives the same store.
 */
describe.each(DRIVERS)('the projector into %s', (driver) => {
  let run: TestRun;
  let kafka: Kafka;
  let producer: Producer;
  let db: Db;
  let closeDb: () => Promise<void>;
  let projector: Projector | undefined;
  const group = () => `projector-${run.config.topics.lifecycle}`;

  beforeAll(async () => {
    run = await startTestRun(`projector-${driver}`);
    kafka = testKafka(run.config.kafka.brokers.join(','));
    producer = await testProducer(kafka);
    ({ db, close: closeDb } = await freshStore(driver));
  });
  afterAll(async () => {
    await projector?.stop();
    await producer.disconnect();
    await run.connection.close();
    await closeDb();
  });

  const stream = () => recordStream(run.config, `c-${driver}`, 40);
  // The poison complaint's intake events in order: the first the store cannot take, the next two fine.
  const poison = intakeEvents('c-poison').map((e) =>
    e.type === 'complaint.opened' ? { ...e, data: { ...e.data, policyVersion: 2 ** 40 } } : e,
  );

  it('projects every record once, and dead-letters what it cannot apply while the rest flows', async () => {
    const dlq = await new TopicCollector(kafka, [run.config.topics.dlq]).start();
    projector = await startProjector(run.config, kafka, db, run.logger, { groupId: group() });
    const s = stream();
    const half = Math.floor(s.messages.length / 2);
    await publishRecords(producer, s.messages.slice(0, half));
    const lifecycle = run.config.topics.lifecycle;
    await producer.send({
      topic: lifecycle,
      messages: [
        { key: 'c-bad', value: '{"eventId": "x", not json' },
        { key: 'c-bad', value: JSON.stringify({ ...updated('c-bad', view()), type: 'complaint.unheard-of' }) },
        // A view that breaks the ComplaintView schema (revision 0).
        { key: 'c-bad', value: JSON.stringify(updated('c-bad', view({ revision: 0 }))) },
        // An instant the database could not store: refused at decode, not in the transaction.
        { key: 'c-bad', value: JSON.stringify(updated('c-bad', view({ revision: 2, receivedAt: 'soon' }))) },
        // Poison: decodes (an integer), but out of range for the integer column. Without a savepoint
        // a record at a time, this failed the batch's transaction again and again, pausing the
        // partition as if the database were down, so the projector never caught up.
        ...poison.map((e) => ({ key: e.complaintId, value: JSON.stringify(e) })),
      ],
    });
    await publishRecords(producer, s.messages.slice(half));
    await waitUntil('the projector has caught up', () => projector!.caughtUp());

    // The stream, and the two events of the poison complaint that came after its refused one.
    expect(await storeCounts(db)).toEqual({ ...s.expected, events: s.expected.events + 2 });
    const one = await complaintRecord(db, s.complaintIds[0]!, envSeal());
    expect(one?.complaint).toMatchObject({ revision: 3, stage: 'listening', assignee: 'agent-3' });
    // The body sealed at rest and opened for the reader: the letter as sent.
    expect(one?.letters.map((l) => l.body)).toEqual(['Dear customer 0']);
    expect(one?.remedies).toMatchObject([{ remedyId: 'r1', status: 'requested', dueBy: '2026-03-06T10:00:00.000Z' }]);
    expect(await getComplaint(db, 'c-bad')).toBeUndefined();
    // Only the poison record was rolled back: the two events after it are in the log (their facts
    // update a row that does not exist, so there is still no complaint row).
    expect(await getComplaint(db, 'c-poison')).toBeUndefined();
    const logged = await db.query<{ type: string }>(
      "SELECT type FROM complaint_events WHERE complaint_id = 'c-poison' ORDER BY type",
    );
    expect(logged.rows.map((r) => r.type)).toEqual(['complaint.acknowledged', 'complaint.stage-changed']);

    await dlq.waitFor(run.config.topics.dlq, () => true, 5);
    const letters = dlq.find<{ code: string; reason: string; source: { topic: string }; eventId?: string }>(
      run.config.topics.dlq,
    );
    expect(letters.map((l) => l.code).sort()).toEqual([
      'invalid-data',
      'invalid-data',
      'not-json',
      'unapplicable',
      'unknown-type',
    ]);
    expect(new Set(letters.map((l) => l.source.topic))).toEqual(new Set([lifecycle]));
    const refused = letters.find((l) => l.code === 'unapplicable');
    expect(refused).toMatchObject({ eventId: poison[0]!.eventId, complaintId: 'c-poison' });
    expect(refused?.reason).toBe('the store refused complaint.opened: SQLSTATE 22003 (a data exception)');
    expect(letters.find((l) => l.reason.includes('receivedAt'))).toMatchObject({ code: 'invalid-data' });
    expect(projector.health()).toMatchObject({ status: 'ok', db: true, deadLettered: 5 });
    await dlq.stop();
  });

  it('changes nothing when everything is delivered again, or an older view comes late', async () => {
    const before = await snapshotStore(db);
    const s = stream();
    await publishRecords(producer, s.messages);
    const stale = updated(s.complaintIds[1]!, view({ revision: 2, stage: 'closed' }));
    await producer.send({
      topic: run.config.topics.lifecycle,
      messages: [{ key: stale.complaintId, value: JSON.stringify(stale) }],
    });
    await waitUntil('the projector has caught up again', () => projector!.caughtUp());
    expect(await snapshotStore(db)).toEqual(before);
    expect(projector!.health().duplicates).toBeGreaterThanOrEqual(s.messages.length);
  });

  it('rebuilds from offset zero a store equal to the live one', async () => {
    const live = await snapshotStore(db);
    await projector!.stop();
    projector = undefined;
    await rebuildStore(run.config, kafka, db, run.logger, { groupId: group(), pollMs: 200 });
    // Every row, byte for byte: letters are kept by a rebuild and a re-read letter's body is never
    // resealed (store/apply.ts), so even the sealed bodies, random IV and all, are the live ones.
    expect(await snapshotStore(db)).toEqual(live);
    // Not vacuous: the live store held the whole stream, its letter bodies sealed.
    expect(live.complaints).toHaveLength(40);
    expect(live.complaint_letters).toHaveLength(40);
    for (const l of live.complaint_letters as Array<{ body_key_id: string | null; body: string }>) {
      expect(l.body_key_id).not.toBeNull();
      expect(l.body).not.toContain('Dear customer');
    }
    for (const e of live.complaint_events as Array<{ event_id: string }>) {
      expect(EnvelopeSchema.shape.eventId.safeParse(e.event_id).success).toBe(true);
    }
  });

  it('keeps letters whose records expired from complaints.notifications through a rebuild', async () => {
    const notifications = run.config.topics.notifications;
    const admin = kafka.admin();
    await admin.connect();
    try {
      // The topic is provisioned with a finite retention (infra/kafka-topics.ts): letters are transport there.
      const [described] = (
        await admin.describeConfigs({
          resources: [{ type: ConfigResourceTypes.TOPIC, name: notifications, configNames: ['retention.ms'] }],
          includeSynonyms: false,
        })
      ).resources;
      expect(described?.configEntries.find((c) => c.configName === 'retention.ms')?.configValue).toBe(
        String(NOTIFICATIONS_RETENTION_MS),
      );
      // What retention does after 30 days, now: every letter record gone from the topic.
      const offsets = await admin.fetchTopicOffsets(notifications);
      await admin.deleteTopicRecords({
        topic: notifications,
        partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
      });
    } finally {
      await admin.disconnect();
    }
    const live = await snapshotStore(db);
    expect(live.complaint_letters).toHaveLength(40);
    await rebuildStore(run.config, kafka, db, run.logger, { groupId: group(), pollMs: 200 });
    // The store is the letters' record: the rebuild re-derived the rest and kept every letter.
    expect(await snapshotStore(db)).toEqual(live);
  });
});
