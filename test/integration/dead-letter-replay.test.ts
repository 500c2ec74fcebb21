import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../clients/cli/main';
import type { DeadLetterSummary, OpenedDeadLetter } from '../../clients/api/dead-letters';
import type { DeadLetter, DeadLetterReplay } from '../../domain/dead-letter';
import type { ApiRole } from '../../config/api-keys';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture, receivedEvent } from '../support/fixtures';
import { TopicCollector, testKafka } from '../support/kafka';

/**
 * Issue 16 point 4 on the real broker, bridge, worker and API: a malformed complaint carrying personal
 * data is dead-lettered with its original sealed; `redress dlq show` lists it by clear facts and opens
 * it; the fixed message replayed with `redress dlq replay` opens the complaint once, and replaying again
 * publishes nothing. Reading and replaying take an operator's or a supervisor's key.
 */

const run = randomUUID().slice(0, 6);
const complaintId = `dlq-${run}`;
const NAME = 'Hedy Lamarr';
const EMAIL = 'hedy.lamarr@example.net';
const DESCRIPTION = 'The frequency-hopping router I bought drops every call after ten minutes.';
const fixed = receivedEvent(
  complaintId,
  `evt-${complaintId}`,
  complaintFixture({
    customer: { id: `cust-${run}`, name: NAME, email: EMAIL, jurisdiction: 'GB-ENG' },
    description: DESCRIPTION,
  }),
);
// The upstream system wrote the name where the email goes: refused as invalid-data.
const broken = { ...fixed, data: { ...fixed.data, customer: { ...fixed.data.customer, email: `${NAME} <${EMAIL}` } } };

let h: ApiHarness;
let intake: TopicCollector;
let dir: string;
beforeAll(async () => {
  h = await startApiHarness('dlq-replay', { bridgeMetrics: true });
  intake = await new TopicCollector(testKafka(h.stack.config.kafka.brokers.join(',')), [
    h.stack.config.topics.intake,
  ]).start();
  dir = mkdtempSync(join(tmpdir(), 'redress-dlq-'));
  await h.stack.publish(h.stack.config.topics.intake, complaintId, broken);
  await h.stack.collector.waitFor<DeadLetter>(h.stack.config.topics.dlq, (l) => l.complaintId === complaintId, 1);
});
afterAll(async () => {
  await intake?.stop();
  await h?.stop();
});

/** `redress dlq ...` in-process, as `role`: exit code and what it printed. */
async function dlq(role: ApiRole, ...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const printed = { out: [] as string[], err: [] as string[] };
  const code = await main(['dlq', ...argv], {
    out: (s) => printed.out.push(s),
    err: (s) => printed.err.push(s),
    env: { REDRESS_API_URL: h.base, REDRESS_API_KEY: h.keys[role] },
  });
  return { code, out: printed.out.join('\n'), err: printed.err.join('\n') };
}

async function theLetter(): Promise<DeadLetterSummary> {
  const listed = await dlq('operator', 'show', '--complaint', complaintId, '--json');
  expect(listed.code).toBe(0);
  const { items } = JSON.parse(listed.out) as { items: DeadLetterSummary[] };
  expect(items).toHaveLength(1);
  return items[0]!;
}

const opened = () =>
  h.stack.collector.find<{ type: string; complaintId: string }>(
    h.stack.config.topics.lifecycle,
    (e) => e.complaintId === complaintId && e.type === 'complaint.opened',
  );

describe('a dead letter for an operator', () => {
  it('is listed by its clear facts, none of the customer’s words among them', async () => {
    const letter = await theLetter();
    expect(letter).toMatchObject({
      code: 'invalid-data',
      complaintId,
      eventId: fixed.eventId,
      source: { topic: h.stack.config.topics.intake },
      errors: [{ field: 'data.customer.email' }],
    });
    expect(letter.replay).toBeUndefined();
    const table = await dlq('supervisor', 'show', '--code', 'invalid-data', '--since', '2020-01-01T00:00:00Z');
    expect(table.out).toContain(letter.id);
    for (const secret of [NAME, EMAIL, DESCRIPTION]) {
      expect(JSON.stringify(letter)).not.toContain(secret);
      expect(table.out).not.toContain(secret);
    }
  });

  it('opens decrypted with `dlq show ID`: the original as the upstream system sent it', async () => {
    const { id } = await theLetter();
    const shown = await dlq('operator', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.out).toContain(`dead letter ${id}: invalid-data`);
    expect(shown.out).toContain(DESCRIPTION);
    const json = JSON.parse((await dlq('operator', 'show', id, '--json')).out) as OpenedDeadLetter;
    expect(JSON.parse(json.content.value!)).toEqual(broken);
    expect(json.content.key).toBe(complaintId);
  });

  it('is read and replayed by operators and supervisors only', async () => {
    const { id } = await theLetter();
    for (const role of ['auditor', 'service'] as const) {
      expect((await h.call(role, 'GET', '/dead-letters')).status).toBe(403);
      expect((await h.call(role, 'GET', `/dead-letters/${id}`)).status).toBe(403);
      expect((await h.call(role, 'POST', `/dead-letters/${id}/replay`, {})).status).toBe(403);
    }
    expect((await h.call(null, 'GET', '/dead-letters')).status).toBe(401);
    expect((await h.call('operator', 'GET', '/dead-letters/not-an-id')).status).toBe(400);
    expect((await h.call('operator', 'GET', '/dead-letters/0-999999999')).status).toBe(404);
  });

  it('refuses to replay the original unchanged or a fix still invalid, publishing nothing', async () => {
    const { id } = await theLetter();
    const unchanged = await dlq('operator', 'replay', id);
    expect(unchanged.code).toBe(1);
    expect(unchanged.err).toMatch(/would be dead-lettered again \(invalid-data\)/);
    const stillWrong = join(dir, 'still-wrong.json');
    writeFileSync(stillWrong, JSON.stringify({ ...broken, eventId: `${fixed.eventId}-2` }));
    expect((await dlq('operator', 'replay', id, '--file', stillWrong)).code).toBe(1);
    expect(
      intake.find(h.stack.config.topics.intake, (e: { complaintId?: string }) => e.complaintId === complaintId),
    ).toHaveLength(1);
    expect((await theLetter()).replay).toBeUndefined();
  });

  it('replays the fixed message once: the complaint opens once, and a second replay changes nothing', async () => {
    const { id } = await theLetter();
    const file = join(dir, 'fixed.json');
    writeFileSync(file, JSON.stringify(fixed));
    const first = await dlq('operator', 'replay', id, '--file', file);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(new RegExp(`^replayed ${id}: event ${fixed.eventId} of ${complaintId} published`));
    await h.stack.collector.waitFor(
      h.stack.config.topics.lifecycle,
      (e: { complaintId?: string; type?: string }) => e.complaintId === complaintId && e.type === 'complaint.opened',
      1,
    );
    const status = await h.call<{ stage: string }>('operator', 'GET', `/complaints/${complaintId}`);
    expect(status.status).toBe(200);

    const replayed = (await theLetter()).replay;
    expect(replayed).toMatchObject({ replayOf: id, eventId: fixed.eventId, fixed: true, by: 'it-operator' });
    const second = await h.call<{ replay: DeadLetterReplay; alreadyReplayed: boolean }>(
      'supervisor',
      'POST',
      `/dead-letters/${id}/replay`,
      { message: fixed },
    );
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ replay: replayed, alreadyReplayed: true });
    expect((await dlq('operator', 'replay', id, '--file', file)).out).toMatch(/^not replayed again/);

    // Nothing more reached intake than the broken message and the one replay, and the bridge has
    // taken every message in (the replay included) without a second letter for this complaint.
    const onIntake = intake.find<{ complaintId?: string }>(
      h.stack.config.topics.intake,
      (e) => e.complaintId === complaintId,
    );
    expect(onIntake).toHaveLength(2);
    expect(
      h.stack.collector.find<DeadLetter>(h.stack.config.topics.dlq, (l) => l.complaintId === complaintId),
    ).toHaveLength(1);
    expect(opened()).toHaveLength(1);
  });
});
