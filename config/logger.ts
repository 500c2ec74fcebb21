import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Customer personal data never reaches a log: code logs ids, not payloads, and what slips through is
 * redacted here, at every depth. The keys below name every field of the project's schemas that can carry
 * personal data or a secret (the complaint and its customer, the actions' texts, letters, headers);
 * matched case-insensitively wherever they appear, in any object or array, however deep.
 *
 * Why a walk over the finished line rather than pino's `redact`: pino's redact paths are fixed
 * positions (`a.b.c`, with a wildcard standing for exactly one level), so "a `description` anywhere"
 * would need every path to every depth spelt out, and the first payload nested one level deeper than
 * the list leaks. pino's `formatters.log` sees the object before serializers and without the child
 * bindings, so an `err`'s own fields or a child logger's bindings would escape it. The `streamWrite`
 * hook sees the line exactly as it is written, bindings, serializers and all, so nothing can escape it.
 * The cost is one JSON parse and stringify per line written, small beside the write itself; lines are
 * written only at the configured level.
 */
export const REDACTED_KEYS: ReadonlySet<string> = new Set(
  [
    // the customer
    'name',
    'email',
    'phone',
    'address',
    // the complaint
    'summary',
    'description',
    'desiredOutcome',
    // what agents write and customers answer
    'account',
    'text',
    'question',
    'answer',
    'reason',
    'reasons',
    'alternatives',
    'parts',
    'note',
    'notes',
    'comment',
    'detail',
    // letters and raw payloads
    'body',
    'rendered',
    'original',
    // secrets
    'authorization',
    'x-api-key',
    'cookie',
    'set-cookie',
  ].map((k) => k.toLowerCase()),
);

/** Keys redacted at the top level only: `message` nested is an error's, which an operator needs. */
const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set(['message']);

export const CENSOR = '[redacted]';

/** A copy of a parsed log line with every personal-data field, at any depth, replaced by {@link CENSOR}. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const lower = key.toLowerCase();
    const hidden = REDACTED_KEYS.has(lower) || (depth === 0 && TOP_LEVEL_KEYS.has(lower));
    out[key] = hidden && v !== null && v !== undefined ? CENSOR : redactDeep(v, depth + 1);
  }
  return out;
}

/** The line as written, redacted; a line that is not JSON (pino writes none) is replaced, never written raw. */
function redactLine(line: string): string {
  try {
    return `${JSON.stringify(redactDeep(JSON.parse(line)))}\n`;
  } catch {
    return `${JSON.stringify({ msg: 'unparseable log line dropped', redacted: true })}\n`;
  }
}

/**
 * The JSON logger of a process; `component` names which one (worker, bridge, api, stack). `destination`
 * is for tests (stdout otherwise).
 */
export function createLogger(
  component: string,
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: DestinationStream,
): Logger {
  const options = { level, base: { component }, hooks: { streamWrite: redactLine } };
  return destination ? pino(options, destination) : pino(options);
}
