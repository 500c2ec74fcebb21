import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { build as buildHistogram } from 'hdr-histogram-js';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { ensureTopics } from '../../infra/kafka-topics';
import { startBridge } from '../../workers/bridge/bridge';
import { COMPLAINT_ROUTES, startComplaint } from '../../workers/bridge/route';
import { startCpuProfile } from '../profile/in-process';
import type { LocalServersLike } from './support';
import {
  PARAMS,
  run,
  sleep,
  logger,
  progress,
  receivedEvent,
  rateBetween,
  publishAll,
  node,
  benchConfig,
  cpuProfDir,
} from './support';

/** The ingest benchmark's measurements (a), (b) and (c): see run.ts. */

// ---- the measurements ----

export async function measureDirect(client: Client, taskQueue: string, round: number, n: number) {
  const total = PARAMS.warmup + n;
  let next = 0;
  let done = 0;
  const finish = progress(`a: direct signal-with-start, round ${round}`, () => done, total);
  const measuring = rateBetween(() => done, PARAMS.warmup, total, 600_000);
  await Promise.all(
    Array.from({ length: PARAMS.concurrency }, async () => {
      for (let i = next++; i < total; i = next++) {
        const id = `${run}-a${round}-${i}`;
        const event = receivedEvent(id);
        // The very call the bridge makes (workers/bridge/route.ts), with the same input.
        await startComplaint(client, 'benchNoop', taskQueue, {
          complaintId: id,
          complaint: event.data,
          openedBy: { eventId: event.eventId, source: event.source },
        });
        done += 1;
      }
    }),
  );
  const result = await measuring;
  finish();
  return result;
}

export async function measureBridge(
  servers: LocalServersLike,
  client: Client,
  producer: Producer,
  noopQueue: string,
  round: number,
  n: number,
) {
  const config = benchConfig(servers, `b${round}`, noopQueue);
  await ensureTopics(config.kafka.brokers, config.topics);
  const total = PARAMS.warmup + n;
  const ids = Array.from({ length: total }, (_, i) => `${run}-b${round}-${i}`);
  await publishAll(producer, config.topics.intake, ids);
  const bridge = await startBridge(config, client, logger, {
    target: { workflowType: 'benchNoop', taskQueue: noopQueue, routes: COMPLAINT_ROUTES },
    maxInFlight: PARAMS.concurrency,
  });
  const finish = progress(`b: Kafka → bridge → signal-with-start, round ${round}`, () => bridge.stats.delivered, total);
  try {
    return await rateBetween(() => bridge.stats.delivered, PARAMS.warmup, total, 600_000);
  } finally {
    finish();
    await bridge.stop();
  }
}

export async function measureComplaints(servers: LocalServersLike, client: Client, producer: Producer, logDir: string) {
  const taskQueue = `${run}-complaints`;
  const config = benchConfig(servers, 'c', taskQueue);
  await ensureTopics(config.kafka.brokers, config.topics);
  const worker = await node(
    'complaint-worker',
    'workers/worker-main.js',
    {
      TEMPORAL_ADDRESS: servers.temporalAddress,
      KAFKA_BROKERS: servers.kafkaBrokers,
      TEMPORAL_TASK_QUEUE: taskQueue,
      REDRESS_TOPIC_PREFIX: `${run}-c.`,
      LOG_LEVEL: 'info',
    },
    '"worker started"',
    logDir,
  );
  // The worker is a child process: stop it however the measurement ends, or it outlives the run.
  try {
    const acked = new Map<string, number>();
    const kafka = new Kafka({ clientId: `${run}-acks`, brokers: config.kafka.brokers, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `${run}-acks`, maxWaitTimeInMs: 50 });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topics.lifecycle, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachMessage: ({ message }) => {
        const at = performance.now();
        const event = JSON.parse(message.value?.toString('utf8') ?? '{}') as { type?: string; complaintId?: string };
        if (event.type === 'complaint.acknowledged' && event.complaintId && !acked.has(event.complaintId)) {
          acked.set(event.complaintId, at);
        }
        return Promise.resolve();
      },
    });
    const bridge = await startBridge(config, client, logger, { maxInFlight: PARAMS.concurrency });
    const total = PARAMS.warmup + PARAMS.complaints;
    const ids = Array.from({ length: total }, (_, i) => `${run}-c-${i}`);
    const finish = progress('c: complaint → complaint.acknowledged', () => acked.size, total);
    // The bench's own process is the bridge (and the acknowledgement consumer): profiled over (c) and the
    // latency run, the stretch the worker's profile covers too.
    const profile = cpuProfDir ? await startCpuProfile() : undefined;
    const scrape = async (name: string) => {
      if (!cpuProfDir || !servers.metricsUrl) return;
      const text = await (await fetch(servers.metricsUrl)).text();
      mkdirSync(join(cpuProfDir, 'temporal-server'), { recursive: true });
      writeFileSync(join(cpuProfDir, 'temporal-server', `${name}.prom`), text);
    };
    await scrape('before');
    const measuring = rateBetween(() => acked.size, PARAMS.warmup, total, 900_000);
    await publishAll(producer, config.topics.intake, ids);
    const complaints = await measuring;
    finish();

    // Latency at half of (c), from each message's scheduled send time.
    const rate = complaints.rate / 2;
    const count = Math.max(1, Math.round(rate * PARAMS.latencySeconds));
    const histogram = buildHistogram({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 3_600_000_000,
      numberOfSignificantValueDigits: 3,
    });
    const scheduled = new Map<string, number>();
    const sends: Array<Promise<unknown>> = [];
    const finishLatency = progress(
      `latency at ${rate.toFixed(1)}/s`,
      () => [...scheduled.keys()].filter((id) => acked.has(id)).length,
      count,
    );
    const start = performance.now() + 100;
    for (let i = 0; i < count; i++) {
      const id = `${run}-l-${i}`;
      const at = start + (i * 1000) / rate;
      const wait = at - performance.now();
      if (wait > 0) await sleep(wait);
      scheduled.set(id, at);
      sends.push(
        producer.send({
          topic: config.topics.intake,
          acks: -1,
          messages: [{ key: id, value: JSON.stringify(receivedEvent(id)) }],
        }),
      );
    }
    await Promise.all(sends);
    const deadline = Date.now() + 300_000;
    while ([...scheduled.keys()].some((id) => !acked.has(id))) {
      if (Date.now() > deadline) throw new Error('timed out waiting for the latency run to be acknowledged');
      await sleep(20);
    }
    finishLatency();
    for (const [id, at] of scheduled) histogram.recordValue(Math.max(1, Math.round((acked.get(id)! - at) * 1000)));
    // A percentile is its bucket's upper bound; never report one above the largest value seen.
    const ms = (p: number) => Math.min(histogram.getValueAtPercentile(p), histogram.maxValue) / 1000;
    const latency = {
      rate,
      seconds: PARAMS.latencySeconds,
      count,
      p50Ms: ms(50),
      p90Ms: ms(90),
      p99Ms: ms(99),
      maxMs: histogram.maxValue / 1000,
    };

    await profile?.stop(join(cpuProfDir ?? '', 'bench-bridge', 'c-and-latency.cpuprofile'));
    await scrape('after');
    await bridge.stop();
    await consumer.disconnect();
    return { complaints, latency };
  } finally {
    await worker.stop();
  }
}
