import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * The production topology as data: what `scripts/cluster` runs on one machine, and what
 * docker-compose.yml describes for many (test/unit/compose-topology.test.ts keeps the two in step).
 * Every count and port can be changed by the environment, so the same code runs a smaller or larger
 * cluster; the defaults are the smallest that still shows the production properties: a Kafka cluster
 * that survives one broker's loss with no acknowledged write lost (replication 3, min ISR 2), and two
 * of each Redress process sharing the work.
 */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';

export interface Broker {
  nodeId: number;
  port: number;
  controllerPort: number;
}

export interface ClusterTopology {
  host: string;
  /** Where every part keeps its data and logs; survives a restart of `scripts/cluster`. */
  dataDir: string;
  temporal: {
    /** The frontend's gRPC port; history, matching and worker take the next ports (see temporal-config.ts). */
    frontendPort: number;
    uiPort: number;
    /** Fixed for the life of a cluster: changing it needs a new database (Temporal's rule). */
    historyShards: number;
    namespace: string;
    retentionDays: number;
  };
  /** PostgreSQL refuses to run as root and its user cannot enter root's home: its data lives apart. */
  postgres: { port: number; dataDir: string };
  kafka: { brokers: Broker[]; replicationFactor: number; minInsyncReplicas: number; partitions: number };
  redress: { workers: number; bridges: number; apiPorts: number[]; projector: boolean };
}

const int = (env: NodeJS.ProcessEnv, name: string, fallback: number, min = 1): number => {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new Error(`invalid configuration: ${name}: must be an integer ≥ ${min}, not "${raw}"`);
  return n;
};

/** The topology from the environment (`REDRESS_CLUSTER_*`), with the defaults described above. */
export function clusterTopology(env: NodeJS.ProcessEnv, dataDir: string): ClusterTopology {
  const brokerCount = int(env, 'REDRESS_CLUSTER_KAFKA_BROKERS', 3);
  const kafkaBase = int(env, 'REDRESS_CLUSTER_KAFKA_PORT', 29092);
  const replicationFactor = int(env, 'REDRESS_KAFKA_REPLICATION_FACTOR', Math.min(3, brokerCount));
  const minInsyncReplicas = int(env, 'REDRESS_KAFKA_MIN_INSYNC_REPLICAS', Math.max(1, replicationFactor - 1));
  if (replicationFactor > brokerCount) {
    throw new Error(
      `invalid configuration: REDRESS_KAFKA_REPLICATION_FACTOR ${replicationFactor} exceeds the ${brokerCount} brokers`,
    );
  }
  if (minInsyncReplicas > replicationFactor) {
    throw new Error(
      `invalid configuration: REDRESS_KAFKA_MIN_INSYNC_REPLICAS ${minInsyncReplicas} exceeds the replication factor ${replicationFactor}`,
    );
  }
  const apiBase = int(env, 'REDRESS_CLUSTER_API_PORT', 3100);
  const pgPort = int(env, 'REDRESS_CLUSTER_PG_PORT', 25432);
  return {
    host: '127.0.0.1',
    dataDir,
    temporal: {
      frontendPort: int(env, 'REDRESS_CLUSTER_TEMPORAL_PORT', 27233),
      uiPort: int(env, 'REDRESS_CLUSTER_UI_PORT', 28233),
      historyShards: int(env, 'REDRESS_CLUSTER_HISTORY_SHARDS', 16),
      namespace: env.TEMPORAL_NAMESPACE ?? 'default',
      retentionDays: int(env, 'REDRESS_CLUSTER_RETENTION_DAYS', 7),
    },
    postgres: {
      port: pgPort,
      // Named by the port so it survives a restart of scripts/cluster; REDRESS_CLUSTER_PG_DIR moves it.
      dataDir: env.REDRESS_CLUSTER_PG_DIR ?? join(tmpdir(), `redress-cluster-pg-${pgPort}`),
    },
    kafka: {
      // Two ports a broker: its client listener, and its controller listener (KRaft quorum).
      brokers: Array.from({ length: brokerCount }, (_, i) => ({
        nodeId: i + 1,
        port: kafkaBase + 2 * i,
        controllerPort: kafkaBase + 2 * i + 1,
      })),
      replicationFactor,
      minInsyncReplicas,
      partitions: int(env, 'REDRESS_KAFKA_PARTITIONS', 8),
    },
    redress: {
      workers: int(env, 'REDRESS_CLUSTER_WORKERS', 2),
      bridges: int(env, 'REDRESS_CLUSTER_BRIDGES', 2),
      apiPorts: Array.from({ length: int(env, 'REDRESS_CLUSTER_APIS', 2) }, (_, i) => apiBase + i),
      projector: env.REDRESS_CLUSTER_PROJECTOR !== 'off',
    },
  };
}

export const brokerList = (t: ClusterTopology): string => t.kafka.brokers.map((b) => `${t.host}:${b.port}`).join(',');
/** `controller.quorum.voters`: every broker is also a KRaft controller. */
export const quorumVoters = (t: ClusterTopology): string =>
  t.kafka.brokers.map((b) => `${b.nodeId}@${t.host}:${b.controllerPort}`).join(',');
export const temporalAddress = (t: ClusterTopology): string => `${t.host}:${t.temporal.frontendPort}`;
