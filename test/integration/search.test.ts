import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import { main } from '../../clients/cli/main';
import { ApiKeyStore, generateApiKey, hashApiKey } from '../../config/api-keys';
import { SearchIndex, type SearchKey } from '../../platform/search-index';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { listenLocally } from '../support/api-harness';
import { complaintFixture, receivedEvent } from '../support/fixtures';
import { testKafka } from '../support/kafka';
import { startTestStack, type TestStack } from '../support/stack';
import { waitUntil } from '../support/wait';

/**
 * Text search over summaries, end to end on the real servers: one complaint submitted through the API,
 * one published on the intake topic for the bridge; both indexed with the same key ring where they
 * enter, carried by the workflow into its record view, projected into the store, and found by the
 * list's `search` — while the store holds keyed hashes, never the words.
 */
const key = generateApiKey();
const keys = new ApiKeyStore([{ id: 'it-operator', role: 'operator', sha256: hashApiKey(key) }]);
const secret = (): SearchKey['secret'] => randomBytes(32);
const current: SearchKey = { id: 'k-1', secret: secret() };
const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const run = randomUUID().slice(0, 8);
const byApi = `srch-api-${run}`;
const byKafka = `srch-kafka-${run}`;

let stack: TestStack;
let db: Db;
let projector: Projector;
const apis: FastifyInstance[] = [];

/** An API over the store with the given key ring; its base URL. */
async function apiWith(ring: SearchKey[]): Promise<string> {
  const api = buildApi({
    config: stack.config,
    client: stack.client,
    logger,
    keys,
    store: db,
    search: new SearchIndex(ring),
  });
  apis.push(api);
  return listenLocally(api);
}

const ids = async (base: string, search: string): Promise<string[]> => {
  const res = await fetch(`${base}/complaints?limit=200&search=${encodeURIComponent(search)}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { items: Array<{ complaintId: string }> };
  return body.items
    .map((i) => i.complaintId)
    .filter((id) => id.endsWith(run))
    .sort();
};

let base: string;

beforeAll(async () => {
  const index = new SearchIndex([current]);
  stack = await startTestStack('search', { bridgeOptions: { search: index } });
  ({ db } = await pgliteDb(undefined));
  await migrate(db);
  projector = await startProjector(stack.config, testKafka(stack.config.kafka.brokers.join(',')), db, logger, {
    groupId: `p-${stack.config.topics.lifecycle}`,
  });
  base = await apiWith([current]);

  const submitted = await fetch(`${base}/complaints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      complaintId: byApi,
      ...complaintFixture({ summary: 'Charged TWICE for my October bill', product: `card-${run}` }),
    }),
  });
  expect(submitted.status).toBe(201);
  await stack.publish(
    stack.config.topics.intake,
    byKafka,
    receivedEvent(byKafka, `evt-${byKafka}`, complaintFixture({ summary: 'Card declined at the Café, twice' })),
  );
  await waitUntil('both complaints indexed in the store', async () => (await ids(base, 'twice')).length === 2);
}, 120_000);

afterAll(async () => {
  for (const api of apis) await api.close();
  await projector?.stop();
  await stack?.stop();
  await db?.close();
});

it('finds a complaint by the words of its summary, whichever way it came in', async () => {
  expect(await ids(base, 'twice')).toEqual([byApi, byKafka].sort());
  expect(await ids(base, 'charged')).toEqual([byApi]);
  // Any case, punctuation and accents: the words are folded the same way on both sides.
  expect(await ids(base, 'october, CHARGED!')).toEqual([byApi]);
  expect(await ids(base, 'cafe')).toEqual([byKafka]);
  // Every word must be there; a word of neither finds nothing.
  expect(await ids(base, 'charged declined')).toEqual([]);
  expect(await ids(base, 'mortgage')).toEqual([]);
});

it('keeps keyed hashes in the store, never the words', async () => {
  const { rows } = await db.query<Record<string, unknown>>(`SELECT * FROM complaints WHERE complaint_id IN ($1, $2)`, [
    byApi,
    byKafka,
  ]);
  expect(rows).toHaveLength(2);
  const stored = JSON.stringify(rows).toLowerCase();
  for (const word of ['charged', 'twice', 'october', 'declined', 'caf']) expect(stored).not.toContain(word);
  for (const row of rows) expect((row.search_tokens as string[]).length).toBeGreaterThan(2);
});

it('rotates keys: an older key in the ring still finds what it indexed; without it nothing is found', async () => {
  const rotated = await apiWith([{ id: 'k-2', secret: secret() }, current]);
  expect(await ids(rotated, 'charged')).toEqual([byApi]);
  const forgotten = await apiWith([{ id: 'k-3', secret: secret() }]);
  expect(await ids(forgotten, 'charged')).toEqual([]);
});

it('answers 400 naming the field when the search is empty', async () => {
  const res = await fetch(`${base}/complaints?search=%20`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(400);
  expect(JSON.stringify(await res.json())).toContain('search');
});

it('searches and filters by product from the CLI, with the product in each row', async () => {
  const out: string[] = [];
  const io = {
    out: (t: string) => out.push(t),
    err: (t: string) => out.push(t),
    env: { REDRESS_API_URL: base, REDRESS_API_KEY: key },
  };
  expect(await main(['list', '--search', 'Twice', '--product', `card-${run}`, '--json'], io)).toBe(0);
  const page = JSON.parse(out.join('\n')) as { items: Array<{ complaintId: string; product?: string }> };
  expect(page.items).toEqual([expect.objectContaining({ complaintId: byApi, product: `card-${run}` })]);
  out.length = 0;
  expect(await main(['list', '--search', 'twice'], io)).toBe(0);
  const text = out.join('\n');
  expect(text).toMatch(/product/);
  expect(text).toContain(`card-${run}`);
  expect(text).toContain(byKafka);
});
