import { z } from 'zod';
import { openApiPath } from '../../clients/api/openapi';
import { ACTIONS as CLI_ACTIONS } from '../../clients/cli/act';
import { ACTION_NAMES, ACTIONS } from '../../domain/actions';
import { offlineDoc } from '../support/offline-api';

/**
 * Everything an action can do is in the API, the OpenAPI document and the CLI (issue 13). The registry
 * drives all three, but a declaration can still leave one out: `cli: []` type-checks, and so does a
 * verb without a flag for a field the API requires. This reads each action's input schema and checks
 * what the document and the CLI offer against it.
 */

/** The input fields an action requires (as a caller sends them), and every field it accepts. */
function fieldsOf(input: z.ZodType): { required: string[]; all: string[] } {
  const schema = z.toJSONSchema(input, { io: 'input' }) as { required?: string[]; properties?: object };
  return { required: schema.required ?? [], all: Object.keys(schema.properties ?? {}) };
}

describe.each(ACTION_NAMES)('the %s action', (name) => {
  const action = ACTIONS[name];
  const { required, all } = fieldsOf(action.input);

  it('reads the input schema: the fields it accepts include every one it requires', () => {
    expect(all.length).toBeGreaterThan(0);
    expect(required.filter((f) => !all.includes(f))).toEqual([]);
  });

  it('has an OpenAPI operation under its own name, with its input as the request body', () => {
    const op = offlineDoc.paths[openApiPath(`/complaints/:id/${action.path}`)]?.post;
    expect(op?.operationId).toBe(name);
    const body = op?.requestBody as { content: Record<string, { schema: unknown }> } | undefined;
    expect(body?.content['application/json']?.schema).toBeDefined();
  });

  it('has at least one CLI verb, each posting to its route', () => {
    expect(action.cli.length).toBeGreaterThan(0);
    for (const verb of action.cli) expect(CLI_ACTIONS[verb.verb]?.route).toBe(action.path);
  });

  it.each(action.cli.map((v) => [v.verb, v] as const))(
    'has a flag of `%s` for every field the action requires, and none for a field it does not take',
    (_verb, verb) => {
      const flags = Object.values(verb.flags);
      const covered = new Set([...flags.map((f) => f.field), ...Object.keys(verb.fixed ?? {})]);
      expect(required.filter((field) => !covered.has(field))).toEqual([]);
      expect([...covered].filter((field) => !all.includes(field))).toEqual([]);
      // A required field the CLI cannot leave out: its flag is required too, except a switch (absent: false).
      const optionalFlags = flags.filter((f) => required.includes(f.field) && f.type !== 'boolean' && !f.required);
      expect(optionalFlags.map((f) => f.field)).toEqual([]);
    },
  );
});

it('covers the actions issue 13 added', () => {
  expect(ACTION_NAMES).toEqual(
    expect.arrayContaining(['addCommitment', 'keepCommitment', 'addNote', 'confirmAccount']),
  );
});
