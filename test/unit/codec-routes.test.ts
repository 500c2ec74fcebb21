import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { buildApi } from '../../clients/api/app';
import { codecCorsOrigin, DEFAULT_CODEC_CORS_ORIGIN, registerCodecRoutes } from '../../clients/api/codec-routes';
import { loadConfig } from '../../config';
import { API_ROLES, ApiKeyStore, generateApiKey, hashApiKey, type ApiRole } from '../../config/api-keys';
import { parseKeyRing } from '../../platform/key-ring';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING } from '../../platform/payload-codec';
import { randomPayloadKeyRing } from '../support/payload-keys';

/** The codec endpoint on the real app (its hooks and error handler), without Temporal: nothing here needs it. */
const keys = Object.fromEntries(API_ROLES.map((role) => [role, generateApiKey()])) as Record<ApiRole, string>;
const store = new ApiKeyStore(API_ROLES.map((role) => ({ id: `t-${role}`, role, sha256: hashApiKey(keys[role]) })));
const codec = new AesGcmPayloadCodec(parseKeyRing(randomPayloadKeyRing('k1'), 't', { min: 32, exact: true }));
const UI = DEFAULT_CODEC_CORS_ORIGIN;

function app(anonymousDecodeFromUi = false): FastifyInstance {
  const api = buildApi({
    config: loadConfig({}),
    client: {} as Client,
    logger: pino({ level: 'silent' }),
    keys: store,
  });
  registerCodecRoutes(api, { codec, keys: store, namespace: 'default', corsOrigin: UI, anonymousDecodeFromUi });
  return api;
}
// Over real HTTP: Fastify's inject needs an ESM module jest cannot load here (as in logging.test.ts).
const api = app();
const localApi = app(true);
const base = new Map<FastifyInstance, string>();
beforeAll(async () => {
  for (const a of [api, localApi]) base.set(a, await a.listen({ host: '127.0.0.1', port: 0 }));
});
afterAll(async () => {
  await api.close();
  await localApi.close();
});

const wire = (p: { metadata?: Record<string, Uint8Array> | null; data?: Uint8Array | null }) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});
const secret = { name: 'Ada Lovelace', description: 'Charged twice' };
const call = (
  target: FastifyInstance,
  path: string,
  as: ApiRole | null,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  http(
    target,
    'POST',
    path,
    {
      'content-type': 'application/json',
      origin: UI,
      'x-namespace': 'default',
      ...(as ? { authorization: `Bearer ${keys[as]}` } : {}),
      ...headers,
    },
    JSON.stringify(body),
  );

/** A request over HTTP, answered as status, headers and JSON (or nothing). */
async function http(
  target: FastifyInstance,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
) {
  const res = await fetch(`${base.get(target)}${path}`, { method, headers, ...(body ? { body } : {}) });
  const text = await res.text();
  return {
    statusCode: res.status,
    header: (name: string) => res.headers.get(name) ?? undefined,
    json: () => JSON.parse(text) as unknown,
  };
}

describe('the codec endpoint for the Temporal UI', () => {
  it('decodes for the roles that read complaints, answering in the remote codec shape', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
    for (const role of ['operator', 'supervisor', 'auditor'] as const) {
      const res = await call(api, '/codec/decode', role, { payloads: [wire(encrypted!)] });
      expect(res.statusCode).toBe(200);
      const [p] = (res.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
      expect(Buffer.from(p!.metadata.encoding!, 'base64').toString()).toBe('json/plain');
      expect(JSON.parse(Buffer.from(p!.data, 'base64').toString())).toEqual(secret);
      expect(res.header('access-control-allow-origin')).toBe(UI);
    }
  });

  it('encodes for the roles that act, and not for an auditor', async () => {
    const body = { payloads: [wire(defaultPayloadConverter.toPayload(secret))] };
    const res = await call(api, '/codec/encode', 'operator', body);
    expect(res.statusCode).toBe(200);
    const [p] = (res.json() as { payloads: Array<{ metadata: Record<string, string>; data: string }> }).payloads;
    expect(Buffer.from(p!.metadata.encoding!, 'base64').toString()).toBe(ENCRYPTED_ENCODING);
    expect((await call(api, '/codec/encode', 'auditor', body)).statusCode).toBe(403);
  });

  it('refuses the service role and keyless callers, with CORS headers so the UI can show why', async () => {
    const body = { payloads: [] };
    expect((await call(api, '/codec/decode', 'service', body)).statusCode).toBe(403);
    const keyless = await call(api, '/codec/decode', null, body);
    expect(keyless.statusCode).toBe(401);
    expect(keyless.header('access-control-allow-origin')).toBe(UI);
  });

  it('allows a keyless decode from the UI origin only in local development mode, and never an encode', async () => {
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
    const body = { payloads: [wire(encrypted!)] };
    expect((await call(localApi, '/codec/decode', null, body)).statusCode).toBe(200);
    expect((await call(localApi, '/codec/decode', null, body, { origin: 'http://evil.example' })).statusCode).toBe(401);
    expect((await call(localApi, '/codec/encode', null, body)).statusCode).toBe(401);
  });

  it('answers the preflight for the UI origin only', async () => {
    const preflight = (origin: string) =>
      http(api, 'OPTIONS', '/codec/decode', {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-namespace',
      });
    const ok = await preflight(UI);
    expect(ok.statusCode).toBe(204);
    expect(ok.header('access-control-allow-origin')).toBe(UI);
    expect(String(ok.header('access-control-allow-headers'))).toContain('x-namespace');
    const other = await preflight('http://evil.example');
    expect(other.statusCode).toBe(403);
    expect(other.header('access-control-allow-origin')).toBeUndefined();
  });

  it('serves its own namespace only, and refuses a malformed body or a payload under an unknown key', async () => {
    expect((await call(api, '/codec/decode', 'auditor', { payloads: [] }, { 'x-namespace': 'other' })).statusCode).toBe(
      400,
    );
    expect((await call(api, '/codec/decode', 'auditor', { payloads: [{ data: '***' }] })).statusCode).toBe(400);
    const other = new AesGcmPayloadCodec(parseKeyRing(randomPayloadKeyRing('k9'), 't', { min: 32, exact: true }));
    const [foreign] = await other.encode([defaultPayloadConverter.toPayload(secret)]);
    const res = await call(api, '/codec/decode', 'auditor', { payloads: [wire(foreign!)] });
    expect(res.statusCode).toBe(400);
    expect((res.json() as { message: string }).message).toMatch(/key k9/);
  });

  it('takes its allowed origin from REDRESS_CODEC_CORS_ORIGIN, an origin without a path', () => {
    expect(codecCorsOrigin({})).toBe(UI);
    expect(codecCorsOrigin({ REDRESS_CODEC_CORS_ORIGIN: 'https://temporal.example.com' })).toBe(
      'https://temporal.example.com',
    );
    expect(() => codecCorsOrigin({ REDRESS_CODEC_CORS_ORIGIN: 'https://temporal.example.com/ui' })).toThrow(
      /REDRESS_CODEC_CORS_ORIGIN/,
    );
  });
});
