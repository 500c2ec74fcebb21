import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { LagSource } from '../bridge/metrics';

/** The projector's Prometheus metrics, in a registry of their own (tests run several projectors in one process). */
export interface ProjectorMetrics {
  registry: Registry;
  records: Counter<'topic' | 'outcome' | 'code'>;
  batchSeconds: Histogram;
  dbUp: Gauge;
  paused: Gauge<'topic' | 'partition'>;
  /** Lag is computed when scraped, from the source the running projector installs. */
  setLagSource(source: LagSource | undefined): void;
}

/** Creates the projector's metrics. */
export function createProjectorMetrics(registry: Registry = new Registry()): ProjectorMetrics {
  const registers = [registry];
  let lagSource: LagSource | undefined;
  new Gauge({
    name: 'redress_projector_consumer_lag',
    help: "Records not yet in the store per assigned partition: high watermark minus the group's next offset",
    labelNames: ['topic', 'partition'] as const,
    registers,
    async collect() {
      this.reset();
      if (!lagSource) return;
      // A scrape must not fail because Kafka is briefly away: no lag series rather than an error.
      const rows = await lagSource.lag().catch(() => []);
      for (const row of rows) {
        const lag = row.highWatermark > row.next ? row.highWatermark - row.next : 0n;
        this.set({ topic: row.topic, partition: String(row.partition) }, Number(lag));
      }
    },
  });
  return {
    registry,
    records: new Counter({
      name: 'redress_projector_records_total',
      help: 'Records read, by outcome: applied, duplicate (changed nothing), dead_lettered (code = why), ignored (an upstream event that is no survey comment)',
      labelNames: ['topic', 'outcome', 'code'] as const,
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'redress_projector_batch_seconds',
      help: 'Time to apply one fetched batch in one database transaction',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    dbUp: new Gauge({
      name: 'redress_projector_db_up',
      help: '1 while the last database transaction succeeded, 0 while the store is unreachable (consumption paused)',
      registers,
    }),
    paused: new Gauge({
      name: 'redress_projector_partition_paused',
      help: '1 while a partition is paused waiting to retry (database or dead-letter topic unavailable)',
      labelNames: ['topic', 'partition'] as const,
      registers,
    }),
    setLagSource(source) {
      lagSource = source;
    },
  };
}
