import { freshen } from '../../clients/api/complaints';
import type { ComplaintStatus } from '../../workflows/messages';
import { decodeCursor, encodeCursor, filterKey, filterQuery } from '../../clients/api/list';
import { formatDuration, parseDuration } from '../../clients/api/duration';
import { RateLimiter } from '../../clients/api/rate-limit';
import { ListQuerySchema } from '../../clients/api/schemas';
import type { ApiError } from '../../clients/api/errors';

const scope = { taskQueue: 'complaints' };
const parse = (query: Record<string, string>) => ListQuerySchema.parse(query);

describe('list filters as a visibility query', () => {
  it('scopes to complaint workflows of the task queue and ANDs every filter', () => {
    const now = Date.parse('2026-03-02T10:00:00Z');
    const q = parse({
      stage: 'listening,apology',
      severity: 'high',
      channel: 'email',
      category: "customer's card",
      assignee: 'agent-7',
      customer: 'cust-1',
      regime: 'fca-disp',
      breached: 'false',
      escalated: 'true',
      atRiskWithin: '2h',
      receivedFrom: '2026-03-01T00:00:00+01:00',
      receivedTo: '2026-03-02T00:00:00Z',
    });
    expect(filterQuery(scope, q, now)).toBe(
      [
        "WorkflowType = 'complaintWorkflow'",
        "TaskQueue = 'complaints'",
        "RedressStage IN ('listening', 'apology')",
        "RedressSeverity IN ('high')",
        "RedressChannel IN ('email')",
        "RedressCategory = 'customer''s card'",
        "RedressAssignee = 'agent-7'",
        "RedressCustomerId = 'cust-1'",
        "RedressRegime = 'fca-disp'",
        'RedressBreached = false',
        'RedressEscalated = true',
        "RedressNextDeadline <= '2026-03-02T12:00:00.000Z'",
        "RedressReceivedAt >= '2026-02-28T23:00:00.000Z'",
        "RedressReceivedAt < '2026-03-02T00:00:00.000Z'",
      ].join(' AND '),
    );
  });

  it('refuses values that could break out of a string literal, naming the field', () => {
    const result = ListQuerySchema.safeParse({ category: "x' OR '1'='1\\", assignee: 'say "hi"', stage: 'open' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.')).sort()).toEqual(['assignee', 'category', 'stage']);
  });

  it('refuses product, text search and breachedSince, which only the store answers, naming the field', () => {
    const values = { product: 'card', search: 'card', breachedSince: '2026-12-01T00:00:00Z' };
    for (const field of ['product', 'search', 'breachedSince'] as const) {
      let error: ApiError | undefined;
      try {
        filterQuery(scope, parse({ [field]: values[field] }), 0);
      } catch (err) {
        error = err as ApiError;
      }
      // The request matches the document; this deployment cannot answer it (no store): 422, not 400.
      expect(error?.statusCode).toBe(422);
      expect(error?.details).toEqual([expect.objectContaining({ field })]);
    }
  });

  it('defaults the page size to 50 and bounds it to 200', () => {
    expect(parse({}).limit).toBe(50);
    expect(ListQuerySchema.safeParse({ limit: '201' }).success).toBe(false);
  });
});

describe('the list cursor', () => {
  const q = parse({ stage: 'listening' });

  it('round-trips, opaque, for the same filters', () => {
    const text = encodeCursor({ d: '2026-03-02T10:00:00.000Z', w: 'complaint-c-1', f: filterKey(q) });
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text, filterKey(q))).toEqual({
      d: '2026-03-02T10:00:00.000Z',
      w: 'complaint-c-1',
      f: filterKey(q),
    });
    expect(decodeCursor(encodeCursor({ d: null, w: 'x', f: filterKey(q) }), filterKey(q)).d).toBeNull();
  });

  it('ignores the page size and cursor when fingerprinting filters, but not the filters', () => {
    expect(filterKey(parse({ stage: 'listening', limit: '5' }))).toBe(filterKey(q));
    expect(filterKey(parse({ stage: 'apology' }))).not.toBe(filterKey(q));
  });

  it('is refused with a 400 naming `cursor` when forged, garbled or made for other filters', () => {
    const refused = (text: string) => {
      try {
        decodeCursor(text, filterKey(q));
      } catch (err) {
        return (err as ApiError).body();
      }
      throw new Error('accepted');
    };
    expect(refused('!!!').details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    expect(refused(Buffer.from('{"d":"soon","w":"x","f":"y"}').toString('base64url')).message).toBe('invalid cursor');
    const other = encodeCursor({ d: null, w: 'x', f: filterKey(parse({ stage: 'apology' })) });
    expect(JSON.stringify(refused(other))).toMatch(/made for other filters/);
  });
});

describe('durations', () => {
  it.each([
    ['2h', 7_200_000],
    ['30m', 1_800_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['1w2d', 9 * 86_400_000],
    ['45s', 45_000],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'soon', '2', 'h', '0h', '30m2h', '366d', '-2h', '2 h'])('refuses %p', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats for people, overdue when negative', () => {
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000 + 30_000)).toBe('2h 5m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 60_000)).toBe('3d 4h');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(-90 * 60_000)).toBe('overdue 1h 30m');
  });
});

describe('the rate limiter', () => {
  it('allows a burst of the limit, then refuses with the wait, refilling over the minute', () => {
    let now = 0;
    const limiter = new RateLimiter(60, () => now);
    for (let i = 0; i < 60; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBe(0); // another caller has its own bucket
    now += 1_000; // one token a second at 60 a minute
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBe(1);
    now += 60_000;
    for (let i = 0; i < 60; i++) expect(limiter.take('a')).toBe(0);
    expect(limiter.take('a')).toBeGreaterThan(0);
  });

  it('says how many seconds until a token at a slow rate', () => {
    let now = 0;
    const limiter = new RateLimiter(2, () => now);
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a')).toBe(30);
    now += 28_500; // 0.95 of a token: half a token's time, 1.5 s, still to wait
    expect(limiter.take('a')).toBe(2);
  });

  it('forgets the least recently seen caller beyond its bound', () => {
    const limiter = new RateLimiter(1, () => 0, 2);
    limiter.take('a');
    limiter.take('b');
    limiter.take('c'); // a is forgotten: it starts again with a full bucket
    expect(limiter.take('a')).toBe(0);
    expect(limiter.take('c')).toBeGreaterThan(0);
  });
});

describe('freshen', () => {
  it('measures the time left of running clocks when read, not when the workflow last woke', () => {
    const clock = {
      clock: 'first-response',
      kind: 'deadline' as const,
      deadline: '2026-01-02T00:00:00.000Z',
      timeLeftMs: 1,
      remaining: 1,
      unit: 'hours',
      target: 24,
      warningsFired: [],
      breached: false,
    };
    const status = {
      clocks: [
        { ...clock, status: 'running' as const },
        { ...clock, clock: 'acknowledgement', status: 'stopped' as const },
      ],
    } as unknown as ComplaintStatus;
    const fresh = freshen(status, Date.parse('2026-01-01T12:00:00.000Z'));
    expect(fresh.clocks[0]!.timeLeftMs).toBe(12 * 3_600_000);
    expect(fresh.clocks[1]!.timeLeftMs).toBe(1);
  });
});
