import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterTopology, TEMPORAL_SERVER_VERSION, TEMPORAL_UI_VERSION } from '../../infra/cluster/topology';

/**
 * docker-compose.yml describes for many hosts what scripts/cluster runs on one (infra/cluster): the same
 * versions, broker count, replication, min ISR, partitions and process counts. Either side changed
 * alone fails here.
 */
type Service = {
  image?: string;
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  command?: string[];
  secrets?: string[];
};
const compose = parse(readFileSync(join(__dirname, '../../docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
};
const services = compose.services;
const t = clusterTopology({}, '/nowhere');

describe('docker-compose.yml and scripts/cluster', () => {
  it('run the same Temporal server and UI versions, the server with an admin-tools schema job', () => {
    expect(services.temporal?.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-schema']?.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}`);
    expect(services['temporal-ui']?.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    expect(services.temporal?.environment?.NUM_HISTORY_SHARDS).toBe(String(t.temporal.historyShards));
    expect(services.provision?.environment?.REDRESS_NAMESPACE_RETENTION_DAYS).toBe(String(t.temporal.retentionDays));
  });

  it('have as many Kafka brokers, with the same replication and min ISR, and lay topics out alike', () => {
    const brokers = Object.keys(services).filter((n) => /^kafka-\d+$/.test(n));
    expect(brokers).toHaveLength(t.kafka.brokers.length);
    const voters = t.kafka.brokers.map((b) => `${b.nodeId}@kafka-${b.nodeId}:9093`).join(',');
    for (const b of t.kafka.brokers) {
      const env = services[`kafka-${b.nodeId}`]?.environment ?? {};
      expect(env.KAFKA_NODE_ID).toBe(String(b.nodeId));
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe(voters);
      expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe(String(t.kafka.minInsyncReplicas));
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(String(t.kafka.replicationFactor));
    }
    const provision = services.provision?.environment ?? {};
    expect(provision.REDRESS_KAFKA_REPLICATION_FACTOR).toBe(String(t.kafka.replicationFactor));
    expect(provision.REDRESS_KAFKA_MIN_INSYNC_REPLICAS).toBe(String(t.kafka.minInsyncReplicas));
    expect(provision.REDRESS_KAFKA_PARTITIONS).toBe(String(t.kafka.partitions));
    expect(provision.KAFKA_BROKERS).toBe(brokers.map((n) => `${n}:9092`).join(','));
  });

  it('run as many workers and bridges, and the projector', () => {
    expect(services.worker?.deploy?.replicas).toBe(t.redress.workers);
    expect(services.bridge?.deploy?.replicas).toBe(t.redress.bridges);
    expect(t.redress.projector).toBe(true);
    expect(services.projector?.command).toEqual(['node', 'dist/workers/projector/main.js']);
  });

  it('give the payload key ring to every process that seals or opens personal data (production refuses to start without it)', () => {
    for (const name of ['worker', 'bridge', 'projector', 'api']) {
      expect([name, services[name]?.environment?.REDRESS_PAYLOAD_KEYS_FILE]).toEqual([
        name,
        '/run/secrets/redress_payload_keys',
      ]);
      expect([name, services[name]?.secrets]).toEqual([name, expect.arrayContaining(['redress_payload_keys'])]);
    }
  });
});
