import { loadDataConverter } from '../../platform/data-converter';
import { newRingEntry } from '../../platform/key-ring';
import { PAYLOAD_KEY_BYTES } from '../../platform/payload-codec';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, makeTelemetryFilterString, Runtime } from '@temporalio/worker';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { type ManagedProcess } from '../../infra/managed-process';
import { repoRoot } from '../../infra/paths';
import type { Rate } from './support';
import { env, PARAMS, run, combine, node, cpuProfDir, benchServers } from './support';
import { measureDirect, measureBridge, measureComplaints } from './measure';

/**
 * The ingest benchmark (issue 6). In one run, on the local stack:
 *  (a) direct client signal-with-start of a no-op workflow: the Temporal server's limit here;
 *  (b) Kafka → bridge → signal-with-start of the same no-op workflow;
 *  (c) complaints through to `complaint.acknowledged` (the real worker and workflow);
 *  then end-to-end latency (publish on intake → `complaint.acknowledged` consumed) at half of (c),
 *  in an HDR histogram, measured from each message's scheduled send time (no coordinated omission).
 * Rates are measured after a warm-up, from the moment the warm-up count completed to the last one.
 * Prints a markdown table, writes JSON to bench/results/, and reports b/a and c/a.
 */

async function main(): Promise<void> {
  Runtime.install({
    logger: new DefaultLogger('ERROR'),
    telemetryOptions: {
      logging: { filter: makeTelemetryFilterString({ core: 'ERROR', other: 'ERROR' }), forward: {} },
    },
  });
  const startedAt = new Date();
  const logDir = mkdtempSync(join(tmpdir(), 'redress-bench-logs-'));
  process.stderr.write(`ingest benchmark ${run}: starting servers (logs in ${logDir})\n`);
  const s = await benchServers(logDir);
  const children: ManagedProcess[] = [];
  try {
    const loadBefore = loadavg();
    // One payload ring for the run, inherited by every process it starts, so all encrypt as a deployment does.
    env.REDRESS_PAYLOAD_KEYS ??= newRingEntry('bench-1', PAYLOAD_KEY_BYTES);
    const { dataConverter } = loadDataConverter(env);
    const connection = await Connection.connect({ address: s.temporalAddress });
    const client = new Client({ connection, namespace: env.TEMPORAL_NAMESPACE ?? 'default', dataConverter });
    const noopQueue = `${run}-noop`;
    children.push(
      await node(
        'noop-worker',
        'bench/ingest/noop-worker.js',
        { TEMPORAL_ADDRESS: s.temporalAddress, BENCH_TASK_QUEUE: noopQueue },
        'bench worker started',
        logDir,
      ),
    );
    const kafka = new Kafka({ clientId: run, brokers: s.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    await producer.connect();

    const aRounds: Rate[] = [];
    const bRounds: Rate[] = [];
    for (let round = 1; round <= PARAMS.rounds; round++) {
      aRounds.push(await measureDirect(client, noopQueue, round, Math.round(PARAMS.direct / PARAMS.rounds)));
      bRounds.push(
        await measureBridge(s, client, producer, noopQueue, round, Math.round(PARAMS.bridge / PARAMS.rounds)),
      );
    }
    const a = { ...combine(aRounds), rounds: aRounds.map((r) => r.rate) };
    const b = { ...combine(bRounds), rounds: bRounds.map((r) => r.rate) };
    for (const c of children.splice(0)) await c.stop();
    const { complaints: c, latency } = await measureComplaints(s, client, producer, logDir);
    const loadAfter = loadavg();
    await producer.disconnect();
    await connection.close();

    const result = {
      run,
      startedAt: startedAt.toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, loadBefore, loadAfter, node: process.version },
      servers: s.local
        ? 'local (started by the benchmark: Temporal dev server on SQLite/WAL, KRaft broker)'
        : 'existing',
      params: PARAMS,
      a: { what: 'direct client signal-with-start, no-op workflow', ...a },
      b: { what: 'Kafka → bridge → signal-with-start, no-op workflow', ...b },
      c: { what: 'complaint.received → complaint.acknowledged consumed', ...c },
      latency: { what: 'publish on intake → complaint.acknowledged consumed, at half of (c)', ...latency },
      ratios: { bOverA: b.rate / a.rate, cOverA: c.rate / a.rate },
      target: { bOverA: 0.8, met: b.rate / a.rate >= 0.8 },
    };
    const f = (n: number, d = 1) => n.toFixed(d);
    const table = [
      '| measurement | count | seconds | rate (/s) | ratio to (a) |',
      '| --- | ---: | ---: | ---: | ---: |',
      `| (a) direct signal-with-start, no-op workflow | ${a.count} | ${f(a.seconds, 2)} | ${f(a.rate)} | 1.00 |`,
      `| (b) Kafka → bridge → signal-with-start, no-op | ${b.count} | ${f(b.seconds, 2)} | ${f(b.rate)} | ${f(result.ratios.bOverA, 2)} |`,
      `| (c) complaint → \`complaint.acknowledged\` | ${c.count} | ${f(c.seconds, 2)} | ${f(c.rate)} | ${f(result.ratios.cOverA, 2)} |`,
      '',
      '| end-to-end latency (intake → `complaint.acknowledged` consumed) | rate (/s) | count | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
      `| at half of (c), ${latency.seconds} s, HDR histogram | ${f(latency.rate)} | ${latency.count} | ${f(latency.p50Ms)} | ${f(latency.p90Ms)} | ${f(latency.p99Ms)} | ${f(latency.maxMs)} |`,
      '',
      `b/a = ${f(result.ratios.bOverA, 2)} (target ≥ 0.8: ${result.target.met ? 'met' : 'NOT met'}), c/a = ${f(result.ratios.cOverA, 2)}`,
      `machine: ${result.machine.cpus} cores; load average before ${loadBefore.map((l) => f(l, 2)).join(' ')}, after ${loadAfter.map((l) => f(l, 2)).join(' ')}`,
    ].join('\n');
    process.stdout.write(`\n${table}\n`);
    const dir = join(repoRoot(), 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `ingest-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stdout.write(`\nresults: ${file}\n`);
    if (cpuProfDir) {
      const profiled = PARAMS.warmup + PARAMS.complaints + latency.count;
      process.stdout.write(
        `profiles in ${cpuProfDir}: ${profiled} complaints in the profiled stretch ((c), its warm-up and the latency run)\n`,
      );
    }
  } finally {
    for (const c of children) await c.stop();
    await s.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((err: unknown) => {
    process.stderr.write(
      `\ningest benchmark failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  });
