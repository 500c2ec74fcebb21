import fc from 'fast-check';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { backoffMs, BatchProgress, CoalescedCheck, planLanes, Semaphore } from '../../workers/bridge/progress';
import { classify, TransientDeliveryError } from '../../workers/bridge/route';

describe('BatchProgress: only a fully delivered prefix of a batch is committed', () => {
  it('resolves nothing while the first offset is pending, then jumps over everything done after it', () => {
    const p = new BatchProgress(['10', '11', '12', '13']);
    expect(p.complete('12')).toBeUndefined();
    expect(p.complete('11')).toBeUndefined();
    expect(p.contiguous).toBeUndefined();
    expect(p.complete('10')).toBe('12');
    expect(p.finished).toBe(false);
    expect(p.complete('13')).toBe('13');
    expect(p.finished).toBe(true);
  });

  it('never resolves past an offset that is not done, whatever the completion order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 10_000 }), { minLength: 1, maxLength: 60 }).map((a) => a.sort((x, y) => x - y)),
        fc.func(fc.boolean()),
        fc.nat(),
        (offsets, skip, seed) => {
          const strings = offsets.map(String);
          const p = new BatchProgress(strings);
          const done = strings.filter((o) => !skip(o));
          // A deterministic shuffle of the completion order.
          const order = [...done].sort((a, b) => ((Number(a) * 7919 + seed) % 101) - ((Number(b) * 7919 + seed) % 101));
          for (const o of order) p.complete(o);
          const firstPending = strings.findIndex((o) => skip(o));
          const expected = firstPending === -1 ? strings[strings.length - 1] : strings[firstPending - 1];
          expect(p.contiguous).toBe(expected);
        },
      ),
    );
  });
});

describe('planLanes', () => {
  it("keeps each key's items in their original order, lanes in order of first appearance", () => {
    const items = ['a1', 'b1', 'a2', 'c1', 'b2', 'a3'];
    expect(planLanes(items, (i) => i[0]!)).toEqual([['a1', 'a2', 'a3'], ['b1', 'b2'], ['c1']]);
  });
});

describe('backoffMs', () => {
  it('doubles from the initial delay up to the cap, within the jitter', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, { initialMs: 100, maxMs: 1_000, random: mid }))).toEqual([
      100, 200, 400, 800, 1_000,
    ]);
    expect(backoffMs(1, { initialMs: 100, maxMs: 1_000, jitter: 0.2, random: () => 0 })).toBe(80);
    expect(backoffMs(1, { initialMs: 100, maxMs: 1_000, jitter: 0.2, random: () => 1 })).toBe(120);
  });
});

describe('Semaphore', () => {
  it('never lets more than the limit run at once, and runs everything', async () => {
    const s = new Semaphore(3);
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const release = await s.acquire();
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, i % 3));
        running -= 1;
        release();
      }),
    );
    expect(peak).toBe(3);
    expect(s.inUse).toBe(0);
  });
});

describe('CoalescedCheck', () => {
  it('gives a caller that arrives during a check the result of a later check, shared with the others', async () => {
    let calls = 0;
    const gates: Array<() => void> = [];
    const check = new CoalescedCheck(async () => {
      const n = ++calls;
      await new Promise<void>((r) => gates.push(r));
      return n;
    });
    const first = check.run();
    const second = check.run();
    const third = check.run();
    gates.shift()!();
    expect(await first).toBe(1);
    await new Promise((r) => setImmediate(r));
    gates.shift()!();
    expect(await second).toBe(2);
    expect(await third).toBe(2);
    expect(calls).toBe(2);
  });
});

describe('classify: what is final and what is retried', () => {
  const event = { type: 'customer.replied' as const, complaintId: 'c-1' };
  it('sorts Temporal outcomes', () => {
    expect(classify(new WorkflowExecutionAlreadyStartedError('x', 'wf', 'type'), event)).toEqual({ kind: 'duplicate' });
    expect(classify(new WorkflowNotFoundError('gone', 'wf', undefined), event).kind).toBe('unknown-complaint');
    const refused = new WorkflowUpdateFailedError('update failed', new Error('not in this stage'));
    const outcome = classify(refused, event);
    expect(outcome.kind).toBe('rejected');
    expect(outcome.kind === 'rejected' && outcome.reason).toMatch(/not in this stage/);
    const invalid = Object.assign(new Error('bad'), { code: 3, details: 'payload too large', metadata: {} });
    expect(classify(new Error('wrapped', { cause: invalid }), event)).toMatchObject({ kind: 'rejected' });
  });
  it('treats anything else as transient, so a good message is never dead-lettered for it', () => {
    const unavailable = Object.assign(new Error('14 UNAVAILABLE'), {
      code: 14,
      details: 'connection refused',
      metadata: {},
    });
    expect(() => classify(unavailable, event)).toThrow(TransientDeliveryError);
    expect(() => classify(new Error('deadline exceeded'), event)).toThrow(TransientDeliveryError);
  });
});
