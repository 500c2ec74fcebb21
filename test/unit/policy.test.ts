import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PolicyNotFoundError,
  allowedResponseTypes,
  missingParts,
  needsSupervisorApproval,
  parsePolicy,
  parsePolicyJson,
  policyInForce,
  regionFor,
  scoreReopens,
  selectPolicy,
} from '../../domain/policy';
import type { Policy } from '../../domain/policy';
import {
  POLICY_DIR_ENV,
  PolicyLoadError,
  loadPolicies,
  loadPolicyCatalogue,
  shippedPolicyDir,
} from '../../platform/policy-files';

const shippedDir = shippedPolicyDir();
const shipped = loadPolicies({ overridePath: null });
/** A policy file as JSON, typed loosely enough to break it on purpose. */
interface RawClock {
  name: string;
  target: { amount: number; unit: string };
  extension?: { target: { amount: number; unit: string } };
  [field: string]: unknown;
}
interface RawPolicy {
  clocks: RawClock[];
  responses: Record<string, { requiredParts?: string[]; allowedTypes?: string[] }>;
  calendar: { defaultRegion: string };
  remedies: { supervisorApprovalAbove: Record<string, number> };
  followUp: { reopenAtOrBelow: number };
  [field: string]: unknown;
}
const rawShipped = (file: string): RawPolicy => JSON.parse(readFileSync(join(shippedDir, file), 'utf8')) as RawPolicy;
const AT = '2026-03-02T10:00:00Z';
const regime = (id: string): Policy => policyInForce(shipped, id, AT);
const clock = (id: string, name: string) => regime(id).clocks.find((c) => c.name === name);

let scratch: string;
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'redress-policy-'));
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

describe('the shipped policies', () => {
  it('are versioned files named after their id and version, and all valid', () => {
    const files = readdirSync(shippedDir).filter((f) => f.endsWith('.json'));
    expect(files.sort()).toEqual(['cfpb.v1.json', 'default.v1.json', 'fca-disp.v1.json', 'fca-payments.v1.json']);
    for (const file of files) {
      const result = parsePolicy(rawShipped(file));
      expect({ file, errors: result.ok ? [] : result.errors }).toEqual({ file, errors: [] });
      if (result.ok) expect(`${result.policy.id}.v${result.policy.version}.json`).toBe(file);
    }
  });

  it('every regime keeps Redress’s own 24-hour first-response promise', () => {
    for (const id of ['default', 'fca-disp', 'fca-payments', 'cfpb']) {
      expect(clock(id, 'first-response')?.target).toEqual({ amount: 24, unit: 'hours' });
    }
  });

  it('carry the figures of DESIGN §3', () => {
    expect(clock('default', 'final-response')?.target).toEqual({ amount: 10, unit: 'business-days' });
    expect(clock('fca-disp', 'summary-resolution')).toMatchObject({
      kind: 'window',
      target: { amount: 3, unit: 'business-days' },
      breach: [],
    });
    // DISP 1.6.2R: a holding response does not end the duty to give a final response; it moves the
    // clock to the date it promised (at most 16 weeks), so it is an extension, never a stop.
    expect(clock('fca-disp', 'final-response')).toMatchObject({
      target: { amount: 8, unit: 'weeks' },
      stop: ['summary-resolution-sent', 'final-response-sent', 'withdrawn'],
      extension: { on: 'holding-response-sent', until: 'expected-by', target: { amount: 16, unit: 'weeks' } },
    });
    expect(clock('fca-payments', 'final-response')).toMatchObject({
      target: { amount: 15, unit: 'business-days' },
      extension: { on: 'holding-response-sent', target: { amount: 35, unit: 'business-days' } },
    });
    expect(clock('cfpb', 'response')?.target).toEqual({ amount: 15, unit: 'days' });
    expect(clock('cfpb', 'final-response')?.target).toEqual({ amount: 60, unit: 'days' });
    expect(regime('fca-disp').calendar.afterCloseOfBusiness).toBe('next-business-day');
  });

  it('prescribe what responses contain: the FCA final response and the CFPB response types', () => {
    expect(regime('fca-disp').responses['final-response']?.requiredParts).toEqual(
      expect.arrayContaining(['outcome', 'reasons', 'ombudsman-referral-right', 'ombudsman-time-limit-6-months']),
    );
    expect(regime('fca-disp').responses['summary-resolution']?.requiredParts).toContain('complaint-resolved-statement');
    expect(regime('fca-payments').responses['holding-response']?.requiredParts).toEqual([
      'delay-reasons',
      'expected-response-date',
    ]);
    expect(allowedResponseTypes(regime('cfpb'), 'cfpb-response')).toEqual([
      'closed-with-monetary-relief',
      'closed-with-non-monetary-relief',
      'closed-with-explanation',
      'in-progress',
      'administrative-response',
    ]);
  });
});

describe('missingParts and the other helpers', () => {
  it('lists what a response lacks, in the policy’s order', () => {
    const fca = regime('fca-disp');
    expect(missingParts(fca, 'final-response', ['outcome', 'reasons', 'ombudsman-referral-right'])).toEqual([
      'ombudsman-time-limit-6-months',
      'ombudsman-contact-details',
      'ombudsman-leaflet',
      'time-limit-waiver-position',
    ]);
    expect(missingParts(fca, 'final-response', fca.responses['final-response']!.requiredParts)).toEqual([]);
    expect(missingParts(regime('default'), 'cfpb-response', [])).toEqual([]);
  });

  it('supervisor approval above the threshold, and for a currency without one', () => {
    const fca = regime('fca-disp');
    expect(needsSupervisorApproval(fca, 250, 'GBP')).toBe(false);
    expect(needsSupervisorApproval(fca, 250.01, 'GBP')).toBe(true);
    expect(needsSupervisorApproval(fca, 1, 'JPY')).toBe(true);
  });

  it('a score at or below the threshold reopens', () => {
    expect([1, 2, 3, 5].map((s) => scoreReopens(regime('default'), s))).toEqual([true, true, false, false]);
  });
});

describe('a broken policy file gets errors naming the field and the reason', () => {
  type Mutation = (p: RawPolicy) => void;
  const broken = (file: string, mutate: Mutation): string[] => {
    const p = rawShipped(file);
    mutate(p);
    const result = parsePolicy(p);
    return result.ok ? [] : result.errors;
  };

  it.each<[string, string, Mutation, string]>([
    [
      'an unknown unit',
      'fca-disp.v1.json',
      (p) => (p.clocks[3]!.target.unit = 'fortnights'),
      'clocks[3].target.unit: Invalid option: expected one of "hours"|"days"|"weeks"|"business-hours"|"business-days"',
    ],
    [
      'a missing field',
      'default.v1.json',
      (p) => delete p.clocks[1]!.pausesWhileWaitingOnCustomer,
      'clocks[1].pausesWhileWaitingOnCustomer: Invalid input: expected boolean, received undefined',
    ],
    [
      'a misspelt field',
      'default.v1.json',
      (p) => (p.clocks[1]!.warnigns = [0.5]),
      'clocks[1].warnigns: unknown field',
    ],
    [
      'warnings out of order',
      'default.v1.json',
      (p) => (p.clocks[1]!.warnings = [0.9, 0.5]),
      'clocks[1].warnings[1]: warnings must be in ascending order without repeats',
    ],
    [
      'a warning at the breach',
      'default.v1.json',
      (p) => (p.clocks[1]!.warnings = [1]),
      'clocks[1].warnings[0]: must be below 1 (the breach is at 1)',
    ],
    [
      'a deadline without a breach action',
      'default.v1.json',
      (p) => (p.clocks[2]!.breach = []),
      'clocks[2].breach: a deadline clock needs at least one breach action',
    ],
    [
      'an unknown event',
      'default.v1.json',
      (p) => (p.clocks[2]!.stop = ['final-reponse-sent']),
      'clocks[2].stop[0]: Invalid option',
    ],
    [
      'an extension that shortens',
      'fca-payments.v1.json',
      (p) => (p.clocks[2]!.extension!.target.amount = 10),
      'clocks[2].extension.target.amount: an extension must be longer than the target (15)',
    ],
    [
      'an extension in another unit',
      'fca-payments.v1.json',
      (p) => (p.clocks[2]!.extension!.target.unit = 'days'),
      "clocks[2].extension.target.unit: must be the clock's own unit (business-days)",
    ],
    [
      'a date without a time and offset',
      'cfpb.v1.json',
      (p) => (p.effectiveFrom = '2025-01-01'),
      'effectiveFrom: must be an ISO-8601 instant with an offset',
    ],
    [
      'no first-response clock',
      'default.v1.json',
      (p) => void p.clocks.splice(1, 1),
      'clocks: needs a first-response clock',
    ],
    [
      'duplicate clock names',
      'default.v1.json',
      (p) => (p.clocks[2]!.name = 'first-response'),
      'clocks[2].name: duplicate clock name first-response',
    ],
    [
      'response types on the wrong response',
      'cfpb.v1.json',
      (p) => (p.responses['final-response']!.allowedTypes = ['in-progress']),
      'responses.final-response.allowedTypes: only cfpb-response has response types',
    ],
    [
      'an unknown response part',
      'fca-disp.v1.json',
      (p) => (p.responses['final-response']!.requiredParts = ['outcome', 'ombudsman']),
      'responses.final-response.requiredParts[1]: Invalid option',
    ],
    [
      'an unknown region',
      'default.v1.json',
      (p) => (p.calendar.defaultRegion = 'GB'),
      'calendar.defaultRegion: Invalid option',
    ],
    [
      'a currency that is not ISO 4217',
      'default.v1.json',
      (p) => (p.remedies.supervisorApprovalAbove = { pounds: 1 }),
      'remedies.supervisorApprovalAbove.pounds: must be an ISO 4217 currency code',
    ],
    [
      'a reopen threshold at the top of the scale',
      'default.v1.json',
      (p) => (p.followUp.reopenAtOrBelow = 5),
      'followUp.reopenAtOrBelow: must be below the top of the scale',
    ],
  ])('%s', (_what, file, mutate, expected) => {
    // On failure jest prints every error the policy got, so a changed message is easy to see.
    const escaped = expected.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(broken(file, mutate)).toEqual(expect.arrayContaining([expect.stringMatching(new RegExp(`^${escaped}`))]));
  });

  it('a JSON syntax error is reported as such', () => {
    const result = parsePolicyJson('{ "id": "x", }');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]).toMatch(/^\(root\): not valid JSON/);
  });
});

describe('choosing the regime and its version', () => {
  it('selection rules pick the regime from jurisdiction, product and category', () => {
    const pick = (jurisdiction: string, product?: string, category?: string) =>
      selectPolicy(shipped, { jurisdiction, ...(product ? { product } : {}), ...(category ? { category } : {}) }, AT)
        .id;
    expect(pick('GB-SCT', 'payment-services')).toBe('fca-payments');
    expect(pick('GB', undefined, 'Payments')).toBe('fca-payments');
    expect(pick('GB-ENG', 'mortgage')).toBe('fca-disp');
    expect(pick('GB')).toBe('fca-disp');
    // The CFPB's rules govern the complaints it sends a company, not those made to the firm directly.
    expect(pick('US-NY', 'credit-card')).toBe('default');
    expect(selectPolicy(shipped, { jurisdiction: 'US-NY', referredBy: 'cfpb' }, AT).id).toBe('cfpb');
    expect(selectPolicy(shipped, { jurisdiction: 'GB', referredBy: 'cfpb' }, AT).id).toBe('fca-disp');
    expect(pick('FR', 'payment-services')).toBe('default');
    expect(pick('GBR')).toBe('default');
  });

  it('the calendar region follows the jurisdiction, else the policy’s default', () => {
    expect(regionFor(regime('fca-disp'), 'GB-SCT')).toBe('GB-SCT');
    expect(regionFor(regime('fca-disp'), 'GB')).toBe('GB-ENG');
    expect(regionFor(regime('cfpb'), 'US-CA')).toBe('US');
    expect(regionFor(regime('default'), 'ES')).toBe('GB-ENG');
    // The firm's site decides the business days: a Glasgow office's, for an English customer.
    expect(regionFor(regime('fca-disp'), 'GB-ENG', 'GB-SCT')).toBe('GB-SCT');
  });

  it('a complaint keeps the version in force when it was received', () => {
    const v2 = { ...rawShipped('fca-disp.v1.json'), version: 2, effectiveFrom: '2026-06-01T00:00:00+01:00' };
    v2.clocks[3]!.target = { amount: 6, unit: 'weeks' };
    writeFileSync(join(scratch, 'fca-disp.v2.json'), JSON.stringify(v2));
    const policies = loadPolicies({ overridePath: scratch });
    expect(policyInForce(policies, 'fca-disp', '2026-05-31T22:59:59Z').version).toBe(1);
    expect(policyInForce(policies, 'fca-disp', '2026-05-31T23:00:00Z').version).toBe(2);
    expect(selectPolicy(policies, { jurisdiction: 'GB' }, '2026-07-01T00:00:00Z').version).toBe(2);
  });

  it('an unknown regime, or one not yet in force, is an error that says so', () => {
    expect(() => policyInForce(shipped, 'fca', AT)).toThrow(PolicyNotFoundError);
    expect(() => policyInForce(shipped, 'fca', AT)).toThrow(/known regimes: cfpb, default, fca-disp, fca-payments/);
    expect(() => policyInForce(shipped, 'cfpb', '2019-12-31T23:59:59Z')).toThrow(
      /no version of regime cfpb was in force/,
    );
  });
});

describe('operator overrides and additions', () => {
  it('a file with the same id and version replaces the shipped one; a new id is added', () => {
    const strict = { ...rawShipped('default.v1.json'), title: 'Our stricter default' };
    const extra = { ...rawShipped('default.v1.json'), id: 'ombudsman-ie', title: 'Ireland' };
    writeFileSync(join(scratch, 'default.json'), JSON.stringify(strict));
    writeFileSync(join(scratch, 'ombudsman-ie.json'), JSON.stringify(extra));
    const catalogue = loadPolicyCatalogue({ overridePath: scratch });
    const replaced = catalogue.find((l) => l.policy.id === 'default');
    expect(replaced).toMatchObject({ policy: { title: 'Our stricter default' }, file: join(scratch, 'default.json') });
    expect(replaced?.replaced).toBe(join(shippedDir, 'default.v1.json'));
    expect(catalogue.map((l) => l.policy.id)).toEqual(['cfpb', 'default', 'fca-disp', 'fca-payments', 'ombudsman-ie']);
  });

  it(`reads ${POLICY_DIR_ENV} (a directory or a single file)`, () => {
    const file = join(scratch, 'one.json');
    writeFileSync(file, JSON.stringify({ ...rawShipped('cfpb.v1.json'), id: 'cfpb-strict' }));
    expect(loadPolicies({ env: { [POLICY_DIR_ENV]: file } }).map((p) => p.id)).toContain('cfpb-strict');
    expect(loadPolicies({ env: { [POLICY_DIR_ENV]: scratch } }).map((p) => p.id)).toContain('cfpb-strict');
    expect(loadPolicies({ env: {} }).map((p) => p.id)).not.toContain('cfpb-strict');
  });

  it('a bad operator file fails the whole load, naming the file and the field', () => {
    const bad = rawShipped('default.v1.json');
    bad.clocks[0]!.target.amount = -1;
    writeFileSync(join(scratch, 'bad.json'), JSON.stringify(bad));
    expect(() => loadPolicies({ overridePath: scratch })).toThrow(PolicyLoadError);
    expect(() => loadPolicies({ overridePath: scratch })).toThrow(
      `${join(scratch, 'bad.json')}: clocks[0].target.amount: Too small: expected number to be >0`,
    );
  });

  it('two versions starting at the same instant are refused as ambiguous', () => {
    writeFileSync(join(scratch, 'v2.json'), JSON.stringify({ ...rawShipped('cfpb.v1.json'), version: 2 }));
    expect(() => loadPolicies({ overridePath: scratch })).toThrow(
      /effectiveFrom: cfpb already has a version starting then/,
    );
  });

  it('a missing override path is an error, not silently ignored', () => {
    expect(() => loadPolicies({ overridePath: join(scratch, 'nope') })).toThrow(/no such file or directory/);
  });
});

describe('where the policy code may run', () => {
  // Workflow code imports domain/policy (selection, plans, missingParts), so all of it must stay inside
  // the deterministic sandbox's limits; reading the files is platform/policy-files.ts.
  it('nothing in domain/policy touches Node: it imports zod, the clock and the region list', () => {
    const dir = join(__dirname, '../../domain/policy');
    const allowed = ['zod', '../clock', '../regions'];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const imports = [...readFileSync(join(dir, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      expect({ file, outside: imports.filter((i) => !i.startsWith('./') && !allowed.includes(i)) }).toEqual({
        file,
        outside: [],
      });
    }
  });
});
