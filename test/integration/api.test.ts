import { randomUUID } from 'node:crypto';
import SwaggerParser from '@apidevtools/swagger-parser';
import pino from 'pino';
import { buildApi, registeredRoutes } from '../../clients/api/app';
import type { ComplaintDetail, ComplaintList, Timeline } from '../../clients/api/schemas';
import { API_ROLES, ApiKeyStore, hashApiKey, type ApiRole } from '../../config/api-keys';
import type { Complaint } from '../../domain/complaint';
import { kafkaHealthy, temporalHealthy } from '../../platform/health';
import { remedyFulfilledSignal, type ComplaintStatus } from '../../workflows/messages';
import { complaintWorkflowId } from '../../domain/ids';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startManaged, type ManagedProcess } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';
import { waitUntil } from '../support/wait';
import { listenLocally, startApiHarness, type ApiHarness } from '../support/api-harness';
import { freePort } from '../../infra/free-port';
import { complaintFixture } from '../support/fixtures';
import { workflowBundle } from '../support/stack';
import { createComplaintWorker } from '../../workers/worker';
import { HOUR } from '../support/time';

/**
 * The HTTP API on the real stack (Temporal dev server, Kafka, the real worker): every route, every role
 * allowed and refused, every error status, pagination, the at-risk filter, metrics, health and the
 * OpenAPI document. Visibility is eventually consistent, so list assertions poll until they hold.
 */
const run = randomUUID().slice(0, 6);
let h: ApiHarness;
/** The real worker process (dist), serving the Temporal SDK's metrics for /metrics to append. */
let workerProcess: ManagedProcess | undefined;

beforeAll(async () => {
  const workerPort = await freePort();
  const workerMetricsUrl = `http://127.0.0.1:${workerPort}/metrics`;
  h = await startApiHarness('api', { lifecycleMetrics: true, bridgeMetrics: true, workerMetricsUrl });
  const main = join(repoRoot(), 'dist', 'workers', 'worker-main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -p tsconfig.build.json)`);
  const { topics, temporal } = h.stack.config;
  workerProcess = await startManaged({
    name: 'worker',
    command: process.execPath,
    args: [main],
    env: {
      ...process.env,
      // A task queue of its own, so it takes none of the test's workflow tasks.
      TEMPORAL_TASK_QUEUE: `${temporal.taskQueue}-metrics`,
      REDRESS_TOPIC_PREFIX: topics.intake.slice(0, -'complaints.intake'.length),
      REDRESS_WORKER_METRICS_ADDRESS: `127.0.0.1:${workerPort}`,
      LOG_LEVEL: 'info',
    },
    logFile: join(process.env.REDRESS_TEST_LOG_DIR ?? tmpdir(), `api-worker-${run}.log`),
    startTimeoutMs: 90_000,
    healthy: async () => (await fetch(workerMetricsUrl).catch(() => undefined))?.ok ?? false,
  });
});
afterAll(async () => {
  await workerProcess?.stop();
  await h?.stop();
});

type Overrides = Partial<Complaint> & { jurisdiction?: string; customerId?: string; hoursAgo?: number };
/** A complaint body: GB (FCA DISP) unless a jurisdiction says otherwise; `hoursAgo` back-dates its receipt. */
const complaint = (complaintId: string, o: Overrides = {}) => {
  const { jurisdiction = 'GB-ENG', customerId = `cust-${run}`, hoursAgo, ...rest } = o;
  const base = complaintFixture(rest);
  return {
    complaintId,
    ...base,
    customer: { ...base.customer, id: customerId, jurisdiction },
    receivedAt: new Date(Date.now() - (hoursAgo ?? 0) * HOUR).toISOString(),
  };
};
const submit = async (id: string, o: Overrides = {}) => {
  const res = await h.call<ComplaintStatus>('operator', 'POST', '/complaints', complaint(id, o));
  expect([200, 201]).toContain(res.status);
  return res.json;
};
/** The list, as one page of up to 200. */
const list = (query: string) => h.call<ComplaintList>('auditor', 'GET', `/complaints?limit=200&${query}`);
const ids = (l: ComplaintList) => l.items.map((i) => i.complaintId);
/** Polls the list until its ids are exactly `expected`, in order. */
const listShows = (query: string, expected: string[]) =>
  waitUntil('the list to show exactly the expected complaints', async () => {
    const res = await list(query);
    expect(res.status).toBe(200);
    expect(ids(res.json)).toEqual(expected);
    return res.json;
  });
const act = (as: ApiRole, id: string, path: string, body: unknown, headers?: Record<string, string>) =>
  h.call<ComplaintStatus & { error?: string; message?: string }>(
    as,
    'POST',
    `/complaints/${id}/${path}`,
    body,
    headers,
  );

describe('submit and read', () => {
  const id = `sub-${run}`;

  it('creates a complaint: 201 with Location and its status', async () => {
    const res = await h.call<ComplaintStatus>('operator', 'POST', '/complaints', complaint(id));
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/complaints/${id}`);
    expect(res.json).toMatchObject({ complaintId: id, category: 'billing' });
  });

  it('answers 200 with the existing complaint for the same id, never starting a second', async () => {
    const again = await h.call<ComplaintStatus>('operator', 'POST', '/complaints', complaint(id, { summary: 'Other' }));
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe(`/complaints/${id}`);
    expect(again.json.complaintId).toBe(id);
    const runs = await h.stack.client.workflow.count(`WorkflowId = '${complaintWorkflowId(id)}'`);
    expect(runs.count).toBe(1);
  });

  it('reads the status with clocks and the timeline, and the timeline alone', async () => {
    const detail = await waitUntil("the complaint's detail", async () => {
      const res = await h.call<ComplaintDetail>('auditor', 'GET', `/complaints/${id}`);
      expect(res.status).toBe(200);
      expect(res.json.stage).toBe('acknowledged');
      return res.json;
    });
    expect(detail.regime).toBe('fca-disp');
    expect(detail.clocks.find((c) => c.clock === 'first-response')!.timeLeftMs).toBeGreaterThan(23 * HOUR);
    expect(detail.timeline.map((e) => e.action)).toContain('received');
    const timeline = await h.call<Timeline>('operator', 'GET', `/complaints/${id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.json.complaintId).toBe(id);
    expect(timeline.json.entries).toEqual(detail.timeline);
  });
});

describe('the lifecycle through the action routes, as the caller', () => {
  it('assigns, listens, apologises, proposes, approves (supervisor only) and resolves', async () => {
    const id = `life-${run}`;
    await submit(id, { jurisdiction: 'DE' }); // the default regime: approval above 300 EUR

    // A remedy before listening is refused with the workflow's reason, and changes nothing.
    const early = await act('operator', id, 'remedy', { kind: 'refund', description: 'x', amount: 5, currency: 'EUR' });
    expect(early.status).toBe(409);
    expect(early.json).toMatchObject({
      error: 'conflict',
      details: { action: 'proposeRemedy', stage: 'acknowledged' },
    });
    expect(early.json.message).toMatch(/cannot be proposed before listening is done/);

    expect((await act('operator', id, 'assignment', { assignee: 'agent-7' })).json.stage).toBe('listening');
    // Reassigning needs a supervisor: 403 for an operator, done for a supervisor.
    const reassign = await act('operator', id, 'assignment', { assignee: 'agent-8' });
    expect(reassign.status).toBe(403);
    expect(reassign.json.message).toMatch(/assigned to agent-7; reassigning needs a supervisor/);
    expect((await act('supervisor', id, 'assignment', { assignee: 'agent-8' })).json.assignee).toBe('agent-8');

    const waiting = await act('operator', id, 'account', { account: 'Charged twice in October.', confirmed: false });
    expect(waiting.json.waitingOnCustomer).toBe(true);
    expect((await act('operator', id, 'questions', { question: 'Which card was it?' })).status).toBe(200);
    const listened = await act('operator', id, 'account', {
      account: 'Charged twice on my Visa.',
      confirmed: true,
      confirmedHow: 'on a call',
    });
    expect(listened.json.stage).toBe('apology');
    const apologised = await act('operator', id, 'apology', { text: 'We are sorry.', faultAdmitted: true });
    expect(apologised.json.stage).toBe('remedy');

    const proposed = await act('operator', id, 'remedy', {
      kind: 'refund',
      description: 'Refund of the second charge',
      amount: 350,
      currency: 'EUR',
    });
    expect(proposed.json.remedy).toMatchObject({ status: 'awaiting-approval', needsApproval: true });
    const byOperator = await act('operator', id, 'remedy/decision', { approve: true, reason: 'ok' });
    expect(byOperator.status).toBe(403);
    const approved = await act('supervisor', id, 'remedy/decision', { approve: true, reason: 'Clear error' });
    expect(approved.status).toBe(200);
    expect(approved.json.remedy).toMatchObject({ status: 'requested', approvedBy: 'it-supervisor' });

    // The fulfilment system reports back (as the bridge would deliver it), then the final response.
    await h.stack.client.workflow.getHandle(complaintWorkflowId(id)).signal(remedyFulfilledSignal, {
      eventId: `ful-${id}`,
      source: 'fulfilment',
      occurredAt: new Date().toISOString(),
      data: { remedyId: `${id}:remedy:1` },
    });
    const resolved = await waitUntil('the resolved complaint', async () => {
      const res = await act('operator', id, 'resolution', {
        response: 'final-response',
        outcome: 'upheld',
        reasons: 'We charged you twice by mistake.',
      });
      expect(res.status).toBe(200);
      return res.json;
    });
    expect(resolved.stage).toBe('follow-up');

    // The acting identity of every action is on the timeline.
    const timeline = (await h.call<Timeline>('auditor', 'GET', `/complaints/${id}/timeline`)).json.entries;
    const by = (action: string) => timeline.find((e) => e.action === action)?.actor;
    expect(by('assigned')).toEqual({ id: 'it-operator', role: 'operator' });
    expect(by('reassigned')).toEqual({ id: 'it-supervisor', role: 'supervisor' });
    expect(by('question-asked')).toEqual({ id: 'it-operator', role: 'operator' });
    expect(by('apology-sent')).toEqual({ id: 'it-operator', role: 'operator' });
    expect(by('remedy-approved')).toEqual({ id: 'it-supervisor', role: 'supervisor' });
    expect(by('final-response-sent')).toEqual({ id: 'it-operator', role: 'operator' });
  });

  it('skips the apology with a reason, escalates once per Idempotency-Key, withdraws, then refuses more', async () => {
    const id = `skip-${run}`;
    await submit(id, { jurisdiction: 'DE' });
    await act('operator', id, 'account', { account: 'It broke.', confirmed: true, confirmedHow: 'on a call' });
    const skipped = await act('operator', id, 'apology/skip', { reason: 'Apologised on the phone' });
    expect(skipped.json.stage).toBe('remedy');

    const headers = { 'idempotency-key': `esc-${run}` };
    expect((await act('operator', id, 'escalation', { reason: 'Vulnerable customer' }, headers)).status).toBe(200);
    expect((await act('operator', id, 'escalation', { reason: 'Vulnerable customer' }, headers)).status).toBe(200);
    const escalations = (await h.call<Timeline>('auditor', 'GET', `/complaints/${id}/timeline`)).json.entries.filter(
      (e) => e.action === 'escalated',
    );
    expect(escalations).toHaveLength(1);

    const withdrawn = await act('operator', id, 'withdrawal', { reason: 'Customer called to withdraw' });
    expect(withdrawn.json.stage).toBe('withdrawn');
    // The workflow has finished: an action is a 409 saying so, not a 404.
    const after = await act('operator', id, 'escalation', { reason: 'Too late' });
    expect(after.status).toBe(409);
    expect(after.json).toMatchObject({ error: 'conflict', details: { stage: 'withdrawn' } });
  });

  it('extends with a holding response (supervisor only) where the regime allows it, once', async () => {
    const id = `ext-${run}`;
    const s = await submit(id, { category: 'payments' });
    expect(s.regime).toBe('fca-payments');
    const body = {
      reason: 'Waiting for the card scheme',
      expectedBy: new Date(Date.now() + 30 * 24 * HOUR).toISOString(),
    };
    expect((await act('operator', id, 'extension', body)).status).toBe(403);
    const extended = await act('supervisor', id, 'extension', body);
    expect(extended.status).toBe(200);
    expect(extended.json.clocks.find((c) => c.clock === 'final-response')!.target).toBe(35);
    const again = await act('supervisor', id, 'extension', body);
    expect(again.status).toBe(409);
    expect(again.json.message).toMatch(/already sent/);
  });
});

describe('roles: every route, allowed and refused', () => {
  const closed = `roles-${run}`;
  /** One request per route, on a withdrawn complaint, so an allowed action reaches the workflow and is refused there (409). */
  const requests: Array<{
    method: string;
    path: string;
    url: string;
    body?: unknown;
    allowed: ApiRole[] | 'public';
    /** What an allowed caller gets, where it is not the rule below (a dead letter that does not exist: 404). */
    status?: number;
  }> = [
    {
      method: 'POST',
      path: '/complaints',
      url: '/complaints',
      body: complaint(closed),
      allowed: ['service', 'operator', 'supervisor'],
    },
    { method: 'GET', path: '/complaints', url: '/complaints', allowed: ['operator', 'supervisor', 'auditor'] },
    {
      method: 'GET',
      path: '/complaints/{id}',
      url: `/complaints/${closed}`,
      allowed: ['operator', 'supervisor', 'auditor'],
    },
    {
      method: 'GET',
      path: '/complaints/{id}/timeline',
      url: `/complaints/${closed}/timeline`,
      allowed: ['operator', 'supervisor', 'auditor'],
    },
    {
      method: 'GET',
      path: '/complaints/{id}/conversation',
      url: `/complaints/${closed}/conversation`,
      allowed: ['operator', 'supervisor', 'auditor'],
    },
    ...(
      [
        ['assignment', { assignee: 'agent-1' }],
        ['account', { account: 'A', confirmed: true, confirmedHow: 'on a call' }],
        ['questions', { question: 'Q?' }],
        ['apology', { text: 'Sorry', faultAdmitted: false }],
        ['apology/skip', { reason: 'R' }],
        ['remedy', { kind: 'explanation', description: 'D' }],
        ['escalation', { reason: 'R' }],
        ['withdrawal', { reason: 'R' }],
        ['resolution', { response: 'final-response', outcome: 'upheld', reasons: 'R' }],
        ['account/confirmation', { replyId: 'reply-1' }],
        [
          'commitments',
          {
            kind: 'call-back',
            dueAt: new Date(Date.now() + 24 * HOUR).toISOString(),
            words: 'W',
            visibleToCustomer: true,
          },
        ],
        ['commitments/kept', { commitmentId: 'c:commitment:1' }],
        ['notes', { text: 'N' }],
        ['drafts', { action: 'askQuestion', input: { question: 'Q' } }],
        ['vulnerability', { vulnerable: false }],
        ['new-matter', { replyId: 'reply-1', summary: 'S' }],
      ] as const
    ).map(([path, body]) => ({
      method: 'POST',
      path: `/complaints/{id}/${path}`,
      url: `/complaints/${closed}/${path}`,
      body,
      allowed: ['operator', 'supervisor'] as ApiRole[],
    })),
    {
      method: 'POST',
      path: '/complaints/{id}/remedy/decision',
      url: `/complaints/${closed}/remedy/decision`,
      body: { approve: true, reason: 'R' },
      allowed: ['supervisor'],
    },
    {
      method: 'POST',
      path: '/complaints/{id}/drafts/approval',
      url: `/complaints/${closed}/drafts/approval`,
      body: { draftId: 'a'.repeat(64) },
      allowed: ['supervisor'],
    },
    {
      method: 'POST',
      path: '/complaints/{id}/extension',
      url: `/complaints/${closed}/extension`,
      body: { reason: 'R', expectedBy: new Date(Date.now() + 24 * HOUR).toISOString() },
      allowed: ['supervisor'],
    },
    { method: 'GET', path: '/dead-letters', url: '/dead-letters', allowed: ['operator', 'supervisor'] },
    {
      method: 'GET',
      path: '/dead-letters/{id}',
      url: '/dead-letters/0-999999999',
      allowed: ['operator', 'supervisor'],
      status: 404,
    },
    {
      method: 'POST',
      path: '/dead-letters/{id}/replay',
      url: '/dead-letters/0-999999999/replay',
      allowed: ['operator', 'supervisor'],
      status: 404,
    },
    { method: 'GET', path: '/health', url: '/health', allowed: 'public' },
    { method: 'GET', path: '/metrics', url: '/metrics', allowed: 'public' },
    { method: 'GET', path: '/openapi.json', url: '/openapi.json', allowed: 'public' },
  ];

  beforeAll(async () => {
    await submit(closed);
    expect((await act('operator', closed, 'withdrawal', { reason: 'For the role checks' })).status).toBe(200);
  });

  it('has a request for every registered route', () => {
    const routes = registeredRoutes(h.api)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    expect(requests.map((r) => `${r.method} ${r.path}`).sort()).toEqual(routes);
  });

  it.each(API_ROLES)('the %s role: allowed routes answer, refused ones are 403', async (role) => {
    for (const r of requests) {
      const res = await h.call(role, r.method, r.url, r.body);
      const allowed = r.allowed === 'public' || r.allowed.includes(role);
      // Allowed actions get through to the workflow, which refuses them: the complaint is withdrawn.
      const expected = !allowed ? 403 : (r.status ?? (r.method === 'POST' && r.path !== '/complaints' ? 409 : 200));
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({
        route: `${r.method} ${r.path}`,
        status: expected,
      });
      if (!allowed) expect(res.json).toMatchObject({ error: 'forbidden', details: { role } });
    }
  });

  it('answers 401 without a key and with an unknown key, on every route that needs one', async () => {
    for (const r of requests.filter((q) => q.allowed !== 'public')) {
      const none = await h.call(null, r.method, r.url, r.body);
      expect({ route: r.path, status: none.status }).toEqual({ route: r.path, status: 401 });
      expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(none.json.error).toBe('unauthorized');
      expect(none.json.message).toMatch(/API key is required/);
      const wrong = await h.call({ key: 'rdk_not-a-key' }, r.method, r.url, r.body);
      expect({ route: r.path, status: wrong.status }).toEqual({ route: r.path, status: 401 });
      expect(wrong.json.message).toMatch(/not valid/);
    }
    // HEAD runs the GET handler: it needs the same key.
    const head = await fetch(`${h.base}/complaints/${closed}`, { method: 'HEAD' });
    expect(head.status).toBe(401);
  });
});

describe('errors', () => {
  it('400 names every invalid field of a body, including an actor the caller may not set', async () => {
    const res = await h.call<{ error: string; details: Array<{ field: string }> }>('operator', 'POST', '/complaints', {
      ...complaint(`bad-${run}`),
      channel: 'fax',
      customer: { id: 'c', name: 'N', jurisdiction: 'england' },
    });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('bad_request');
    expect(res.json.details.map((d) => d.field).sort()).toEqual(['channel', 'customer.jurisdiction']);

    const actor = await act('operator', `sub-${run}`, 'escalation', {
      reason: 'R',
      actor: { id: 'boss', role: 'supervisor' },
    });
    expect(actor.status).toBe(400);
    expect((actor.json as unknown as { details: unknown[] }).details).toEqual([
      { field: 'actor', message: 'unknown field' },
    ]);
    const money = await act('operator', `sub-${run}`, 'remedy', { kind: 'refund', description: 'D' });
    expect((money.json as unknown as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'amount',
      'currency',
    ]);
  });

  it('400 lists at most 20 invalid fields and counts the rest; a remedy with an amount and no currency is a 422 naming it', async () => {
    const junk = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`junk${i}`, i]));
    const res = await h.call<{ message: string; details: Array<{ field: string }> }>(
      'operator',
      'POST',
      '/complaints',
      {
        ...complaint(`junk-${run}`),
        ...junk,
      },
    );
    expect(res.status).toBe(400);
    expect(res.json.details).toHaveLength(20);
    expect(res.json.message).toMatch(/and 30 more \(50 in all\)$/);
    // Any kind: a replacement worth a fortune without a currency could slip past the approval threshold.
    const replacement = await act('operator', `sub-${run}`, 'remedy', {
      kind: 'replacement',
      description: 'A new one',
      amount: 1e9,
    });
    // The rule between amount and currency is beyond the document's schema: 422.
    expect(replacement.status).toBe(422);
    expect((replacement.json as unknown as { details: Array<{ field: string }> }).details.map((d) => d.field)).toEqual([
      'currency',
    ]);
  });

  it('answers with no-store and nosniff, since any answer may carry personal data', async () => {
    for (const [as, path] of [
      ['auditor', `/complaints/sub-${run}`],
      ['auditor', '/complaints'],
      [null, '/health'],
    ] as const) {
      const res = await h.call(as, 'GET', path);
      expect({
        path,
        cache: res.headers.get('cache-control'),
        sniff: res.headers.get('x-content-type-options'),
      }).toEqual({
        path,
        cache: 'no-store',
        sniff: 'nosniff',
      });
    }
  });

  it('400 names invalid query parameters, a body that is not JSON and a bad Idempotency-Key; 422 a cursor not issued', async () => {
    const q = await h.call<{ details: Array<{ field: string }> }>(
      'auditor',
      'GET',
      '/complaints?stage=listening,nope&atRiskWithin=soon&limit=0&stages=x',
    );
    expect(q.status).toBe(400);
    expect(q.json.details.map((d) => d.field).sort()).toEqual(['atRiskWithin', 'limit', 'stage', 'stages']);
    // A cursor this API did not issue has a cursor's documented shape (any string): 422, not 400.
    const cursor = await h.call<{ details: Array<{ field: string }> }>('auditor', 'GET', '/complaints?cursor=xyz');
    expect(cursor.status).toBe(422);
    expect(cursor.json.details[0]!.field).toBe('cursor');
    const notJson = await h.call('operator', 'POST', '/complaints', '{"complaintId": ');
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({ error: 'bad_request' });
    const key = await act('operator', `sub-${run}`, 'escalation', { reason: 'R' }, { 'idempotency-key': 'no spaces' });
    expect(key.status).toBe(400);
  });

  it('400 for text the Kafka bridge refuses too: control characters (naming the field), bad UTF-8, deep nesting', async () => {
    type Refusal = { error: string; message: string; details: Array<{ field: string; message: string }> };
    const control = await h.call<Refusal>('operator', 'POST', '/complaints', {
      ...complaint(`ctl-${run}`),
      description: 'charged twice\u0000 again',
    });
    expect(control.status).toBe(400);
    expect(control.json.details).toEqual([
      { field: 'description', message: 'must not contain control characters other than tab, CR and LF' },
    ]);

    // "café" with the é as a lone Latin-1 byte: a lenient decoder would store U+FFFD in its place.
    const json = JSON.stringify({ ...complaint(`utf-${run}`), summary: 'caf@' });
    const at = json.indexOf('caf@') + 3;
    const latin1 = Buffer.concat([
      Buffer.from(json.slice(0, at)),
      Buffer.from([0xe9]),
      Buffer.from(json.slice(at + 1)),
    ]);
    const badBytes = await h.call<Refusal>('operator', 'POST', '/complaints', latin1);
    expect(badBytes.status).toBe(400);
    expect(badBytes.json).toMatchObject({ error: 'bad_request', details: [{ field: '(body)' }] });
    expect(badBytes.json.message).toMatch(/UTF-8/);

    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const nested = await h.call<Refusal>('operator', 'POST', '/complaints', { ...complaint(`deep-${run}`), deep });
    expect(nested.status).toBe(400);
    expect(nested.json.details[0]!.field).toMatch(/^deep(\.d)+$/);

    // Refused before anything started: none of the three exists.
    for (const id of [`ctl-${run}`, `utf-${run}`, `deep-${run}`]) {
      expect((await h.call('auditor', 'GET', `/complaints/${id}`)).status).toBe(404);
    }
  });

  it('404 for a complaint that does not exist, on reads and actions', async () => {
    for (const [method, url, body] of [
      ['GET', '/complaints/no-such-complaint', undefined],
      ['GET', '/complaints/no-such-complaint/timeline', undefined],
      ['POST', '/complaints/no-such-complaint/escalation', { reason: 'R' }],
    ] as const) {
      const res = await h.call(method === 'GET' ? 'auditor' : 'operator', method, url, body);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.json).toMatchObject({ error: 'not_found' });
    }
  });

  it('413 for a body over 1 MiB', async () => {
    const huge = { ...complaint(`huge-${run}`), description: 'x'.repeat(1_100_000) };
    const res = await h.call('operator', 'POST', '/complaints', huge);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ error: 'payload_too_large' });
  });

  it('429 with Retry-After once a caller used its requests; other callers are unaffected', async () => {
    const keys = { a: 'rdk_rate-a', b: 'rdk_rate-b' };
    const limited = buildApi({
      config: h.stack.config,
      client: h.stack.client,
      logger: pino({ level: 'silent' }),
      keys: new ApiKeyStore([
        { id: 'rate-a', role: 'auditor', sha256: hashApiKey(keys.a) },
        { id: 'rate-b', role: 'auditor', sha256: hashApiKey(keys.b) },
      ]),
      rateLimitPerMinute: 3,
    });
    const url = `${await listenLocally(limited)}/complaints/sub-${run}`;
    try {
      const get = (key: string) => fetch(url, { headers: { authorization: `Bearer ${key}` } });
      for (let i = 0; i < 3; i++) expect((await get(keys.a)).status).toBe(200);
      const refused = await get(keys.a);
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.json()).toMatchObject({ error: 'rate_limited' });
      expect((await get(keys.b)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('list', () => {
  it('pages through complaints in next-deadline order with a cursor', async () => {
    const customerId = `pages-${run}`;
    // Received 0-40 minutes ago: first-response deadlines 10 minutes apart, the oldest first.
    const made = [0, 1, 2, 3, 4].map((k) => `pg-${run}-${k}`);
    for (const [k, id] of made.entries()) await submit(id, { customerId, hoursAgo: k / 6 });
    const expected = [...made].reverse();
    await listShows(`customer=${customerId}`, expected);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await h.call<ComplaintList>(
        'operator',
        'GET',
        `/complaints?customer=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(res.status).toBe(200);
      expect(res.json.items.length).toBeLessThanOrEqual(2);
      seen.push(...ids(res.json));
      cursor = res.json.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(expected);
    const deadlines = (await list(`customer=${customerId}`)).json.items.map((i) => Date.parse(i.nextDeadline!));
    expect(deadlines).toEqual([...deadlines].sort((a, b) => a - b));

    // A cursor belongs to its filters.
    const first = await h.call<ComplaintList>('operator', 'GET', `/complaints?customer=${customerId}&limit=2`);
    const other = await h.call(
      'operator',
      'GET',
      `/complaints?customer=${customerId}&stage=listening&cursor=${first.json.nextCursor}`,
    );
    // A cursor of the documented shape that this API did not issue for these filters: a rule no schema states.
    expect(other.status).toBe(422);
    expect(JSON.stringify(other.json)).toMatch(/made for other filters/);
  });

  it('filters at risk: next deadline inside the window, not outside it; breached and escalated', async () => {
    const customerId = `risk-${run}`;
    // First response is due 24 h after receipt: received 23 h ago -> due in 1 h; 20 h ago -> 4 h; now -> 24 h;
    // 25 h ago -> already breached (escalated), its next deadline the 8-week final response.
    await submit(`risk-${run}-1h`, { customerId, hoursAgo: 23 });
    await submit(`risk-${run}-4h`, { customerId, hoursAgo: 20 });
    await submit(`risk-${run}-24h`, { customerId });
    await submit(`risk-${run}-late`, { customerId, hoursAgo: 25 });
    const q = (more: string) => `customer=${customerId}&${more}`;
    await listShows(q('atRiskWithin=2h'), [`risk-${run}-1h`]);
    await listShows(q('atRiskWithin=5h'), [`risk-${run}-1h`, `risk-${run}-4h`]);
    await listShows(q('atRiskWithin=2d'), [`risk-${run}-1h`, `risk-${run}-4h`, `risk-${run}-24h`]);
    const breached = await listShows(q('breached=true'), [`risk-${run}-late`]);
    expect(breached.items[0]).toMatchObject({ breached: true, escalated: true, stage: 'acknowledged', open: true });
    await listShows(q('escalated=true'), [`risk-${run}-late`]);
    await listShows(q('breached=false&atRiskWithin=3h'), [`risk-${run}-1h`]);
    const item = (await list(q('atRiskWithin=2h'))).json.items[0]!;
    expect(item.timeLeftMs).toBeGreaterThan(0);
    expect(item.timeLeftMs).toBeLessThan(2 * HOUR);
  });

  it('filters by stage, severity, channel, category, assignee, regime and receipt time', async () => {
    const customerId = `filters-${run}`;
    await submit(`f-${run}-a`, { customerId, severity: 'high', channel: 'phone', category: "customer's card" });
    await submit(`f-${run}-b`, { customerId, jurisdiction: 'US', hoursAgo: 2 });
    await act('operator', `f-${run}-b`, 'assignment', { assignee: 'agent-9' });
    const q = (more: string) => `customer=${customerId}&${more}`;
    await listShows(q('stage=listening'), [`f-${run}-b`]);
    await listShows(q('stage=acknowledged,listening'), [`f-${run}-b`, `f-${run}-a`]);
    await listShows(q('severity=high'), [`f-${run}-a`]);
    await listShows(q('channel=phone,letter'), [`f-${run}-a`]);
    await listShows(q(`category=${encodeURIComponent("customer's card")}`), [`f-${run}-a`]);
    await listShows(q('assignee=agent-9'), [`f-${run}-b`]);
    // A US complaint made to the firm directly is not the CFPB's (only a CFPB referral is).
    await listShows(q('regime=default'), [`f-${run}-b`]);
    const hourAgo = new Date(Date.now() - HOUR).toISOString();
    await listShows(q(`receivedFrom=${hourAgo}`), [`f-${run}-a`]);
    await listShows(q(`receivedTo=${hourAgo}`), [`f-${run}-b`]);
  });
});

describe('when no worker answers', () => {
  it('202 for a new complaint, 503 with Retry-After on reads and actions; the action applies once when a worker comes', async () => {
    // An API on a task queue nobody polls yet, with short waits so the test does not wait 30 s.
    const { config } = h.stack;
    const lateConfig = { ...config, temporal: { ...config.temporal, taskQueue: `${config.temporal.taskQueue}-late` } };
    const key = 'rdk_late-operator';
    // What the API logged, shown with a failed assertion (a 500's cause is only in the log).
    const logs: string[] = [];
    const api = buildApi({
      config: lateConfig,
      client: h.stack.client,
      logger: pino({ level: 'warn' }, { write: (line: string) => void logs.push(line) }),
      keys: new ApiKeyStore([{ id: 'late-operator', role: 'operator', sha256: hashApiKey(key) }]),
      workerTimeouts: { readMs: 1_500, actionMs: 1_500 },
    });
    const base = await listenLocally(api);
    const send = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, headers: res.headers, json: (await res.json()) as Record<string, unknown> };
    };
    const id = `late-${run}`;
    let worker: Awaited<ReturnType<typeof createComplaintWorker>> | undefined;
    let running: Promise<void> | undefined;
    try {
      const submitted = await send('POST', '/complaints', complaint(id));
      expect({ status: submitted.status, logs }).toEqual({ status: 202, logs: [] });
      expect(submitted.headers.get('location')).toBe(`/complaints/${id}`);
      expect(submitted.json).toMatchObject({ complaintId: id, stage: 'received', regime: 'pending' });

      const read = await send('GET', `/complaints/${id}`);
      expect({ status: read.status, logs }).toEqual({ status: 503, logs: [] });
      expect(read.headers.get('retry-after')).toBe('5');
      expect(read.json).toMatchObject({ error: 'unavailable' });

      const escalate = () =>
        send('POST', `/complaints/${id}/escalation`, { reason: 'R' }, { 'idempotency-key': `esc-${id}` });
      const waiting = await escalate();
      expect({ status: waiting.status, logs }).toEqual({ status: 503, logs: [] });
      expect(waiting.json.message).toMatch(/retry with the same Idempotency-Key/);

      // A worker comes: the complaint is taken in, and the retried action returns the one outcome.
      worker = await createComplaintWorker(lateConfig, pino({ level: 'silent' }), {
        workflowBundle: await workflowBundle(),
      });
      running = worker.worker.run();
      const retried = await waitUntil("the retried action's outcome", async () => {
        const res = await escalate();
        expect(res.status).toBe(200);
        return res;
      });
      expect(retried.json).toMatchObject({ complaintId: id, escalated: true });
      const timeline = (await send('GET', `/complaints/${id}/timeline`)).json as unknown as Timeline;
      expect(timeline.entries.filter((e) => e.action === 'escalated')).toHaveLength(1);
    } finally {
      await api.close();
      worker?.worker.shutdown();
      await running;
      await worker?.close();
      await h.stack.client.workflow
        .getHandle(complaintWorkflowId(id))
        .terminate('test finished')
        .catch(() => undefined);
    }
  });
});

describe('operations', () => {
  it('GET /health says Temporal and Kafka answer (200), and 503 naming what does not', async () => {
    const ok = await h.call(null, 'GET', '/health');
    expect(ok.status).toBe(200);
    expect(ok.json).toEqual({ status: 'ok', checks: { temporal: true, kafka: true } });

    const degraded = buildApi({
      config: h.stack.config,
      client: h.stack.client,
      logger: pino({ level: 'silent' }),
      keys: new ApiKeyStore([]),
      health: async () => ({
        temporal: await temporalHealthy(h.stack.config.temporal.address, h.stack.config.temporal.namespace),
        kafka: await kafkaHealthy('127.0.0.1:1'),
      }),
    });
    const base = await listenLocally(degraded);
    try {
      const res = await fetch(`${base}/health`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'degraded', checks: { temporal: true, kafka: false } });
    } finally {
      await degraded.close();
    }
  });

  it('GET /metrics: complaints by stage, time to acknowledge, breaches by clock, and every family', async () => {
    const text = await waitUntil('the metrics to count the complaints', async () => {
      const res = await h.call(null, 'GET', '/metrics');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(metric(res.text, 'redress_complaints{stage="acknowledged"}')).toBeGreaterThanOrEqual(1);
      expect(metric(res.text, 'redress_complaints{stage="withdrawn"}')).toBeGreaterThanOrEqual(2);
      expect(metric(res.text, 'redress_time_to_acknowledge_seconds_count')).toBeGreaterThanOrEqual(10);
      expect(metric(res.text, 'redress_deadline_breaches_total{clock="first-response"}')).toBeGreaterThanOrEqual(1);
      expect(metric(res.text, 'redress_complaints_open_breached')).toBeGreaterThanOrEqual(1);
      return res.text;
    });
    // The ack of the complaint received 23 h ago took 23 h: the histogram holds it past the 4 h bucket.
    expect(metric(text, 'redress_time_to_acknowledge_seconds_bucket{le="14400"}')).toBeLessThan(
      metric(text, 'redress_time_to_acknowledge_seconds_count'),
    );
    for (const family of [
      'redress_time_to_resolve_seconds',
      'redress_csat_score',
      'redress_reopens_total',
      'redress_complaints_opened_total',
      'redress_api_requests_total',
    ]) {
      expect(text).toContain(`# TYPE ${family}`);
    }
    expect(metric(text, 'redress_metrics_source_up{source="visibility"}')).toBe(1);
    // The worker's (Temporal SDK) and the bridge's metrics, scraped from their own endpoints and appended.
    expect(metric(text, 'redress_metrics_source_up{source="worker"}')).toBe(1);
    expect(text).toMatch(/^# TYPE temporal_\w+/m);
    expect(metric(text, 'redress_metrics_source_up{source="bridge"}')).toBe(1);
    expect(text).toContain('# TYPE redress_bridge_messages_total counter');
  });

  it('GET /openapi.json is a valid OpenAPI 3.1 document covering every route', async () => {
    const res = await h.call(null, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json as { paths: Record<string, Record<string, unknown>> };
    await SwaggerParser.validate(structuredClone(doc) as never);
    const documented = Object.entries(doc.paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    expect(documented).toEqual(
      registeredRoutes(h.api)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
  });
});

/** The value of one sample line of Prometheus text (`name{labels} value`), or NaN when absent. */
function metric(text: string, sample: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${sample} `));
  return line === undefined ? NaN : Number(line.slice(sample.length + 1));
}
