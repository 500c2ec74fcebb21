import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * docker-compose.yml cannot run here (no Docker engine), so it is validated the way `docker compose`
 * itself would read it: Debian's docker-compose (installed by infra/obtain.sh) parses, interpolates and
 * checks the file without an engine.
 */
const root = join(__dirname, '../..');
const compose = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), ...args], { env, encoding: 'utf8' });

describe('docker-compose.yml', () => {
  const env = {
    ...process.env,
    POSTGRES_PASSWORD: 'only-for-this-test',
    REDRESS_STORE_PASSWORD: 'only-for-this-test-too',
    REDRESS_API_KEYS_FILE: '/dev/null',
    REDRESS_SEARCH_KEYS_FILE: '/dev/null',
    REDRESS_PAYLOAD_KEYS_FILE: '/dev/null',
  };

  it('is valid for docker-compose', () => {
    const result = compose(['config', '-q'], env);
    if (result.error) throw new Error(`docker-compose is not installed (run infra/obtain.sh): ${result.error.message}`);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('runs Temporal on PostgreSQL (schema by admin-tools) with its UI, three KRaft Kafka brokers, the store, and the worker, bridge, projector and API', () => {
    const services = execFileSync('docker-compose', ['-f', join(root, 'docker-compose.yml'), 'config', '--services'], {
      env,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .sort();
    expect(services).toEqual([
      'api',
      'bridge',
      'kafka-1',
      'kafka-2',
      'kafka-3',
      'postgresql',
      'projector',
      'provision',
      'store-db',
      'temporal',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    const resolved = compose(['config'], env).stdout;
    expect(resolved).toMatch(/DB: postgres12/);
    expect(resolved).toMatch(/KAFKA_PROCESS_ROLES: broker,controller/);
    expect(resolved).toMatch(/DATABASE_URL: postgres:\/\/redress:only-for-this-test-too@store-db:5432\/redress/);
    for (const script of [
      'workers/worker-main.js',
      'workers/bridge-main.js',
      'clients/api/main.js',
      'infra/provision.js',
      'workers/projector/main.js',
    ]) {
      expect(resolved).toContain(`dist/${script}`);
      expect(existsSync(join(root, script.replace(/\.js$/, '.ts')))).toBe(true);
    }
  });

  it('holds no secret: the database password must come from the environment', () => {
    const withoutPassword: NodeJS.ProcessEnv = {
      ...process.env,
      REDRESS_STORE_PASSWORD: 'set',
      REDRESS_API_KEYS_FILE: '/dev/null',
    };
    delete withoutPassword.POSTGRES_PASSWORD;
    const result = compose(['config', '-q'], withoutPassword);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/POSTGRES_PASSWORD/);
    const withoutStorePassword: NodeJS.ProcessEnv = { ...env };
    delete withoutStorePassword.REDRESS_STORE_PASSWORD;
    const store = compose(['config', '-q'], withoutStorePassword);
    expect(store.status).not.toBe(0);
    expect(store.stderr).toMatch(/REDRESS_STORE_PASSWORD/);
    // Every password-like setting is interpolated from the environment, none written in.
    expect(readFileSync(join(root, 'docker-compose.yml'), 'utf8')).not.toMatch(
      /^\s*\w*(PASSWORD|PWD|SECRET)\w*:\s*(?!\$\{)\S/m,
    );
  });

  it('builds from a Dockerfile that compiles the same sources', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/tsc -p tsconfig\.build\.json/);
    for (const dir of ['config', 'domain', 'workflows', 'activities', 'workers', 'clients', 'infra', 'store']) {
      expect(dockerfile).toContain(`COPY ${dir} ./${dir}`);
    }
  });
});
