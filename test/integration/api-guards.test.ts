import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import type { Timeline } from '../../clients/api/schemas';
import { ApiKeyStore, hashApiKey } from '../../config/api-keys';
import type { ComplaintStatus } from '../../workflows/messages';
import { listenLocally, startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';

/**
 * The API's guards of issue 16 on the real stack (Temporal dev server, Kafka, the real worker): what the
 * submit-only `service` role learns about a complaint that exists, an Idempotency-Key bound to its action
 * and body, and /health and /metrics that stay cheap and reachable whatever keyless callers do.
 */
const run = randomUUID().slice(0, 6);
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('api-guards');
});
afterAll(async () => {
  await h?.stop();
});

const complaint = (complaintId: string) => {
  const base = complaintFixture();
  return { complaintId, ...base, customer: { ...base.customer, id: `cust-${run}`, jurisdiction: 'DE' } };
};
type Answer = ComplaintStatus & { error?: string; message?: string; details?: unknown };
const act = (id: string, path: string, body: unknown, key?: string) =>
  h.call<Answer>('operator', 'POST', `/complaints/${id}/${path}`, body, key ? { 'idempotency-key': key } : {});

describe('the service role submits and learns the id only', () => {
  const id = `svc-${run}`;
  // A complaint that exists, with a customer and an owner a service key must learn nothing of.
  beforeAll(async () => {
    expect((await h.call('operator', 'POST', '/complaints', complaint(id))).status).toBe(201);
    expect((await act(id, 'assignment', { assignee: 'agent-7' })).status).toBe(200);
  });

  it('201 with the id only for a new complaint, 200 with the id only for one that exists', async () => {
    const fresh = `svc-new-${run}`;
    const created = await h.call('service', 'POST', '/complaints', complaint(fresh));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/complaints/${fresh}`);
    expect(created.json).toEqual({ complaintId: fresh });

    const again = await h.call('service', 'POST', '/complaints', complaint(id));
    expect(again.status).toBe(200);
    expect(again.headers.get('location')).toBe(`/complaints/${id}`);
    expect(again.json).toEqual({ complaintId: id });
    expect(again.text).not.toContain(`cust-${run}`);
    expect(again.text).not.toContain('agent-7');
  });

  it('an operator and a supervisor still get the status of the complaint that exists', async () => {
    for (const role of ['operator', 'supervisor'] as const) {
      const res = await h.call<ComplaintStatus>(role, 'POST', '/complaints', complaint(id));
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ complaintId: id, customerId: `cust-${run}`, assignee: 'agent-7' });
    }
  });
});

describe('an Idempotency-Key is bound to its action and body', () => {
  it('the same key, action and body answer the first outcome; another body or action answers 422 and does nothing', async () => {
    const id = `idem-${run}`;
    expect((await h.call('operator', 'POST', '/complaints', complaint(id))).status).toBe(201);
    const key = `k-${run}`;
    const first = await act(id, 'escalation', { reason: 'Vulnerable customer' }, key);
    expect(first.status).toBe(200);
    expect(first.json.escalated).toBe(true);

    const retried = await act(id, 'escalation', { reason: 'Vulnerable customer' }, key);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ complaintId: id, escalated: true });

    const otherBody = await act(id, 'escalation', { reason: 'Something else' }, key);
    expect(otherBody.status).toBe(422);
    expect(otherBody.json).toMatchObject({ error: 'idempotency_key_reused' });
    expect(otherBody.json.message).toMatch(/Idempotency-Key/);

    const otherAction = await act(id, 'assignment', { assignee: 'agent-9' }, key);
    expect(otherAction.status).toBe(422);
    expect(otherAction.json.message).toMatch(/Idempotency-Key/);

    // Neither reuse acted: one escalation on the timeline, and nobody assigned.
    const timeline = (await h.call<Timeline>('auditor', 'GET', `/complaints/${id}/timeline`)).json;
    expect(timeline.entries.filter((e) => e.action === 'escalated')).toHaveLength(1);
    const status = (await h.call<ComplaintStatus>('auditor', 'GET', `/complaints/${id}`)).json;
    expect(status.assignee).toBeUndefined();
  });

  it('holds across API instances: a second API sees the binding the first one made', async () => {
    const id = `idem2-${run}`;
    expect((await h.call('operator', 'POST', '/complaints', complaint(id))).status).toBe(201);
    const key = `k2-${run}`;
    expect((await act(id, 'escalation', { reason: 'First' }, key)).status).toBe(200);

    // Another instance, as after a restart or behind a load balancer: nothing shared but Temporal.
    const operatorKey = 'rdk_guards-operator';
    const other = buildApi({
      config: h.stack.config,
      client: h.stack.client,
      logger: pino({ level: 'silent' }),
      keys: new ApiKeyStore([{ id: 'it-operator', role: 'operator', sha256: hashApiKey(operatorKey) }]),
    });
    const base = await listenLocally(other);
    try {
      const send = (body: unknown) =>
        fetch(`${base}/complaints/${id}/escalation`, {
          method: 'POST',
          headers: { authorization: `Bearer ${operatorKey}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(body),
        });
      expect((await send({ reason: 'First' })).status).toBe(200);
      expect((await send({ reason: 'Second' })).status).toBe(422);
    } finally {
      await other.close();
    }
  });
});

describe('/health and /metrics are cheap and never starved', () => {
  it('caches their answers briefly, and keyless callers cannot exhaust them', async () => {
    let healthCalls = 0;
    const renders = jest.spyOn(h.metrics, 'render');
    renders.mockClear();
    const api = buildApi({
      config: h.stack.config,
      client: h.stack.client,
      logger: pino({ level: 'silent' }),
      keys: new ApiKeyStore([]),
      metrics: h.metrics,
      rateLimitPerMinute: 3,
      operationsCacheMs: 60_000,
      health: () => {
        healthCalls += 1;
        return Promise.resolve({ temporal: true, kafka: true });
      },
    });
    const base = await listenLocally(api);
    try {
      // A keyless client uses up its address's bucket on an ordinary route...
      for (let i = 0; i < 3; i++) expect((await fetch(`${base}/complaints`)).status).toBe(401);
      expect((await fetch(`${base}/complaints`)).status).toBe(429);
      // ...and /health and /metrics still answer, from one probe and one render.
      for (let i = 0; i < 10; i++) {
        expect((await fetch(`${base}/health`)).status).toBe(200);
        expect((await fetch(`${base}/metrics`)).status).toBe(200);
      }
      expect(healthCalls).toBe(1);
      expect(renders).toHaveBeenCalledTimes(1);
    } finally {
      renders.mockRestore();
      await api.close();
    }
  });

  it('behind a trusted proxy, keyless callers are limited by their own address', async () => {
    const api = buildApi({
      config: h.stack.config,
      client: h.stack.client,
      logger: pino({ level: 'silent' }),
      keys: new ApiKeyStore([]),
      rateLimitPerMinute: 3,
      trustProxy: '127.0.0.1',
    });
    const base = await listenLocally(api);
    const from = (address: string) => fetch(`${base}/complaints`, { headers: { 'x-forwarded-for': address } });
    try {
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.7')).status).toBe(401);
      expect((await from('203.0.113.7')).status).toBe(429);
      expect((await from('198.51.100.9')).status).toBe(401);
    } finally {
      await api.close();
    }
  });
});
