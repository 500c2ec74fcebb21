import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Secret, type KafkaSecurity } from '../config/transport-security';
import { kafkaHealthy } from '../platform/health';
import { startManaged, type ManagedProcess, type StartOptions } from './managed-process';

export interface KafkaBrokerOptions {
  /** Directory of the broker's jars (obtain.sh). */
  libs: string;
  host: string;
  port: number;
  controllerPort: number;
  /** Holds the broker's log segments and its configuration; survives restarts. */
  dataDir: string;
  logFile: string;
  heapMb?: number;
  /** A SASL_SSL listener (SCRAM over TLS) instead of PLAINTEXT: a broker like a deployment's, for tests. */
  security?: BrokerSecurity;
  /** One node of a cluster (infra/cluster): its id, the whole quorum and the cluster's id. Absent: a cluster of one. */
  clusterMember?: ClusterMember;
}

export interface ClusterMember {
  nodeId: number;
  /** `controller.quorum.voters`: `id@host:controllerPort` of every node. */
  voters: string;
  /** The same for every node of a cluster: a node formatted with another id refuses to join. */
  clusterId: string;
  /** Replicas of the internal topics (consumer offsets, transactions) and their min ISR. */
  replicationFactor: number;
  minInsyncReplicas: number;
}

/**
 * SCRAM over TLS on the client listener. The users' credentials are written into the storage when it is
 * formatted (KRaft has no ZooKeeper to hold them); the first user is also the broker's own, for its
 * inter-broker listener. The controller listener stays PLAINTEXT on the loopback address.
 */
export interface BrokerSecurity {
  /** PEM files: the broker's certificate and its key (PKCS#8, unencrypted), and the CA that signed it. */
  tls: { cert: string; key: string; ca: string };
  mechanism: 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
  users: Array<{ name: string; password: string }>;
}

/** server.properties entries for a SASL_SSL client listener; the keystore file is written beside them. */
function securityProperties(o: KafkaBrokerOptions, security: BrokerSecurity): Record<string, string> {
  const [self] = security.users;
  if (!self) throw new Error('a SASL broker needs at least one SCRAM user (the first is the broker itself)');
  // Kafka's PEM key store is one file holding the private key and then the certificate chain.
  const keystore = join(o.dataDir, 'broker-keystore.pem');
  writeFileSync(keystore, readFileSync(security.tls.key, 'utf8') + readFileSync(security.tls.cert, 'utf8'), {
    mode: 0o600,
  });
  const mechanism = security.mechanism.toLowerCase();
  return {
    listeners: `SASL_SSL://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    'advertised.listeners': `SASL_SSL://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    'listener.security.protocol.map': 'SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'SASL_SSL',
    'sasl.enabled.mechanisms': security.mechanism,
    'sasl.mechanism.inter.broker.protocol': security.mechanism,
    [`listener.name.sasl_ssl.${mechanism}.sasl.jaas.config`]: `org.apache.kafka.common.security.scram.ScramLoginModule required username="${self.name}" password="${self.password}";`,
    'ssl.keystore.type': 'PEM',
    'ssl.keystore.location': keystore,
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': security.tls.ca,
    'ssl.client.auth': 'none',
  };
}

/** How the broker's own health probe connects: as its first user, trusting its CA. */
function probeSecurity(security: BrokerSecurity | undefined): KafkaSecurity | undefined {
  const self = security?.users[0];
  if (!security || !self) return undefined;
  return {
    tls: { ca: readFileSync(security.tls.ca) },
    sasl: {
      mechanism: security.mechanism.toLowerCase() as 'scram-sha-256' | 'scram-sha-512',
      username: self.name,
      password: new Secret(self.password),
    },
  };
}

function classpath(libs: string): string {
  return `${libs}/*`;
}

/** Writes server.properties for one node that is both broker and controller (KRaft, no ZooKeeper). */
function writeConfig(o: KafkaBrokerOptions): string {
  mkdirSync(o.dataDir, { recursive: true });
  const file = join(o.dataDir, 'server.properties');
  const m = o.clusterMember;
  const rf = String(m?.replicationFactor ?? 1);
  const isr = String(m?.minInsyncReplicas ?? 1);
  const props = {
    'process.roles': 'broker,controller',
    'node.id': String(m?.nodeId ?? 1),
    'controller.quorum.voters': m?.voters ?? `1@${o.host}:${o.controllerPort}`,
    listeners: `PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${o.host}:${o.port},CONTROLLER://${o.host}:${o.controllerPort}`,
    'controller.listener.names': 'CONTROLLER',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': join(o.dataDir, 'logs'),
    'num.partitions': '4',
    // One node: every internal topic can have one replica only; a cluster's member says how many.
    'offsets.topic.replication.factor': rf,
    'transaction.state.log.replication.factor': rf,
    'transaction.state.log.min.isr': isr,
    'share.coordinator.state.topic.replication.factor': rf,
    'share.coordinator.state.topic.min.isr': isr,
    'min.insync.replicas': isr,
    // A broker that lost its leadership to a SIGKILL takes it back once in sync, so load spreads again.
    'auto.leader.rebalance.enable': 'true',
    // A consumer group starts at once instead of waiting 3 s for more members.
    'group.initial.rebalance.delay.ms': '0',
    'auto.create.topics.enable': 'false',
    'log.retention.hours': '168',
    ...(o.security ? securityProperties(o, o.security) : {}),
  };
  writeFileSync(
    file,
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
  const log4j = join(o.dataDir, 'log4j2.properties');
  writeFileSync(
    log4j,
    [
      'status = warn',
      'appender.console.type = Console',
      'appender.console.name = STDOUT',
      'appender.console.layout.type = PatternLayout',
      'appender.console.layout.pattern = [%d] %p %m (%c)%n',
      'rootLogger.level = warn',
      'rootLogger.appenderRef.stdout.ref = STDOUT',
      // The one line that says the broker is up, for whoever reads the log.
      'logger.server.name = kafka.server.KafkaRaftServer',
      'logger.server.level = info',
    ].join('\n') + '\n',
  );
  return file;
}

/** A new cluster id, from Kafka's own tool (a base64 UUID of the form it expects). */
export function newKafkaClusterId(libs: string): string {
  const out = execFileSync('java', ['-Xmx128m', '-cp', classpath(libs), 'kafka.tools.StorageTool', 'random-uuid'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out.trim().split('\n').pop() ?? '';
}

/** Formats the storage directory once: a formatted directory is left as it is, so data survives. */
function formatStorage(o: KafkaBrokerOptions, config: string): void {
  if (existsSync(join(o.dataDir, 'logs', 'meta.properties'))) return;
  const java = (args: string[]) =>
    execFileSync('java', ['-Xmx256m', '-cp', classpath(o.libs), 'kafka.tools.StorageTool', ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  const clusterId = o.clusterMember?.clusterId ?? newKafkaClusterId(o.libs);
  const scram = (o.security?.users ?? []).flatMap((u) => [
    '--add-scram',
    `${o.security?.mechanism}=[name=${u.name},password=${u.password}]`,
  ]);
  java(['format', '-t', clusterId, '-c', config, '--ignore-formatted', ...scram]);
}

/**
 * A KRaft broker as a process to start (and, under the stack's supervisor, to start again): a single
 * node, or one member of a cluster (start the members together: none serves metadata before a quorum of
 * controllers is up). Each start rewrites its configuration and formats its storage only if never
 * formatted, so a restarted broker finds its log segments, offsets and cluster id where it left them.
 */
export function kafkaBrokerSpec(o: KafkaBrokerOptions): StartOptions {
  if (!existsSync(o.libs)) {
    throw new Error(`the Kafka broker's jars are missing at ${o.libs}: run infra/obtain.sh (the README's commands do)`);
  }
  const config = join(o.dataDir, 'server.properties');
  const heap = o.heapMb ?? 768;
  return {
    name: o.clusterMember ? `kafka-${o.clusterMember.nodeId}` : 'kafka',
    command: 'java',
    args: [
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      '-XX:+UseG1GC',
      `-Dlog4j2.configurationFile=${join(o.dataDir, 'log4j2.properties')}`,
      '-cp',
      classpath(o.libs),
      'kafka.Kafka',
      config,
    ],
    logFile: o.logFile,
    startTimeoutMs: 90_000,
    prepare: () => formatStorage(o, writeConfig(o)),
    healthy: () => kafkaHealthy(`${o.host}:${o.port}`, probeSecurity(o.security)),
  };
}

/** Starts a broker (see {@link kafkaBrokerSpec}) and waits until it serves metadata. */
export function startKafkaBroker(o: KafkaBrokerOptions): Promise<ManagedProcess> {
  return startManaged(kafkaBrokerSpec(o));
}
