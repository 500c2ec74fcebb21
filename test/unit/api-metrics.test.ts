import type { Client } from '@temporalio/client';
import pino from 'pino';
import { ApiMetrics, type LifecycleEventLike } from '../../clients/api/metrics';

/** The lifecycle-event side of the API's metrics (the visibility side needs a server: see the API integration test). */
const metrics = (receivedAtOf?: (id: string) => Promise<string | undefined>) =>
  new ApiMetrics({
    client: {} as Client,
    scope: { taskQueue: 'q' },
    logger: pino({ level: 'silent' }),
    ...(receivedAtOf ? { receivedAtOf } : {}),
  });

let n = 0;
const event = (
  complaintId: string,
  type: string,
  occurredAt: string,
  data: Record<string, unknown> = {},
): LifecycleEventLike => ({
  eventId: `e-${(n += 1)}`,
  type,
  complaintId,
  occurredAt,
  data,
});

const values = async (m: ApiMetrics, name: string) =>
  (await m.registry.getSingleMetric(name)!.get()).values.map((v) => ({
    ...v.labels,
    metric: (v as { metricName?: string }).metricName ?? name,
    value: v.value,
  }));

describe('the API metrics from lifecycle events', () => {
  it('time to acknowledge and to resolve run from receipt; CSAT from the resolution', async () => {
    const m = metrics();
    await m.observe(
      event('c1', 'complaint.opened', '2026-03-02T10:00:05Z', {
        receivedAt: '2026-03-02T10:00:00Z',
        regime: 'fca-disp',
      }),
    );
    await m.observe(event('c1', 'complaint.acknowledged', '2026-03-02T10:00:05Z'));
    await m.observe(event('c1', 'complaint.resolved', '2026-03-05T10:00:00Z', { outcome: 'upheld', csat: 4 }));
    const ack = await values(m, 'redress_time_to_acknowledge_seconds');
    expect(ack).toEqual(
      expect.arrayContaining([
        { metric: 'redress_time_to_acknowledge_seconds_sum', value: 5 },
        { metric: 'redress_time_to_acknowledge_seconds_count', value: 1 },
      ]),
    );
    const resolve = await values(m, 'redress_time_to_resolve_seconds');
    expect(resolve).toEqual(
      expect.arrayContaining([{ metric: 'redress_time_to_resolve_seconds_sum', value: 3 * 86_400 }]),
    );
    const csat = await values(m, 'redress_csat_score');
    expect(csat).toEqual(
      expect.arrayContaining([
        { le: 3, metric: 'redress_csat_score_bucket', value: 0 },
        { le: 4, metric: 'redress_csat_score_bucket', value: 1 },
        { metric: 'redress_csat_score_sum', value: 4 },
      ]),
    );
    expect(await values(m, 'redress_complaints_opened_total')).toEqual([
      { regime: 'fca-disp', metric: 'redress_complaints_opened_total', value: 1 },
    ]);
  });

  it('counts breaches by clock and reopens, once per event id', async () => {
    const m = metrics();
    const breach = event('c2', 'complaint.deadline-breached', '2026-03-03T10:00:00Z', { clock: 'first-response' });
    await m.observe(breach);
    await m.observe(breach); // the same event delivered again
    await m.observe(event('c3', 'complaint.deadline-breached', '2026-03-03T10:00:00Z', { clock: 'final-response' }));
    await m.observe(event('c3', 'complaint.deadline-breached', '2026-03-03T11:00:00Z', { clock: 'first-response' }));
    await m.observe(event('c2', 'complaint.reopened', '2026-03-04T10:00:00Z', { reopenCount: 1 }));
    expect(await values(m, 'redress_deadline_breaches_total')).toEqual(
      expect.arrayContaining([
        { clock: 'first-response', metric: 'redress_deadline_breaches_total', value: 2 },
        { clock: 'final-response', metric: 'redress_deadline_breaches_total', value: 1 },
      ]),
    );
    expect((await values(m, 'redress_reopens_total'))[0]!.value).toBe(1);
  });

  it('reads the receipt time from the complaint when this process did not see it opened', async () => {
    const asked: string[] = [];
    const m = metrics((id) => {
      asked.push(id);
      return Promise.resolve(id === 'known' ? '2026-03-02T10:00:00Z' : undefined);
    });
    await m.observe(event('known', 'complaint.resolved', '2026-03-02T12:00:00Z', { csat: null }));
    await m.observe(event('gone', 'complaint.resolved', '2026-03-02T12:00:00Z'));
    expect(asked).toEqual(['known', 'gone']);
    expect(await values(m, 'redress_time_to_resolve_seconds')).toEqual(
      expect.arrayContaining([
        { metric: 'redress_time_to_resolve_seconds_count', value: 1 },
        { metric: 'redress_time_to_resolve_seconds_sum', value: 7_200 },
      ]),
    );
    expect(await values(m, 'redress_csat_score')).toEqual(
      expect.arrayContaining([{ metric: 'redress_csat_score_count', value: 0 }]),
    );
  });
});
