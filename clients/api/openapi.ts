import { z } from 'zod';
import {
  ComplaintDetailSchema,
  ComplaintListSchema,
  ComplaintStatusSchema,
  ErrorBodySchema,
  HealthSchema,
  TimelineSchema,
} from './schemas';
import type { RouteSpec } from './route';

/**
 * The OpenAPI 3.1 document, generated from the routes' zod schemas (zod's JSON Schema output is draft
 * 2020-12, which OpenAPI 3.1 uses), so the document cannot drift from what the API accepts and answers.
 * Response schemas shared by many routes are components; request schemas are inlined in input mode
 * (what a client sends, before defaults and trimming).
 */

/** Shared response schemas, by component name. */
const COMPONENTS: ReadonlyArray<[string, z.ZodType]> = [
  ['Error', ErrorBodySchema],
  ['ComplaintStatus', ComplaintStatusSchema],
  ['ComplaintDetail', ComplaintDetailSchema],
  ['Timeline', TimelineSchema],
  ['ComplaintList', ComplaintListSchema],
  ['Health', HealthSchema],
];

type JsonSchema = Record<string, unknown>;

/** A zod schema as a JSON Schema to embed (without the `$schema` / `$id` a standalone one carries). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const ref = (schema: z.ZodType): JsonSchema | undefined => {
  const found = COMPONENTS.find(([, s]) => s === schema);
  return found ? { $ref: `#/components/schemas/${found[0]}` } : undefined;
};

const ERROR_TEXT: Record<number, string> = {
  400: 'Invalid input: `details` names every invalid field',
  401: 'No API key, or an unknown one',
  403: 'The key’s role may not do this',
  404: 'No such complaint',
  409: 'Not allowed in the complaint’s current stage: the message is the reason',
  413: 'The body is larger than 1 MiB',
  422: 'Well-formed, but refused by a rule the schema cannot state — an instant outside the instant rules, fields that contradict each other, a cursor this API did not issue — or an Idempotency-Key first used for another action or body: `details` names the field; nothing was done',
  429: 'Too many requests from this caller: see Retry-After',
  503: 'No worker answered in time: see Retry-After; an action may still be applied, so retry it with the same Idempotency-Key',
};

/** The error statuses a route can answer, from its shape. */
export function errorStatuses(r: RouteSpec): number[] {
  const statuses = new Set<number>();
  if (r.params || r.query || r.body) statuses.add(400);
  if (r.access !== 'public') [401, 403].forEach((s) => statuses.add(s));
  if (r.path.includes(':id')) statuses.add(404);
  if (r.conflicts) statuses.add(409);
  if (r.body) statuses.add(413);
  // Rules beyond the schema (refinements, instants, cursors) apply to any input; so does a reused key.
  if (r.query || r.body || r.headers?.some((h) => h.name === 'Idempotency-Key')) statuses.add(422);
  statuses.add(429);
  // A complaint's own routes are answered by the worker running its workflow.
  if (r.path.includes(':id') || r.waitsOnWorker) statuses.add(503);
  return [...statuses].sort((a, b) => a - b);
}

/** Fastify's `/complaints/:id` as OpenAPI's `/complaints/{id}`. */
export const openApiPath = (path: string): string => path.replace(/:([A-Za-z]+)/g, '{$1}');

function parameters(r: RouteSpec): JsonSchema[] {
  const out: JsonSchema[] = [];
  const add = (where: 'path' | 'query', schema: z.ZodType | undefined) => {
    if (!schema) return;
    const s = jsonSchema(schema, 'input');
    const props = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries(props)) {
      const { description, blankIsAbsent, ...rest } = prop;
      out.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        ...(typeof description === 'string' ? { description } : {}),
        // An empty filter is the same as none (schemas.ts blankAsAbsent): documented, so a client may send it.
        schema: blankIsAbsent === true ? { anyOf: [{ type: 'string', maxLength: 0 }, rest] } : rest,
      });
    }
  };
  add('path', r.params);
  add('query', r.query);
  for (const h of r.headers ?? []) {
    const schema = h.schema ? jsonSchema(h.schema, 'input') : { type: 'string' };
    out.push({ name: h.name, in: 'header', required: false, description: h.description, schema });
  }
  return out;
}

/**
 * Every string a body may hold is refused with a control character other than tab, CR and LF
 * (json-body.ts and domain/unsafe-text.ts, the same rule as the bridge's): the document says so on each string it does not already
 * constrain by format, pattern or a fixed set of values, so what it allows is what the API accepts.
 */
const NO_CONTROL_CHARACTERS = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F]*$';

function withStringRule(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withStringRule);
  if (!schema || typeof schema !== 'object') return schema;
  const s: JsonSchema = Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, withStringRule(v)]));
  const free = s.type === 'string' && !('pattern' in s) && !('format' in s) && !('enum' in s) && !('const' in s);
  return free ? { ...s, pattern: NO_CONTROL_CHARACTERS } : s;
}

function requestBodySchema(schema: z.ZodType): JsonSchema {
  return withStringRule(jsonSchema(schema, 'input')) as JsonSchema;
}

function operation(r: RouteSpec): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, doc] of Object.entries(r.responses)) {
    const content = doc.contentType
      ? { [doc.contentType]: { schema: { type: 'string' } } }
      : doc.schema
        ? {
            'application/json': { schema: ref(doc.schema) ?? jsonSchema(doc.schema, 'output') },
            ...(doc.alsoAs ? { [doc.alsoAs]: { schema: { type: 'string' } } } : {}),
          }
        : undefined;
    responses[status] = {
      description: doc.description,
      ...(content ? { content } : {}),
      ...(doc.headers
        ? {
            headers: Object.fromEntries(
              Object.entries(doc.headers).map(([name, description]) => [
                name,
                { description, schema: { type: 'string' } },
              ]),
            ),
          }
        : {}),
    };
  }
  for (const status of errorStatuses(r)) {
    responses[String(status)] = {
      description: ERROR_TEXT[status] ?? 'Error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  const roles = r.access === 'public' ? 'public: no key needed' : `roles: ${r.access.join(', ')}`;
  return {
    operationId: r.operationId,
    summary: r.summary,
    description: [r.description, `Access — ${roles}.`].filter(Boolean).join('\n\n'),
    tags: [r.tag],
    ...(r.access === 'public' ? { security: [] } : {}),
    parameters: parameters(r),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: requestBodySchema(r.bodyDocument ?? r.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of these routes. */
export function openApiDocument(routes: readonly RouteSpec[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of routes) {
    const path = openApiPath(r.path);
    paths[path] = { ...(paths[path] ?? {}), [r.method.toLowerCase()]: operation(r) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Redress API',
      version,
      description:
        'Complaint resolution: submit complaints, read their status and timeline, find what is at risk, and act on them. Every request but health, metrics and this document needs an API key (`Authorization: Bearer <key>`); its role decides what it may do.',
    },
    tags: [
      { name: 'complaints', description: 'Submit, read and list complaints' },
      { name: 'actions', description: 'Human actions on a complaint (workflow updates), as the caller' },
      { name: 'operations', description: 'Health, metrics, this document' },
    ],
    security: [{ apiKey: [] }],
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' } },
      schemas: Object.fromEntries(COMPONENTS.map(([name, schema]) => [name, jsonSchema(schema, 'output')])),
    },
    paths,
  };
}
