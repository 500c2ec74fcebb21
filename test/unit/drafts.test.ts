import { createHash } from 'node:crypto';
import { checkDraft, draftId, withLetter, type DraftContext } from '../../domain/drafts/check';
import { deploymentTemplates } from '../../platform/template-files';
import { findPromises } from '../../domain/drafts/promises';
import { sha256Hex } from '../../domain/letters/sha256';
import { parsePolicy, policyInForce, type Policy } from '../../domain/policy';
import { DEFAULT_READING_EASE_AT_LEAST } from '../../domain/policy/content';
import { loadPolicies } from '../../platform/policy-files';

const policies = loadPolicies({ overridePath: null });
const at = '2026-01-01T00:00:00Z';
const fca = policyInForce(policies, 'fca-disp', at);
const dflt = policyInForce(policies, 'default', at);
// Wednesday 2 December 2026, 09:00 UTC.
const NOW = Date.parse('2026-12-02T09:00:00Z');
const ctx = (policy: Policy, extra: Partial<DraftContext> = {}): DraftContext => ({
  complaintId: 'c-1',
  policy,
  customer: { name: 'Ada Lovelace', locale: 'en-GB' },
  now: NOW,
  ...extra,
});

describe('sha256Hex', () => {
  it.each(['', 'abc', 'x'.repeat(55), 'y'.repeat(64), 'héllo 💡 wörld '.repeat(20)])(
    'agrees with node:crypto on %#',
    (s) => {
      expect(sha256Hex(s)).toBe(createHash('sha256').update(s, 'utf8').digest('hex'));
    },
  );
});

describe('findPromises', () => {
  it('reads a call-back on a weekday at an hour as the next such day, at that hour', () => {
    const [p, ...rest] = findPromises('Thank you. We will call you on Tuesday at 10 to talk it through.', NOW);
    expect(rest).toEqual([]);
    expect(p!.span.text).toBe('We will call you on Tuesday at 10 to talk it through');
    expect(p!.when).toBe('on Tuesday at 10');
    expect(p!.kind).toBe('call-back');
    expect(p!.dueAt).toBe('2026-12-08T10:00:00.000Z');
  });

  it('reads "by Friday" as the end of the coming Friday, and "within 5 days" as five days on', () => {
    expect(findPromises('We will refund you by Friday.', NOW)[0]).toMatchObject({
      kind: 'other',
      when: 'by Friday',
      dueAt: '2026-12-04T23:59:59.999Z',
    });
    expect(findPromises('You will hear from us within 5 days.', NOW)[0]).toMatchObject({
      span: { start: 0, text: 'You will hear from us within 5 days' },
      kind: 'reply',
      when: 'within 5 days',
      dueAt: '2026-12-07T09:00:00.000Z',
    });
    expect(findPromises("I'll email you on Monday at 3pm", NOW)[0]?.dueAt).toBe('2026-12-07T15:00:00.000Z');
  });

  it('keeps the words when only a calendar can date them, and a promise without a time as a promise', () => {
    expect(findPromises('We will send the refund within 3 working days.', NOW)).toEqual([
      {
        span: { start: 0, end: 45, text: 'We will send the refund within 3 working days' },
        kind: 'other',
        when: 'within 3 working days',
      },
    ]);
    expect(findPromises('We will contact the courier.', NOW)).toEqual([
      { span: { start: 0, end: 27, text: 'We will contact the courier' }, kind: 'other' },
    ]);
  });

  it('finds nothing where nothing is promised', () => {
    expect(findPromises('We are sorry. You were charged twice, and that was our mistake.', NOW)).toEqual([]);
  });
});

describe('checkDraft', () => {
  it('renders the letter as the customer gets it and finds blame, the promise and nothing missing', () => {
    const r = checkDraft(
      'apologise',
      { text: 'This was your fault. We will call you on Tuesday at 10.', faultAdmitted: false },
      ctx(dflt),
    );
    expect(withLetter(r, deploymentTemplates()).letter).toEqual({
      kind: 'apology',
      locale: 'en-GB',
      subject: 'We are sorry (c-1)',
      body: 'Dear Ada Lovelace,\n\nThis was your fault. We will call you on Tuesday at 10.',
    });
    expect(r.severe).toBe(true);
    expect(r.respect).toEqual([
      expect.objectContaining({
        field: 'text',
        category: 'blame',
        severity: 'severe',
        span: { start: 0, end: 19, text: 'This was your fault' },
      }),
    ]);
    expect(r.promises).toEqual([expect.objectContaining({ field: 'text', dueAt: '2026-12-08T10:00:00.000Z' })]);
    expect(r.missingParts).toEqual([]);
  });

  it("writes a holding response's date in words in the complaint's zone, as the mailer's letter will", () => {
    const check = checkDraft(
      'extend',
      { reason: 'We are waiting for the courier.', expectedBy: '2026-12-07T17:00:00.000Z' },
      ctx(fca, { timeZone: 'Europe/London' }),
    );
    expect(check.source?.vars.expectedBy).toBe('2026-12-07T17:00:00.000Z'); // what the workflow computes
    expect(withLetter(check, deploymentTemplates()).letter?.body).toContain('by 5:00 pm GMT on Monday 7 December 2026');
  });

  it('checks every agent-written field: decline alternatives and resolution parts', () => {
    const decline = checkDraft(
      'proposeRemedy',
      {
        kind: 'decline',
        description: 'We cannot refund this fee.',
        alternatives: ['A payment plan.', 'Calm down and pay it.'],
      },
      ctx(fca),
    );
    expect(decline.respect.map((f) => [f.field, f.category])).toEqual([['alternatives.1', 'dismissal']]);
    expect(withLetter(decline, deploymentTemplates()).letter?.body).toContain('- Calm down and pay it.');
    const resolve = checkDraft(
      'resolve',
      {
        response: 'final-response',
        outcome: 'not-upheld',
        reasons: 'We found no error.',
        parts: { extra: 'As I already explained, you are wrong.' },
      },
      ctx(dflt),
    );
    expect(resolve.respect.filter((f) => f.severity === 'severe').map((f) => f.field)).toEqual([
      'parts.extra',
      'parts.extra',
    ]);
  });

  it('lists the regulated parts a draft would lack, as the workflow would refuse them', () => {
    const bare = { kind: 'decline', description: 'We cannot refund this fee.' } as const;
    expect(checkDraft('proposeRemedy', bare, ctx(fca)).missingParts).toEqual(['alternatives']);
    expect(checkDraft('proposeRemedy', { ...bare, alternatives: ['A payment plan.'] }, ctx(fca)).missingParts).toEqual(
      [],
    );
    const final = checkDraft(
      'resolve',
      { response: 'final-response', outcome: 'upheld', reasons: 'We got it wrong.' },
      ctx(fca),
    );
    expect(final.missingParts).toEqual([]);
    expect(withLetter(final, deploymentTemplates()).letter?.body).toContain('Financial Ombudsman Service');
  });

  it("reports readability below the policy's threshold (the default when the policy sets none)", () => {
    const hard =
      'Notwithstanding the aforementioned considerations, the organisation’s determination regarding reimbursement eligibility necessitates comprehensive documentation.';
    const r = checkDraft('askQuestion', { question: hard }, ctx(dflt));
    expect(r.readability).toEqual([
      { field: 'question', readingEase: expect.any(Number) as number, atLeast: DEFAULT_READING_EASE_AT_LEAST },
    ]);
    const plain = { question: 'Please tell us which account you would like the refund paid into.' };
    expect(checkDraft('askQuestion', plain, ctx(dflt)).readability).toEqual([]);
    const strict: Policy = { ...dflt, readingEaseAtLeast: 100 };
    expect(checkDraft('askQuestion', plain, ctx(strict)).readability).toEqual([
      { field: 'question', readingEase: expect.any(Number) as number, atLeast: 100 },
    ]);
  });

  it('gives a draft an id from the action and its canonical body: key order and outer spaces do not matter', () => {
    const a = draftId('apologise', { text: 'Sorry.', faultAdmitted: true });
    expect(draftId('apologise', { faultAdmitted: true, text: '  Sorry. ' })).toBe(a);
    expect(draftId('apologise', { text: 'Sorry.', faultAdmitted: false })).not.toBe(a);
    expect(draftId('askQuestion', { text: 'Sorry.', faultAdmitted: true })).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a readability threshold outside 0-100 in a policy', () => {
    expect(parsePolicy({ ...dflt, readingEaseAtLeast: 120 })).toMatchObject({ ok: false });
    expect(parsePolicy({ ...dflt, readingEaseAtLeast: 70 })).toMatchObject({ ok: true });
  });
});
