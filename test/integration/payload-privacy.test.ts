import { Client } from '@temporalio/client';
import { complaintWorkflowId } from '../../domain/ids';
import { ENCRYPTED_ENCODING } from '../../platform/payload-codec';
import type { ComplaintDetail } from '../../clients/api/schemas';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { complaintFixture } from '../support/fixtures';
import { foundIn, historyWithoutKey, readable } from '../support/privacy';

/**
 * Issue 16's proof, as far as payloads reach: a complaint worked through the real API on the real dev
 * server, then its history read as someone who reaches Temporal without the key would (the `temporal`
 * CLI, and a client with no codec). None of the customer's or the agent's words may be found; with the
 * key ring the same history decodes (the codec endpoint) and the API reads the complaint.
 */

let h: ApiHarness;
beforeAll(async () => {
  h = await startApiHarness('payload-privacy');
});
afterAll(async () => {
  await h?.stop();
});

const complaintId = `privacy-${Date.now()}`;
const complaint = complaintFixture({
  customer: { id: 'cust-opaque-7731', name: 'Grace Hopper', email: 'grace.hopper@example.org', jurisdiction: 'GB-ENG' },
  description: 'My direct debit was taken three times in one week and the bank charged me for it.',
});
const ACCOUNT = 'Three debits in a week; the bank fee was twelve pounds.';
const APOLOGY = 'We are sorry, Grace: we took your payment three times.';
const NOTE = 'Called the customer back; she was upset about the bank fee.';
const SECRETS = [complaint.customer.name, complaint.customer.email!, complaint.description, ACCOUNT, APOLOGY, NOTE];

const found = (text: string[]) => foundIn(SECRETS, text);

describe('a complaint’s history without the key', () => {
  beforeAll(async () => {
    expect((await h.call('operator', 'POST', '/complaints', { complaintId, ...complaint })).status).toBe(201);
    const act = async (path: string, body: unknown) => {
      const res = await h.call('operator', 'POST', `/complaints/${complaintId}/${path}`, body);
      expect(res.status).toBe(200);
    };
    await act('assignment', { assignee: 'agent-7' });
    await act('account', { account: ACCOUNT, confirmed: true, confirmedHow: 'on a call' });
    await act('notes', { text: NOTE });
    await act('apology', { text: APOLOGY, faultAdmitted: true });
  });

  it('holds none of the customer’s or the agent’s words, as `temporal workflow show -o json` prints it', async () => {
    const history = await historyWithoutKey(h.stack.config, complaintId);
    const text = readable(history);
    // It is the history (the customer's opaque id is in a search attribute), and it is encrypted.
    expect(text.some((t) => t.includes('cust-opaque-7731'))).toBe(true);
    expect(text.filter((t) => t.includes(ENCRYPTED_ENCODING)).length).toBeGreaterThan(5);
    expect(found(text)).toEqual([]);
  });

  it('holds none of them through a client without the codec either, search attributes included', async () => {
    const bare = new Client({ connection: h.stack.client.connection, namespace: h.stack.config.temporal.namespace });
    const handle = bare.workflow.getHandle(complaintWorkflowId(complaintId));
    const history = await handle.fetchHistory();
    const raw = Buffer.from(
      JSON.stringify(history, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v)),
    );
    for (const s of SECRETS) expect(raw.includes(s)).toBe(false);
    const { searchAttributes } = await handle.describe();
    expect(found(readable(JSON.parse(JSON.stringify(searchAttributes))))).toEqual([]);
    expect(JSON.stringify(searchAttributes)).toContain('cust-opaque-7731');
  });

  it('decodes with the key ring: the codec endpoint reads the input, and the API reads the complaint', async () => {
    const history = await h.stack.client.workflow.getHandle(complaintWorkflowId(complaintId)).fetchHistory();
    const input = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads!;
    const wire = input.map((p) => ({
      metadata: Object.fromEntries(
        Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
      ),
      data: Buffer.from(p.data!).toString('base64'),
    }));
    const decoded = await h.call<{ payloads: Array<{ data: string }> }>('auditor', 'POST', '/codec/decode', {
      payloads: wire,
    });
    expect(decoded.status).toBe(200);
    const clear = decoded.json.payloads.map((p) => Buffer.from(p.data, 'base64').toString()).join('');
    expect(clear).toContain(complaint.customer.name);
    expect(clear).toContain(complaint.description);

    const res = await h.call<ComplaintDetail>('operator', 'GET', `/complaints/${complaintId}`);
    expect(res.status).toBe(200);
    expect(res.json.stage).toBe('remedy');
    expect(res.json.timeline.map((e) => e.action)).toEqual([
      'received',
      'assigned',
      'account-recorded',
      'note-added',
      'apology-sent',
    ]);
  });
});
