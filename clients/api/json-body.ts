import { findUnsafeText } from '../../domain/unsafe-text';
import { jsonErrorMessage } from '../../domain/validation';
import { badRequest } from './errors';

/** Deeper JSON than this is no request of ours (the same bound as the bridge's inbound events). */
export const MAX_BODY_DEPTH = 32;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** A 400 about the body as a whole, or about one field of it. */
const refuse = (message: string, field = '(body)', detail = message) =>
  badRequest(message, [{ field, message: detail }]);

/**
 * Parses a JSON request body on the bridge's terms (domain/unsafe-text): strict UTF-8, since a lenient
 * decoder turns a bad byte into U+FFFD and silently changes what the customer wrote; no control
 * characters or unpaired surrogates in any string, naming the field; bounded nesting. Throws a 400
 * whose message never quotes the body (it may hold personal data).
 */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) throw refuse('the request body is empty: send a JSON object', '(body)', 'must not be empty');
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw refuse('the request body is not valid UTF-8', '(body)', 'must be UTF-8 encoded');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw refuse(`the request body is not valid JSON: ${jsonErrorMessage(err)}`);
  }
  const unsafe = findUnsafeText(json, MAX_BODY_DEPTH);
  if (unsafe?.code === 'too-deep') {
    throw refuse(`the request body nests deeper than ${MAX_BODY_DEPTH} levels`, unsafe.field, 'nested too deeply');
  }
  if (unsafe) {
    throw refuse(
      `control character or unpaired surrogate in ${unsafe.field}`,
      unsafe.field,
      'must not contain control characters other than tab, CR and LF',
    );
  }
  return json;
}
