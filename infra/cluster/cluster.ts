import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { loadConfig } from '../../config';
import type { Topics } from '../../domain/topics';
import { ensureTopics } from '../kafka-topics';
import type { RestartPolicy } from '../restart-policy';
import { Supervisor, type GiveUp, type ProcessSpec } from '../supervisor';
import { groupAlive } from '../supervisor-runner';
import { apiUrls, redressProcessSpecs } from './redress-processes';
import { ensureClusterSecrets } from './secrets';
import {
  clusterBrokerSpec,
  clusterPostgresSpec,
  clusterTemporalSpec,
  clusterUiSpec,
  ensureDatabase,
  kafkaClusterId,
} from './servers';
import { brokerList, temporalAddress, type ClusterTopology } from './topology';

/** The database of the complaint store on the cluster's PostgreSQL (Temporal's are beside it). */
export const STORE_DATABASE = 'redress';

/**
 * The running cluster: every part under one supervisor (infra/supervisor.ts), as the local stack's
 * are, so a part that dies is started again with backoff and the cluster gives up only after repeated
 * crashes. The parts: `postgres`, `temporal`, `kafka-<n>`, each Redress process (`worker-1`,
 * `bridge-2`, `projector`, `api-1`) and `temporal-ui`.
 */
export interface Cluster {
  topology: ClusterTopology;
  temporalAddress: string;
  kafkaBrokers: string;
  databaseUrl: string;
  apiUrls: string[];
  uiUrl: string;
  logDir: string;
  apiKeysEnvFile: string;
  /** The environment a Redress process of this cluster runs with (secrets as files, production mode). */
  redressEnv: NodeJS.ProcessEnv;
  /** The topics its processes use (REDRESS_TOPIC_PREFIX applied) and the bridges' consumer group. */
  topics: Topics;
  bridgeGroup: string;
  supervisor: Supervisor;
  names(): string[];
  /** The pid of a part (its process group's leader), or undefined while it is down. */
  pid(name: string): number | undefined;
  /**
   * SIGKILL to a part's whole process group, as a crash would; resolves once it is gone. The
   * supervisor then starts it again: `started(name)` says when.
   */
  kill(name: string): Promise<void>;
  /** Resolves at the next time the supervisor has `name` running and healthy (after a kill, its restart). */
  started(name: string): Promise<void>;
  /** Resolves once everything has stopped: with the reason when the supervisor gave up. */
  stopped: Promise<GiveUp | undefined>;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  policy?: RestartPolicy;
  /** Called after every start and restart of a part, with the supervisor (e.g. to record the pids). */
  onStarted?: (name: string, supervisor: Supervisor) => void;
}

/** Brings the whole topology up in dependency order; on failure stops what started and rethrows. */
export async function startCluster(
  t: ClusterTopology,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  opts: ClusterOptions = {},
): Promise<Cluster> {
  const logDir = join(t.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const secrets = ensureClusterSecrets(join(t.dataDir, 'secrets'));
  const pgAdminUrl = `postgres://postgres@${t.host}:${t.postgres.port}/postgres`;
  const databaseUrl = `postgres://postgres@${t.host}:${t.postgres.port}/${STORE_DATABASE}`;
  const redressEnv: NodeJS.ProcessEnv = {
    // The UI decodes payloads through the API's /codec, which answers its origin only.
    REDRESS_CODEC_CORS_ORIGIN: `http://${t.host}:${t.temporal.uiPort}`,
    ...env,
    ...secrets.env,
    REDRESS_DATA_DIR: join(t.dataDir, 'redress'),
  };
  // The processes' own reading of the operator's settings: the same topic names, the same group.
  const config = loadConfig(env);
  const clusterId = kafkaClusterId(t, env);
  const brokerNames = t.kafka.brokers.map((b) => `kafka-${b.nodeId}`);
  const specs: ProcessSpec[] = [
    // The store's database is made sure of after every start of PostgreSQL (Temporal's by its own spec).
    { ...clusterPostgresSpec(t, logDir), afterReady: () => ensureDatabase(pgAdminUrl, STORE_DATABASE) },
    clusterTemporalSpec(t, logDir, env, pgAdminUrl),
    // The brokers start together, depending on none: none serves metadata before a quorum is up.
    ...t.kafka.brokers.map((b) => clusterBrokerSpec(t, b, logDir, env, clusterId)),
    ...redressProcessSpecs(t, {
      env: redressEnv,
      databaseUrl,
      logDir,
      // Asked only once every broker is up (the first start), so the admin client does not log refusals.
      ensureTopics: topicsOnce(t, config.topics, () => brokerNames.every((b) => supervisor.pids()[b] !== undefined)),
    }),
    { ...clusterUiSpec(t, logDir, env, `${apiUrls(t)[0] ?? ''}/codec`), dependsOn: ['temporal'] },
  ];
  const waiting = new Map<string, Array<() => void>>();
  const supervisor: Supervisor = new Supervisor(specs, {
    logger,
    ...(opts.policy ? { policy: opts.policy } : {}),
    onStarted: (name) => {
      logger.info({ part: name }, 'started');
      opts.onStarted?.(name, supervisor);
      for (const resolve of waiting.get(name) ?? []) resolve();
      waiting.delete(name);
    },
  });
  await supervisor.start();

  const names = specs.map((s) => s.name);
  const pid = (name: string) => supervisor.pids()[name];
  return {
    topology: t,
    temporalAddress: temporalAddress(t),
    kafkaBrokers: brokerList(t),
    databaseUrl,
    apiUrls: apiUrls(t),
    uiUrl: `http://${t.host}:${t.temporal.uiPort}`,
    logDir,
    apiKeysEnvFile: secrets.apiKeysEnvFile,
    redressEnv,
    topics: config.topics,
    bridgeGroup: config.kafka.bridgeGroup,
    supervisor,
    names: () => [...names],
    pid,
    kill: async (name) => {
      if (!names.includes(name)) throw new Error(`no part named ${name} in the cluster (${names.join(', ')})`);
      const leader = pid(name);
      if (leader === undefined) throw new Error(`${name} is not running`);
      process.kill(-leader, 'SIGKILL');
      // Gone, and seen to be gone by the supervisor (so `started` waits for the restart, not this run).
      await waitUntil(() => !groupAlive(leader) && pid(name) !== leader, `${name} to die`);
    },
    started: (name) =>
      new Promise<void>((resolve) => {
        waiting.set(name, [...(waiting.get(name) ?? []), resolve]);
      }),
    stopped: supervisor.stopped,
    stop: () => supervisor.stop(),
  };
}

/**
 * The topics at the cluster's layout, made sure of before a Redress process starts. On the first start
 * the brokers may still be forming their quorum (the workers depend on Temporal only, not on any one
 * broker), so it waits for them, then tries for a while; memoised once it succeeded, so a restart does
 * not ask again (and does not wait for a broker that is down: the cluster is built to lose one).
 */
function topicsOnce(t: ClusterTopology, topics: Topics, brokersUp: () => boolean): () => Promise<void> {
  let done: Promise<void> | undefined;
  const attempt = async () => {
    const deadline = Date.now() + 180_000;
    while (!brokersUp() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    for (;;) {
      try {
        await ensureTopics(brokerList(t).split(','), topics, {
          partitions: t.kafka.partitions,
          replicationFactor: t.kafka.replicationFactor,
          minInsyncReplicas: t.kafka.minInsyncReplicas,
        });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 2_000));
      }
    }
  };
  return () => {
    done ??= attempt().catch((err: unknown) => {
      done = undefined;
      throw err;
    });
    return done;
  };
}

async function waitUntil(done: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
