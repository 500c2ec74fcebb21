import pino, { type Logger } from 'pino';

/**
 * Paths redacted from every log line. Customer personal data never reaches a log: code logs ids,
 * not payloads, and these paths catch the fields that would hurt most if a payload slipped through.
 */
export const REDACTED_PATHS = [
  'customer.name',
  'customer.email',
  'customer.phone',
  '*.customer.name',
  '*.customer.email',
  '*.customer.phone',
  'description',
  '*.description',
  'message',
  'body',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
];

/** The JSON logger of a process; `component` names which one (worker, bridge, api, stack). */
export function createLogger(component: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { component }, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
