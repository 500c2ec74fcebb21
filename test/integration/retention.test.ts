import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import type { FastifyInstance } from 'fastify';
import type { Kafka } from 'kafkajs';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import { main } from '../../clients/cli/main';
import { ApiKeyStore, generateApiKey, hashApiKey } from '../../config/api-keys';
import { complaintWorkflowId } from '../../domain/ids';
import {
  ensureNamespace,
  MIN_RETENTION_SECONDS,
  namespaceRetentionSeconds,
  setNamespaceRetention,
} from '../../infra/namespace-retention';
import { ensureSearchAttributes } from '../../infra/search-attributes';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { getComplaint } from '../../store/queries';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { remedyFulfilledSignal } from '../../workflows/messages';
import { listenLocally } from '../support/api-harness';
import { waitUntil } from '../support/wait';
import { complaintFixture } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * A complaint Temporal has forgotten is still on the record. On the real dev server, in a namespace of its
 * own with the shortest retention the server accepts (1 hour: it refuses less), a complaint is worked to
 * closed by the real worker (the `it-closing` policy's follow-up and reopen windows last seconds), its
 * events reach the store through Kafka and the projector, and then its closed workflow is deleted — what
 * retention does an hour later, done at once. The API still lists it, answers its stored record and its
 * timeline (the store's event log), and counts it in the metrics and reports.
 */
const POLICY_DIR = join(__dirname, '../support/policies-closing');
const namespace = `retention-${randomUUID().slice(0, 8)}`;
const keys = { operator: generateApiKey(), auditor: generateApiKey(), service: generateApiKey() };
let savedPolicyDir: string | undefined;
let stack: TestStack;
let kafka: Kafka;
let db: Db;
let projector: Projector;
let api: FastifyInstance;
let base: string;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });

beforeAll(async () => {
  savedPolicyDir = process.env.REDRESS_POLICY_DIR;
  process.env.REDRESS_POLICY_DIR = POLICY_DIR; // the worker reads its policies at start
  const address = process.env.TEMPORAL_ADDRESS ?? '';
  const connection = await Connection.connect({ address });
  try {
    await ensureNamespace(connection, namespace, MIN_RETENTION_SECONDS);
    // A new namespace reaches the frontend's cache within seconds: until then its calls fail.
    await waitUntil('the namespace is usable', async () =>
      ensureSearchAttributes(address, namespace).then(
        () => true,
        () => false,
      ),
    );
  } finally {
    await connection.close();
  }
  stack = await startTestStack('retention', { bridge: false, env: { TEMPORAL_NAMESPACE: namespace } });
  kafka = testKafka(stack.config.kafka.brokers.join(','));
  ({ db } = await pgliteDb(undefined));
  await migrate(db);
  projector = await startProjector(stack.config, kafka, db, logger, {
    groupId: `p-${stack.config.topics.lifecycle}`,
  });
  const apiKeys = new ApiKeyStore([
    { id: 'it-operator', role: 'operator', sha256: hashApiKey(keys.operator) },
    { id: 'it-auditor', role: 'auditor', sha256: hashApiKey(keys.auditor) },
    { id: 'it-service', role: 'service', sha256: hashApiKey(keys.service) },
  ]);
  api = buildApi({ config: stack.config, client: stack.client, logger, keys: apiKeys, store: db });
  base = await listenLocally(api);
}, 120_000);
afterAll(async () => {
  await api?.close();
  await projector?.stop();
  await stack?.stop();
  await db?.close();
  if (savedPolicyDir === undefined) delete process.env.REDRESS_POLICY_DIR;
  else process.env.REDRESS_POLICY_DIR = savedPolicyDir;
});

const call = async (as: keyof typeof keys, method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${keys[as]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text, json: (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown> };
};

it('refuses a retention shorter than an hour, which is why the test deletes the workflow itself', async () => {
  const connection = await Connection.connect({ address: stack.config.temporal.address });
  try {
    expect(await namespaceRetentionSeconds(connection, namespace)).toBe(MIN_RETENTION_SECONDS);
    await expect(setNamespaceRetention(connection, namespace, 60)).rejects.toThrow(/retention/i);
  } finally {
    await connection.close();
  }
});

it('lists, reads and counts a closed complaint after Temporal has forgotten it', async () => {
  const id = `ret-${randomUUID().slice(0, 8)}`;
  const fixture = complaintFixture({});
  const submitted = await call('operator', 'POST', '/complaints', {
    complaintId: id,
    ...fixture,
    customer: { ...fixture.customer, jurisdiction: 'FR' },
    receivedAt: new Date().toISOString(),
  });
  expect(submitted.status).toBe(201);
  const act = (path: string, body: unknown) =>
    waitUntil(`the ${path} action to be taken`, async () => {
      const res = await call('operator', 'POST', `/complaints/${id}/${path}`, body);
      expect(res.status).toBe(200);
      return res.json;
    });
  await act('assignment', { assignee: 'agent-r' });
  await act('account', { account: 'Charged twice.', confirmed: true, confirmedHow: 'on a call' });
  await act('apology', { text: 'We are sorry.', faultAdmitted: true });
  await act('remedy', { kind: 'refund', description: 'The second charge', amount: 20, currency: 'EUR' });
  const handle = stack.client.workflow.getHandle(complaintWorkflowId(id));
  await handle.signal(remedyFulfilledSignal, {
    eventId: `ful-${id}`,
    source: 'fulfilment',
    occurredAt: new Date().toISOString(),
    data: { remedyId: `${id}:remedy:1` },
  });
  const resolved = await act('resolution', {
    response: 'final-response',
    outcome: 'upheld',
    reasons: 'We charged you twice by mistake.',
    cause: 'billing-error',
  });
  expect(resolved.stage).toBe('follow-up');
  // Survey after 3.6 s, no answer within 3.6 s, then the 3.6 s reopen window: the workflow completes.
  await handle.result();
  await waitUntil(
    'the store has the closed complaint and its complaint.closed event',
    async () => {
      const stored = await getComplaint(db, id);
      return stored?.stage === 'closed' && stored.closedAt !== null;
    },
    60_000,
  );

  await stack.client.workflowService.deleteWorkflowExecution({
    namespace,
    workflowExecution: { workflowId: complaintWorkflowId(id) },
  });
  await waitUntil('Temporal has forgotten it', () =>
    handle.describe().then(
      () => false,
      (err: Error) => err.name === 'WorkflowNotFoundError',
    ),
  );

  const list = await call('auditor', 'GET', '/complaints');
  expect(list.status).toBe(200);
  expect((list.json.items as Array<{ complaintId: string }>).map((c) => c.complaintId)).toEqual([id]);
  const record = await call('auditor', 'GET', `/complaints/${id}`);
  expect(record.status).toBe(200);
  expect(record.json).toMatchObject({
    source: 'store',
    complaintId: id,
    complaint: { stage: 'closed', outcome: 'upheld', cause: 'billing-error', assignee: 'agent-r' },
  });
  expect((record.json.letters as unknown[]).length).toBeGreaterThanOrEqual(2);

  // Its timeline too: the store's event log, for the roles that may read complaints and no others.
  const timeline = await call('auditor', 'GET', `/complaints/${id}/timeline`);
  expect(timeline.status).toBe(200);
  expect(timeline.json).toMatchObject({ source: 'store', complaintId: id });
  const types = (timeline.json.entries as Array<{ type: string; eventId: string; occurredAt: string }>).map(
    (e) => e.type,
  );
  expect(types[0]).toBe('complaint.opened');
  expect(types).toEqual(expect.arrayContaining(['complaint.resolved', 'complaint.closed']));
  expect(types.at(-1)).toBe('complaint.closed');
  expect((await call('service', 'GET', `/complaints/${id}/timeline`)).status).toBe(403);
  expect((await call('auditor', 'GET', '/complaints/ret-never-was/timeline')).status).toBe(404);
  const out: string[] = [];
  const cli = {
    out: (s: string) => out.push(s),
    err: () => undefined,
    env: { REDRESS_API_URL: base, REDRESS_API_KEY: keys.auditor },
  };
  expect(await main(['timeline', id], cli)).toBe(0);
  expect(out.join('\n')).toMatch(/^from the store \(Temporal no longer holds ret-/);
  expect(out.join('\n')).toMatch(/complaint\.closed/);

  const metrics = await fetch(`${base}/metrics`).then((r) => r.text());
  expect(metrics).toMatch(/^redress_complaints\{stage="closed"\} 1$/m);
  const day = new Date().toISOString().slice(0, 10);
  const period = `from=${day}T00:00:00Z&to=${new Date(Date.parse(day) + 2 * 86_400_000).toISOString()}`;
  // The complaint is of the test's own regime (it-closing, for FR), not the FCA's: the FCA return leaves
  // it out, redress included, while the other reports count it.
  const fca = await call('auditor', 'GET', `/reports/fca-return?${period}`);
  expect(fca.status).toBe(200);
  expect(fca.json).toMatchObject({ opened: 0, closed: 0, redressPaid: [] });
  const causes = await call('auditor', 'GET', `/reports/root-cause?${period}`);
  expect(causes.json).toMatchObject({ products: [{ closed: 1, causes: [{ cause: 'billing-error', closed: 1 }] }] });
  const csat = await call('auditor', 'GET', `/reports/csat?${period}`);
  expect(csat.json).toMatchObject({ reopen: { resolved: 1, reopened: 0, rate: 0 } });
}, 180_000);
