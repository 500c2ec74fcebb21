import fc from 'fast-check';
import { MAX_INBOUND_BYTES, type RejectionCode } from '../../domain/parse-inbound';
import { complaintFixture, receivedEvent } from './fixtures';

/**
 * Generated bad inputs for the bridge, each with the one defect it was built with and the rejection
 * code that defect must produce. Shared by the unit property test (parseInbound alone) and the
 * integration test (the real bridge, broker and server), so both hold the same inputs to account.
 */

/** What the bridge must answer: a parse rejection code, or `unknown-complaint` for a valid fact with no complaint. */
export type Expected = RejectionCode | 'unknown-complaint';

export interface BadInput {
  /** Which defect this is, for failure messages. */
  kind: string;
  role: 'intake' | 'events';
  key: string | null;
  value: Buffer | null;
  expected: Expected;
}

type Json = Record<string, unknown>;

/** A valid follow-up fact of each type, as an upstream system would publish it. */
export function followUpEvent(type: string, complaintId: string, eventId: string): Json {
  const data: Record<string, Json> = {
    'customer.replied': { message: 'Here is the statement you asked for.' },
    'customer.withdrew': { reason: 'sorted it out with my bank' },
    'remedy.fulfilled': { remedyId: 'rem-1', reference: 'REF-9' },
    'remedy.failed': { remedyId: 'rem-1', reason: 'card expired' },
    'survey.responded': { score: 4, confirmed: true },
  };
  return {
    eventId,
    type,
    complaintId,
    occurredAt: new Date().toISOString(),
    source: 'crm',
    data: data[type] ?? {},
  };
}

const FOLLOW_UPS = ['customer.replied', 'remedy.fulfilled', 'remedy.failed', 'survey.responded'] as const;
const KNOWN_TYPES = new Set(['complaint.received', 'customer.withdrew', ...FOLLOW_UPS]);
const ENVELOPE_KEYS = ['eventId', 'type', 'complaintId', 'occurredAt', 'source', 'data'] as const;

/** A base event to spoil: a complaint.received (intake) or a follow-up (events), with unique ids. */
interface Base {
  role: 'intake' | 'events';
  event: Json;
}
function base(kind: 'received' | (typeof FOLLOW_UPS)[number], id: string): Base {
  if (kind === 'received') {
    return { role: 'intake', event: receivedEvent(id, `evt-${id}`, complaintFixture()) };
  }
  return { role: 'events', event: followUpEvent(kind, id, `evt-${id}`) };
}

const baseKind = fc.constantFrom('received' as const, ...FOLLOW_UPS);
/** Keys a schema does not know, including the ones that reach for the prototype. */
const unknownKey = fc.oneof(
  fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$-]{0,19}$/).filter((k) => !isKnownKey(k)),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'),
);
/** JSON values without strings that could hold control characters (that would be a different defect). */
const plainValue = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.stringMatching(/^[a-z ]{0,20}$/),
  fc.constant([]),
  fc.constant({}),
);
const controlChar = fc.oneof(
  fc.integer({ min: 0, max: 8 }),
  fc.constantFrom(0x0b, 0x0c),
  fc.integer({ min: 0x0e, max: 0x1f }),
  fc.integer({ min: 0x7f, max: 0x9f }),
);

function isKnownKey(k: string): boolean {
  return [
    ...ENVELOPE_KEYS,
    'customer',
    'channel',
    'category',
    'product',
    'severity',
    'summary',
    'description',
    'desiredOutcome',
    'receivedAt',
    'id',
    'name',
    'email',
    'phone',
    'preferredChannel',
    'locale',
    'jurisdiction',
    'message',
    'inReplyTo',
    'reason',
    'remedyId',
    'reference',
    'score',
    'comment',
    'confirmed',
  ].includes(k);
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v), 'utf8');
const dataOf = (e: Json) => e.data as Json;

/** A path inside the data of `kind` whose value is required, and one whose type is fixed. */
const REQUIRED_DATA: Record<string, string[][]> = {
  received: [
    ['customer'],
    ['channel'],
    ['category'],
    ['summary'],
    ['description'],
    ['receivedAt'],
    ['customer', 'id'],
    ['customer', 'name'],
    ['customer', 'jurisdiction'],
  ],
  'customer.replied': [['message']],
  'remedy.fulfilled': [['remedyId']],
  'remedy.failed': [['remedyId'], ['reason']],
  'survey.responded': [['score'], ['confirmed']],
};
/** Strings a text field must not have in place of its value. */
const WRONG_FOR_STRING = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}));
const WRONG_FOR_NUMBER = fc.oneof(fc.stringMatching(/^[0-9]{1,3}$/), fc.boolean(), fc.constant(null), fc.constant([1]));
const WRONG_FOR_BOOLEAN = fc.oneof(fc.constantFrom('true', 'yes', 1, 0), fc.constant(null));

function setPath(obj: Json, path: string[], value: unknown): void {
  let target = obj;
  for (const part of path.slice(0, -1)) target = target[part] as Json;
  target[path[path.length - 1]!] = value;
}
function deletePath(obj: Json, path: string[]): void {
  let target = obj;
  for (const part of path.slice(0, -1)) target = target[part] as Json;
  delete target[path[path.length - 1]!];
}
/** A text field of the base event to carry a defect: envelope source, or a free-text data field. */
function textField(kind: string): string[][] {
  const data: Record<string, string[][]> = {
    received: [
      ['data', 'summary'],
      ['data', 'description'],
      ['data', 'category'],
      ['data', 'customer', 'name'],
    ],
    'customer.replied': [['data', 'message']],
    'remedy.fulfilled': [['data', 'remedyId']],
    'remedy.failed': [['data', 'reason']],
    'survey.responded': [['source']],
  };
  return [['source'], ['eventId'], ...(data[kind] ?? [])];
}
function getPath(obj: Json, path: string[]): unknown {
  let v: unknown = obj;
  for (const part of path) v = (v as Json)[part];
  return v;
}

/** One recipe: builds the bytes for the `index`-th input of a run, so every input's ids are unique. */
type Recipe = (id: string) => BadInput;

const recipes: Array<fc.Arbitrary<Recipe>> = [
  // Broken JSON: a valid event cut short, or text that was never JSON.
  fc.tuple(baseKind, fc.double({ min: 0, max: 1, noNaN: true })).map(([kind, at]) => (id: string) => {
    const b = base(kind, id);
    const text = JSON.stringify(b.event);
    const cut = 1 + Math.floor(at * (text.length - 2));
    return {
      kind: 'truncated-json',
      role: b.role,
      key: id,
      value: Buffer.from(text.slice(0, cut)),
      expected: 'not-json',
    };
  }),
  fc
    .tuple(
      baseKind,
      fc.constantFrom("{'single': 'quotes'}", '{"a":1,}', '{"a": NaN}', '<event/>', '{"a" 1}', 'undefined'),
    )
    .map(([kind, text]) => (id: string) => ({
      kind: 'not-json',
      role: base(kind, id).role,
      key: id,
      value: Buffer.from(`${text} ${id}`),
      expected: 'not-json' as const,
    })),
  // JSON that is not an object, or an empty message.
  fc.constantFrom('[]', '"complaint"', '42', 'null', 'true', '[{"eventId":"x"}]').map((text) => (id: string) => ({
    kind: 'not-an-object',
    role: 'intake' as const,
    key: id,
    value: Buffer.from(text.replace('x', id)),
    expected: 'invalid-envelope' as const,
  })),
  fc.constantFrom<Buffer | null>(null, Buffer.alloc(0)).map((value) => (id: string) => ({
    kind: 'empty',
    role: 'events' as const,
    key: id,
    value,
    expected: 'empty' as const,
  })),
  // Wrong types in the envelope.
  fc
    .tuple(baseKind, fc.constantFrom(...ENVELOPE_KEYS), WRONG_FOR_STRING)
    .filter(
      ([, field, value]) => !(field === 'data' && value !== null && typeof value === 'object' && !Array.isArray(value)),
    )
    .map(([kind, field, value]) => (id: string) => {
      const b = base(kind, id);
      b.event[field] = value;
      return { kind: `wrong-type:${field}`, role: b.role, key: id, value: json(b.event), expected: 'invalid-envelope' };
    }),
  // Wrong types in the data.
  fc.tuple(baseKind, fc.nat(), fc.nat()).chain(([kind, pick]) => {
    const fields: Record<string, Array<[string[], fc.Arbitrary<unknown>]>> = {
      received: [
        [['channel'], WRONG_FOR_STRING],
        [['customer'], WRONG_FOR_STRING],
        [['receivedAt'], WRONG_FOR_STRING],
        [['customer', 'jurisdiction'], WRONG_FOR_STRING],
        [['severity'], fc.constantFrom('apocalyptic', 'HIGH', 3)],
      ],
      'customer.replied': [[['message'], WRONG_FOR_STRING]],
      'remedy.fulfilled': [[['remedyId'], WRONG_FOR_STRING]],
      'remedy.failed': [[['reason'], WRONG_FOR_STRING]],
      'survey.responded': [
        [['score'], WRONG_FOR_NUMBER],
        [['score'], fc.constantFrom(0, 6, 4.5, -1)],
        [['confirmed'], WRONG_FOR_BOOLEAN],
      ],
    };
    const options = fields[kind]!;
    const [path, wrong] = options[pick % options.length]!;
    return wrong.map((value) => (id: string) => {
      const b = base(kind, id);
      setPath(dataOf(b.event), path, value);
      return {
        kind: `wrong-type:data.${path.join('.')}`,
        role: b.role,
        key: id,
        value: json(b.event),
        expected: 'invalid-data',
      };
    });
  }),
  // Missing fields.
  fc.tuple(baseKind, fc.constantFrom(...ENVELOPE_KEYS)).map(([kind, field]) => (id: string) => {
    const b = base(kind, id);
    delete b.event[field];
    return { kind: `missing:${field}`, role: b.role, key: id, value: json(b.event), expected: 'invalid-envelope' };
  }),
  fc.tuple(baseKind, fc.nat()).map(([kind, pick]) => (id: string) => {
    const b = base(kind, id);
    const options = REQUIRED_DATA[kind]!;
    const path = options[pick % options.length]!;
    deletePath(dataOf(b.event), path);
    return {
      kind: `missing:data.${path.join('.')}`,
      role: b.role,
      key: id,
      value: json(b.event),
      expected: 'invalid-data',
    };
  }),
  // Unknown fields, at the envelope, in the data, and in the customer.
  fc
    .tuple(baseKind, fc.constantFrom('envelope', 'data', 'customer'), unknownKey, plainValue)
    .map(([kind, where, name, value]) => (id: string) => {
      const b = base(kind, id);
      const target =
        where === 'envelope'
          ? b.event
          : where === 'customer' && kind === 'received'
            ? (dataOf(b.event).customer as Json)
            : dataOf(b.event);
      // defineProperty: a plain assignment to "__proto__" would set the prototype, not add a key.
      Object.defineProperty(target, name, { value, enumerable: true, configurable: true, writable: true });
      return {
        kind: `unknown-field:${where}`,
        role: b.role,
        key: id,
        value: json(b.event),
        expected: where === 'envelope' ? 'invalid-envelope' : 'invalid-data',
      };
    }),
  // Oversized: one field (the whole message is `oversized` below).
  fc
    .tuple(fc.constantFrom('summary', 'description', 'category'), fc.integer({ min: 1, max: 5_000 }))
    .map(([field, extra]) => (id: string) => {
      const b = base('received', id);
      const limits: Record<string, number> = { summary: 200, description: 10_000, category: 60 };
      dataOf(b.event)[field] = 'y'.repeat(limits[field]! + extra);
      return {
        kind: `oversized-field:${field}`,
        role: b.role,
        key: id,
        value: json(b.event),
        expected: 'invalid-data',
      };
    }),
  // Unknown event types, and known types on the wrong topic.
  fc
    .tuple(
      baseKind,
      fc.stringMatching(/^[a-z]{1,12}\.[a-z-]{1,16}(\.v[2-9])?$/).filter((t) => !KNOWN_TYPES.has(t)),
    )
    .map(([kind, type]) => (id: string) => {
      const b = base(kind, id);
      b.event.type = type;
      return { kind: 'unknown-type', role: b.role, key: id, value: json(b.event), expected: 'unknown-type' };
    }),
  fc.constantFrom(...FOLLOW_UPS).map((kind) => (id: string) => {
    const on = base('received', id);
    const fact = base(kind, id);
    // complaint.received on the events topic, or a fact on the intake topic.
    const swap = id.length % 2 === 0;
    return {
      kind: 'wrong-topic',
      role: swap ? 'events' : 'intake',
      key: id,
      value: json(swap ? on.event : fact.event),
      expected: 'unknown-type',
    };
  }),
  // Control characters: escaped in a string (valid JSON, refused by the bridge), raw (not JSON), or a
  // lone surrogate; and bytes that are not UTF-8.
  fc.tuple(baseKind, fc.nat(), controlChar, fc.nat()).map(([kind, pick, code, at]) => (id: string) => {
    const b = base(kind, id);
    const fields = textField(kind);
    const path = fields[pick % fields.length]!;
    const text = String(getPath(b.event, path));
    const i = at % (text.length + 1);
    setPath(b.event, path, `${text.slice(0, i)}${String.fromCharCode(code)}${text.slice(i)}`);
    return {
      kind: `control-char:${path.join('.')}`,
      role: b.role,
      key: id,
      value: json(b.event),
      expected: 'control-characters',
    };
  }),
  fc.tuple(baseKind, fc.integer({ min: 0xd800, max: 0xdfff })).map(([kind, surrogate]) => (id: string) => {
    const b = base(kind, id);
    b.event.source = `crm${String.fromCharCode(surrogate)}`;
    return { kind: 'lone-surrogate', role: b.role, key: id, value: json(b.event), expected: 'control-characters' };
  }),
  fc.tuple(baseKind, fc.integer({ min: 1, max: 0x1f })).map(([kind, code]) => (id: string) => {
    const b = base(kind, id);
    const text = JSON.stringify(b.event).replace('"source":"crm', `"source":"c${String.fromCharCode(code)}rm`);
    return { kind: 'raw-control-char', role: b.role, key: id, value: Buffer.from(text), expected: 'not-json' };
  }),
  fc
    .tuple(baseKind, fc.constantFrom([0xff], [0xc3, 0x28], [0xe2, 0x28, 0xa1], [0xed, 0xa0, 0x80], [0xc0, 0xaf]))
    .map(([kind, bad]) => (id: string) => {
      const b = base(kind, id);
      const [before, after] = JSON.stringify(b.event).split('"source":"crm');
      const value = Buffer.concat([Buffer.from(`${before}"source":"cr`), Buffer.from(bad), Buffer.from(`m${after}`)]);
      return { kind: 'invalid-utf8', role: b.role, key: id, value, expected: 'not-utf8' };
    }),
  // Hostile nesting, inside an unknown field.
  fc.integer({ min: 40, max: 2_000 }).map((depth) => (id: string) => {
    const b = base('received', id);
    const text = JSON.stringify(b.event).replace(
      '"data":{',
      `"data":{"deep":${'['.repeat(depth)}${']'.repeat(depth)},`,
    );
    return { kind: 'too-deep', role: b.role, key: id, value: Buffer.from(text), expected: 'too-deep' };
  }),
  // A key that is not the complaint id: that complaint's order would be lost.
  baseKind.map((kind) => (id: string) => {
    const b = base(kind, id);
    return { kind: 'key-mismatch', role: b.role, key: `other-${id}`, value: json(b.event), expected: 'key-mismatch' };
  }),
  // A valid fact for a complaint that never existed.
  fc.constantFrom(...FOLLOW_UPS, 'customer.withdrew' as const).map((kind) => (id: string) => {
    const fact = followUpEvent(kind, `ghost-${id}`, `evt-${id}`);
    return {
      kind: 'unknown-complaint',
      role: 'events' as const,
      key: `ghost-${id}`,
      value: json(fact),
      expected: 'unknown-complaint',
    };
  }),
];

/** Oversized messages, some beyond what a dead letter keeps whole. */
const oversized: fc.Arbitrary<Recipe> = fc
  .integer({ min: MAX_INBOUND_BYTES + 1, max: 700 * 1024 })
  .map((size) => (id: string) => {
    const b = base('received', id);
    dataOf(b.event).description = '';
    dataOf(b.event).description = 'x'.repeat(size - JSON.stringify(b.event).length);
    return { kind: 'oversized-message', role: b.role, key: id, value: json(b.event), expected: 'too-large' };
  });

/** Oversized messages are rare in the mix: each is hundreds of kilobytes on the broker and in memory. */
const recipe: fc.Arbitrary<Recipe> = fc.oneof(...recipes.map((arbitrary) => ({ arbitrary, weight: 10 })), {
  arbitrary: oversized,
  weight: 1,
});

/** `count` bad inputs, reproducible from `seed`; ids start with `prefix` so runs never collide. */
export function malformedInputs(count: number, seed: number, prefix: string): BadInput[] {
  return fc.sample(recipe, { numRuns: count, seed }).map((build, i) => build(`${prefix}-${i}`));
}

/** The recipe arbitrary itself, for property tests that want shrinking. */
export const badInput = (prefix: string): fc.Arbitrary<BadInput> =>
  fc.tuple(recipe, fc.nat({ max: 1_000_000 })).map(([build, n]) => {
    const input = build(`${prefix}-${n}`);
    // A counterexample prints as its kind and a short excerpt, not as a megabyte of bytes.
    return Object.assign(input, {
      [fc.toStringMethod]: () =>
        `${input.kind} on ${input.role} (${input.value?.length ?? 'null'} bytes): ${input.value?.toString('utf8').slice(0, 300) ?? ''}`,
    });
  });
