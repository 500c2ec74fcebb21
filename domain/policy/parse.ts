import type { z } from 'zod';
import { PolicySchema } from './schema';
import type { Policy } from './schema';

/** A policy (or a policy file) is invalid; `errors` are `path: reason` lines. */
export class PolicyValidationError extends Error {
  override readonly name = 'PolicyValidationError';
  constructor(
    /** Where the policy came from (a file path), for the message. */
    readonly source: string,
    readonly errors: readonly string[],
  ) {
    super(`${source}: invalid policy\n${errors.map((e) => `  ${e}`).join('\n')}`);
  }
}

/** `clocks[2].target.unit` for zod's `['clocks', 2, 'target', 'unit']`; `(root)` for the whole value. */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`)).join('');
}

/** zod issues as `path: reason` lines; an unrecognised key is named in the path, not only the message. */
export function formatIssues(error: z.ZodError): string[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => `${formatPath([...issue.path, key])}: unknown field`);
    }
    // A bad record key is reported by zod as "Invalid key in record"; the reason is in the nested issues.
    if (issue.code === 'invalid_key') {
      return [`${formatPath(issue.path)}: ${issue.issues.map((inner) => inner.message).join('; ')}`];
    }
    return [`${formatPath(issue.path)}: ${issue.message}`];
  });
}

/** The result of validating a policy: the policy, or the reasons it is invalid. */
export type PolicyParseResult = { ok: true; policy: Policy } | { ok: false; errors: string[] };

/** Validates an already-parsed JSON value as a policy. */
export function parsePolicy(value: unknown): PolicyParseResult {
  const result = PolicySchema.safeParse(value);
  if (result.success) return { ok: true, policy: result.data };
  return { ok: false, errors: formatIssues(result.error) };
}

/** Validates a policy given as JSON text; a JSON syntax error is reported like any other problem. */
export function parsePolicyJson(text: string): PolicyParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`(root): not valid JSON: ${(error as Error).message}`] };
  }
  return parsePolicy(value);
}
