import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import pino from 'pino';
import { repoRoot } from '../../infra/paths';
import { startCluster } from '../../infra/cluster/cluster';
import { clusterTopology } from '../../infra/cluster/topology';
import { receivedEvent } from '../ingest/support';
import { verify, type Verdict } from './verify';
import { takeThroughWholeLife, type WholeLife } from './whole-life';

/**
 * The cluster fault run (issue 18): complaints and facts at a steady rate for several minutes while
 * one part after another is killed with SIGKILL and the cluster's supervisor starts it again — a Kafka broker, a worker, a bridge,
 * the Temporal server, PostgreSQL — then a check that nothing was lost or applied twice
 * (verify.ts). A benchmark-style script, run by hand (`scripts/cluster-faults`), not by the tests.
 *
 * The first-response clock is shortened to FAULTS_FIRST_RESPONSE_MINUTES (an override of the shipped
 * FCA policy, in a policy directory of this run's own), so deadlines fall due during the faults and
 * every one of them must come out as `complaint.deadline-breached`.
 */
const env = process.env;
const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
// Two a second: what 13 processes on 2 shared cores keep up with (at 4 the backlog grew through the run).
const RATE = num('FAULTS_RATE', 2);
const GAP_SECONDS = num('FAULTS_GAP_SECONDS', 25);
const FIRST_RESPONSE_MINUTES = num('FAULTS_FIRST_RESPONSE_MINUTES', 3);
const FAULTS = (env.FAULTS ?? 'kafka-2,worker-1,bridge-1,temporal,postgres').split(',');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (line: string) => process.stderr.write(`[faults ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/**
 * The shipped FCA policy with a first-response target of minutes, so breaches happen during the run,
 * and a follow-up delay and reopen window of a minute, so one complaint's whole life fits in it too.
 */
function shortClockPolicies(dir: string): string {
  const policy = JSON.parse(readFileSync(join(repoRoot(), 'policies', 'fca-disp.v1.json'), 'utf8')) as {
    clocks: Array<{ name: string; target: { amount: number; unit: string } }>;
    followUp: { delay: { amount: number; unit: string } };
    reopenWindow: { amount: number; unit: string };
  };
  const clock = policy.clocks.find((c) => c.name === 'first-response');
  if (!clock) throw new Error('fca-disp.v1 has no first-response clock');
  clock.target = { amount: FIRST_RESPONSE_MINUTES / 60, unit: 'hours' };
  policy.followUp.delay = { amount: 1 / 60, unit: 'hours' };
  policy.reopenWindow = { amount: 1 / 60, unit: 'hours' };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'fca-disp.v1.json'), JSON.stringify(policy, null, 2));
  return dir;
}

export interface FaultResult {
  part: string;
  /** SIGKILL to the part serving again. */
  restartSeconds: number;
  /** A complaint published just after the kill, to its acknowledgement: how long the service was unable to answer. */
  probeAckSeconds: number;
}

async function main(): Promise<void> {
  const dataDir = env.REDRESS_CLUSTER_DIR ?? mkdtempSync(join(tmpdir(), 'redress-faults-'));
  const logger = pino({ level: env.FAULTS_LOG_LEVEL ?? 'warn' });
  const t = clusterTopology(
    { ...env, REDRESS_CLUSTER_PG_DIR: env.REDRESS_CLUSTER_PG_DIR ?? join(tmpdir(), `redress-faults-pg-${Date.now()}`) },
    dataDir,
  );
  const policyDir = shortClockPolicies(join(dataDir, 'policies'));
  say(`starting the cluster in ${dataDir} (first-response clock ${FIRST_RESPONSE_MINUTES} min)`);
  const cluster = await startCluster(t, { ...env, REDRESS_POLICY_DIR: policyDir }, logger);
  // Ctrl-C stops the cluster too: its parts run in process groups of their own and would outlive this.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void cluster.stop().then(() => process.exit(130)));
  }
  // A supervisor that gives up ends the run: the table would describe a cluster that is not there.
  void cluster.stopped.then((gaveUp) => {
    if (gaveUp) {
      say(`the cluster gave up: ${gaveUp.reason}\n${gaveUp.logTail}`);
      process.exit(2);
    }
  });
  const kafka = new Kafka({ clientId: 'faults', brokers: cluster.kafkaBrokers.split(','), logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acked = new Map<string, number>();
  const ackConsumer = kafka.consumer({ groupId: `faults-acks-${Date.now()}` });
  await ackConsumer.connect();
  await ackConsumer.subscribe({ topic: cluster.topics.lifecycle, fromBeginning: true });
  await ackConsumer.run({
    eachMessage: ({ message }) => {
      const e = JSON.parse(message.value?.toString() ?? '{}') as { type?: string; complaintId?: string };
      if (e.type === 'complaint.acknowledged' && e.complaintId && !acked.has(e.complaintId))
        acked.set(e.complaintId, Date.now());
      return Promise.resolve();
    },
  });

  say('one complaint through its whole life first, through both APIs and Kafka');
  const life = await takeThroughWholeLife(cluster, producer, say);

  const published: string[] = [];
  const run = Date.now().toString(36);
  let seq = 0;
  let publishing = true;
  const publishOne = async (p: Producer, id: string) => {
    // kafkajs retries on its own; a send that still fails (no leader for a while) is retried here, so
    // an accepted complaint is never one the publisher gave up on.
    for (let attempt = 0; ; attempt++) {
      try {
        await p.send({
          topic: cluster.topics.intake,
          acks: -1,
          messages: [{ key: id, value: JSON.stringify(receivedEvent(id)) }],
        });
        return;
      } catch (err) {
        if (attempt > 60) throw err;
        await sleep(1_000);
      }
    }
  };
  const replies: Array<{ id: string; at: number }> = [];
  const publisher = (async () => {
    while (publishing) {
      const id = `flt-${run}-${++seq}`;
      await publishOne(producer, id);
      published.push(id);
      // Each complaint also gets one fact, a customer reply, ten seconds later.
      replies.push({ id, at: Date.now() + 10_000 });
      while (replies.length > 0 && replies[0]!.at <= Date.now()) {
        const r = replies.shift()!;
        await sendReply(producer, cluster.topics.events, r.id);
      }
      await sleep(1_000 / RATE);
    }
    for (const r of replies.splice(0)) await sendReply(producer, cluster.topics.events, r.id);
  })();

  const results: FaultResult[] = [];
  await sleep(GAP_SECONDS * 1000);
  for (const part of FAULTS) {
    say(`SIGKILL ${part}`);
    // Nothing here starts it again: the cluster's supervisor does, as it would after a crash.
    const back = cluster.started(part);
    const killedAt = Date.now();
    await cluster.kill(part);
    const probe = `flt-${run}-probe-${part}`;
    await publishOne(producer, probe);
    published.push(probe);
    await Promise.race([
      back,
      sleep(300_000).then(() => Promise.reject(new Error(`${part} was not restarted in 5 min`))),
    ]);
    const restartSeconds = (Date.now() - killedAt) / 1000;
    say(`${part} restarted by the supervisor, serving again after ${restartSeconds.toFixed(1)} s`);
    const deadline = Date.now() + 300_000;
    while (!acked.has(probe) && Date.now() < deadline) await sleep(200);
    const probeAckSeconds = acked.has(probe) ? (acked.get(probe)! - killedAt) / 1000 : Number.NaN;
    results.push({ part, restartSeconds, probeAckSeconds });
    say(`probe acknowledged ${probeAckSeconds.toFixed(1)} s after the kill; ${published.length} published`);
    await sleep(GAP_SECONDS * 1000);
  }
  publishing = false;
  await publisher;
  // Every first-response deadline of the run must have passed (and been published as breached).
  const lastDeadline = Date.now() + FIRST_RESPONSE_MINUTES * 60_000;
  say(`published ${published.length} complaints and ${published.length} replies; waiting for the last deadline`);
  while (Date.now() < lastDeadline + 30_000) await sleep(1_000);
  await ackConsumer.disconnect();
  const verdict = await verify(cluster, kafka, published, { untilQuiet: 20_000, catchUpMs: 15 * 60_000, say });
  // Restarts beyond the one each kill caused: parts that died on their own (e.g. of a peer's outage).
  const killed = new Map<string, number>();
  for (const part of FAULTS) killed.set(part, (killed.get(part) ?? 0) + 1);
  const unexpected = Object.entries(cluster.supervisor.restarts())
    .map(([name, n]) => [name, n - (killed.get(name) ?? 0)] as const)
    .filter(([, extra]) => extra > 0)
    .map(([name, extra]) => `${name} restarted ${extra} more time${extra === 1 ? '' : 's'}`);
  report(results, verdict, published.length, unexpected, life);
  await producer.disconnect();
  await cluster.stop();
  process.exit(
    verdict.lost +
      verdict.duplicated +
      verdict.unbreached +
      verdict.deadLetters +
      verdict.repliesMissing +
      verdict.repliesTwice ===
      0
      ? 0
      : 1,
  );
}

function sendReply(p: Producer, topic: string, id: string) {
  return p.send({
    topic,
    acks: -1,
    messages: [
      {
        key: id,
        value: JSON.stringify({
          eventId: `reply-${id}`,
          type: 'customer.replied',
          complaintId: id,
          occurredAt: new Date().toISOString(),
          source: 'faults',
          data: { message: 'Any news on my refund?' },
        }),
      },
    ],
  });
}

function report(results: FaultResult[], v: Verdict, complaints: number, unexpected: string[], life: WholeLife): void {
  const lines = [
    '',
    '| fault (SIGKILL; the supervisor restarts it) | serving again after | probe complaint acknowledged after |',
    '| --- | --- | --- |',
    ...results.map((r) => `| ${r.part} | ${r.restartSeconds.toFixed(1)} s | ${r.probeAckSeconds.toFixed(1)} s |`),
    '',
    '| check | figure |',
    '| --- | --- |',
    `| complaints published (with ${results.length} probes) | ${complaints} |`,
    `| in the store, once each | ${v.stored} |`,
    `| acknowledged | ${v.acknowledged} |`,
    `| lost (published, never opened or stored) | ${v.lost} |`,
    `| applied twice (a logical lifecycle event under two ids) | ${v.duplicated} |`,
    `| lifecycle messages on the topic / distinct event ids | ${v.lifecycleMessages} / ${v.lifecycleIds} |`,
    `| replies applied once / missing / twice | ${v.repliesOnce} / ${v.repliesMissing} / ${v.repliesTwice} |`,
    `| first-response deadlines passed / published as breached / not | ${v.deadlinesPassed} / ${v.breached} / ${v.unbreached} |`,
    `| dead letters | ${v.deadLetters} |`,
    `| one complaint's whole life (before the faults) | ${life.complaintId}: ${[...new Set(life.stages)].join(' → ')} in ${life.seconds.toFixed(0)} s, ${life.letters} letters in the store |`,
    `| restarts besides the kills (parts that died on their own) | ${unexpected.length === 0 ? 'none' : unexpected.join('; ')} |`,
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`fault run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(2);
});
