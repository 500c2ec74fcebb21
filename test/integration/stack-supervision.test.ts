import { rmSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { Partitioners } from 'kafkajs';
import { complaintFixture, receivedEvent } from '../support/fixtures';
import { TopicCollector, testKafka } from '../support/kafka';
import { startLocalStack, type LocalStack } from '../support/local-stack';
import { sleep, waitUntil } from '../support/wait';
import { complaintWorkflowId } from '../../domain/ids';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { loadDataConverter } from '../../platform/data-converter';
import { pgDb } from '../../store/db';

/**
 * Issue 18 §4: the local stack supervises what it runs. The real stack (`node dist/infra/stack.js`, as
 * `scripts/up` runs it) takes complaints at a steady rate, half on Kafka and half through the API,
 * while each of its processes in turn is killed with SIGKILL. Afterwards every complaint exists once in
 * Temporal and in the store, every one reached `complaint.acknowledged`, no lifecycle event was
 * recorded twice, nothing was dead-lettered, and the stack restarted each part it lost.
 */
const PARTS = ['worker', 'bridge', 'api', 'projector', 'kafka', 'temporal'] as const;
// One complaint a second: enough to have complaints in flight at every kill, little enough that two
// shared cores keep up (faster, workflow tasks time out under the load and the test measures the machine).
const INTERVAL_MS = 1_000;

let stack: LocalStack;
let passed = false;

beforeAll(async () => {
  stack = await startLocalStack({
    REDRESS_STACK_BACKOFF_MS: '200',
    REDRESS_STACK_BACKOFF_MAX_MS: '2000',
    // A killed consumer's partitions are handed on when its session lapses: the least Kafka allows.
    REDRESS_BRIDGE_SESSION_TIMEOUT_MS: '6000',
    REDRESS_PROJECTOR_SESSION_TIMEOUT_MS: '6000',
  });
}, 320_000);

afterAll(async () => {
  await stack?.process.stop(60_000);
  // Two servers' data and six logs: kept only when the test failed, to read.
  if (stack && passed) rmSync(stack.dataDir, { recursive: true, force: true });
});

/** Keeps at it until the complaint is accepted: a part being down is a reason to try again, not to stop. */
async function submitUntilAccepted(attempt: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 240_000;
  for (;;) {
    try {
      return await attempt();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(500);
    }
  }
}

it('loses nothing and applies nothing twice while each part is killed in turn', async () => {
  const kafka = testKafka(`127.0.0.1:${stack.ports.kafka}`);
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: false,
  });
  await producer.connect();
  const operatorKey = stack.apiKey('operator');
  const run = Date.now().toString(36);
  const submissions: Array<Promise<void>> = [];
  const ids: string[] = [];
  const submit = (n: number) => {
    const complaintId = `c-sv-${run}-${n}`;
    ids.push(complaintId);
    // A customer each: one customer's many complaints would make every intake look up a long repeat history.
    const complaint = complaintFixture({
      customer: { id: `cust-${complaintId}`, name: 'Ada Lovelace', email: 'ada@example.com', jurisdiction: 'GB-ENG' },
    });
    if (n % 2 === 0) {
      // The same event id on every try: the bridge drops a second delivery.
      const event = JSON.stringify(receivedEvent(complaintId, `evt-${complaintId}`, complaint));
      return submitUntilAccepted(async () => {
        await producer.send({ topic: DEFAULT_TOPICS.intake, messages: [{ key: complaintId, value: event }] });
      });
    }
    return submitUntilAccepted(async () => {
      const res = await fetch(`http://127.0.0.1:${stack.ports.api}/complaints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ complaintId, ...complaint }),
        signal: AbortSignal.timeout(15_000),
      });
      // 201 created, or 200: the complaint exists already (an earlier try got through).
      if (res.status !== 201 && res.status !== 200) throw new Error(`POST /complaints answered ${res.status}`);
    });
  };

  let flowing = true;
  const flow = (async () => {
    for (let n = 0; flowing; n++) {
      submissions.push(submit(n));
      await sleep(INTERVAL_MS);
    }
  })();

  const killed: Record<string, { pid: number; restartedAs: number }> = {};
  for (const part of PARTS) {
    await sleep(3_000);
    const pid = stack.pids()[part];
    if (pid === undefined) throw new Error(`the stack recorded no pid for ${part}`);
    process.kill(pid, 'SIGKILL');
    const restartedAs = await waitUntil(
      `${part} restarted`,
      () => {
        const now = stack.pids()[part];
        return now !== undefined && now !== pid ? now : undefined;
      },
      150_000,
    );
    killed[part] = { pid, restartedAs };
  }
  flowing = false;
  await flow;
  await Promise.all(submissions);
  await producer.disconnect();
  expect(ids.length).toBeGreaterThan(15);

  const collector = await new TopicCollector(kafka, [DEFAULT_TOPICS.lifecycle, DEFAULT_TOPICS.dlq]).start();
  const store = pgDb(`postgres://postgres@127.0.0.1:${stack.ports.store}/postgres`, { max: 1 });
  const connection = await Connection.connect({ address: `127.0.0.1:${stack.ports.temporal}` });
  try {
    // Every accepted complaint was acknowledged (on the topic, at least once: a retried publish repeats
    // an event with its id, so the distinct complaints are what is counted).
    const mine = (e: { complaintId?: string }) => e.complaintId?.startsWith(`c-sv-${run}-`) ?? false;
    const acknowledged = () =>
      new Set(
        collector
          .find<{ complaintId: string; type: string }>(DEFAULT_TOPICS.lifecycle, mine)
          .filter((e) => e.type === 'complaint.acknowledged')
          .map((e) => e.complaintId),
      );
    await waitUntil('every complaint acknowledged', () => acknowledged().size >= ids.length, 180_000).catch(
      () => undefined,
    );
    expect([...ids].filter((id) => !acknowledged().has(id))).toEqual([]);

    // ... and the store holds each complaint once, acknowledged, with one opened and one acknowledged event.
    const rows = await waitUntil(
      'the store caught up',
      async () => {
        const r = await store.query<{ complaint_id: string }>(
          `SELECT complaint_id FROM complaints WHERE complaint_id LIKE $1 AND acknowledged_at IS NOT NULL`,
          [`c-sv-${run}-%`],
        );
        return r.rows.length === ids.length ? r.rows : undefined;
      },
      120_000,
    );
    expect(rows.map((r) => r.complaint_id).sort()).toEqual([...ids].sort());
    const twice = await store.query<{ complaint_id: string; type: string; n: string }>(
      `SELECT complaint_id, type, count(*) AS n FROM complaint_events
        WHERE complaint_id LIKE $1 AND type IN ('complaint.opened', 'complaint.acknowledged')
        GROUP BY complaint_id, type HAVING count(*) <> 1`,
      [`c-sv-${run}-%`],
    );
    expect(twice.rows).toEqual([]);
    const {
      rows: [events],
    } = await store.query<{ n: string }>(
      `SELECT count(*) AS n FROM complaint_events WHERE complaint_id LIKE $1 AND type IN ('complaint.opened', 'complaint.acknowledged')`,
      [`c-sv-${run}-%`],
    );
    expect(Number(events?.n)).toBe(2 * ids.length);

    // Temporal holds one workflow execution for each complaint.
    const client = new Client({ connection, dataConverter: loadDataConverter(process.env).dataConverter });
    const executions: string[] = [];
    for await (const w of client.workflow.list({
      query: `WorkflowId STARTS_WITH "${complaintWorkflowId(`c-sv-${run}-`)}"`,
    })) {
      executions.push(w.workflowId);
    }
    expect(executions.sort()).toEqual(ids.map(complaintWorkflowId).sort());

    expect(collector.find(DEFAULT_TOPICS.dlq)).toEqual([]);
    const restarts = await stack.restarts();
    for (const part of PARTS)
      expect({ part, restarted: (restarts[part] ?? 0) >= 1 }).toEqual({ part, restarted: true });
    expect(Object.keys(killed)).toEqual([...PARTS]);
    passed = true;
  } finally {
    await collector.stop();
    await store.close();
    await connection.close();
  }
}, 600_000);
