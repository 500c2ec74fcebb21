import { readFileSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliIo } from './deadlines';

/**
 * What the operator and supervisor commands share: they call the HTTP API (so roles are enforced in
 * one place, the API), with the URL from `--api` or `REDRESS_API_URL` and the key from `REDRESS_API_KEY`
 * or the file named by `REDRESS_API_KEY_FILE` — never from an argument, which would land in shell history
 * and the process list.
 */

/** A command's io, with the environment to read settings from (process.env unless a test gives one). */
export interface ApiCliIo extends CliIo {
  readonly env?: NodeJS.ProcessEnv;
}

/** Exit codes: 0 done; 1 the API refused (4xx: invalid, not allowed, not found, conflict); 2 usage; 3 unreachable or failing. */
export const EXIT = { ok: 0, refused: 1, usage: 2, unavailable: 3 } as const;

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** The API answered with an error: its status and `{ error, message, details? }`. */
export class ApiRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: { error?: string; message?: string; details?: unknown },
  ) {
    super(body.message ?? `HTTP ${status}`);
  }
}

/** The API could not be reached, or failed (5xx). */
export class ApiUnavailable extends Error {}

/** A small client of the Redress HTTP API. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly key: string,
  ) {}

  /** Sends a request; the parsed JSON body on 2xx, otherwise throws {@link ApiRefusal} or {@link ApiUnavailable}. */
  async request<T>(
    method: 'GET' | 'POST',
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    let res: Response;
    try {
      res = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw new ApiUnavailable(`cannot reach the API at ${this.baseUrl}: ${cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (res.status >= 500) {
      const message = (json as { message?: string } | undefined)?.message ?? text.slice(0, 200);
      throw new ApiUnavailable(`the API failed (HTTP ${res.status}): ${message}`);
    }
    if (res.status >= 400) throw new ApiRefusal(res.status, json ?? {});
    return { status: res.status, body: json as T };
  }
}

/** The client from the environment and `--api`; a usage error naming what is missing. */
export function apiClient(env: NodeJS.ProcessEnv, apiOption: string | undefined): ApiClient {
  const url = apiOption ?? env.REDRESS_API_URL ?? 'http://127.0.0.1:3000';
  try {
    new URL(url);
  } catch {
    throw new UsageError(`--api / REDRESS_API_URL is not a URL: ${url}`);
  }
  let key = env.REDRESS_API_KEY?.trim();
  if (!key && env.REDRESS_API_KEY_FILE) {
    try {
      key = readFileSync(env.REDRESS_API_KEY_FILE, 'utf8').trim();
    } catch (err) {
      throw new UsageError(`cannot read REDRESS_API_KEY_FILE: ${(err as Error).message}`);
    }
  }
  if (!key) {
    throw new UsageError(
      'no API key: set REDRESS_API_KEY (or REDRESS_API_KEY_FILE); for the local stack, source the dev-api-keys.env the API created in its data directory',
    );
  }
  return new ApiClient(url, key);
}

/** Options every API command takes. */
export const COMMON_OPTIONS = {
  api: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Parses a command's arguments strictly; unknown options are a usage error. */
export function parseCommand<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, strict: true, allowPositionals: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/**
 * Runs a command body with the CLI's error handling: usage errors print the usage (exit 2), API refusals
 * print the API's message and the invalid fields (exit 1), an unreachable or failing API exit 3.
 */
export async function runCommand(
  name: string,
  usage: string,
  io: ApiCliIo,
  body: () => Promise<void> | void,
): Promise<number> {
  try {
    await body();
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`redress ${name}: ${err.message}\nusage: redress ${usage}`);
      return EXIT.usage;
    }
    if (err instanceof ApiRefusal) {
      io.err(`redress ${name}: refused (${err.status} ${err.body.error ?? ''}): ${err.message}`);
      const details = err.body.details;
      if (Array.isArray(details)) {
        for (const d of details as Array<{ field?: string; message?: string }>)
          io.err(`  ${d.field ?? ''}: ${d.message ?? ''}`);
      }
      return EXIT.refused;
    }
    if (err instanceof ApiUnavailable) {
      io.err(`redress ${name}: ${err.message}`);
      return EXIT.unavailable;
    }
    throw err;
  }
}

/** Lays rows out in columns, the first row being the header. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
