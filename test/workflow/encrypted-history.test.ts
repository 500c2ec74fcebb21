import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { temporal } from '@temporalio/proto';
import * as m from '../../workflows/messages';
import { payloadDataConverter } from '../../platform/data-converter';
import { ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../platform/payload-codec';
import { operator, withComplaint } from '../support/complaint-harness';
import { complaintFixture } from '../support/fixtures';
import { replayTestKeys } from '../support/payload-keys';
import { historyPayloads } from '../support/history-payloads';
import { DAY } from '../support/time';
import { createTimeSkippingEnv } from '../support/workflow-env';

/**
 * A complaint worked under the payload codec, as every process runs it: the workflow reads clear values,
 * the server holds ciphertext. Encrypted under the committed replay TEST key (test/replay/test-payload-key)
 * so that `RECORD_HISTORIES=1 npx jest test/workflow/encrypted-history.test.ts` records a history the
 * replay test can decode (as `encrypted-lifecycle@outbox-engine.json`; existing files are never rewritten).
 */

let env: TestWorkflowEnvironment;
beforeAll(async () => {
  env = await createTimeSkippingEnv(
    payloadDataConverter({ encryption: 'on', keys: replayTestKeys(), source: 'REDRESS_PAYLOAD_KEYS' }),
  );
});
afterAll(async () => {
  await env?.teardown();
});

const ACCOUNT = 'Charged twice in October, the second time on the 14th.';
const APOLOGY = 'We are sorry, Ada: we charged you twice.';

type Payload = temporal.api.common.v1.IPayload;

describe('a complaint under the payload codec', () => {
  it('works as ever, and its history holds no personal text in clear', async () => {
    await withComplaint(env, 'encrypted-lifecycle', {}, async (h) => {
      await h.act(m.assignUpdate, { actor: operator, assignee: 'agent-7' });
      await h.act(m.recordAccountUpdate, {
        actor: operator,
        account: ACCOUNT,
        confirmed: true,
        confirmedHow: 'on a call',
      });
      const s = await h.act(m.apologiseUpdate, { actor: operator, text: APOLOGY, faultAdmitted: true });
      // The workflow saw the clear values: it published the apology with the words it was given.
      expect(s.stage).toBe('remedy');
      expect(JSON.stringify(h.notifications())).toContain(APOLOGY);
      await h.sleep(3 * DAY); // clocks fire and breach: timers and their records in the history too

      const history = await h.handle.fetchHistory();
      const { encoded, searchAttributes, sdkMarkers } = historyPayloads(history);
      expect(encoded.length).toBeGreaterThan(5);
      expect(searchAttributes.length).toBeGreaterThan(5);
      const text = (p: Payload, key: string) => Buffer.from(p.metadata![key]!).toString();
      expect(new Set(encoded.map((p) => text(p, 'encoding')))).toEqual(new Set([ENCRYPTED_ENCODING]));
      expect(new Set(encoded.map((p) => text(p, KEY_ID_METADATA)))).toEqual(new Set(['replay-test-1']));
      const { customer, description } = complaintFixture();
      for (const payloads of [encoded, searchAttributes, sdkMarkers]) {
        const raw = Buffer.concat(payloads.map((p) => p.data!));
        for (const secret of [customer.name, customer.email!, description, ACCOUNT, APOLOGY]) {
          expect(raw.includes(secret)).toBe(false);
        }
      }
    });
  });
});
