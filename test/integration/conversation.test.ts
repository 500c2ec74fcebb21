import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import type { Conversation } from '../../clients/api/conversation-routes';
import { main } from '../../clients/cli/main';
import { ApiKeyStore, generateApiKey, hashApiKey, type ApiRole } from '../../config/api-keys';
import { pgliteDb, type Db } from '../../store/db';
import { letterBodySha256 } from '../../store/letters';
import { migrate } from '../../store/migrate';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { listenLocally, requestAs } from '../support/api-harness';
import { testSeal } from '../support/store';
import { complaintFixture } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { startTestStack, type TestStack } from '../support/stack';
import { waitUntil } from '../support/wait';

/**
 * The conversation on the real servers, through every stage to closed: a complaint submitted through the
 * API, its account confirmed by the customer's reply arriving through Kafka and the bridge, a note, the
 * apology, a remedy that differs from what the customer asked for (fulfilled through Kafka), the final
 * response, the survey and the customer's answer with a comment (through Kafka). The API answers every
 * message in order, each letter with the text the mailer was sent (from the store, via the projector),
 * to the roles that read complaints and never to `service`. The `it-conversation` policy (Irish
 * customers only) sends the survey and closes within seconds, and keeps the survey open for an hour so
 * the answer never races its window.
 */
const POLICY_DIR = join(__dirname, '../support/policies-conversation');
const ROLES: ApiRole[] = ['service', 'operator', 'supervisor', 'auditor'];
const keys = Object.fromEntries(ROLES.map((r) => [r, generateApiKey()])) as Record<ApiRole, string>;
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const id = `conv-${randomUUID().slice(0, 8)}`;

let savedPolicyDir: string | undefined;
let stack: TestStack;
let db: Db;
let projector: Projector;
let api: FastifyInstance;
let base: string;

const keyStore = () =>
  new ApiKeyStore(ROLES.map((role) => ({ id: `it-${role}`, role, sha256: hashApiKey(keys[role]) })));
const call = (as: ApiRole, method: 'GET' | 'POST', path: string, body?: unknown) =>
  requestAs(base, keys, as, method, path, body);
const act = (path: string, body: unknown) =>
  waitUntil(
    `${path} taken`,
    async () => (await call('operator', 'POST', `/complaints/${id}/${path}`, body)).status === 200,
  );
const publishFact = (type: string, eventId: string, data: Record<string, unknown>) =>
  stack.publish(stack.config.topics.events, id, {
    eventId,
    type,
    complaintId: id,
    occurredAt: new Date().toISOString(),
    source: 'contact-centre',
    data,
  });
const statusIs = (what: string, ok: (s: Record<string, unknown>) => boolean) =>
  waitUntil(what, async () => ok((await call('operator', 'GET', `/complaints/${id}`)).json));

const EXPLANATION = 'A refund cannot go back to the closed card, so we credit your account instead.';

beforeAll(async () => {
  savedPolicyDir = process.env.REDRESS_POLICY_DIR;
  process.env.REDRESS_POLICY_DIR = POLICY_DIR; // the worker reads its policies at start
  stack = await startTestStack('conversation');
  ({ db } = await pgliteDb(undefined));
  await migrate(db);
  projector = await startProjector(stack.config, testKafka(stack.config.kafka.brokers.join(',')), db, logger, {
    groupId: `p-${stack.config.topics.lifecycle}`,
  });
  api = buildApi({ config: stack.config, client: stack.client, logger, keys: keyStore(), store: db });
  base = await listenLocally(api);

  const fixture = complaintFixture({ desiredOutcome: 'My money back' });
  const submitted = await call('operator', 'POST', '/complaints', {
    complaintId: id,
    ...fixture,
    customer: { ...fixture.customer, jurisdiction: 'IE' },
  });
  expect(submitted.status).toBe(201);
  expect(submitted.json.regime).toBe('it-conversation');
  await act('account', { account: 'You were charged twice for October.', confirmed: false });
  await publishFact('customer.replied', `reply-${id}`, { message: 'Yes, that is exactly it.', confirmsAccount: true });
  await statusIs('listening done by the reply', (s) => s.stage === 'apology');
  await act('notes', { text: 'Customer is travelling until Friday.' });
  await act('apology', { text: 'We are sorry we charged you twice.', faultAdmitted: true });
  await act('remedy', {
    kind: 'credit',
    description: 'A credit of 20 EUR to your account',
    amount: 20,
    currency: 'EUR',
    meetsDesiredOutcome: false,
    explanation: EXPLANATION,
  });
  await publishFact('remedy.fulfilled', `fulfilled-${id}`, { remedyId: `${id}:remedy:1`, reference: 'CR-1' });
  await statusIs('the remedy fulfilled', (s) => (s.remedy as { status?: string } | undefined)?.status === 'fulfilled');
  await act('resolution', { response: 'final-response', outcome: 'upheld', reasons: 'Our billing run charged twice.' });
  // The survey goes out seconds after the final response; the customer answers it through Kafka.
  await stack.collector.waitFor<{ complaintId: string; data: { kind: string } }>(
    stack.config.topics.notifications,
    (e) => e.complaintId === id && e.data.kind === 'survey',
  );
  await publishFact('survey.responded', `survey-${id}`, {
    score: 5,
    comment: 'Sorted quickly, thank you.',
    confirmed: true,
  });
  await statusIs('closed after the survey answer', (s) => s.stage === 'closed');
}, 120_000);

afterAll(async () => {
  await api?.close();
  await projector?.stop();
  await stack?.stop();
  await db?.close();
  if (savedPolicyDir === undefined) delete process.env.REDRESS_POLICY_DIR;
  else process.env.REDRESS_POLICY_DIR = savedPolicyDir;
});

it('answers every message in order, each letter with the text the customer was sent', async () => {
  const page = await waitUntil('every letter in the store', async () => {
    const { status, json } = await call('operator', 'GET', `/complaints/${id}/conversation`);
    expect(status).toBe(200);
    const c = json as unknown as Conversation;
    return c.entries.filter((e) => e.kind === 'letter').every((e) => e.sent !== undefined) && c;
  });
  expect(page).toMatchObject({ complaintId: id, source: 'workflow', partial: false, dropped: 0 });
  // Every stage, in the order it happened, and nothing else: the remedy itself sends no letter (the
  // fulfilment system does the work), its explanation is read in the final response.
  expect(page.entries.map((e) => `${e.direction} ${e.kind}${e.kind === 'letter' ? `:${e.letter}` : ''}`)).toEqual([
    'in complaint',
    'out letter:acknowledgement',
    'out letter:account-confirmation',
    'in reply',
    'internal note',
    'out letter:apology',
    'out letter:final-response',
    'out letter:survey',
    'in survey',
  ]);
  expect(page.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(page.entries[0]).toMatchObject({ desiredOutcome: 'My money back' });
  const account = page.entries[2]!;
  expect(account).toMatchObject({
    letter: 'account-confirmation',
    idempotencyKey: expect.stringContaining(id) as string,
  });
  expect(account.sent?.body).toContain('You were charged twice for October.');
  // The SHA-256 is the clear body's, as sent: a copy is checked against it with no key.
  expect(account.sent?.bodySha256).toBe(letterBodySha256(account.sent!.body!));
  // Enclosures come by reference with the letter as sent (none here: no leaflet is configured).
  expect(account.sent?.attachments).toEqual([]);
  expect(page.entries[3]).toMatchObject({ eventId: `reply-${id}`, confirmsAccount: true });
  expect(page.entries[4]).toMatchObject({ text: 'Customer is travelling until Friday.', author: { role: 'operator' } });
  expect(page.entries[5]!.sent?.body).toContain('We are sorry we charged you twice.');
  const final = page.entries[6]!.sent?.body;
  expect(final).toContain('Our billing run charged twice.');
  expect(final).toContain('A credit of 20 EUR to your account');
  expect(final).toContain(`Why this is not what you asked for: ${EXPLANATION}`);
  expect(page.entries[7]!.sent?.body).toContain(`https://feedback.example/complaints/${id}/c0`);
  expect(page.entries[8]).toMatchObject({
    eventId: `survey-${id}`,
    score: 5,
    text: 'Sorted quickly, thank you.',
    author: { role: 'customer' },
  });
  // The note is the staff's: no letter carries it.
  const sent = page.entries.flatMap((e) => (e.kind === 'letter' && e.sent?.body ? [e.sent.body] : []));
  expect(sent).toHaveLength(5);
  for (const body of sent) expect(body).not.toContain('travelling');
  // At rest every body is sealed under the run's ring: none of the letters' words is in the table.
  const { rows } = await db.query<{ body: string; body_key_id: string | null }>(
    'SELECT body, body_key_id FROM complaint_letters WHERE complaint_id = $1',
    [id],
  );
  expect(rows.length).toBeGreaterThanOrEqual(sent.length);
  for (const r of rows) {
    expect(r.body_key_id).not.toBeNull();
    for (const words of ['charged twice', 'sorry', 'A credit of 20 EUR', 'feedback.example'])
      expect(r.body).not.toContain(words);
  }
});

it('pages by sequence number', async () => {
  const first = (await call('auditor', 'GET', `/complaints/${id}/conversation?limit=2`))
    .json as unknown as Conversation;
  expect(first.entries.map((e) => e.seq)).toEqual([1, 2]);
  expect(first.nextAfter).toBe(2);
  const rest = (await call('auditor', 'GET', `/complaints/${id}/conversation?after=2&limit=50`))
    .json as unknown as Conversation;
  expect(rest.entries.map((e) => e.seq)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  expect(rest.nextAfter).toBeUndefined();
});

it('is personal text: never for the service role', async () => {
  const res = await call('service', 'GET', `/complaints/${id}/conversation`);
  expect(res.status).toBe(403);
  for (const personal of ['travelling', 'Sorted quickly', 'My money back', 'charged twice'])
    expect(JSON.stringify(res.json)).not.toContain(personal);
  expect(res.json).toMatchObject({ error: 'forbidden' });
  expect((await call('supervisor', 'GET', `/complaints/${id}/conversation`)).status).toBe(200);
});

/** `redress conversation ID` against the API at `apiBase`, as an operator: its exit code and what it printed. */
async function cliConversation(apiBase: string): Promise<{ code: number; text: string }> {
  const out: string[] = [];
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => out.push(t),
    env: { REDRESS_API_URL: apiBase, REDRESS_API_KEY: keys.operator },
  };
  const code = await main(['conversation', id], io);
  return { code, text: out.join('\n') };
}

it('prints it with `redress conversation`', async () => {
  const { code, text } = await cliConversation(base);
  expect(code).toBe(0);
  expect(text).toMatch(/#1 .* in complaint/);
  expect(text).toContain('Customer is travelling until Friday.');
  expect(text).toContain('What we understood from you');
  expect(text).toContain('(confirms the account)');
});

it('says why on each letter whose body its ring cannot open, and still answers the conversation', async () => {
  // An API whose ring lacks the key the projector sealed with (a key dropped from the ring too early).
  const other = buildApi({
    config: stack.config,
    client: stack.client,
    logger,
    keys: keyStore(),
    store: db,
    seal: testSeal('other-1'),
  });
  try {
    const otherBase = await listenLocally(other);
    const res = await requestAs(otherBase, keys, 'operator', 'GET', `/complaints/${id}/conversation`);
    expect(res.status).toBe(200);
    const c = res.json as unknown as Conversation;
    const letters = c.entries.filter((e) => e.kind === 'letter');
    expect(letters).toHaveLength(5);
    for (const l of letters) {
      expect(l.sent).toMatchObject({ body: null, bodySha256: expect.stringMatching(/^[0-9a-f]{64}$/) as unknown });
      expect(l.sent?.bodyError).toMatch(
        /^a stored letter body is encrypted with key \S+, which this ring does not hold/,
      );
    }
    // The rest of the conversation is the workflow's, and reads as before.
    expect(c.entries.find((e) => e.kind === 'note')).toMatchObject({ text: 'Customer is travelling until Friday.' });
    const cli = await cliConversation(otherBase);
    expect(cli.code).toBe(0);
    expect(cli.text).toContain('(the text cannot be shown: a stored letter body is encrypted with key');
  } finally {
    await other.close();
  }
});
