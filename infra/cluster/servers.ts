import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import pg from 'pg';
import { portOpen, temporalHealthy } from '../../platform/health';
import { newKafkaClusterId, startKafkaBroker } from '../kafka-broker';
import { startManaged, type ManagedProcess } from '../managed-process';
import { ensureNamespace } from '../namespace-retention';
import { kafkaLibs } from '../paths';
import { startPostgresServer, type PostgresServer } from '../postgres-server';
import { registerMissingSearchAttributes } from '../search-attributes';
import { cacheDir } from '../../platform/data-dir';
import { TEMPORAL_DATABASES, temporalDynamicConfigYaml, temporalServerYaml } from './temporal-config';
import { quorumVoters, TEMPORAL_SERVER_VERSION, temporalAddress, type ClusterTopology } from './topology';

/** The binaries `infra/obtain.sh temporal-server` builds. */
export function temporalServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `temporal-server-${env.TEMPORAL_SERVER_VERSION ?? TEMPORAL_SERVER_VERSION}`);
}

/** The cluster's PostgreSQL: Temporal's two databases and the complaint store's. */
export function startClusterPostgres(t: ClusterTopology): PostgresServer {
  return startPostgresServer({ dataDir: t.postgres.dataDir, port: t.postgres.port });
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
    const base = ['--plugin', 'postgres12', '--ep', t.host, '-p', String(t.postgres.port), '-u', 'postgres', '--db', db];
    const run = (args: string[]) => execFileSync(tool, [...base, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const versioned = join(dir, 'schema', kind, 'versioned');
    // setup-schema on a database that has the schema version table is a no-op with an error line; skip it.
    const client = new pg.Client({ connectionString: pgUrl.replace(/\/[^/]*$/, `/${db}`) });
    await client.connect();
    const hasSchema = (await client.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'")).rowCount;
    await client.end();
    if (!hasSchema) run(['setup-schema', '-v', '0.0']);
    run(['update-schema', '-d', versioned]);
  }
}

/** The Temporal server (every service in one process) on the cluster's PostgreSQL. */
export async function startClusterTemporal(t: ClusterTopology, logDir: string, env: NodeJS.ProcessEnv): Promise<ManagedProcess> {
  const root = join(t.dataDir, 'temporal');
  mkdirSync(join(root, 'config'), { recursive: true });
  const dynamic = join(root, 'config', 'dynamic.yaml');
  writeFileSync(dynamic, temporalDynamicConfigYaml());
  writeFileSync(join(root, 'config', 'cluster.yaml'), temporalServerYaml(t, dynamic));
  const server = join(temporalServerDir(env), 'temporal-server');
  if (!existsSync(server)) throw new Error(`the Temporal server is missing at ${server}: run bash infra/obtain.sh temporal-server`);
  const address = temporalAddress(t);
  const proc = await startManaged({
    name: 'temporal',
    command: server,
    // No authorizer: the cluster listens on the loopback address only. A deployment configures one
    // (docs/deploying.md) and mutual TLS (config/transport-security.ts).
    args: ['--root', root, '--config', 'config', '--env', 'cluster', '--allow-no-auth', 'start'],
    logFile: join(logDir, 'temporal.log'),
    startTimeoutMs: 120_000,
    healthy: () => portOpen(t.host, t.temporal.frontendPort),
  });
  await provisionNamespace(t, address);
  return proc;
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
export async function startClusterUi(t: ClusterTopology, logDir: string, env: NodeJS.ProcessEnv, codecUrl: string): Promise<ManagedProcess> {
  const root = join(t.dataDir, 'ui');
  mkdirSync(join(root, 'config'), { recursive: true });
  const origin = `http://${t.host}:${t.temporal.uiPort}`;
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
  return startManaged({
    name: 'temporal-ui',
    command: join(temporalServerDir(env), 'temporal-ui-server'),
    args: ['--root', root, '--config', 'config', '--env', 'cluster', 'start'],
    logFile: join(logDir, 'temporal-ui.log'),
    healthy: () => portOpen(t.host, t.temporal.uiPort),
  });
}

/** The Kafka brokers, started together (none serves metadata before a quorum of controllers is up). */
export async function startClusterKafka(t: ClusterTopology, logDir: string, env: NodeJS.ProcessEnv): Promise<ManagedProcess[]> {
  const libs = kafkaLibs(env);
  const idFile = join(t.dataDir, 'kafka', 'cluster-id');
  mkdirSync(join(t.dataDir, 'kafka'), { recursive: true });
  if (!existsSync(idFile)) writeFileSync(idFile, newKafkaClusterId(libs));
  const clusterId = readFileSync(idFile, 'utf8').trim();
  return Promise.all(t.kafka.brokers.map((b) => startClusterBroker(t, b.nodeId, logDir, env, clusterId)));
}

/** One broker of the cluster (also how the fault run restarts one it killed). */
export function startClusterBroker(
  t: ClusterTopology,
  nodeId: number,
  logDir: string,
  env: NodeJS.ProcessEnv,
  clusterId = readFileSync(join(t.dataDir, 'kafka', 'cluster-id'), 'utf8').trim(),
): Promise<ManagedProcess> {
  const b = t.kafka.brokers.find((x) => x.nodeId === nodeId);
  if (!b) throw new Error(`no broker ${nodeId} in the topology`);
  return startKafkaBroker({
    libs: kafkaLibs(env),
    host: t.host,
    port: b.port,
    controllerPort: b.controllerPort,
    dataDir: join(t.dataDir, 'kafka', `broker-${nodeId}`),
    logFile: join(logDir, `kafka-${nodeId}.log`),
    heapMb: 512,
    clusterMember: {
      nodeId,
      voters: quorumVoters(t),
      clusterId,
      replicationFactor: t.kafka.replicationFactor,
      minInsyncReplicas: t.kafka.minInsyncReplicas,
    },
  });
}

