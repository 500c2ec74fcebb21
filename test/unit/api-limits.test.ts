import { z } from 'zod';
import { CreateComplaintSchema } from '../../clients/api/schemas';
import { ACTION_NAMES, ACTIONS } from '../../domain/actions';

/**
 * Every collection a request body can carry has a bound (issue 16): an array its `maxItems`, an object
 * of free keys (a record) its `maxProperties`. Read from the JSON Schema of each body, which is also what
 * the OpenAPI document publishes, so a new unbounded list or record fails here by name.
 */
type Json = { [k: string]: unknown };

/** The paths (`parts`, `alternatives[]`) of every unbounded collection in a JSON Schema. */
function unbounded(schema: unknown, path = ''): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const s = schema as Json;
  const found: string[] = [];
  if (s.type === 'array' && typeof s.maxItems !== 'number') found.push(path || '(body)');
  const free = s.additionalProperties;
  if (s.type === 'object' && typeof free === 'object' && free !== null && typeof s.maxProperties !== 'number') {
    found.push(path || '(body)');
  }
  for (const [key, value] of Object.entries(s)) {
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      for (const [name, sub] of Object.entries(value)) found.push(...unbounded(sub, path ? `${path}.${name}` : name));
    } else if (key === 'items' || key === 'additionalProperties') {
      found.push(...unbounded(value, `${path}[]`));
    } else if (Array.isArray(value)) {
      for (const sub of value) found.push(...unbounded(sub, path));
    }
  }
  return found;
}

const bodies: Array<[string, z.ZodType]> = [
  ['submitComplaint', CreateComplaintSchema],
  ...ACTION_NAMES.map((name): [string, z.ZodType] => [name, ACTIONS[name].input]),
];

describe('limits on every collection in a request body', () => {
  it.each(bodies)('%s: every array and record is bounded', (_name, schema) => {
    expect(unbounded(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }))).toEqual([]);
  });

  it('a resolution with more parts than the limit is refused, naming parts; at the limit it passes', () => {
    const body = (n: number) => ({
      response: 'final-response',
      outcome: 'upheld',
      reasons: 'We charged twice.',
      parts: Object.fromEntries(Array.from({ length: n }, (_, i) => [`part-${i}`, 'text'])),
    });
    expect(ACTIONS.resolve.input.safeParse(body(20)).success).toBe(true);
    const refused = ACTIONS.resolve.input.safeParse(body(21));
    expect(refused.success).toBe(false);
    expect(refused.error?.issues.map((i) => i.path.join('.'))).toEqual(['parts']);
  });
});
