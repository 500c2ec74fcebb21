import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the lag gauge needs to compute lag at scrape time (see {@link BridgeMetrics.setLagSource}). */
export interface LagSource {
  /** Per assigned topic-partition: the high watermark and the next offset the group will process. */
  lag(): Promise<Array<{ topic: string; partition: number; highWatermark: bigint; next: bigint }>>;
}

/** How a message left the bridge. `dead_lettered` carries the rejection code as a second label. */
export type Outcome = 'delivered' | 'duplicate' | 'dead_lettered';

/**
 * The bridge's Prometheus metrics, in a registry of their own (one per bridge, so tests can run
 * several bridges in one process; `Registry.merge` combines them with others for one endpoint).
 */
export interface BridgeMetrics {
  registry: Registry;
  messages: Counter<'topic' | 'outcome' | 'code'>;
  transientFailures: Counter<'topic' | 'reason'>;
  /** Messages dead-lettered because their retries ran out (reason: internal, awaiting-intake). */
  retriesExhausted: Counter<'topic' | 'reason'>;
  paused: Gauge<'topic' | 'partition'>;
  inFlight: Gauge;
  deliverySeconds: Histogram<'type'>;
  consumerCrashes: Counter;
  /** Lag is computed when scraped, from the source the running bridge installs. */
  setLagSource(source: LagSource | undefined): void;
}

/** Creates the bridge's metrics in a new registry (or the one given). */
export function createBridgeMetrics(registry: Registry = new Registry()): BridgeMetrics {
  let lagSource: LagSource | undefined;
  const messages = new Counter({
    name: 'redress_bridge_messages_total',
    help: 'Inbound messages by final outcome: delivered to Temporal, duplicate (already applied), or dead-lettered (code = why)',
    labelNames: ['topic', 'outcome', 'code'] as const,
    registers: [registry],
  });
  const transientFailures = new Counter({
    name: 'redress_bridge_transient_failures_total',
    help: 'Deliveries that failed transiently and pause their partition for a retry (reason: temporal, kafka, awaiting-intake, internal)',
    labelNames: ['topic', 'reason'] as const,
    registers: [registry],
  });
  const retriesExhausted = new Counter({
    name: 'redress_bridge_retries_exhausted_total',
    help: 'Messages dead-lettered once their retries ran out: internal (unexpected errors on every attempt), awaiting-intake (a fact whose complaint did not appear within the wait)',
    labelNames: ['topic', 'reason'] as const,
    registers: [registry],
  });
  const paused = new Gauge({
    name: 'redress_bridge_partition_paused',
    help: '1 while a partition is paused waiting to retry a transient failure',
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'redress_bridge_in_flight',
    help: 'Messages being delivered to Temporal or the dead-letter topic right now',
    registers: [registry],
  });
  const deliverySeconds = new Histogram({
    name: 'redress_bridge_delivery_seconds',
    help: 'Time Temporal took to accept one event (signal-with-start, signal or update)',
    labelNames: ['type'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const consumerCrashes = new Counter({
    name: 'redress_bridge_consumer_crashes_total',
    help: 'Times the Kafka consumer crashed and was restarted',
    registers: [registry],
  });
  new Gauge({
    name: 'redress_bridge_consumer_lag',
    help: "Messages not yet processed per assigned partition: high watermark minus the group's next offset",
    labelNames: ['topic', 'partition'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      if (!lagSource) return;
      // A scrape must not fail because Kafka is briefly away: report no lag series rather than throw.
      const rows = await lagSource.lag().catch(() => []);
      for (const row of rows) {
        const lag = row.highWatermark > row.next ? row.highWatermark - row.next : 0n;
        this.set({ topic: row.topic, partition: String(row.partition) }, Number(lag));
      }
    },
  });
  return {
    registry,
    messages,
    transientFailures,
    retriesExhausted,
    paused,
    inFlight,
    deliverySeconds,
    consumerCrashes,
    setLagSource(source) {
      lagSource = source;
    },
  };
}
