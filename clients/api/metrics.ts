import type { Client } from '@temporalio/client';
import type { Consumer } from 'kafkajs';
import type { Logger } from 'pino';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Config } from '../../config';
import { SA } from '../../workflows/search-attributes';
import type { Queryable } from '../../store/db';
import { readStoreMetrics } from '../../store/metrics';
import { createKafka } from '../../platform/kafka-client';
import { COMPLAINT_WORKFLOW, STAGES } from '../../workflows/messages';
import type { ListScope } from './list';

/**
 * The API's `/metrics` (Prometheus text). With a complaint store (DATABASE_URL), the complaint counts
 * come from it at scrape time (`redress_complaints{stage}`, the open breached/escalated gauges, and the
 * `redress_store_*` gauges: opened, breaches, times to acknowledge and resolve, CSAT, reopen rate), so
 * they survive restarts and every API instance answers the same. Without one, from two honest sources:
 *
 * - **Temporal visibility, read at scrape time**: complaints by stage, and open complaints that are
 *   breached or escalated. These are counts of what visibility holds now (finished complaints until the
 *   namespace's retention removes them), a moment behind the workflows.
 * - **The lifecycle topic**, read by this process in a consumer group of its own: time to acknowledge
 *   and to resolve (histograms, from receipt), breaches by clock, satisfaction scores, reopens. These are
 *   counters and histograms of the events this process has read, deduplicated by event id; like any
 *   Prometheus counter they restart from zero when the process does (rate() and increase() handle that).
 *   With several API replicas the group splits the partitions: sum across instances.
 *
 * Then it appends, when configured, the worker's metrics (the Temporal SDK's) and the bridge's, scraped
 * from their own endpoints, with `redress_metrics_source_up` saying which answered.
 */

/** What a lifecycle event carries that the metrics need (the envelope of DESIGN §4). */
export interface LifecycleEventLike {
  eventId: string;
  type: string;
  complaintId: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

const HOUR = 3_600;
const DAY = 24 * HOUR;
/** Bounds of the in-memory maps (receipt times, seen event ids): oldest first out. */
const MAX_REMEMBERED = 100_000;

/** Where the metrics come from: visibility (client and scope), and the other processes' endpoints. */
export interface ApiMetricsOptions {
  client: Client;
  scope: ListScope;
  logger: Logger;
  workerMetricsUrl?: string;
  bridgeMetricsUrl?: string;
  /** A complaint's receipt time when this process did not see its `complaint.opened` (read from the workflow). */
  receivedAtOf?: (complaintId: string) => Promise<string | undefined>;
  /** The complaint store: when given, the counts come from it rather than from visibility. */
  store?: Queryable;
}

/** A Map that forgets its oldest entries beyond a bound. */
class BoundedMap<V> extends Map<string, V> {
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > MAX_REMEMBERED) {
      const oldest = this.keys().next();
      if (!oldest.done) this.delete(oldest.value);
    }
    return this;
  }
}

/** The API's Prometheus registry and what feeds it (see the top of this file). */
export class ApiMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'method' | 'route' | 'status'>;
  readonly requestSeconds: Histogram<'method' | 'route'>;
  readonly timeToAcknowledge: Histogram;
  readonly timeToResolve: Histogram;
  readonly breaches: Counter<'clock'>;
  readonly csat: Histogram;
  readonly reopens: Counter;
  readonly opened: Counter<'regime'>;
  private readonly byStage: Gauge<'stage'>;
  private readonly openBreached: Gauge;
  private readonly openEscalated: Gauge;
  private readonly sourceUp: Gauge<'source'>;
  private readonly store: {
    opened: Gauge<'regime'>;
    breaches: Gauge<'clock'>;
    toAcknowledge: Gauge<'stat'>;
    toResolve: Gauge<'stat'>;
    csat: Gauge<'stat'>;
    reopenRate: Gauge;
  };
  private readonly receivedAt = new BoundedMap<number>();
  private readonly seen = new BoundedMap<true>();

  constructor(private readonly opts: ApiMetricsOptions) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'redress_api_' });
    this.requests = new Counter({
      name: 'redress_api_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'redress_api_request_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.byStage = new Gauge({
      name: 'redress_complaints',
      help: 'Complaints by stage, as Temporal visibility holds them at scrape time',
      labelNames: ['stage'] as const,
      registers,
    });
    this.openBreached = new Gauge({
      name: 'redress_complaints_open_breached',
      help: 'Open complaints that have breached at least one deadline (visibility, at scrape time)',
      registers,
    });
    this.openEscalated = new Gauge({
      name: 'redress_complaints_open_escalated',
      help: 'Open complaints that are escalated (visibility, at scrape time)',
      registers,
    });
    this.timeToAcknowledge = new Histogram({
      name: 'redress_time_to_acknowledge_seconds',
      help: 'From receipt to complaint.acknowledged',
      buckets: [1, 5, 15, 60, 300, 900, HOUR, 4 * HOUR, DAY],
      registers,
    });
    this.timeToResolve = new Histogram({
      name: 'redress_time_to_resolve_seconds',
      help: 'From receipt to complaint.resolved (each resolution of a reopened complaint counts)',
      buckets: [HOUR, 4 * HOUR, DAY, 3 * DAY, 7 * DAY, 14 * DAY, 28 * DAY, 56 * DAY, 105 * DAY],
      registers,
    });
    this.breaches = new Counter({
      name: 'redress_deadline_breaches_total',
      help: 'Deadlines breached (complaint.deadline-breached), by clock',
      labelNames: ['clock'] as const,
      registers,
    });
    this.csat = new Histogram({
      name: 'redress_csat_score',
      help: 'Satisfaction scores of resolved complaints (on the policy scale, 1-5 by default)',
      buckets: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      registers,
    });
    this.reopens = new Counter({ name: 'redress_reopens_total', help: 'Complaints reopened', registers });
    this.opened = new Counter({
      name: 'redress_complaints_opened_total',
      help: 'Complaints opened (complaint.opened), by regime',
      labelNames: ['regime'] as const,
      registers,
    });
    this.sourceUp = new Gauge({
      name: 'redress_metrics_source_up',
      help: '1 when a source of these metrics answered this scrape (store or visibility, worker, bridge)',
      labelNames: ['source'] as const,
      registers,
    });
    const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Gauge<L>({
        name: `redress_store_${name}`,
        help: `${help} (from the store, at scrape time)`,
        labelNames,
        registers: opts.store ? registers : [],
      });
    this.store = {
      opened: gauge('complaints_opened', 'Complaints the store holds, by regime', ['regime']),
      breaches: gauge('deadline_breaches', 'Deadlines breached, by clock', ['clock']),
      toAcknowledge: gauge('time_to_acknowledge_seconds', 'From receipt to acknowledgement: count, mean, p50, p90', [
        'stat',
      ]),
      toResolve: gauge(
        'time_to_resolve_seconds',
        'From receipt to resolution of resolved complaints: count, mean, p50, p90',
        ['stat'],
      ),
      csat: gauge('csat', 'Satisfaction scores at resolution: count, mean', ['stat']),
      reopenRate: gauge('reopen_rate', 'Complaints reopened at least once over complaints resolved at least once', []),
    };
  }

  /** Counts from the store; on failure the gauges keep their last values and the source reads 0. */
  private async refreshStore(store: Queryable): Promise<void> {
    try {
      const m = await readStoreMetrics(store);
      this.byStage.reset();
      for (const stage of STAGES) this.byStage.set({ stage }, m.byStage.find((r) => r.stage === stage)?.n ?? 0);
      this.openBreached.set(m.openBreached);
      this.openEscalated.set(m.openEscalated);
      this.store.opened.reset();
      for (const r of m.openedByRegime) this.store.opened.set({ regime: r.regime }, r.n);
      this.store.breaches.reset();
      for (const r of m.breachesByClock) this.store.breaches.set({ clock: r.clock }, r.n);
      for (const [g, d] of [
        [this.store.toAcknowledge, m.timeToAcknowledge],
        [this.store.toResolve, m.timeToResolve],
      ] as const) {
        g.reset();
        g.set({ stat: 'count' }, d.count);
        for (const stat of ['mean', 'p50', 'p90'] as const) if (d[stat] !== null) g.set({ stat }, d[stat]);
      }
      this.store.csat.reset();
      this.store.csat.set({ stat: 'count' }, m.csat.count);
      if (m.csat.mean !== null) this.store.csat.set({ stat: 'mean' }, m.csat.mean);
      this.store.reopenRate.reset();
      if (m.reopenRate !== null) this.store.reopenRate.set(m.reopenRate);
      this.sourceUp.set({ source: 'store' }, 1);
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'metrics: store counts failed');
      this.sourceUp.set({ source: 'store' }, 0);
    }
  }

  /** Applies one lifecycle event; a repeated event id changes nothing. */
  async observe(event: LifecycleEventLike): Promise<void> {
    if (this.seen.has(event.eventId)) return;
    this.seen.set(event.eventId, true);
    const at = Date.parse(event.occurredAt);
    const id = event.complaintId;
    switch (event.type) {
      case 'complaint.opened': {
        const receivedAt = Date.parse(String(event.data.receivedAt));
        if (!Number.isNaN(receivedAt)) this.receivedAt.set(id, receivedAt);
        this.opened.inc({ regime: typeof event.data.regime === 'string' ? event.data.regime : 'unknown' });
        return;
      }
      case 'complaint.acknowledged':
        return this.observeSince(this.timeToAcknowledge, id, at);
      case 'complaint.resolved':
        if (typeof event.data.csat === 'number') this.csat.observe(event.data.csat);
        return this.observeSince(this.timeToResolve, id, at);
      case 'complaint.deadline-breached':
        this.breaches.inc({ clock: typeof event.data.clock === 'string' ? event.data.clock : 'unknown' });
        return;
      case 'complaint.reopened':
        this.reopens.inc();
        return;
      case 'complaint.closed':
      case 'complaint.withdrawn':
        this.receivedAt.delete(id);
        return;
      default:
        return;
    }
  }

  private async observeSince(histogram: Histogram, complaintId: string, at: number): Promise<void> {
    let receivedAt = this.receivedAt.get(complaintId);
    if (receivedAt === undefined && this.opts.receivedAtOf) {
      const text = await this.opts.receivedAtOf(complaintId).catch(() => undefined);
      receivedAt = text === undefined ? undefined : Date.parse(text);
      if (receivedAt !== undefined && !Number.isNaN(receivedAt)) this.receivedAt.set(complaintId, receivedAt);
    }
    if (receivedAt === undefined || Number.isNaN(receivedAt) || Number.isNaN(at)) return;
    histogram.observe(Math.max(0, (at - receivedAt) / 1000));
  }

  /** Counts from visibility; on failure the gauges keep their last values and the source reads 0. */
  private async refreshVisibility(): Promise<void> {
    const { client, scope } = this.opts;
    const base = `WorkflowType = '${COMPLAINT_WORKFLOW}' AND TaskQueue = '${scope.taskQueue.replace(/'/g, "''")}'`;
    const count = async (where: string) => (await client.workflow.count(`${base} AND ${where}`)).count;
    try {
      // SQL visibility cannot GROUP BY a custom attribute, so one count a stage (cheap, indexed).
      const stages = await Promise.all(STAGES.map((s) => count(`${SA.stage.name} = '${s}'`)));
      STAGES.forEach((stage, i) => this.byStage.set({ stage }, stages[i] ?? 0));
      const running = `ExecutionStatus = 'Running'`;
      this.openBreached.set(await count(`${running} AND ${SA.breached.name} = true`));
      this.openEscalated.set(await count(`${running} AND ${SA.escalated.name} = true`));
      this.sourceUp.set({ source: 'visibility' }, 1);
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'metrics: visibility counts failed');
      this.sourceUp.set({ source: 'visibility' }, 0);
    }
  }

  /** Another process's metrics text, or undefined when it does not answer (within 2 s). */
  private async scrape(source: 'worker' | 'bridge', url: string | undefined): Promise<string | undefined> {
    if (!url) return undefined;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      this.sourceUp.set({ source }, 1);
      return text;
    } catch {
      this.sourceUp.set({ source }, 0);
      return undefined;
    }
  }

  /** The whole `/metrics` text: this process's registry, then the worker's and the bridge's. */
  async render(): Promise<{ contentType: string; text: string }> {
    const [, worker, bridge] = await Promise.all([
      this.opts.store ? this.refreshStore(this.opts.store) : this.refreshVisibility(),
      this.scrape('worker', this.opts.workerMetricsUrl),
      this.scrape('bridge', this.opts.bridgeMetricsUrl),
    ]);
    const own = await this.registry.metrics();
    const parts = [own, worker, bridge].filter((t): t is string => t !== undefined).map((t) => t.trimEnd());
    return { contentType: this.registry.contentType, text: `${parts.join('\n')}\n` };
  }
}

/**
 * Reads `complaints.lifecycle` into the metrics, from the beginning of the topic for a new group (so a
 * first start counts what happened before it), committing as it goes. Returns a stop function.
 */
export async function startLifecycleMetrics(
  config: Config,
  groupId: string,
  metrics: ApiMetrics,
  logger: Logger,
): Promise<{ stop: () => Promise<void> }> {
  const consumer: Consumer = createKafka(config, 'api', logger).consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: config.topics.lifecycle, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      let event: LifecycleEventLike;
      try {
        event = JSON.parse(message.value?.toString('utf8') ?? '') as LifecycleEventLike;
      } catch {
        return; // Not ours to judge: the topic's producers are Redress's own activities.
      }
      if (typeof event?.type !== 'string' || typeof event.eventId !== 'string') return;
      await metrics.observe({ ...event, data: event.data ?? {} });
    },
  });
  return { stop: () => consumer.disconnect() };
}
