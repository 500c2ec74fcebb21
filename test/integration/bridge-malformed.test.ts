import { createHash } from 'node:crypto';
import type { DeadLetter } from '../../domain/dead-letter';
import { exactlyOnceProblems, complaintStream, type StreamMessage } from '../support/bridge-harness';
import { waitUntil } from '../support/wait';
import { malformedInputs, type BadInput } from '../support/malformed';
import { startTestStack, type TestStack } from '../support/stack';
import { letterValue, openLetter } from '../support/dead-letters';

/** Fixed, so a failure reproduces; change it to explore (the unit property test draws fresh ones). */
const SEED = 20_260_601;
const BAD = 1_000;
const GOOD_COMPLAINTS = 100;

/** `empty x3, not-json` */
const summary = (codes: string[]) =>
  [...new Set(codes)]
    .map((c) => `${c}${codes.filter((x) => x === c).length > 1 ? ` x${codes.filter((x) => x === c).length}` : ''}`)
    .join(', ');
const digest = (value: Buffer | null) => (value === null ? 'none' : createHash('sha256').update(value).digest('hex'));

describe('the bridge on 1,000 generated malformed inputs interleaved with good ones', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack('bridge-malformed');
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('dead-letters each bad input with its reason and origin, processes each good one, and stays up', async () => {
    const { topics } = stack.config;
    const topicOf = (role: BadInput['role']) => (role === 'intake' ? topics.intake : topics.events);
    const bad = malformedInputs(BAD, SEED, 'bad');
    const good = complaintStream(stack.config, 'good', GOOD_COMPLAINTS, 1);

    // Interleave: after every ten bad inputs, the next good messages (complaints before their facts).
    const goodQueue: StreamMessage[] = [...good.messages];
    const perSlot = Math.ceil(goodQueue.length / (BAD / 10));
    const sequence: Array<{ topic: string; key: string | null; value: Buffer | string | null }> = [];
    bad.forEach((input, i) => {
      sequence.push({ topic: topicOf(input.role), key: input.key, value: input.value });
      if (i % 10 === 9) sequence.push(...goodQueue.splice(0, perSlot));
    });
    sequence.push(...goodQueue);
    // In order, batched up to 256 KiB: a record batch over the broker's 1 MiB limit would be refused whole.
    let batch: typeof sequence = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      await stack.producer.sendBatch({
        topicMessages: batch.map((m) => ({ topic: m.topic, messages: [{ key: m.key, value: m.value }] })),
      });
      batch = [];
      bytes = 0;
    };
    for (const m of sequence) {
      const size = m.value?.length ?? 0;
      if (bytes + size > 256 * 1024) await flush();
      batch.push(m);
      bytes += size;
    }
    await flush();

    // Every bad input reaches the dead-letter topic...
    const letters = await stack.collector.waitFor<DeadLetter>(topics.dlq, () => true, BAD, 200_000);
    // ...and then nothing more: give a stray letter for a good message the time to show up.
    await waitUntil('the group to finish', () => stack.bridge!.stats.delivered >= good.messages.length, 120_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const all = stack.collector.find<DeadLetter>(topics.dlq);
    expect(all).toHaveLength(BAD);

    // The same bad inputs, by content: each one's letter carries the code of its defect.
    const expected = new Map<string, string[]>();
    for (const input of bad) {
      const key = digest(input.value);
      expected.set(key, [...(expected.get(key) ?? []), input.expected].sort());
    }
    const got = new Map<string, string[]>();
    for (const letter of letters) {
      const key = openLetter(letter).valueSha256 ?? 'none';
      got.set(key, [...(got.get(key) ?? []), letter.code].sort());
    }
    const mismatches = [...expected].filter(([key, codes]) => JSON.stringify(got.get(key)) !== JSON.stringify(codes));
    expect(
      mismatches.map(
        ([key, codes]) => `${key.slice(0, 12)}: expected ${summary(codes)}, got ${summary(got.get(key) ?? [])}`,
      ),
    ).toEqual([]);

    for (const letter of letters) {
      expect(letter.reason.length).toBeGreaterThan(0);
      expect([topics.intake, topics.events]).toContain(letter.source.topic);
      expect(letter.source.offset).toMatch(/^\d+$/);
      // The original bytes are sealed in it: whole, or (beyond what one record holds) a prefix with the digest.
      const kept = letterValue(letter);
      if (letter.sealed!.truncated) expect(kept.length).toBeLessThan(letter.sealed!.valueSize);
      else expect(kept.length).toBe(letter.sealed!.valueSize);
    }
    const byBytes = new Map(bad.map((b) => [digest(b.value), b]));
    for (const letter of letters.filter((l) => !l.sealed!.truncated && l.sealed!.valueSize > 0)) {
      const original = byBytes.get(openLetter(letter).valueSha256 ?? '');
      expect(letterValue(letter).equals(original?.value ?? Buffer.alloc(0))).toBe(true);
    }

    // Every good complaint exists once, with its fact applied once; none of them was dead-lettered.
    expect(await exactlyOnceProblems(stack.client, stack.config.temporal.taskQueue, good)).toEqual([]);
    const goodDigests = new Set(good.messages.map((m) => digest(Buffer.from(m.value))));
    expect(letters.filter((l) => goodDigests.has(openLetter(l).valueSha256 ?? ''))).toEqual([]);
    expect(stack.bridge!.stats).toMatchObject({ deadLettered: BAD });

    // And the bridge is still up: a new complaint goes through.
    const after = complaintStream(stack.config, 'after', 1, 1);
    for (const m of after.messages) await stack.publish(m.topic, m.key, m.value);
    await waitUntil('the complaint after the storm', () => stack.bridge!.stats.delivered >= good.messages.length + 2);
    const everyGood = {
      complaintIds: [...good.complaintIds, ...after.complaintIds],
      facts: new Map([...good.facts, ...after.facts]),
    };
    expect(await exactlyOnceProblems(stack.client, stack.config.temporal.taskQueue, everyGood)).toEqual([]);
  }, 300_000);
});
