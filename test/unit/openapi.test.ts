import SwaggerParser from '@apidevtools/swagger-parser';
import type { Client } from '@temporalio/client';
import pino from 'pino';
import { buildApi, registeredRoutes } from '../../clients/api/app';
import { errorStatuses } from '../../clients/api/openapi';
import { offlineDoc, offlineRoutes } from '../support/offline-api';
import { ApiKeyStore } from '../../config/api-keys';
import { loadConfig } from '../../config';

const app = buildApi({
  config: loadConfig({}),
  client: {} as Client, // never called: nothing here sends a request
  logger: pino({ level: 'silent' }),
  keys: new ApiKeyStore([]),
});
const routes = offlineRoutes;
const doc = offlineDoc;

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
  });

  it('documents every route the app registers, and nothing else', async () => {
    await app.ready();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(
      registeredRoutes(app)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    );
    for (const r of registeredRoutes(app)) {
      expect(app.hasRoute({ method: r.method, url: r.path.replace(/\{(\w+)\}/g, ':$1') })).toBe(true);
    }
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /complaints',
        'GET /complaints',
        'GET /complaints/{id}',
        'GET /complaints/{id}/timeline',
        'POST /complaints/{id}/remedy/decision',
        'GET /health',
        'GET /metrics',
        'GET /openapi.json',
      ]),
    );
  });

  it('documents the error statuses each route can answer, and which routes need no key', () => {
    const submit = doc.paths['/complaints']!.post!;
    expect(Object.keys(submit.responses).sort()).toEqual([
      '200',
      '201',
      '202',
      '400',
      '401',
      '403',
      '413',
      '422',
      '429',
      '503',
    ]);
    const decide = doc.paths['/complaints/{id}/remedy/decision']!.post!;
    expect(Object.keys(decide.responses)).toEqual(
      expect.arrayContaining(['200', '400', '401', '403', '404', '409', '413', '503']),
    );
    // Lists read visibility, not a worker: no 503 for want of one.
    expect(Object.keys(doc.paths['/complaints']!.get!.responses)).not.toContain('503');
    expect(doc.paths['/health']!.get!.security).toEqual([]);
    expect(errorStatuses(routes.find((r) => r.path === '/metrics')!)).toEqual([429]);
  });

  it('has request schemas from the zod schemas (what a client sends) and shared response components', () => {
    const body = (
      doc.paths['/complaints']!.post!.requestBody as {
        content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }>;
      }
    ).content['application/json']!.schema;
    expect(body.required).toEqual(expect.arrayContaining(['complaintId', 'customer', 'channel', 'summary']));
    expect(body.required).not.toContain('receivedAt');
    expect(body.properties).not.toHaveProperty('actor');
    const decision = (
      doc.paths['/complaints/{id}/remedy/decision']!.post!.requestBody as {
        content: Record<string, { schema: { properties: Record<string, unknown> } }>;
      }
    ).content['application/json']!.schema;
    expect(Object.keys(decision.properties).sort()).toEqual(['approve', 'reason']);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(['Error', 'ComplaintStatus', 'ComplaintDetail', 'Timeline', 'ComplaintList', 'Health']),
    );
  });

  it("documents the store's answers for a complaint Temporal has forgotten, its record and its timeline", () => {
    type Answer = { content: Record<string, { schema: { anyOf: Array<{ properties?: Record<string, unknown> }> } }> };
    const sources = (path: string) =>
      (doc.paths[path]!.get!.responses['200'] as Answer).content['application/json']!.schema.anyOf.map(
        (s) => s.properties?.source,
      );
    for (const path of ['/complaints/{id}', '/complaints/{id}/timeline']) {
      expect(sources(path)).toContainEqual(expect.objectContaining({ const: 'store' }));
    }
  });
});
