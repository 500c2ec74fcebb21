import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { portOpen, temporalHealthy } from '../../platform/health';
import { kafkaBrokerSpec, newKafkaClusterId } from '../kafka-broker';
import type { StartOptions } from '../managed-process';
import { ensureNamespace } from '../namespace-retention';
import { kafkaLibs } from '../paths';
import { postgresServerSpec } from '../postgres-server';
import { registerMissingSearchAttributes } from '../search-attributes';
import type { ProcessSpec } from '../supervisor';
import { cacheDir } from '../../platform/data-dir';
import { TEMPORAL_DATABASES, temporalDynamicConfigYaml, temporalServerYaml } from './temporal-config';
import { quorumVoters, TEMPORAL_SERVER_VERSION, temporalAddress, type Broker, type ClusterTopology } from './topology';

/** The binaries `infra/obtain.sh temporal-server` builds. */
export function temporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `temporal-server-${env.TEMPORAL_SERVER_VERSION ?? TEMPORAL_SERVER_VERSION}`);
}

/** The cluster's PostgreSQL, in the foreground under the supervisor: Temporal's two databases and the complaint store's. */
export function clusterPostgresSpec(t: ClusterTopology, logDir: string): StartOptions {
  const url = `postgres://postgres@${t.host}:${t.postgres.port}/postgres`;
  return postgresServerSpec({
    dataDir: t.postgres.dataDir,
    port: t.postgres.port,
    logFile: join(logDir, 'postgres.log'),
    healthy: async () => {
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
  });
}

/** Creates a database unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    // A database name cannot be a bind parameter; the names are this module's constants.
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

/**
 * Temporal's schemas, with its own tool: `setup-schema -v 0.0` then `update-schema` to the newest
 * version the server ships. Both are idempotent, so every start runs them (a newer server binary then
 * migrates its database, as the admin-tools job does in docker-compose.yml).
 */
export async function ensureTemporalSchemas(t: ClusterTopology, pgUrl: string, env: NodeJS.ProcessEnv): Promise<void> {
  const dir = temporalServerDir(env);
  const tool = join(dir, 'temporal-sql-tool');
  for (const [kind, db] of [
    ['temporal', TEMPORAL_DATABASES.default],
    ['visibility', TEMPORAL_DATABASES.visibility],
  ] as const) {
    await ensureDatabase(pgUrl, db);
    const base = [
      '--plugin',
      'postgres12',
      '--ep',
      t.host,
      '-p',
      String(t.postgres.port),
      '-u',
      'postgres',
      '--db',
      db,
    ];
    const run = (args: string[]) =>
      execFileSync(tool, [...base, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const versioned = join(dir, 'schema', kind, 'versioned');
    // setup-schema on a database that has the schema version table is a no-op with an error line; skip it.
    const client = new pg.Client({ connectionString: pgUrl.replace(/\/[^/]*$/, `/${db}`) });
    await client.connect();
    const hasSchema = (
      await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")
    ).rowCount;
    await client.end();
    if (!hasSchema) run(['setup-schema', '-v', '0.0']);
    run(['update-schema', '-d', versioned]);
  }
}

/**
 * The Temporal server (every service in one process) on the cluster's PostgreSQL. Each start (a restart
 * too) rewrites its configuration and brings the schemas up to date; once it serves, the namespace and
 * search attributes are made sure of. `pgAdminUrl` is the server's `postgres` database.
 */
export function clusterTemporalSpec(
  t: ClusterTopology,
  logDir: string,
  env: NodeJS.ProcessEnv,
  pgAdminUrl: string,
): ProcessSpec {
  const root = join(t.dataDir, 'temporal');
  const server = join(temporalServerDir(env), 'temporal-server');
  return {
    name: 'temporal',
    command: server,
    // No authorizer: the cluster listens on the loopback address only. A deployment configures one
    // (docs/deploying.md) and mutual TLS (config/transport-security.ts).
    args: ['--root', root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    logFile: join(logDir, 'temporal.log'),
    startTimeoutMs: 120_000,
    dependsOn: ['postgres'],
    prepare: async () => {
      if (!existsSync(server))
        throw new Error(`the Temporal server is missing at ${server}: run bash infra/obtain.sh temporal-server`);
      mkdirSync(join(root, 'config'), { recursive: true });
      const dynamic = join(root, 'config', 'dynamic.yaml');
      writeFileSync(dynamic, temporalDynamicConfigYaml());
      writeFileSync(join(root, 'config', 'cluster.yaml'), temporalServerYaml(t, dynamic));
      await ensureTemporalSchemas(t, pgAdminUrl, env);
    },
    healthy: () => portOpen(t.host, t.temporal.frontendPort),
    afterReady: () => provisionNamespace(t, temporalAddress(t)),
  };
}

/** The namespace with its retention, and the search attributes; idempotent. */
async function provisionNamespace(t: ClusterTopology, address: string): Promise<void> {
  // The frontend accepts connections before the namespace registry is ready: retry for a while.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2_000 });
      try {
        await ensureNamespace(connection, t.temporal.namespace, t.temporal.retentionDays * 24 * 3600);
        await registerMissingSearchAttributes(connection, t.temporal.namespace);
      } finally {
        await connection.close();
      }
      if (await temporalHealthy(address, t.temporal.namespace)) return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

/** The Temporal UI server against the cluster's frontend, decoding payloads through the API's codec. */
export function clusterUiSpec(
  t: ClusterTopology,
  logDir: string,
  env: NodeJS.ProcessEnv,
  codecUrl: string,
): StartOptions {
  const root = join(t.dataDir, 'ui');
  const origin = `http://${t.host}:${t.temporal.uiPort}`;
  const writeConfig = () => {
    mkdirSync(join(root, 'config'), { recursive: true });
    writeFileSync(
      join(root, 'config', 'cluster.yaml'),
      [
        `temporalGrpcAddress: ${temporalAddress(t)}`,
        `host: ${t.host}`,
        `port: ${t.temporal.uiPort}`,
        'enableUi: true',
        `defaultNamespace: ${t.temporal.namespace}`,
        'notifyOnNewVersion: false',
        'cors:',
        '  cookieInsecure: true',
        '  allowOrigins:',
        `    - "${origin}"`,
        'codec:',
        `  endpoint: ${codecUrl}`,
        '  passAccessToken: false',
        '',
      ].join('\n'),
    );
  };
  return {
    name: 'temporal-ui',
    command: join(temporalServerDir(env), 'temporal-ui-server'),
    args: ['--root', root, '--config', 'config', '--env', 'cluster', 'start'],
    logFile: join(logDir, 'temporal-ui.log'),
    prepare: writeConfig,
    healthy: () => portOpen(t.host, t.temporal.uiPort),
  };
}

/** The Kafka cluster's id, made once and kept in its data directory: every broker formats its storage with it. */
export function kafkaClusterId(t: ClusterTopology, env: NodeJS.ProcessEnv): string {
  const idFile = join(t.dataDir, 'kafka', 'cluster-id');
  mkdirSync(join(t.dataDir, 'kafka'), { recursive: true });
  if (!existsSync(idFile)) writeFileSync(idFile, newKafkaClusterId(kafkaLibs(env)));
  return readFileSync(idFile, 'utf8').trim();
}

/**
 * One broker of the cluster. The supervisor starts the brokers together (none depends on another: none
 * serves metadata before a quorum of controllers is up) and restarts one that dies on its own data.
 */
export function clusterBrokerSpec(
  t: ClusterTopology,
  b: Broker,
  logDir: string,
  env: NodeJS.ProcessEnv,
  clusterId: string,
): StartOptions {
  return kafkaBrokerSpec({
    libs: kafkaLibs(env),
    host: t.host,
    port: b.port,
    controllerPort: b.controllerPort,
    dataDir: join(t.dataDir, 'kafka', `broker-${b.nodeId}`),
    logFile: join(logDir, `kafka-${b.nodeId}.log`),
    heapMb: 512,
    clusterMember: {
      nodeId: b.nodeId,
      voters: quorumVoters(t),
      clusterId,
      replicationFactor: t.kafka.replicationFactor,
      minInsyncReplicas: t.kafka.minInsyncReplicas,
    },
  });
}
