import { mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import { loadConfig } from '../../config';
import { ApiKeyStore, generateApiKey, hashApiKey } from '../../config/api-keys';
import { DEFAULT_TOPICS } from '../../domain/topics';
import { freePort } from '../../infra/free-port';
import { startLocalServers } from '../../infra/local-servers';
import { pgliteDb } from '../../store/db';
import { migrate } from '../../store/migrate';
import { createComplaintWorker } from '../../workers/worker';
import { loadDataConverter } from '../../platform/data-converter';
import { fill } from '../store/fill';
import { time, type Timing } from '../store/timing';

/**
 * `node dist/bench/web/run.js`: the people's pages with 20,000 open complaints in the store, beside the
 * JSON API's own list in the same run. A benchmark, not a test: it prints figures and asserts nothing.
 *
 * The store is PGlite on disk in this process, filled through the projector's apply path (bench/store);
 * the complaint page reads a real complaint from a real worker on a throwaway Temporal dev server and
 * Kafka broker (free ports), as the API process does. Requests go over HTTP to the listening API, one at
 * a time. Knobs: BENCH_WEB_OPEN (20000), BENCH_WEB_RUNS (200).
 */
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const OPEN = num('BENCH_WEB_OPEN', 20_000);
const RUNS = num('BENCH_WEB_RUNS', 200);
const logger = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
  });
  const logDir = mkdtempSync(join(tmpdir(), 'redress-bench-web-'));
  const servers = await startLocalServers({
    host: '127.0.0.1',
    temporalPort: await freePort(),
    uiPort: 0,
    kafkaPort: await freePort(),
    kafkaControllerPort: await freePort(),
    dataDir: mkdtempSync(join(tmpdir(), 'redress-bench-web-data-')),
    persistTemporal: true,
    logDir,
    namespace: 'default',
    topics: { ...DEFAULT_TOPICS },
  });
  const config = loadConfig({
    ...process.env,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    KAFKA_BROKERS: servers.kafkaBrokers,
    TEMPORAL_TASK_QUEUE: 'bench-web',
  });
  // startLocalServers created the default topics, which this config names (no prefix).
  const { db } = await pgliteDb(mkdtempSync(join(tmpdir(), 'redress-bench-web-pglite-')));
  await migrate(db);
  const now = Date.now();
  process.stderr.write(`filling the store with ${OPEN} open complaints…\n`);
  await fill(db, OPEN, OPEN, now);
  const worker = await createComplaintWorker(config, logger);
  const running = worker.worker.run();
  const connection = await Connection.connect({ address: servers.temporalAddress });
  // The worker seals payloads with the process's key ring: the bench's client reads them with the same one.
  const client = new Client({
    connection,
    namespace: 'default',
    dataConverter: loadDataConverter(process.env).dataConverter,
  });
  const keys = { operator: generateApiKey(), supervisor: generateApiKey() };
  const apiKeys = new ApiKeyStore([
    { id: 'bench-operator', role: 'operator', sha256: hashApiKey(keys.operator) },
    { id: 'bench-supervisor', role: 'supervisor', sha256: hashApiKey(keys.supervisor) },
  ]);
  const listen = async (): Promise<{ api: FastifyInstance; base: string }> => {
    const api = buildApi({
      config,
      client,
      logger,
      keys: apiKeys,
      store: db,
      // The bench is one caller making thousands of requests a minute: the per-caller limit would pace it.
      rateLimitPerMinute: 1e9,
    });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const address = api.server.address();
    return { api, base: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
  };
  const { api, base } = await listen();
  // A second API whose dashboard shares nothing, to show what one view costs (the pages read the knob at build).
  process.env.REDRESS_WEB_DASHBOARD_CACHE_MS = '0';
  const second = await listen();
  delete process.env.REDRESS_WEB_DASHBOARD_CACHE_MS;
  try {
    const id = 'bench-web-live';
    const submitted = await fetch(`${base}/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys.operator}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        complaintId: id,
        customer: { id: 'cust-b', name: 'Ada Lovelace', email: 'ada@example.com', jurisdiction: 'GB-ENG' },
        channel: 'email',
        category: 'billing',
        summary: 'Charged twice',
        description: 'I was charged twice for my October bill.',
      }),
    });
    if (submitted.status !== 201) throw new Error(`submit answered ${submitted.status}`);
    const cookie = await signIn(base, keys.supervisor);
    const uncached = { base: second.base, cookie: await signIn(second.base, keys.supervisor) };
    const get =
      (path: string, headers: Record<string, string>, at = base) =>
      async () => {
        const res = await fetch(`${at}${path}`, { headers, redirect: 'manual' });
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
      };
    const session = { cookie };
    const loadBefore = loadavg();
    const results: Record<string, Timing> = {
      'GET /complaints?limit=50 (JSON, the baseline)': await time(
        get('/complaints?limit=50', { authorization: `Bearer ${keys.operator}` }),
        RUNS,
      ),
      'GET /ui/queue?view=open (50 rows)': await time(get('/ui/queue?view=open', session), RUNS),
      'GET /ui/queue (at risk, 48 h)': await time(get('/ui/queue', session), RUNS),
      'GET /ui/complaints/:id (live, one page query + letters)': await time(get(`/ui/complaints/${id}`, session), RUNS),
      'GET /ui/dashboard (figures shared for 5 s, the default)': await time(get('/ui/dashboard', session), RUNS),
      'GET /ui/dashboard (REDRESS_WEB_DASHBOARD_CACHE_MS=0: every view scans)': await time(
        get('/ui/dashboard', { cookie: uncached.cookie }, uncached.base),
        RUNS,
      ),
    };
    const loadAfter = loadavg();
    const lines = [
      `| request (${OPEN} open complaints, ${RUNS} runs) | p50 ms | p95 ms |`,
      '| --- | --- | --- |',
      ...Object.entries(results).map(([what, t]) => `| ${what} | ${t.p50} | ${t.p95} |`),
      '',
      `load average before ${loadBefore.map((l) => l.toFixed(2)).join(' ')}, after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await api.close();
    await second.api.close();
    worker.worker.shutdown();
    await running;
    await worker.close();
    await connection.close();
    await db.close();
    await servers.stop();
  }
}

/** Signs in through the form as a browser would; the session cookie. */
async function signIn(base: string, key: string): Promise<string> {
  const form = await fetch(`${base}/ui/sign-in`);
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? '';
  const pre = form.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${base}/ui/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: pre, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, key }).toString(),
  });
  const session = res.headers.getSetCookie().find((c) => c.startsWith('redress_session='));
  if (res.status !== 303 || !session) throw new Error(`sign-in answered ${res.status}`);
  return session.split(';')[0]!;
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
