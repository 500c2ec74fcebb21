import { createHash } from 'node:crypto';
import { storeFilter, summaryFromStore } from '../../clients/api/list';
import { ListQuerySchema } from '../../clients/api/schemas';
import { decodeRecord, type PublishedRole } from '../../store/records';
import { intakeEvents, letter, lifecycle, remedyRequest, updated, view } from '../support/store-events';

/** How the projector reads each record of the topics it is fed from: what it applies, what it dead-letters. */
const at = { topic: 't', partition: 0, offset: '7' };
const decode = (role: PublishedRole, value: unknown, key?: string) =>
  decodeRecord(
    role,
    value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
    key === undefined ? undefined : Buffer.from(key),
    at,
  );

describe('decodeRecord', () => {
  it('reads a complaint.updated as the view it carries', () => {
    const v = view({ revision: 5, assignee: 'agent-2' });
    const d = decode('lifecycle', updated('c-1', v), 'c-1');
    expect(d).toMatchObject({ ok: true, record: { kind: 'view', view: v, at } });
  });

  it('reads every other lifecycle event as an event for the log', () => {
    for (const e of intakeEvents('c-1')) {
      expect(decode('lifecycle', e, 'c-1')).toMatchObject({ ok: true, record: { kind: 'event', envelope: e } });
    }
  });

  it('hashes a letter body with SHA-256', () => {
    const d = decode('notifications', letter('c-1', 'ack', 'Dear Ada'));
    const sha = createHash('sha256').update('Dear Ada').digest('hex');
    expect(d).toMatchObject({ ok: true, record: { kind: 'letter', letter: { bodySha256: sha, locale: 'en-GB' } } });
  });

  it('reads a remedy request', () => {
    const d = decode('remedies', remedyRequest('c-1', 'r1', '2026-03-05T10:00:00Z', '2026-03-06T10:00:00Z'));
    expect(d).toMatchObject({ ok: true, record: { kind: 'remedy-request', request: { remedyId: 'r1', amount: 30 } } });
  });

  it.each([
    ['no value', 'lifecycle', null, undefined, 'empty'],
    ['not JSON', 'lifecycle', '{"eventId":', undefined, 'not-json'],
    ['no envelope', 'lifecycle', { hello: 'world' }, undefined, 'invalid-envelope'],
    ['a key that is not the complaint id', 'lifecycle', updated('c-1', view()), 'c-2', 'key-mismatch'],
    ['an event of another topic', 'notifications', updated('c-1', view()), undefined, 'unknown-type'],
    [
      'an unknown type',
      'lifecycle',
      { ...updated('c-1', view()), type: 'complaint.teleported' },
      undefined,
      'unknown-type',
    ],
    ['a view of revision 0', 'lifecycle', updated('c-1', view({ revision: 0 })), undefined, 'invalid-data'],
    ['a view received "soon"', 'lifecycle', updated('c-1', view({ receivedAt: 'soon' })), undefined, 'invalid-data'],
    [
      'a view whose clock deadline is no instant',
      'lifecycle',
      updated('c-1', view({ clocks: [{ ...view().clocks[0]!, deadline: 'tomorrow' }] })),
      undefined,
      'invalid-data',
    ],
    [
      'a complaint opened at no instant',
      'lifecycle',
      { ...intakeEvents('c-1')[0]!, data: { ...intakeEvents('c-1')[0]!.data, receivedAt: 'soon' } },
      undefined,
      'invalid-data',
    ],
    [
      'a remedy request due at no instant',
      'remedies',
      remedyRequest('c-1', 'r1', '2026-03-05T10:00:00Z', 'next week'),
      undefined,
      'invalid-data',
    ],
    [
      'a breach without its clock',
      'lifecycle',
      lifecycle('c-1', 'b', 'complaint.deadline-breached', '2026-03-03T09:00:00Z'),
      undefined,
      'invalid-data',
    ],
    [
      'a letter without a body',
      'notifications',
      { ...letter('c-1', 'a', 'x'), data: { kind: 'ack' } },
      undefined,
      'invalid-data',
    ],
  ] as const)('refuses %s (on %s, key %s) with %s', (_what, role, value, key, code) => {
    const d = decode(role, value, key);
    expect(d.ok).toBe(false);
    expect(d).toMatchObject({ rejection: { code } });
  });

  it('names the invalid fields of the data, never their values', () => {
    const d = decode('lifecycle', updated('c-1', { ...view(), stage: 'nowhere' as 'received' }));
    expect(d).toMatchObject({ ok: false, rejection: { code: 'invalid-data', eventId: 'redress:c-1:view:1' } });
    const reason = d.ok ? '' : d.rejection.reason;
    expect(reason).toContain('data.stage');
    expect(reason).not.toContain('nowhere');
  });
});

describe('the list from the store', () => {
  it('turns the query into the store filter, atRiskWithin as an instant', () => {
    const q = ListQuerySchema.parse({
      stage: 'listening,apology',
      product: 'card',
      atRiskWithin: '2h',
      breached: 'true',
    });
    expect(storeFilter(q, Date.parse('2026-03-02T10:00:00Z'))).toEqual({
      stage: ['listening', 'apology'],
      product: 'card',
      breached: true,
      nextDeadlineBy: '2026-03-02T12:00:00.000Z',
    });
  });

  it('makes a summary with time left, open until closed or withdrawn', () => {
    const row = {
      complaintId: 'c-1',
      revision: 1,
      stage: 'closed',
      regime: 'fca-disp',
      policyVersion: 1,
      region: 'GB-ENG',
      severity: 'low',
      category: 'billing',
      product: null,
      channel: 'email',
      customerId: 'cust-1',
      assignee: null,
      escalated: false,
      breached: false,
      vulnerable: false,
      nextDeadline: '2026-03-02T11:00:00.000Z',
      waitingOnCustomer: false,
      remedy: null,
      outcome: 'upheld',
      cause: null,
      csat: null,
      reopenCount: 0,
      repeatOf: [],
      flagCount: 0,
      receivedAt: '2026-03-01T09:00:00.000Z',
      firstResponseAt: null,
      finalResponseAt: null,
      acknowledgedAt: null,
      resolvedAt: null,
      closedAt: null,
      withdrawnAt: null,
      updatedAt: '2026-03-01T09:00:00.000Z',
    };
    const s = summaryFromStore(row, Date.parse('2026-03-02T10:00:00Z'));
    expect(s).toMatchObject({ open: false, timeLeftMs: 3_600_000, outcome: 'upheld', vulnerable: false });
    expect(summaryFromStore({ ...row, vulnerable: true }, 0).vulnerable).toBe(true);
    expect(s).not.toHaveProperty('assignee');
    expect(summaryFromStore({ ...row, stage: 'remedy' }, 0).open).toBe(true);
    // Product and root cause are the store's own: in the row when known, absent when not.
    expect(s).not.toHaveProperty('product');
    expect(summaryFromStore({ ...row, product: 'mortgage', cause: 'fees' }, 0)).toMatchObject({
      product: 'mortgage',
      cause: 'fees',
    });
  });
});
