import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import type { Conversation } from '../../clients/api/conversation-routes';
import { main } from '../../clients/cli/main';
import { ApiKeyStore, generateApiKey, hashApiKey, type ApiRole } from '../../config/api-keys';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { listenLocally, requestAs } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { startTestStack, type TestStack } from '../support/stack';
import { waitUntil } from '../support/wait';

/**
 * The conversation on the real servers: a complaint submitted through the API, its account confirmed by
 * the customer's reply arriving through Kafka and the bridge, a note added; the API answers every
 * message in order, each letter with the text the mailer was sent (from the store, via the projector),
 * to the roles that read complaints and never to `service`.
 */
const ROLES: ApiRole[] = ['service', 'operator', 'supervisor', 'auditor'];
const keys = Object.fromEntries(ROLES.map((r) => [r, generateApiKey()])) as Record<ApiRole, string>;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const id = `conv-${randomUUID().slice(0, 8)}`;

let stack: TestStack;
let db: Db;
let projector: Projector;
let api: FastifyInstance;
let base: string;

const call = (as: ApiRole, method: 'GET' | 'POST', path: string, body?: unknown) =>
  requestAs(base, keys, as, method, path, body);
const act = (path: string, body: unknown) =>
  waitUntil(
    `${path} taken`,
    async () => (await call('operator', 'POST', `/complaints/${id}/${path}`, body)).status === 200,
  );

beforeAll(async () => {
  stack = await startTestStack('conversation');
  ({ db } = await pgliteDb(undefined));
  await migrate(db);
  projector = await startProjector(stack.config, testKafka(stack.config.kafka.brokers.join(',')), db, logger, {
    groupId: `p-${stack.config.topics.lifecycle}`,
  });
  const store = new ApiKeyStore(ROLES.map((role) => ({ id: `it-${role}`, role, sha256: hashApiKey(keys[role]) })));
  api = buildApi({ config: stack.config, client: stack.client, logger, keys: store, store: db });
  base = await listenLocally(api);

  const submitted = await call('operator', 'POST', '/complaints', {
    complaintId: id,
    ...complaintFixture({ desiredOutcome: 'My money back' }),
  });
  expect(submitted.status).toBe(201);
  await act('account', { account: 'You were charged twice for October.', confirmed: false });
  await stack.publish(stack.config.topics.events, id, {
    eventId: `reply-${id}`,
    type: 'customer.replied',
    complaintId: id,
    occurredAt: new Date().toISOString(),
    source: 'contact-centre',
    data: { message: 'Yes, that is exactly it.', confirmsAccount: true },
  });
  await waitUntil('listening done by the reply', async () => {
    const { json } = await call('operator', 'GET', `/complaints/${id}`);
    return json.stage === 'apology';
  });
  await act('notes', { text: 'Customer is travelling until Friday.' });
}, 120_000);

afterAll(async () => {
  await api?.close();
  await projector?.stop();
  await stack?.stop();
  await db?.close();
});

it('answers every message in order, each letter with the text the customer was sent', async () => {
  const page = await waitUntil('every letter in the store', async () => {
    const { status, json } = await call('operator', 'GET', `/complaints/${id}/conversation`);
    expect(status).toBe(200);
    const c = json as unknown as Conversation;
    return c.entries.filter((e) => e.kind === 'letter').every((e) => e.sent !== undefined) && c;
  });
  expect(page).toMatchObject({ complaintId: id, source: 'workflow', partial: false, dropped: 0 });
  expect(page.entries.map((e) => `${e.direction} ${e.kind}`)).toEqual([
    'in complaint',
    'out letter',
    'out letter',
    'in reply',
    'internal note',
  ]);
  expect(page.entries[0]).toMatchObject({ desiredOutcome: 'My money back' });
  const account = page.entries[2]!;
  expect(account).toMatchObject({
    letter: 'account-confirmation',
    idempotencyKey: expect.stringContaining(id) as string,
  });
  expect(account.sent?.body).toContain('You were charged twice for October.');
  expect(account.sent?.bodySha256).toMatch(/^[0-9a-f]{64}$/);
  expect(page.entries[3]).toMatchObject({ eventId: `reply-${id}`, confirmsAccount: true });
  expect(page.entries[4]).toMatchObject({ text: 'Customer is travelling until Friday.', author: { role: 'operator' } });
  // The note is the staff's: no letter carries it.
  const { rows } = await db.query<{ body: string }>('SELECT body FROM complaint_letters WHERE complaint_id = $1', [id]);
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) expect(r.body).not.toContain('travelling');
});

it('pages by sequence number', async () => {
  const first = (await call('auditor', 'GET', `/complaints/${id}/conversation?limit=2`))
    .json as unknown as Conversation;
  expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
  expect(first.nextAfter).toBe(2);
  const rest = (await call('auditor', 'GET', `/complaints/${id}/conversation?after=2&limit=50`))
    .json as unknown as Conversation;
  expect(rest.entries.map((e) => e.seq)).toEqual([3, 4, 5]);
  expect(rest.nextAfter).toBeUndefined();
});

it('is personal text: never for the service role', async () => {
  const res = await call('service', 'GET', `/complaints/${id}/conversation`);
  expect(res.status).toBe(403);
  expect(JSON.stringify(res.json)).not.toContain('travelling');
  expect((await call('supervisor', 'GET', `/complaints/${id}/conversation`)).status).toBe(200);
});

it('prints it with `redress conversation`', async () => {
  const out: string[] = [];
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => out.push(t),
    env: { REDRESS_API_URL: base, REDRESS_API_KEY: keys.operator },
  };
  expect(await main(['conversation', id], io)).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/#1 .* in complaint/);
  expect(text).toContain('Customer is travelling until Friday.');
  expect(text).toContain('What we understood from you');
  expect(text).toContain('(confirms the account)');
});
