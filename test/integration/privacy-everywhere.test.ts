import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import { generateApiKey, hashApiKey } from '../../config/api-keys';
import { complaintWorkflowId } from '../../domain/ids';
import { freePort } from '../../infra/free-port';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';
import type { DeadLetterSummary, OpenedDeadLetter } from '../../clients/api/dead-letters';
import { requestAs } from '../support/api-harness';
import { complaintFixture, receivedEvent } from '../support/fixtures';
import { TopicCollector, testKafka, testProducer } from '../support/kafka';
import { foundIn, historyWithoutKey, readable } from '../support/privacy';
import { startTestRun, type TestRun } from '../support/stack';
import { pgDb } from '../../store/db';
import { STORE_TABLES } from '../../store/tables';
import { waitUntil } from '../support/wait';

/**
 * Issue 16's "must show", over every process: the real worker, bridge, projector and API, each its own
 * process from dist/ logging at debug level to its file, on the real servers. A complaint lives its
 * whole life (intake, account, note, a draft, apology, remedy fulfilled through Kafka, resolution, the
 * survey and its comment) and a malformed complaint carrying the same customer's data is dead-lettered.
 * Then every log line of every process, the dead-letter topic's raw records, the history read without
 * the key, the search attributes and every row of the store (letter bodies raw, as a dump or a backup
 * holds them) are searched for the customer's and the agent's words: none found.
 * With the key ring, the history decodes for the API, and `GET /dead-letters/:id` opens the letter.
 */

const run = randomUUID().slice(0, 6);
const complaintId = `priv-${run}`;
const malformedId = `priv-bad-${run}`;
const NAME = 'Katherine Johnson';
const EMAIL = 'katherine.johnson@example.com';
const DESCRIPTION = 'The trajectory figures on my statement are wrong and nobody answers my letters.';
const ACCOUNT = 'Statement figures wrong since March; three letters unanswered.';
const NOTE = 'Spoke with Katherine: she keeps copies of every letter she sent.';
const DRAFT = 'Katherine, we are checking each figure on your statement by hand.';
const APOLOGY = 'We are sorry, Katherine: we left three of your letters unanswered.';
const REMEDY = 'Refund of the fees charged on the wrong figures';
const REASONS = 'Our statement run used last year’s rates for Katherine’s account.';
const COMMENT = 'Thank you, the corrected statement for Katherine arrived quickly.';
const SECRETS = [NAME, EMAIL, DESCRIPTION, ACCOUNT, NOTE, DRAFT, APOLOGY, REMEDY, REASONS, COMMENT];

/**
 * Each process, how it says it is ready, and what in its log shows it is this run's: the complaint
 * ids for those that log per complaint; the projector logs no record, only its run's topics.
 */
const PROCESSES = {
  worker: { script: 'workers/worker-main.js', ready: '"worker started"', evidence: complaintId },
  bridge: { script: 'workers/bridge-main.js', ready: '"bridge consuming"', evidence: malformedId },
  projector: { script: 'workers/projector/main.js', ready: '"projector consuming"', evidence: 'privacy-all-' },
  api: { script: 'clients/api/main.js', ready: undefined, evidence: complaintId },
} as const;
type ProcessName = keyof typeof PROCESSES;

let testRun: TestRun;
let collector: TopicCollector;
const processes: ManagedProcess[] = [];
const logs = {} as Record<ProcessName, string>;
const key = generateApiKey();
let base: string;
/** The store the projector serves (PGlite, its own), as a reader with the database but not the ring sees it. */
let storeUrl: string;
const call = <T>(method: string, url: string, body?: unknown) =>
  requestAs<T>(base, { operator: key }, 'operator', method, url, body);

beforeAll(async () => {
  const env = { REDRESS_POLICY_DIR: join(__dirname, '../support/policies-closing') };
  testRun = await startTestRun('privacy-all', env);
  const { config } = testRun;
  const [apiPort, storePort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${apiPort}`;
  storeUrl = `postgres://postgres@127.0.0.1:${storePort}/postgres`;
  const logDir = process.env.REDRESS_TEST_LOG_DIR ?? mkdtempSync(join(tmpdir(), 'redress-privacy-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    LOG_LEVEL: 'debug',
    REDRESS_DATA_DIR: mkdtempSync(join(tmpdir(), 'redress-privacy-data-')),
    REDRESS_TOPIC_PREFIX: config.topics.intake.slice(0, -'complaints.intake'.length),
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    REDRESS_BRIDGE_GROUP: config.kafka.bridgeGroup,
    REDRESS_PROJECTOR_GROUP: `projector-${run}`,
    REDRESS_API_METRICS_GROUP: `api-metrics-${run}`,
    REDRESS_BRIDGE_METRICS_PORT: '0',
    REDRESS_PROJECTOR_METRICS_PORT: '0',
    REDRESS_WORKER_METRICS_ADDRESS: 'off',
    REDRESS_STORE_SERVE_PORT: String(storePort),
    REDRESS_API_PORT: String(apiPort),
    REDRESS_API_KEYS: `it-operator:operator:${hashApiKey(key)}`,
  };
  for (const name of Object.keys(PROCESSES) as ProcessName[]) {
    const { script, ready } = PROCESSES[name];
    logs[name] = join(logDir, `privacy-${run}-${name}.log`);
    processes.push(
      await startManaged({
        name,
        command: process.execPath,
        args: [join(repoRoot(), 'dist', script)],
        // The API reads the store the projector serves (PGlite has one owner), as ./scripts/up wires it.
        env: name === 'api' ? { ...childEnv, DATABASE_URL: storeUrl } : childEnv,
        logFile: logs[name],
        startTimeoutMs: 120_000,
        // The API is up when it answers; the others when their log says so.
        healthy: async () =>
          ready === undefined
            ? ((await fetch(`${base}/openapi.json`).catch(() => undefined))?.ok ?? false)
            : existsSync(logs[name]) && readFileSync(logs[name], 'utf8').includes(ready),
      }),
    );
  }
  collector = await new TopicCollector(testKafka(config.kafka.brokers.join(',')), [
    config.topics.lifecycle,
    config.topics.dlq,
  ]).start();

  await liveAWholeLife();
}, 400_000);
afterAll(async () => {
  for (const p of processes.reverse()) await p.stop();
  await collector?.stop();
  await testRun?.connection.close();
});

const fixture = complaintFixture({
  customer: { id: `cust-opaque-${run}`, name: NAME, email: EMAIL, jurisdiction: 'FR' },
  description: DESCRIPTION,
});

async function liveAWholeLife(): Promise<void> {
  const { config, client } = testRun;
  const producer = await testProducer(testKafka(config.kafka.brokers.join(',')));
  try {
    const submitted = await call('POST', '/complaints', {
      complaintId,
      ...fixture,
      receivedAt: new Date().toISOString(),
    });
    expect(submitted.status).toBe(201);
    const act = async (path: string, body: unknown) => {
      const res = await call<{ stage: string }>('POST', `/complaints/${complaintId}/${path}`, body);
      expect([path, res.status]).toEqual([path, 200]);
      return res.json;
    };
    await act('assignment', { assignee: 'agent-k' });
    await act('account', { account: ACCOUNT, confirmed: true, confirmedHow: 'on a call' });
    await act('notes', { text: NOTE });
    await act('drafts', { action: 'apologise', input: { text: DRAFT, faultAdmitted: true } });
    await act('apology', { text: APOLOGY, faultAdmitted: true });
    await act('remedy', { kind: 'refund', description: REMEDY, amount: 20, currency: 'EUR' });
    const fact = (type: string, eventId: string, data: unknown) => ({
      topic: config.topics.events,
      messages: [
        {
          key: complaintId,
          value: JSON.stringify({
            eventId,
            type,
            complaintId,
            occurredAt: new Date().toISOString(),
            source: 'it',
            data,
          }),
        },
      ],
    });
    await producer.send(fact('remedy.fulfilled', `ful-${run}`, { remedyId: `${complaintId}:remedy:1` }));
    await waitUntil('the remedy to be fulfilled', async () => {
      const status = await call<{ remedy?: { status: string } }>('GET', `/complaints/${complaintId}`);
      return status.json.remedy?.status === 'fulfilled';
    });
    expect((await act('resolution', { response: 'final-response', outcome: 'upheld', reasons: REASONS })).stage).toBe(
      'follow-up',
    );
    // The survey goes out after seconds (it-closing); its answer, comment and all, comes through Kafka.
    await collector.waitFor(
      config.topics.lifecycle,
      (e: { complaintId?: string; type?: string }) =>
        e.complaintId === complaintId && e.type === 'complaint.followup-sent',
      1,
    );
    await producer.send(fact('survey.responded', `survey-${run}`, { score: 5, comment: COMMENT, confirmed: true }));
    // The same customer, sent again by an upstream system that put the name where the email goes.
    const malformed = receivedEvent(malformedId, `evt-${malformedId}`, {
      ...fixture,
      customer: { ...fixture.customer, email: `${NAME} <${EMAIL}` },
    });
    await producer.send({
      topic: config.topics.intake,
      messages: [{ key: malformedId, value: JSON.stringify(malformed) }],
    });
    await client.workflow.getHandle(complaintWorkflowId(complaintId)).result();
    await collector.waitFor(config.topics.dlq, (l: { complaintId?: string }) => l.complaintId === malformedId, 1);
    // The projector has the closed complaint, so its log holds the whole life.
    await waitUntil('the store to hold the closed complaint', async () => {
      const record = await call<{ source?: string; stage?: string }>('GET', `/complaints?stage=closed`);
      return JSON.stringify(record.json).includes(complaintId);
    });
  } finally {
    await producer.disconnect();
  }
}

describe('a complaint’s whole life, and a malformed one', () => {
  const logLines = (name: ProcessName) =>
    readFileSync(logs[name], 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'));

  it('ran the processes at debug level (the premise: what is searched is all they would log)', () => {
    const debugLines = (Object.keys(PROCESSES) as ProcessName[]).flatMap((name) =>
      logLines(name).filter((l) => (JSON.parse(l) as { level?: number }).level === 20),
    );
    expect(debugLines.filter((l) => l.includes(complaintId)).length).toBeGreaterThan(0);
  });

  it.each(Object.keys(PROCESSES) as ProcessName[])('left none of their words in the %s’s debug log', (name) => {
    const lines = logLines(name);
    // The premise: it is this run's log.
    expect(lines.some((l) => l.includes(PROCESSES[name].evidence))).toBe(true);
    const text = lines.flatMap((l) => [l, ...readable(JSON.parse(l))]);
    expect(foundIn(SECRETS, text)).toEqual([]);
  });

  it('left none of them in the dead-letter topic’s records', () => {
    const records = collector.messages.filter((m) => m.topic === testRun.config.topics.dlq);
    expect(
      records.some((m) => m.json !== undefined && (m.json as { complaintId?: string }).complaintId === malformedId),
    ).toBe(true);
    const text = records.flatMap((m) => [m.key ?? '', m.value ?? '', ...readable(m.json)]);
    expect(foundIn(SECRETS, text)).toEqual([]);
  });

  it('left none of them in the history without the key, nor in the search attributes', async () => {
    const text = readable(await historyWithoutKey(testRun.config, complaintId));
    // It is this complaint's history, encrypted: the opaque customer id is a search attribute.
    expect(text.some((t) => t.includes(`cust-opaque-${run}`))).toBe(true);
    expect(foundIn(SECRETS, text)).toEqual([]);
    const bare = new Client({ connection: testRun.connection, namespace: testRun.config.temporal.namespace });
    const { searchAttributes } = await bare.workflow.getHandle(complaintWorkflowId(complaintId)).describe();
    expect(foundIn(SECRETS, readable(JSON.parse(JSON.stringify(searchAttributes))))).toEqual([]);
  });

  it('left none of them in the store at rest: letter bodies sealed, every row of every table searched', async () => {
    const store = pgDb(storeUrl, { max: 1 });
    try {
      const letters = () =>
        store.query<{ body: string; body_key_id: string | null }>(
          'SELECT body, body_key_id FROM complaint_letters WHERE complaint_id = $1',
          [complaintId],
        );
      // The premise: the store holds this complaint's letters (acknowledgement, apology, final response,
      // survey…), whose clear text carries the name, the apology and the reasons (the API opens them below).
      await waitUntil('the letters in the store', async () => (await letters()).rows.length >= 4);
      const raw = (await letters()).rows;
      for (const l of raw) expect(l.body_key_id).not.toBeNull();
      expect(foundIn(SECRETS, readable(raw))).toEqual([]);
      const rows: unknown[] = [];
      for (const table of [...STORE_TABLES, 'web_sessions']) {
        rows.push(...(await store.query(`SELECT * FROM ${table}`)).rows);
      }
      const text = readable(JSON.parse(JSON.stringify(rows)));
      expect(text.some((t) => t.includes(complaintId))).toBe(true);
      expect(foundIn(SECRETS, text)).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('decodes with the key ring: the API reads the complaint, and opens the dead letter', async () => {
    const { json: status } = await call<{ stage: string; timeline: Array<{ action: string }> }>(
      'GET',
      `/complaints/${complaintId}`,
    );
    expect(status.stage).toBe('closed');
    const conversation = await call('GET', `/complaints/${complaintId}/conversation`);
    expect(conversation.text).toContain(APOLOGY);
    // The letters' bodies, opened from the store: the words the table above does not show.
    const sent = (conversation.json as { entries: Array<{ sent?: { body: string | null } }> }).entries.flatMap((e) =>
      e.sent?.body ? [e.sent.body] : [],
    );
    expect(foundIn([NAME, APOLOGY, REASONS], sent)).toEqual([NAME, APOLOGY, REASONS]);
    const { json: letters } = await call<{ items: DeadLetterSummary[] }>(
      'GET',
      `/dead-letters?complaint=${malformedId}`,
    );
    expect(letters.items).toHaveLength(1);
    const { json: letter } = await call<OpenedDeadLetter>('GET', `/dead-letters/${letters.items[0]!.id}`);
    expect(letter.content.value).toContain(EMAIL);
    expect(letter.content.value).toContain(DESCRIPTION);
  });
});
