import type { FieldError } from '../../domain/validation';

/** The JSON body of every error the API returns (DESIGN §5): `{ error, message, details? }`. */
export interface ApiErrorBody {
  error: string;
  message: string;
  details?: FieldError[] | Record<string, unknown>;
}

/** An error with its HTTP status, thrown by handlers and rendered by the app's error handler. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly error: string,
    message: string,
    readonly details?: ApiErrorBody['details'],
    /** Response headers that go with it (`WWW-Authenticate`, `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): ApiErrorBody {
    return { error: this.error, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

/** 400: the request is malformed; `details` names every invalid field. */
export const badRequest = (message: string, details?: FieldError[] | Record<string, unknown>) =>
  new ApiError(400, 'bad_request', message, details);
/**
 * 422: the request has the shape the document states, but breaks a rule the document cannot state — an
 * instant outside the instant rules (which depend on the clock and the policies), fields that contradict
 * each other, a cursor this API did not issue. `details` names the field, as a 400's do. Kept apart from
 * 400 so a client (or a contract test) can tell "my request is malformed" from "my request is refused".
 */
export const unprocessable = (message: string, details: FieldError[]) =>
  new ApiError(422, 'unprocessable', message, details);
/**
 * The refusal of input that failed its zod schema: 422 when only refinements failed (zod's `custom`
 * issues: rules between fields that JSON Schema, and so the document, does not carry), else 400.
 */
export const invalidInput = (issues: ReadonlyArray<{ code: string }>) =>
  issues.every((issue) => issue.code === 'custom') ? unprocessable : badRequest;
/** 401: no key, or a key the API does not know. */
export const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="redress"' });
/** 403: the key is known but its role may not do this. */
export const forbidden = (message: string, details?: Record<string, unknown>) =>
  new ApiError(403, 'forbidden', message, details);
/** 404: no such complaint (or route). */
export const notFound = (message: string) => new ApiError(404, 'not_found', message);
/** 409: the action is not allowed in the complaint's current state; the message is the workflow's reason. */
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new ApiError(409, 'conflict', message, details);
/** 429: the caller used up its requests; `Retry-After` says when to try again. */
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ApiError(
    429,
    'rate_limited',
    `too many requests: try again in ${retryAfterSeconds} s`,
    { retryAfterSeconds },
    { 'retry-after': String(retryAfterSeconds) },
  );
/**
 * 503: no worker answered in time (none is running, or all are too busy). `Retry-After` says when to
 * try again; an action sent with an Idempotency-Key can be retried safely and is never applied twice.
 */
export const workerUnavailable = (message: string, retryAfterSeconds = 5) =>
  new ApiError(503, 'unavailable', message, { retryAfterSeconds }, { 'retry-after': String(retryAfterSeconds) });
