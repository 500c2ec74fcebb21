import { upsertSearchAttributes } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { SA } from './search-attributes';
import type { ComplaintCase } from './case';

/**
 * Keeps a complaint's search attributes (what supervisors find it by) current. Upserts only when a
 * value changed: every upsert is a history event.
 */
export function searchAttributeSync(receivedAt: number): (complaint: ComplaintCase) => void {
  let last = '';
  return (complaint) => {
    const s = complaint.status(Date.now());
    const next = complaint.nextDeadline();
    const pairs = [
      { key: SA.stage, value: s.stage },
      { key: SA.severity, value: s.severity },
      { key: SA.category, value: s.category },
      { key: SA.channel, value: s.channel },
      { key: SA.customerId, value: s.customerId },
      { key: SA.assignee, value: s.assignee ?? null },
      { key: SA.regime, value: s.regime },
      { key: SA.outcome, value: s.outcome ?? null },
      { key: SA.nextDeadline, value: next === undefined ? null : new Date(next) },
      { key: SA.receivedAt, value: new Date(receivedAt) },
      { key: SA.breached, value: s.breached },
      { key: SA.escalated, value: s.escalated },
      { key: SA.csat, value: s.csat ?? null },
      { key: SA.reopenCount, value: s.reopenCount },
    ] as SearchAttributeUpdatePair[];
    const key = JSON.stringify(pairs.map((p) => p.value));
    if (key === last) return;
    last = key;
    upsertSearchAttributes(pairs);
  };
}
