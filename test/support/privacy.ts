import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Config } from '../../config';
import { complaintWorkflowId } from '../../domain/ids';
import { temporalCli } from '../../infra/paths';

/**
 * What issue 16's privacy tests look through: every string of a value, and what each base64-looking
 * one decodes to (where clear text could hide), and a complaint's history as someone who reaches
 * Temporal without the key ring reads it.
 */

/** Every string in a JSON value (keys too), and what each base64-looking one decodes to. */
export function readable(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') {
    out.push(value);
    if (value.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(value))
      out.push(Buffer.from(value, 'base64').toString('latin1'));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) readable(v, readable(k, out));
  }
  return out;
}

/** The secrets some text holds. */
export const foundIn = (secrets: readonly string[], text: readonly string[]): string[] =>
  secrets.filter((s) => text.some((t) => t.includes(s)));

/** A complaint's history as `temporal workflow show -o json` prints it, with no codec: parsed JSON. */
export async function historyWithoutKey(config: Config, complaintId: string): Promise<unknown> {
  const { stdout } = await promisify(execFile)(
    temporalCli(),
    [
      'workflow',
      'show',
      '--address',
      config.temporal.address,
      '--namespace',
      config.temporal.namespace,
      '--workflow-id',
      complaintWorkflowId(complaintId),
      '--output',
      'json',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return JSON.parse(stdout) as unknown;
}
