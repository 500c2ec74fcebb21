import type { ClusterTopology } from './topology';

/**
 * The Temporal server's configuration for the cluster: every service (frontend, history, matching,
 * worker) in one process on PostgreSQL, with SQL advanced visibility in a database of its own. In
 * Kubernetes Temporal's Helm chart runs each service as its own deployment from the same file; on one
 * machine one process shows the same persistence and visibility behaviour at a fraction of the memory.
 *
 * Ports: the frontend's gRPC port F, then F+1 history, F+2 matching, F+3 worker; membership (ringpop)
 * ports at F+10…F+13; the frontend's HTTP API at F+20; Prometheus metrics at F+30.
 */
export function temporalPorts(t: ClusterTopology) {
  const f = t.temporal.frontendPort;
  return {
    frontend: f,
    history: f + 1,
    matching: f + 2,
    worker: f + 3,
    membership: { frontend: f + 10, history: f + 11, matching: f + 12, worker: f + 13 },
    http: f + 20,
    metrics: f + 30,
  };
}

/** Databases of the default store and the visibility store on the cluster's PostgreSQL. */
export const TEMPORAL_DATABASES = { default: 'temporal', visibility: 'temporal_visibility' } as const;

/**
 * The server's YAML. PostgreSQL trusts the loopback address in this topology (scripts/cluster makes
 * the cluster itself), so no password is written; a deployment puts one in a secret (docker-compose.yml).
 */
export function temporalServerYaml(t: ClusterTopology, dynamicConfigFile: string): string {
  const p = temporalPorts(t);
  const store = (db: string, conns: number) => `      sql:
        pluginName: postgres12
        databaseName: ${db}
        connectAddr: "${t.host}:${t.postgres.port}"
        connectProtocol: tcp
        user: postgres
        maxConns: ${conns}
        maxIdleConns: ${conns}
        maxConnLifetime: 1h`;
  const service = (name: keyof typeof p.membership) => `  ${name}:
    rpc:
      grpcPort: ${p[name]}
      membershipPort: ${p.membership[name]}
      bindOnIP: ${t.host}${name === 'frontend' ? `\n      httpPort: ${p.http}` : ''}`;
  return `# Written by infra/cluster/temporal-config.ts for scripts/cluster; rewritten at every start.
log:
  stdout: true
  level: warn
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: ${t.temporal.historyShards}
  datastores:
    postgres-default:
${store(TEMPORAL_DATABASES.default, 20)}
    postgres-visibility:
${store(TEMPORAL_DATABASES.visibility, 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: ${t.host}
  metrics:
    prometheus:
      framework: tally
      timerType: histogram
      listenAddress: "${t.host}:${p.metrics}"
services:
${service('frontend')}
${service('history')}
${service('matching')}
${service('worker')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "${t.host}:${p.frontend}"
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${dynamicConfigFile}
  pollInterval: 10s
`;
}

/**
 * Dynamic configuration. A search attribute registered a moment ago must be usable at once (the
 * provisioning registers them just before the workers start); the rest are the server's defaults.
 */
export function temporalDynamicConfigYaml(): string {
  return `# Written by infra/cluster/temporal-config.ts for scripts/cluster.
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
    constraints: {}
`;
}
