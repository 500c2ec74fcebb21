import { randomUUID } from 'node:crypto';
import { main } from '../../clients/cli/main';
import type { ApiRole } from '../../config/api-keys';
import type { DraftReport } from '../../domain/drafts/check';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';

/**
 * Drafts through the real API on the real stack (Temporal dev server, Kafka, the real worker): a draft is
 * rendered and checked and sends nothing; a severe text is refused (409, naming the finding) until a
 * supervisor approves that exact draft; then it reaches `complaints.notifications` once, and a second
 * send of it is refused.
 */
const run = randomUUID().slice(0, 6);
let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness('drafts');
});
afterAll(async () => {
  await h?.stop();
});

interface Notification {
  complaintId: string;
  data: { kind: string; subject: string; body: string; recipient: { type: string; name?: string } };
}
type Answer = Record<string, unknown> & { error?: string; message?: string };

const BLAME = 'We are sorry, but you should have checked the statement first. We will call you on Tuesday at 10.';

const apologies = (id: string) =>
  h.stack.collector.find<Notification>(
    h.stack.config.topics.notifications,
    (n) => n.complaintId === id && n.data.kind === 'apology',
  );

it('renders and checks a draft, refuses the severe text until a supervisor approves it, then sends it once', async () => {
  const id = `draft-${run}`;
  const base = complaintFixture();
  const submitted = await h.call('operator', 'POST', '/complaints', {
    complaintId: id,
    ...base,
    customer: { ...base.customer, id: `cust-${run}`, jurisdiction: 'DE' },
  });
  expect(submitted.status).toBe(201);
  const account = await h.call('operator', 'POST', `/complaints/${id}/account`, {
    account: 'Charged twice in October.',
    confirmed: true,
    confirmedHow: 'on a call on 2 Dec',
  });
  expect(account.status).toBe(200);
  const apology = { text: BLAME, faultAdmitted: false };

  // The draft: the letter as the customer gets it, every finding, nothing sent.
  const drafted = await h.call<DraftReport>('operator', 'POST', `/complaints/${id}/drafts`, {
    action: 'apologise',
    input: apology,
  });
  expect(drafted.status).toBe(200);
  const report = drafted.json;
  expect(report.letter).toMatchObject({ kind: 'apology', subject: `We are sorry (${id})` });
  expect(report.letter?.body).toBe(`Dear ${base.customer.name},\n\n${BLAME}`);
  expect(report.severe).toBe(true);
  expect(report.respect.map((f) => [f.field, f.category, f.span.text])).toContainEqual([
    'text',
    'blame',
    'you should have',
  ]);
  expect(report.promises.map((p) => [p.kind, p.when])).toEqual([['call-back', 'on Tuesday at 10']]);
  expect(report.draftId).toMatch(/^[0-9a-f]{64}$/);
  // A service key may not draft; a bad body is a 400 from the action's own schema.
  expect(
    (await h.call('service', 'POST', `/complaints/${id}/drafts`, { action: 'apologise', input: apology })).status,
  ).toBe(403);
  const bad = await h.call<Answer>('operator', 'POST', `/complaints/${id}/drafts`, {
    action: 'apologise',
    input: { text: '' },
  });
  expect(bad.status).toBe(400);
  expect(JSON.stringify(bad.json)).toContain('input.text');

  // Sending it is refused with the finding named, and nothing reached the mailer.
  const refused = await h.call<Answer>('operator', 'POST', `/complaints/${id}/apology`, apology);
  expect(refused.status).toBe(409);
  expect(refused.json.message).toContain('blame "you should have" in text');
  expect(refused.json.message).toContain(report.draftId);

  // An operator cannot approve; a supervisor can.
  const byOperator = await h.call('operator', 'POST', `/complaints/${id}/drafts/approval`, { draftId: report.draftId });
  expect(byOperator.status).toBe(403);
  const approved = await h.call('supervisor', 'POST', `/complaints/${id}/drafts/approval`, { draftId: report.draftId });
  expect(approved.status).toBe(200);

  const sent = await h.call<Answer>('operator', 'POST', `/complaints/${id}/apology`, apology);
  expect(sent.status).toBe(200);
  expect(sent.json.stage).toBe('remedy');
  const [letter] = await h.stack.collector.waitFor<Notification>(
    h.stack.config.topics.notifications,
    (n) => n.complaintId === id && n.data.kind === 'apology',
  );
  // What the draft showed is what the customer got.
  expect(letter!.data).toMatchObject({ subject: report.letter!.subject, body: report.letter!.body });

  // The approval is used up: the same draft is not sent again (the stage refuses a second apology too;
  // the approval's own rule is shown on the timeline and in the workflow test of a repeatable question).
  const again = await h.call<Answer>('operator', 'POST', `/complaints/${id}/apology`, apology);
  expect(again.status).toBe(409);
  expect(again.json.message).toContain('already sent');
  const timeline = await h.call<{ entries: Array<{ action: string }> }>(
    'operator',
    'GET',
    `/complaints/${id}/timeline`,
  );
  expect(timeline.json.entries.map((e) => e.action)).toEqual(
    expect.arrayContaining(['draft-held', 'draft-approved', 'apology-sent']),
  );
  // Give a duplicate time to show up, then count: the letter reached the notifications topic once.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  expect(apologies(id)).toHaveLength(1);
}, 120_000);

/** Runs `redress ...` as `role` in-process, capturing what it prints. */
async function redress(role: ApiRole, ...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const env = { REDRESS_API_URL: h.base, REDRESS_API_KEY: h.keys[role] };
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), env });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('drafts with the CLI (the verb and its own options) and approves as a supervisor', async () => {
  const id = `draft-cli-${run}`;
  const base = complaintFixture();
  const customer = { ...base.customer, id: `cust-cli-${run}`, jurisdiction: 'DE' };
  expect((await h.call('operator', 'POST', '/complaints', { complaintId: id, ...base, customer })).status).toBe(201);
  const text = 'Calm down, we will refund you by Friday.';
  const drafted = await redress('operator', 'draft', 'ask', id, '--question', text);
  expect(drafted).toMatchObject({ code: 0, err: '' });
  expect(drafted.out).toContain(`Dear ${base.customer.name}`);
  expect(drafted.out).toContain('severe dismissal in question: "Calm down"');
  expect(drafted.out).toMatch(/promise in question: "we will refund you by Friday" \(due \d{4}-/);
  const draftId = /^draft ([0-9a-f]{64})/.exec(drafted.out)?.[1] ?? '';
  expect(draftId).toHaveLength(64);
  expect((await redress('operator', 'ask', id, '--question', text)).code).toBe(1);
  expect((await redress('supervisor', 'approve-draft', id, '--draft', draftId)).code).toBe(0);
  expect((await redress('operator', 'ask', id, '--question', text)).code).toBe(0);
  expect((await redress('operator', 'draft', 'escalate', id, '--reason', 'x')).code).toBe(2);
}, 60_000);
