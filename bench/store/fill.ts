import type { ComplaintView } from '../../domain/complaint-view';
import { COMPLAINT_UPDATED } from '../../domain/complaint-view';
import { publishedEventId } from '../../domain/ids';
import { randomBytes } from 'node:crypto';
import { applyRecords } from '../../store/apply';
import { KeyRingCipher } from '../../platform/payload-codec';
import { textSeal } from '../../platform/store-seal';
import type { Db } from '../../store/db';
import { decodeRecord, type StoreRecord } from '../../store/records';

/**
 * Fills a store with `n` complaints (`open` of them open) through the projector's own path: each
 * `complaint.updated` as the bytes Kafka would deliver, decoded by `decodeRecord` and applied by
 * `applyRecords`, one transaction a batch. The time it takes is the projector's apply rate without Kafka.
 */

const DAY = 86_400_000;
const PRODUCTS = ['current-account', 'card', 'mortgage', 'loan', 'savings', 'insurance'];
const STAGES_OPEN = ['acknowledged', 'listening', 'apology', 'remedy', 'follow-up'] as const;

/** The view of the `i`-th complaint: the first `open` open, with deadlines over the next 30 days. */
export function benchView(i: number, open: number, now: number): ComplaintView {
  const isOpen = i < open;
  // A deterministic spread (a multiplicative hash), so ids and deadlines are in different orders.
  const spread = ((i * 2_654_435_761) % 2 ** 32) / 2 ** 32;
  const received = isOpen ? now - spread * 20 * DAY : now - (30 + spread * 1_000) * DAY;
  const deadline = isOpen ? new Date(now + spread * 30 * DAY).toISOString() : null;
  return {
    revision: 1,
    stage: isOpen ? STAGES_OPEN[i % STAGES_OPEN.length]! : 'closed',
    regime: i % 7 === 0 ? 'cfpb' : 'fca-disp',
    policyVersion: 1,
    region: 'GB-ENG',
    severity: i % 10 === 0 ? 'high' : 'medium',
    category: i % 3 === 0 ? 'billing' : 'service',
    product: PRODUCTS[i % PRODUCTS.length]!,
    channel: 'email',
    customerId: `cust-${i % 40_000}`,
    assignee: `agent-${i % 50}`,
    escalated: i % 50 === 0,
    breached: i % 20 === 0,
    breaches: [],
    nextDeadline: deadline,
    clocks: [
      {
        clock: 'final-response',
        kind: 'deadline',
        status: isOpen ? 'running' : 'stopped',
        deadline: new Date(received + 56 * DAY).toISOString(),
        breached: i % 20 === 0,
        met: isOpen ? null : i % 20 !== 0,
      },
    ],
    waitingOnCustomer: false,
    remedy: null,
    outcome: isOpen ? null : 'upheld',
    cause: isOpen ? null : 'billing-error',
    csat: isOpen ? null : (i % 5) + 1,
    reopenCount: 0,
    repeatOf: [],
    flagCount: 0,
    receivedAt: new Date(received).toISOString(),
    firstResponseAt: new Date(received + DAY).toISOString(),
    finalResponseAt: isOpen ? null : new Date(received + 20 * DAY).toISOString(),
  };
}

/** The `i`-th complaint's id: zero-padded so that id order is stable. */
export const benchId = (i: number) => `bench-${String(i).padStart(7, '0')}`;

/** Encodes and decodes one view, as the projector receives it. */
function record(i: number, open: number, now: number): StoreRecord {
  const complaintId = benchId(i);
  const envelope = {
    eventId: publishedEventId(complaintId, 'view:1'),
    type: COMPLAINT_UPDATED,
    complaintId,
    occurredAt: new Date(now).toISOString(),
    source: 'redress',
    data: benchView(i, open, now),
  };
  const d = decodeRecord('lifecycle', Buffer.from(JSON.stringify(envelope)), Buffer.from(complaintId), {
    topic: 'complaints.lifecycle',
    partition: 0,
    offset: String(i),
  });
  if (!d.ok) throw new Error(`bench view does not decode: ${d.rejection.reason}`);
  return d.record;
}

/** The projector's seal, over a random ring (the bench's records carry no survey comment to seal). */
const seal = textSeal({ seal: new KeyRingCipher([{ id: 'bench-1', secret: randomBytes(32) }]) });

/** Applies `n` complaints in batches of `batch`; returns records per second. */
export async function fill(db: Db, n: number, open: number, now: number, batch = 500): Promise<number> {
  const started = process.hrtime.bigint();
  for (let from = 0; from < n; from += batch) {
    const records: StoreRecord[] = [];
    for (let i = from; i < Math.min(n, from + batch); i += 1) records.push(record(i, open, now));
    await db.transaction((tx) => applyRecords(tx, records, seal));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return n / seconds;
}
