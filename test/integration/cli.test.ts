import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../clients/cli/main';
import type { ApiRole } from '../../config/api-keys';
import { repoRoot } from '../../infra/paths';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { waitUntil } from '../support/wait';
import { complaintFixture } from '../support/fixtures';
import { HOUR } from '../support/time';
import { complaintWorkflowId } from '../../domain/ids';
import { customerRepliedSignal, type ComplaintStatus } from '../../workflows/messages';

/**
 * The `redress` CLI against the real API on the real stack: submit, status, list, at-risk and actions
 * (one needing a supervisor; the note, account confirmation and commitment verbs), run in-process
 * through the dispatcher, and once as the built bin.
 */
const run = randomUUID().slice(0, 6);
const customerId = `cli-${run}`;
let h: ApiHarness;
let dir: string;

beforeAll(async () => {
  h = await startApiHarness('cli');
  dir = mkdtempSync(join(tmpdir(), 'redress-cli-'));
});
afterAll(async () => {
  await h?.stop();
});

/** Runs `redress ...` as `role`, capturing what it prints. */
async function redress(role: ApiRole | null, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { REDRESS_API_URL: h.base, ...(role ? { REDRESS_API_KEY: h.keys[role] } : {}) };
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** A complaint file for `redress submit`, received `hoursAgo`. */
function complaintFile(id: string, hoursAgo = 0): string {
  const base = complaintFixture();
  const file = join(dir, `${id}.json`);
  const body = {
    complaintId: id,
    ...base,
    customer: { ...base.customer, id: customerId },
    receivedAt: new Date(Date.now() - hoursAgo * HOUR).toISOString(),
  };
  writeFileSync(file, JSON.stringify(body));
  return file;
}

const soon = `cli-${run}-soon`;
const later = `cli-${run}-later`;

describe('redress CLI on the real stack', () => {
  it('submits a complaint from a JSON file, and reports an existing one without a second', async () => {
    const created = await redress('operator', 'submit', complaintFile(soon, 23));
    expect(created).toMatchObject({ code: 0, err: '' });
    expect(created.out).toMatch(new RegExp(`^created: ${soon}: stage (received|acknowledged); regime fca-disp`));
    const again = await redress('service', 'submit', complaintFile(soon, 23));
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^exists \(not submitted again\)/);
    expect((await redress('operator', 'submit', complaintFile(later))).code).toBe(0);
  });

  it('shows the status as a summary with every clock, or as JSON', async () => {
    const text = await waitUntil('the status in the CLI', async () => {
      const res = await redress('auditor', 'status', soon);
      expect(res.code).toBe(0);
      expect(res.out).toContain('stage acknowledged');
      return res.out;
    });
    expect(text).toMatch(/first-response\s+running\s+\S+\s+\d+m/);
    expect(text).toMatch(/final-response\s+running/);
    const json = await redress('auditor', 'status', soon, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ complaintId: soon, regime: 'fca-disp' });
    const missing = await redress('auditor', 'status', `nope-${run}`);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/refused \(404 not_found\): no complaint/);
  });

  it('lists with filters as a table or JSON, and at-risk shows only what is due within the window', async () => {
    const listed = await waitUntil("the complaint in the CLI's list", async () => {
      const res = await redress('operator', 'list', '--customer', customerId, '--json');
      expect(res.code).toBe(0);
      const items = (JSON.parse(res.out) as { items: Array<{ complaintId: string }> }).items;
      expect(items.map((i) => i.complaintId)).toEqual([soon, later]);
      return res;
    });
    expect(listed.err).toBe('');
    const table = await redress('operator', 'list', '--customer', customerId);
    expect(table.out.split('\n')[0]).toMatch(
      /^complaint\s+stage\s+severity\s+regime\s+product\s+assignee\s+next deadline/,
    );
    expect(table.out).toMatch(new RegExp(`${soon}\\s+acknowledged\\s+medium\\s+fca-disp`));

    const atRisk = await waitUntil("the complaint in the CLI's at-risk list", async () => {
      const res = await redress('supervisor', 'at-risk', '--within', '2h', '--customer', customerId);
      expect(res.code).toBe(0);
      expect(res.out).toContain(soon);
      return res.out;
    });
    expect(atRisk).toMatch(/^at risk: next deadline within 2h/);
    expect(atRisk).not.toContain(later);
    const bad = await redress('operator', 'at-risk', '--within', 'soon');
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/atRiskWithin: must be a duration/);
  });

  it('acts: assigns, and a supervisor approves the remedy an operator may not', async () => {
    const assigned = await redress('operator', 'assign', soon, '--to', 'agent-3');
    expect(assigned).toMatchObject({ code: 0, err: '' });
    expect(assigned.out).toMatch(new RegExp(`^${soon}: stage listening; regime fca-disp; assigned to agent-3`));
    await redress(
      'operator',
      'account',
      soon,
      '--text',
      'Charged twice.',
      '--confirmed',
      '--confirmed-how',
      'on a call',
    );
    await redress('operator', 'apologise', soon, '--text', 'We are sorry.', '--fault-admitted');
    const proposed = await redress(
      'operator',
      'propose-remedy',
      soon,
      '--kind',
      'refund',
      '--description',
      'Refund of the second charge',
      '--amount',
      '300',
      '--currency',
      'GBP',
    );
    expect(proposed.out).toMatch(/remedy refund 300 GBP awaiting-approval/);
    const byOperator = await redress('operator', 'approve-remedy', soon, '--reason', 'ok');
    expect(byOperator.code).toBe(1);
    expect(byOperator.err).toMatch(/refused \(403 forbidden\): the operator role cannot approve or reject remedies/);
    const approved = await redress('supervisor', 'approve-remedy', soon, '--reason', 'Our error');
    expect(approved.code).toBe(0);
    expect(approved.out).toMatch(/remedy refund 300 GBP requested/);
    const timeline = await redress('auditor', 'timeline', soon);
    expect(timeline.out).toMatch(/it-supervisor \(supervisor\)\s+remedy-approved\s+Our error/);
  });

  it('takes the issue-13 actions: note, confirm-account on the customer’s reply, commit and kept', async () => {
    const account = await redress('operator', 'account', later, '--text', 'You were charged twice in October.');
    expect(account).toMatchObject({ code: 0, err: '' });
    expect(account.out).toMatch(new RegExp(`^${later}: stage listening`));
    const note = await redress('operator', 'note', later, '--text', 'Customer prefers a call after 5pm.');
    expect(note).toMatchObject({ code: 0, err: '' });

    // The customer's reply, as the bridge delivers one (the Kafka path is conversation.test.ts's).
    const replyId = `cli-reply-${run}`;
    await h.stack.client.workflow.getHandle(complaintWorkflowId(later)).signal(customerRepliedSignal, {
      eventId: replyId,
      source: 'contact-centre',
      occurredAt: new Date().toISOString(),
      data: { message: 'Yes, that is what happened.' },
    });
    const confirmed = await waitUntil('the reply read as the confirmation', async () => {
      const res = await redress('operator', 'confirm-account', later, '--reply', replyId);
      return res.code === 0 && res;
    });
    expect(confirmed.out).toMatch(new RegExp(`^${later}: stage apology`));
    const refused = await redress('operator', 'confirm-account', later, '--reply', replyId);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/refused \(409 conflict\)/);

    const dueAt = new Date(Date.now() + 2 * HOUR).toISOString();
    const words = 'We will call you today after 5pm.';
    const committed = await redress(
      'operator',
      'commit',
      later,
      '--kind',
      'call-back',
      '--due',
      dueAt,
      '--words',
      words,
      '--told',
      '--json',
    );
    expect(committed.code).toBe(0);
    const made = (JSON.parse(committed.out) as ComplaintStatus).commitments.find((c) => c.source === 'action')!;
    expect(made).toMatchObject({
      kind: 'call-back',
      dueAt,
      words,
      visibleToCustomer: true,
      status: 'open',
      owner: 'it-operator',
    });
    const kept = await redress(
      'operator',
      'kept',
      later,
      '--commitment',
      made.commitmentId,
      '--note',
      'Called at 5.30pm.',
      '--json',
    );
    expect(kept.code).toBe(0);
    const after = (JSON.parse(kept.out) as ComplaintStatus).commitments.find(
      (c) => c.commitmentId === made.commitmentId,
    );
    expect(after?.status).toBe('kept');

    const timeline = (await redress('auditor', 'timeline', later)).out;
    expect(timeline).toMatch(/it-operator \(operator\)\s+account-confirmed\s+.*cli-reply-/);
    expect(timeline).toMatch(/commitment-made\s+call-back by/);
    expect(timeline).toMatch(/commitment-kept\s+call-back due .*: Called at 5.30pm./);
    // The note's words stay in the conversation: the timeline only says one was added.
    expect(timeline).toMatch(/it-operator \(operator\)\s+note-added/);
    expect(timeline).not.toContain('after 5pm');
  });

  it('says what is wrong: usage (2), a missing key (2), an unreachable API (3)', async () => {
    expect((await redress('operator', 'assign', soon)).err).toMatch(/--to is required[\s\S]*usage: redress assign/);
    const noKey = await redress(null, 'status', soon);
    expect(noKey.code).toBe(2);
    expect(noKey.err).toMatch(/no API key: set REDRESS_API_KEY/);
    const out: string[] = [];
    const code = await main(['status', soon, '--api', 'http://127.0.0.1:1'], {
      out: (s) => out.push(s),
      err: (s) => out.push(s),
      env: { REDRESS_API_KEY: h.keys.operator },
    });
    expect(code).toBe(3);
    expect(out.join('\n')).toMatch(/cannot reach the API at http:\/\/127.0.0.1:1/);
  });

  it('works as the installed bin (dist), reading the key from the environment', async () => {
    const bin = join(repoRoot(), 'dist', 'clients', 'cli', 'main.js');
    if (!existsSync(bin)) throw new Error(`${bin} is missing: build first (npx tsc -p tsconfig.build.json)`);
    // Asynchronously: the API answering it runs in this very process.
    const result = await promisify(execFile)(process.execPath, [bin, 'status', soon, '--json'], {
      encoding: 'utf8',
      env: { ...process.env, REDRESS_API_URL: h.base, REDRESS_API_KEY: h.keys.auditor },
    });
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ complaintId: soon, assignee: 'agent-3' });
  });
});
