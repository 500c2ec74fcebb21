import type { Kafka } from 'kafkajs';
import pg from 'pg';
import { operatorKey } from './whole-life';
import type { Cluster } from '../../infra/cluster/cluster';

/** What the fault run found once the faults were over (see run.ts). */
export interface Verdict {
  stored: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  lifecycleMessages: number;
  lifecycleIds: number;
  repliesOnce: number;
  repliesMissing: number;
  repliesTwice: number;
  deadlinesPassed: number;
  breached: number;
  unbreached: number;
  deadLetters: number;
}

/** Every message of a topic from offset zero, read until none arrived for `quietMs`. */
async function readAll(
  kafka: Kafka,
  topic: string,
  quietMs: number,
): Promise<Array<{ type?: string; complaintId?: string; eventId?: string }>> {
  const out: Array<{ type?: string; complaintId?: string; eventId?: string }> = [];
  const consumer = kafka.consumer({ groupId: `faults-verify-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    eachMessage: ({ message }) => {
      last = Date.now();
      out.push(
        JSON.parse(message.value?.toString() ?? '{}') as { type?: string; complaintId?: string; eventId?: string },
      );
      return Promise.resolve();
    },
  });
  // A first rebalance takes a few seconds before any message arrives.
  await new Promise((r) => setTimeout(r, 5_000));
  while (Date.now() - last < quietMs) await new Promise((r) => setTimeout(r, 500));
  await consumer.disconnect();
  return out;
}

/** Waits until `group` has committed every message of `topics` (lag 0), saying how far it is every half minute. */
async function caughtUp(
  kafka: Kafka,
  group: string,
  topics: string[],
  timeoutMs: number,
  say: (line: string) => void,
): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let lastSaid = 0;
    for (;;) {
      let behind = 0;
      for (const topic of topics) {
        const [highs, [committed]] = await Promise.all([
          admin.fetchTopicOffsets(topic),
          admin.fetchOffsets({ groupId: group, topics: [topic] }),
        ]);
        for (const h of highs) {
          const done = Number(committed?.partitions.find((p) => p.partition === h.partition)?.offset ?? -1);
          behind += Math.max(0, Number(h.high) - Math.max(done, Number(h.low)));
        }
      }
      if (behind === 0) return;
      if (Date.now() > deadline) {
        say(`the bridges are still ${behind} messages behind after ${timeoutMs / 1000} s: checking anyway`);
        return;
      }
      if (Date.now() - lastSaid > 30_000) {
        say(`waiting for the bridges to catch up: ${behind} messages behind`);
        lastSaid = Date.now();
      }
      await new Promise((r) => setTimeout(r, 2_000));
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * One complaint's conversation. The API limits a caller to 600 requests a minute, and this asks once per
 * complaint: a 429 waits as the API says and asks again (an earlier run counted 429s as missing replies).
 */
async function conversationOf(api: string, key: string, id: string): Promise<{ entries?: Array<{ kind: string }> }> {
  for (;;) {
    const res = await fetch(`${api}/complaints/${encodeURIComponent(id)}/conversation?limit=100`, {
      headers: { authorization: `Bearer ${key}` },
    });
    if (res.status === 429) {
      await new Promise((r) => setTimeout(r, 1_000 * Number(res.headers.get('retry-after') ?? 1)));
      continue;
    }
    if (!res.ok) throw new Error(`GET /complaints/${id}/conversation answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as { entries?: Array<{ kind: string }> };
  }
}

/**
 * The checks of issue 18: every complaint exists once, every fact (a customer reply) applied once,
 * every logical lifecycle event under one id (the same id on a retry: `applied twice` counts a
 * complaint's opened or acknowledged event published under two ids), nothing in the DLQ, and every
 * first-response deadline that passed published as breached.
 */
export async function verify(
  cluster: Cluster,
  kafka: Kafka,
  published: string[],
  o: { untilQuiet: number; catchUpMs: number; say: (line: string) => void },
): Promise<Verdict> {
  const ours = new Set(published);
  // What is still queued is not lost: the checks run once the bridges have consumed everything published.
  await caughtUp(kafka, cluster.bridgeGroup, [cluster.topics.intake, cluster.topics.events], o.catchUpMs, o.say);
  const lifecycle = (await readAll(kafka, cluster.topics.lifecycle, o.untilQuiet)).filter(
    (e) => e.complaintId && ours.has(e.complaintId),
  );
  const dead = await readAll(kafka, cluster.topics.dlq, 3_000);
  const idsByKind = new Map<string, Set<string>>();
  for (const e of lifecycle) {
    const key = `${e.complaintId}|${e.type}`;
    if (!idsByKind.has(key)) idsByKind.set(key, new Set());
    idsByKind.get(key)!.add(e.eventId ?? '');
  }
  const once = (type: string) => published.filter((id) => (idsByKind.get(`${id}|${type}`)?.size ?? 0) >= 1);
  const twice = published.filter((id) =>
    ['complaint.opened', 'complaint.acknowledged'].some((t) => (idsByKind.get(`${id}|${t}`)?.size ?? 0) > 1),
  );

  const db = new pg.Client({ connectionString: cluster.databaseUrl });
  await db.connect();
  const stored = new Set(
    (
      await db.query<{ complaint_id: string }>('SELECT complaint_id FROM complaints WHERE complaint_id = ANY($1)', [
        published,
      ])
    ).rows.map((r) => r.complaint_id),
  );
  const passed = (
    await db.query<{ complaint_id: string }>(
      "SELECT complaint_id FROM complaint_clocks WHERE clock = 'first-response' AND deadline < now() AND complaint_id = ANY($1)",
      [published],
    )
  ).rows.map((r) => r.complaint_id);
  await db.end();
  const breachedOnTopic = new Set(
    lifecycle.filter((e) => e.type === 'complaint.deadline-breached').map((e) => e.complaintId),
  );

  // The facts: each complaint's conversation must hold its one reply, through an API process.
  const key = operatorKey(cluster.apiKeysEnvFile);
  const api = cluster.apiUrls[cluster.apiUrls.length - 1]!;
  let repliesOnce = 0;
  let repliesMissing = 0;
  let repliesTwice = 0;
  for (const id of published.filter((p) => !p.includes('-probe-'))) {
    const body = await conversationOf(api, key, id);
    const n = (body.entries ?? []).filter((e) => e.kind === 'reply').length;
    if (n === 1) repliesOnce++;
    else if (n === 0) repliesMissing++;
    else repliesTwice++;
  }
  const opened = new Set(once('complaint.opened'));
  return {
    stored: stored.size,
    acknowledged: once('complaint.acknowledged').length,
    lost: published.filter((id) => !opened.has(id) || !stored.has(id)).length,
    duplicated: twice.length,
    lifecycleMessages: lifecycle.length,
    lifecycleIds: new Set(lifecycle.map((e) => e.eventId)).size,
    repliesOnce,
    repliesMissing,
    repliesTwice,
    deadlinesPassed: passed.length,
    breached: passed.filter((id) => breachedOnTopic.has(id)).length,
    unbreached: passed.filter((id) => !breachedOnTopic.has(id)).length,
    deadLetters: dead.length,
  };
}
