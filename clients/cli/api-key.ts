import { API_ROLES, ApiKeyEntrySchema, generateApiKey, hashApiKey } from '../../config/api-keys';
import { describeFieldErrors, fieldErrors } from '../../domain/validation';
import { parseCommand, runCommand, UsageError, type ApiCliIo } from './api-client';

const USAGE = `api-key create --id NAME --role ${API_ROLES.join('|')} [--json]`;

/**
 * `redress api-key create --id alice --role operator`: makes a new key for a person or service, locally
 * (no API call). Prints the key once — it is stored nowhere — and the entry to add to the API's key file
 * (or to REDRESS_API_KEYS), which holds only its hash.
 */
export function run(argv: string[], io: ApiCliIo): Promise<number> {
  return runCommand('api-key create', USAGE, io, () => {
    const { values, positionals } = parseCommand(argv, { id: { type: 'string' }, role: { type: 'string' } });
    if (values.help) return io.out(`usage: redress ${USAGE}`);
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`);
    const key = generateApiKey();
    const parsed = ApiKeyEntrySchema.safeParse({ id: values.id, role: values.role, sha256: hashApiKey(key) });
    if (!parsed.success) throw new UsageError(describeFieldErrors(fieldErrors(parsed.error)));
    const entry = parsed.data;
    if (values.json) return io.out(JSON.stringify({ key, entry }, null, 2));
    io.out(
      [
        `key for ${entry.id} (${entry.role}), shown only now — hand it over privately:`,
        `  ${key}`,
        'add to the key file (REDRESS_API_KEYS_FILE) under "keys":',
        `  ${JSON.stringify(entry)}`,
        'or to REDRESS_API_KEYS (comma-separated):',
        `  ${entry.id}:${entry.role}:${entry.sha256}`,
      ].join('\n'),
    );
  });
}
