import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventSchemas, render, schemaDir } from '../../infra/gen-event-schemas';
import { INBOUND_DATA_SCHEMAS } from '../../domain/events';

describe('docs/schemas: the JSON Schemas upstream teams validate with', () => {
  const generated = eventSchemas();

  it('are exactly what the zod schemas generate (run node dist/infra/gen-event-schemas.js after changing them)', () => {
    const committed = readdirSync(schemaDir()).filter((f) => f.endsWith('.schema.json'));
    expect(committed.sort()).toEqual(Object.keys(generated).sort());
    for (const [name, schema] of Object.entries(generated)) {
      // Compared as JSON, so reformatting a file is not a failure; a changed schema is.
      expect({ name, schema: JSON.parse(readFileSync(join(schemaDir(), name), 'utf8')) as unknown }).toEqual({
        name,
        schema: JSON.parse(render(schema)) as unknown,
      });
    }
  });

  it('cover every inbound event type, each strict about unknown fields and pinned to its type', () => {
    for (const type of Object.keys(INBOUND_DATA_SCHEMAS)) {
      const schema = generated[`${type}.schema.json`] as {
        additionalProperties: boolean;
        required: string[];
        properties: { type: { const: string }; data: { additionalProperties: boolean } };
      };
      expect(schema.properties.type.const).toBe(type);
      expect(schema.additionalProperties).toBe(false);
      expect(schema.properties.data.additionalProperties).toBe(false);
      expect(schema.required.sort()).toEqual(['complaintId', 'data', 'eventId', 'occurredAt', 'source', 'type']);
    }
  });
});
