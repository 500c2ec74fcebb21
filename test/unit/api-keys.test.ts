import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApiKeyStore,
  devKeyFiles,
  ensureDevKeys,
  generateApiKey,
  hashApiKey,
  loadApiKeys,
  parseApiKeysEnv,
  readApiKeyFile,
} from '../../config/api-keys';
import { loadApiSettings, workerMetricsAddress } from '../../config';
import { authorize, presentedKey } from '../../clients/api/auth';
import type { ApiError } from '../../clients/api/errors';

const tmp = () => mkdtempSync(join(tmpdir(), 'redress-keys-'));

describe('API keys', () => {
  it('are random, and stored only as their SHA-256', () => {
    const a = generateApiKey();
    expect(a).toMatch(/^rdk_[A-Za-z0-9_-]{43}$/);
    expect(generateApiKey()).not.toBe(a);
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('verify the presented key against every stored hash, knowing nothing of unknown keys', () => {
    const [op, sup] = [generateApiKey(), generateApiKey()];
    const store = new ApiKeyStore([
      { id: 'alice', role: 'operator', sha256: hashApiKey(op) },
      { id: 'sam', role: 'supervisor', sha256: hashApiKey(sup) },
    ]);
    expect(store.verify(op)).toEqual({ id: 'alice', role: 'operator' });
    expect(store.verify(sup)).toEqual({ id: 'sam', role: 'supervisor' });
    expect(store.verify(`${op}x`)).toBeUndefined();
    expect(store.verify('')).toBeUndefined();
    expect(store.verify('x'.repeat(10_000))).toBeUndefined();
  });

  it('refuse a configuration that names an id twice or shares a key', () => {
    const sha256 = hashApiKey('k');
    expect(
      () =>
        new ApiKeyStore([
          { id: 'a', role: 'operator', sha256 },
          { id: 'a', role: 'auditor', sha256: hashApiKey('j') },
        ]),
    ).toThrow(/id a is configured twice/);
    expect(
      () =>
        new ApiKeyStore([
          { id: 'a', role: 'operator', sha256 },
          { id: 'b', role: 'auditor', sha256 },
        ]),
    ).toThrow(/same key/);
  });

  it('come from REDRESS_API_KEYS as id:role:sha256, naming a bad entry', () => {
    const h = hashApiKey('k');
    expect(parseApiKeysEnv(` alice:operator:${h} , `)).toEqual([{ id: 'alice', role: 'operator', sha256: h }]);
    expect(() => parseApiKeysEnv(`alice:operator:${h},bob:boss:${h}`)).toThrow(/entry 2 \(bob\): role/);
    expect(() => parseApiKeysEnv('carol:auditor:not-a-hash')).toThrow(/entry 1 \(carol\): sha256/);
    expect(() => parseApiKeysEnv(`dan:auditor:${h}:extra`)).toThrow(/expected id:role:sha256/);
  });

  it('come from a key file, naming the file and the invalid field', () => {
    const dir = tmp();
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'a', role: 'service', sha256: hashApiKey('k') }] }));
    expect(readApiKeyFile(file)).toEqual([{ id: 'a', role: 'service', sha256: hashApiKey('k') }]);
    writeFileSync(file, JSON.stringify({ keys: [{ id: 'a', role: 'service', key: 'plain' }] }));
    expect(() => readApiKeyFile(file)).toThrow(new RegExp(`invalid API key file ${file}: .*sha256`));
    expect(() => readApiKeyFile(join(dir, 'missing.json'))).toThrow(/cannot read the API key file/);
  });

  it('for local development are made once, one per role, the keys readable by the owner only', () => {
    const dir = tmp();
    expect(ensureDevKeys(dir)).toBe(true);
    const files = devKeyFiles(dir);
    const secrets = readFileSync(files.secretsFile, 'utf8');
    expect(statSync(files.secretsFile).mode & 0o777).toBe(0o600);
    expect(statSync(files.keysFile).mode & 0o777).toBe(0o600);
    const keys: Record<string, string> = Object.fromEntries(
      [...secrets.matchAll(/^export REDRESS_(\w+)_KEY=(\S+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']),
    );
    expect(Object.keys(keys).sort()).toEqual(['AUDITOR', 'OPERATOR', 'SERVICE', 'SUPERVISOR']);
    // The key file holds hashes only.
    const stored = readFileSync(files.keysFile, 'utf8');
    for (const key of Object.values(keys)) expect(stored).not.toContain(key);
    const { store, sources, created } = loadApiKeys({}, dir);
    expect({ sources, created }).toEqual({ sources: ['development keys'], created: false });
    expect(store.verify(keys.SUPERVISOR!)).toEqual({ id: 'dev-supervisor', role: 'supervisor' });
    expect(ensureDevKeys(dir)).toBe(false);
    expect(readFileSync(files.secretsFile, 'utf8')).toBe(secrets);
  });

  it('from the configuration take precedence over development keys, and none at all is refused', () => {
    const dir = tmp();
    const loaded = loadApiKeys({ keys: `a:auditor:${hashApiKey('k')}` }, dir);
    expect(loaded.sources).toEqual(['REDRESS_API_KEYS']);
    expect(loaded.store.verify('k')).toEqual({ id: 'a', role: 'auditor' });
    const empty = join(dir, 'empty.json');
    writeFileSync(empty, JSON.stringify({ keys: [] }));
    expect(() => loadApiKeys({ keysFile: empty }, dir)).toThrow(/no API keys configured/);
  });

  it('in production (NODE_ENV=production) refuses to make or use development keys, saying what to set', () => {
    const dir = tmp();
    expect(() => loadApiKeys({}, dir, { production: true })).toThrow(
      /NODE_ENV=production.*REDRESS_API_KEYS or REDRESS_API_KEYS_FILE/,
    );
    // Nothing was made on the way.
    expect(existsSync(devKeyFiles(dir).keysFile)).toBe(false);
    // Development keys made earlier are refused too, even when pointed at as the key file.
    ensureDevKeys(dir);
    expect(() => loadApiKeys({}, dir, { production: true })).toThrow(/development keys/);
    expect(() => loadApiKeys({ keysFile: devKeyFiles(dir).keysFile }, dir, { production: true })).toThrow(
      /development keys/,
    );
    // Configured keys are what production runs with.
    const loaded = loadApiKeys({ keys: `a:auditor:${hashApiKey('k')}` }, dir, { production: true });
    expect(loaded.sources).toEqual(['REDRESS_API_KEYS']);
  });
});

describe('API settings', () => {
  it('have defaults, and name a bad variable', () => {
    const s = loadApiSettings({});
    expect(s).toMatchObject({
      rateLimitPerMinute: 600,
      listScanLimit: 10_000,
      workerMetricsUrl: 'http://127.0.0.1:9465/metrics',
      bridgeMetricsUrl: 'http://127.0.0.1:9464/metrics',
      metricsGroup: 'redress-api-metrics',
      workerTimeouts: { readMs: 10_000, actionMs: 30_000 },
    });
    expect(loadApiSettings({ REDRESS_API_ACTION_TIMEOUT_MS: '5000' }).workerTimeouts.actionMs).toBe(5_000);
    expect(() => loadApiSettings({ REDRESS_API_READ_TIMEOUT_MS: '0' })).toThrow(/REDRESS_API_READ_TIMEOUT_MS/);
    expect(loadApiSettings({ REDRESS_WORKER_METRICS_URL: 'off', REDRESS_BRIDGE_METRICS_URL: '' })).not.toHaveProperty(
      'workerMetricsUrl',
    );
    expect(() => loadApiSettings({ REDRESS_API_RATE_LIMIT: 'lots' })).toThrow(/REDRESS_API_RATE_LIMIT/);
    expect(() => loadApiSettings({ REDRESS_WORKER_METRICS_URL: 'ftp://x' })).toThrow(/REDRESS_WORKER_METRICS_URL/);
    expect(workerMetricsAddress({})).toBe('127.0.0.1:9465');
    expect(workerMetricsAddress({ REDRESS_WORKER_METRICS_ADDRESS: 'off' })).toBeUndefined();
    expect(() => workerMetricsAddress({ REDRESS_WORKER_METRICS_ADDRESS: 'nine' })).toThrow(/host:port/);
  });

  it('trust no proxy unless told, and take all, a hop count, or a list of proxy addresses', () => {
    expect(loadApiSettings({}).trustProxy).toBe(false);
    expect(loadApiSettings({ REDRESS_API_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadApiSettings({ REDRESS_API_TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadApiSettings({ REDRESS_API_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadApiSettings({ REDRESS_API_TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(() => loadApiSettings({ REDRESS_API_TRUST_PROXY: 'my proxy' })).toThrow(/REDRESS_API_TRUST_PROXY/);
  });

  it('cache /health and /metrics for 2 s by default, and limit them per address in a bucket of their own', () => {
    expect(loadApiSettings({})).toMatchObject({ operationsCacheMs: 2_000, operationsRateLimitPerMinute: 6_000 });
    expect(loadApiSettings({ REDRESS_API_OPERATIONS_CACHE_MS: '5000' }).operationsCacheMs).toBe(5_000);
    expect(() => loadApiSettings({ REDRESS_API_OPERATIONS_CACHE_MS: '-1' })).toThrow(/REDRESS_API_OPERATIONS_CACHE_MS/);
  });
});

describe('API authorisation', () => {
  it('reads the key from Authorization: Bearer or X-API-Key', () => {
    expect(presentedKey({ authorization: 'Bearer abc' })).toBe('abc');
    expect(presentedKey({ authorization: 'bearer  abc ' })).toBe('abc');
    expect(presentedKey({ authorization: 'Basic abc' })).toBe('');
    expect(presentedKey({ 'x-api-key': ' abc ' })).toBe('abc');
    expect(presentedKey({})).toBeUndefined();
  });

  it('answers 401 for no or an unknown key and 403 naming the role and the allowed ones', () => {
    const refusal = (f: () => void) => {
      try {
        f();
      } catch (err) {
        return err as ApiError;
      }
      throw new Error('not refused');
    };
    expect(refusal(() => authorize(['operator'], undefined, {}, 'act')).statusCode).toBe(401);
    expect(refusal(() => authorize(['operator'], undefined, { authorization: 'Bearer x' }, 'act')).message).toMatch(
      /not valid/,
    );
    const forbidden = refusal(() => authorize(['supervisor'], { id: 'a', role: 'operator' }, {}, 'approve remedies'));
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.body()).toEqual({
      error: 'forbidden',
      message: 'the operator role cannot approve remedies',
      details: { role: 'operator', allowed: ['supervisor'] },
    });
    expect(() => authorize('public', undefined, {}, 'read')).not.toThrow();
  });
});
