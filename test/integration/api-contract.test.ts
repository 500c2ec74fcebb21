import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { API_ROLES, type ApiRole } from '../../config/api-keys';
import { repoRoot } from '../../infra/paths';
import { cacheDir } from '../../platform/data-dir';
import { pgliteDb, type Db } from '../../store/db';
import { migrate } from '../../store/migrate';
import { startProjector, type Projector } from '../../workers/projector/projector';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { testKafka } from '../support/kafka';

/**
 * The API keeps its own contract: schemathesis (from PyPI, installed by scripts/bootstrap, version
 * pinned there) reads `/openapi.json` and sends every operation its examples, the coverage phase's
 * boundary and negative cases, and fuzzed ones, as each role, to the real API on the real Temporal,
 * Kafka and store. Every check must pass: no 5xx, no schema-valid request refused, no invalid one
 * accepted, every response (status, headers, content type, body) as documented, undeclared methods
 * answered 405 with `Allow`, and no route that ignores its key.
 *
 * A jest test rather than a step of scripts/test, so its result is counted in `N passed, N failed` with
 * everything else and it runs on the servers global setup started.
 */
const SCHEMATHESIS_VERSION = '4.32.5';
/** Cases per operation and phase: a few minutes in all on 2 cores, enough to find each kind of mistake. */
const MAX_EXAMPLES = Number(process.env.REDRESS_SCHEMATHESIS_EXAMPLES ?? 8);
/** Fixed, so a failure reproduces; REDRESS_SCHEMATHESIS_SEED explores others. */
const SEED = process.env.REDRESS_SCHEMATHESIS_SEED ?? '16';

const REPORT_DIR = join(repoRoot(), 'test-output', 'schemathesis');
const st = join(cacheDir(), `schemathesis-${SCHEMATHESIS_VERSION}`, 'bin', 'st');
let h: ApiHarness;
let store: Db;
let projector: Projector;

beforeAll(async () => {
  if (!existsSync(st)) throw new Error(`${st} is missing: run scripts/bootstrap (./scripts/test does)`);
  store = (await pgliteDb(undefined)).db;
  await migrate(store);
  // A limit schemathesis never meets: its requests are what is tested, not the rate limiter.
  h = await startApiHarness('api-contract', {
    store,
    rateLimitPerMinute: 1_000_000,
    lifecycleMetrics: true,
    // A worker busy with schemathesis's complaints on 2 shared cores can take over the API's 10 s to
    // answer a read: a 503 for load, not a fault. Under the 60 s request timeout, a complaint that never
    // answers (a frozen workflow) still fails the run.
    workerTimeouts: { readMs: 45_000, actionMs: 45_000 },
  });
  const kafka = testKafka(h.stack.config.kafka.brokers.join(','));
  projector = await startProjector(h.stack.config, kafka, store, pino({ level: 'silent' }), {
    groupId: `p-${h.stack.config.topics.lifecycle}`,
  });
}, 120_000);

afterAll(async () => {
  await projector?.stop();
  await h?.stop();
});

/** Runs schemathesis as a role; resolves with its exit code and the end of its report. */
function schemathesis(role: ApiRole): Promise<{ code: number | null; report: string }> {
  const args = [
    `--config-file=${join(__dirname, 'schemathesis.toml')}`,
    'run',
    `${h.base}/openapi.json`,
    '--phases=examples,coverage,fuzzing',
    '--checks=all',
    `--max-examples=${MAX_EXAMPLES}`,
    `--seed=${SEED}`,
    // One at a time: two workers reading one busy complaint at once meet Temporal's buffered-query limit.
    '--workers=1',
    '--request-timeout=60',
    // `--checks=all` bounds each response at 10 s: a timed assertion, which on 2 shared cores fails for
    // load, not for a fault (bench/ measures speed). The request timeout above is the only bound.
    '--max-response-time=60',
    '--no-shrink',
    '--continue-on-failure',
    `--header=Authorization: Bearer ${h.keys[role]}`,
  ];
  return new Promise((resolve, reject) => {
    // In the report directory: schemathesis keeps its example database (.schemathesis/) in its working directory.
    mkdirSync(REPORT_DIR, { recursive: true });
    const child = spawn(st, args, {
      cwd: REPORT_DIR,
      env: { ...process.env, NO_COLOR: '1', SCHEMATHESIS_TELEMETRY: 'false' },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      const report = out.replaceAll(h.keys[role], '<key>');
      // The whole report beside the screenshots; the assertion's message gets its end.
      writeFileSync(join(REPORT_DIR, `${role}.txt`), report);
      resolve({ code, report: report.slice(-12_000) });
    });
  });
}

it.each(API_ROLES)(
  'every operation keeps its documented contract for the %s role',
  async (role) => {
    const { code, report } = await schemathesis(role);
    // The report is the assertion's message: it names each failing operation and check.
    expect({ code, report }).toEqual({ code: 0, report: expect.stringMatching(/No issues found|passed/) as unknown });
  },
  600_000,
);
