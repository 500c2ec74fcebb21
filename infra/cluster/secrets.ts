import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_ROLES, generateApiKey, hashApiKey } from '../../config/api-keys';
import { newRingEntry } from '../../platform/key-ring';
import { PAYLOAD_KEY_BYTES } from '../../platform/payload-codec';

/**
 * The cluster's secrets as a deployment holds them: files, private to their owner, handed to each
 * process by `*_FILE` variables, with NODE_ENV=production so that no process falls back to a
 * development key. Made once, on the first start; a restart keeps them (the payload key encrypts what
 * Temporal holds, and a new one would make it unreadable).
 */
export interface ClusterSecrets {
  env: NodeJS.ProcessEnv;
  /** Shell variables with the API key of each role, to `source` for curl or the CLI. */
  apiKeysEnvFile: string;
}

const write = (file: string, text: string) => writeFileSync(file, text, { mode: 0o600, flag: 'wx' });

export function ensureClusterSecrets(dir: string): ClusterSecrets {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const files = {
    payload: join(dir, 'payload-keys'),
    search: join(dir, 'search-keys'),
    apiKeys: join(dir, 'api-keys.json'),
    apiKeysEnv: join(dir, 'api-keys.env'),
  };
  if (!existsSync(files.payload)) write(files.payload, `${newRingEntry('p1', PAYLOAD_KEY_BYTES)}\n`);
  if (!existsSync(files.search)) write(files.search, `${newRingEntry('s1', 32)}\n`);
  if (!existsSync(files.apiKeys)) {
    const keys = API_ROLES.map((role) => ({ role, id: `cluster-${role}`, key: generateApiKey() }));
    write(files.apiKeysEnv, keys.map((k) => `export REDRESS_${k.role.toUpperCase()}_KEY=${k.key}\n`).join(''));
    write(
      files.apiKeys,
      `${JSON.stringify({ keys: keys.map((k) => ({ id: k.id, role: k.role, sha256: hashApiKey(k.key) })) }, null, 2)}\n`,
    );
  }
  return {
    env: {
      NODE_ENV: 'production',
      REDRESS_PAYLOAD_KEYS_FILE: files.payload,
      REDRESS_SEARCH_KEYS_FILE: files.search,
      REDRESS_API_KEYS_FILE: files.apiKeys,
    },
    apiKeysEnvFile: files.apiKeysEnv,
  };
}
