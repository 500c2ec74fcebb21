import pino from 'pino';
import type { FastifyInstance } from 'fastify';
import { buildApi } from '../../clients/api/app';
import { complaintFixture } from '../support/fixtures';
import { startTestStack, type TestStack } from '../support/stack';

describe('HTTP API on the real stack', () => {
  let stack: TestStack;
  let api: FastifyInstance;
  let base: string;
  /** A real HTTP request to the listening API. */
  const call = async (method: string, url: string, payload?: unknown) => {
    const res = await fetch(`${base}${url}`, {
      method,
      ...(payload === undefined
        ? {}
        : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
    });
    const json = (await res.json()) as Record<string, unknown>;
    return { statusCode: res.status, headers: res.headers, json: <T = Record<string, unknown>>() => json as T };
  };
  beforeAll(async () => {
    stack = await startTestStack('api', { bridge: false });
    api = buildApi({ config: stack.config, client: stack.client, logger: pino({ level: 'silent' }) });
    await api.listen({ host: '127.0.0.1', port: 0 });
    const address = api.server.address();
    base = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : '';
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  const body = (complaintId: string) => ({ complaintId, ...complaintFixture() });

  it('creates a complaint (201 with Location) and reads its status', async () => {
    const created = await call('POST', '/complaints', body('api-1'));
    expect(created.statusCode).toBe(201);
    expect(created.headers.get('location')).toBe('/complaints/api-1');
    expect(created.json()).toMatchObject({ complaintId: 'api-1', category: 'billing' });

    // The workflow acknowledges on its own; the status shows it with the first-response clock.
    await stack.collector.waitFor(
      stack.config.topics.lifecycle,
      (e: { complaintId: string; type: string }) => e.complaintId === 'api-1' && e.type === 'complaint.acknowledged',
    );
    const read = await call('GET', '/complaints/api-1');
    expect(read.statusCode).toBe(200);
    const status = read.json<{ stage: string; clocks: Array<{ clock: string; timeLeftMs: number }> }>();
    expect(status.stage).toBe('acknowledged');
    const firstResponse = status.clocks.find((c) => c.clock === 'first-response');
    expect(firstResponse!.timeLeftMs).toBeGreaterThan(23 * 3600 * 1000);
  });

  it('answers 200 with the existing complaint when the same id is posted again', async () => {
    const again = await call('POST', '/complaints', body('api-1'));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ complaintId: 'api-1' });
  });

  it('answers 400 naming every invalid field', async () => {
    const res = await call('POST', '/complaints', {
      ...body('api-2'),
      channel: 'fax',
      customer: { id: 'c', name: 'N', jurisdiction: 'england' },
    });
    expect(res.statusCode).toBe(400);
    const err = res.json<{ error: string; details: Array<{ field: string }> }>();
    expect(err.error).toBe('bad_request');
    expect(err.details.map((d) => d.field).sort()).toEqual(['channel', 'customer.jurisdiction']);
  });

  it('answers 404 for a complaint that does not exist', async () => {
    const res = await call('GET', '/complaints/no-such-complaint');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});
