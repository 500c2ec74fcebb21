import { readFileSync } from 'node:fs';
import type { Producer } from 'kafkajs';
import type { Cluster } from '../../infra/cluster/cluster';

/**
 * One complaint taken through its whole life on the cluster (issue 18), the way an operations team and
 * the firm's systems would: submitted through one API process, worked through the other, with the
 * customer's facts (the confirming reply, the fulfilment, the survey answer) arriving on Kafka, until
 * it is closed, then read back from the complaint store. The fault run calls it before its faults,
 * with a policy whose follow-up delay and reopen window are minutes (run.ts), so the life fits in a run.
 */
export interface WholeLife {
  complaintId: string;
  stages: string[];
  letters: number;
  seconds: number;
}

type Json = Record<string, unknown>;

export async function takeThroughWholeLife(
  cluster: Cluster,
  producer: Producer,
  say: (line: string) => void,
): Promise<WholeLife> {
  const keys = { operator: operatorKey(cluster.apiKeysEnvFile) };
  const [first, second] = [cluster.apiUrls[0]!, cluster.apiUrls[1] ?? cluster.apiUrls[0]!];
  const id = `life-${Date.now().toString(36)}`;
  const startedAt = Date.now();
  const stages: string[] = [];
  const call = async (base: string, method: string, path: string, body?: Json, key = keys.operator): Promise<Json> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Json;
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json;
  };
  // Alternate the API processes: the complaint is one workflow whichever process is asked.
  let turn = 0;
  const act = async (path: string, body: Json) => {
    const status = await call(turn++ % 2 === 0 ? first : second, 'POST', `/complaints/${id}/${path}`, body);
    stages.push(String(status.stage));
    return status;
  };
  const fact = (type: string, data: Json) =>
    producer.send({
      topic: cluster.topics.events,
      acks: -1,
      messages: [
        {
          key: id,
          value: JSON.stringify({
            eventId: `${type}-${id}`,
            type,
            complaintId: id,
            occurredAt: new Date().toISOString(),
            source: 'faults',
            data,
          }),
        },
      ],
    });
  const stageIs = async (what: string, done: (s: Json) => boolean, timeoutMs = 300_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await call(second, 'GET', `/complaints/${id}`);
      if (done(s)) return s;
      if (Date.now() > deadline) throw new Error(`${id}: timed out waiting for ${what} (stage ${String(s.stage)})`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  };

  const submitted = await call(first, 'POST', '/complaints', {
    complaintId: id,
    customer: { id: `cust-${id}`, name: 'Whole Life', email: 'whole.life@example.com', jurisdiction: 'GB-ENG' },
    channel: 'email',
    category: 'billing',
    summary: 'Charged twice',
    description: 'I was charged twice for my October bill.',
  });
  stages.push(String(submitted.stage));
  say(`${id}: submitted through ${first}, stage ${String(submitted.stage)}`);
  await act('assignment', { assignee: 'agent-7' });
  await act('account', { account: 'You were charged twice for October.', confirmed: false });
  await fact('customer.replied', { message: 'Yes, that is exactly it.', confirmsAccount: true });
  await stageIs('the reply to confirm the account', (s) => s.stage === 'apology');
  await act('apology', { text: 'We are sorry we charged you twice.', faultAdmitted: true });
  await act('remedy', { kind: 'refund', description: 'Refund of the second charge', amount: 40, currency: 'GBP' });
  await fact('remedy.fulfilled', { remedyId: `${id}:remedy:1`, reference: 'R-1' });
  await stageIs('the remedy fulfilled', (s) => (s.remedy as { status?: string } | undefined)?.status === 'fulfilled');
  await act('resolution', {
    response: 'final-response',
    outcome: 'upheld',
    reasons: 'Our billing run charged twice.',
    cause: 'billing-error',
  });
  say(`${id}: final response sent; waiting for the survey (the policy's follow-up delay)`);
  // A survey answer before the survey went out is refused (and dead-lettered): wait for it.
  const deadline = Date.now() + 300_000;
  for (;;) {
    const timeline = await call(second, 'GET', `/complaints/${id}/timeline`);
    const entries = (timeline.entries ?? []) as Array<{ action?: string }>;
    if (entries.some((e) => e.action === 'survey-sent')) break;
    if (Date.now() > deadline) throw new Error(`${id}: no survey-sent in the timeline after 5 min`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
  await fact('survey.responded', { score: 5, confirmed: true, comment: 'Sorted, thank you.' });
  const closed = await stageIs('the complaint to close', (s) => s.stage === 'closed');
  stages.push(String(closed.stage));
  // The record: the store's conversation has every letter the customer was sent.
  const conversation = await call(first, 'GET', `/complaints/${id}/conversation`);
  const entries = (conversation.entries as Array<{ kind: string }> | undefined) ?? [];
  const letters = entries.filter((e) => e.kind === 'letter').length;
  const seconds = (Date.now() - startedAt) / 1000;
  say(`${id}: closed after ${seconds.toFixed(0)} s through ${[...new Set(stages)].join(' -> ')}; ${letters} letters`);
  return { complaintId: id, stages, letters, seconds };
}

/** The operator's API key from the file scripts/cluster wrote (`export REDRESS_OPERATOR_KEY=...`). */
export function operatorKey(file: string): string {
  const operator = /REDRESS_OPERATOR_KEY=(\S+)/.exec(readFileSync(file, 'utf8'))?.[1];
  if (!operator) throw new Error(`${file} has no REDRESS_OPERATOR_KEY`);
  return operator;
}
