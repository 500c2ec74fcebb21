import type { Admin } from 'kafkajs';
import type { LagSource } from './metrics';
import { CoalescedCheck } from './progress';

/** The key of a topic-partition in the bridge's maps. */
export const tpKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** What {@link groupProgress} reads: the group, its topics, and this bridge's own view of its partitions. */
export interface GroupProgressSources {
  admin: Admin;
  groupId: string;
  intakeTopic: string;
  /** The inbound topics the lag gauge reports on. */
  topics: readonly string[];
  /** The next offset to process of each assigned partition, as this bridge resolved it (by {@link tpKey}). */
  localNext: ReadonlyMap<string, bigint>;
  /** The partitions assigned to this bridge now. */
  assigned: () => ReadonlyArray<{ topic: string; partition: number }>;
}

/**
 * What the consumer group has processed, read from Kafka: how far intake is behind (for a fact
 * whose complaint is not open yet) and the lag of each assigned partition (for the metric).
 */
export function groupProgress(s: GroupProgressSources): { intakeBehind: CoalescedCheck<bigint>; lag: LagSource } {
  /** Group progress of one topic: the committed offset, or this bridge's own when it is further. */
  const groupNext = async (topic: string): Promise<Map<number, bigint>> => {
    const [committed] = await s.admin.fetchOffsets({ groupId: s.groupId, topics: [topic] });
    const next = new Map<number, bigint>();
    for (const p of committed?.partitions ?? []) next.set(p.partition, BigInt(p.offset));
    for (const [partition, offset] of next) {
      const local = s.localNext.get(tpKey(topic, partition));
      if (local !== undefined && local > offset) next.set(partition, local);
    }
    return next;
  };

  /**
   * How many intake messages, published before now, the group has not processed yet. A fact for an
   * unknown complaint waits while this is above zero (within its bound): its `complaint.received`
   * (published first, on another topic, so in no guaranteed order with it) may still be on its way.
   */
  const intakeBehind = new CoalescedCheck(async (): Promise<bigint> => {
    const [highs, next] = await Promise.all([s.admin.fetchTopicOffsets(s.intakeTopic), groupNext(s.intakeTopic)]);
    let behind = 0n;
    for (const h of highs) {
      const high = BigInt(h.high);
      const low = BigInt(h.low);
      let done = next.get(h.partition) ?? -1n;
      const local = s.localNext.get(tpKey(s.intakeTopic, h.partition));
      if (local !== undefined && local > done) done = local;
      if (done < low) done = low;
      if (high > done) behind += high - done;
    }
    return behind;
  });

  const lag: LagSource = {
    async lag() {
      const rows: Array<{ topic: string; partition: number; highWatermark: bigint; next: bigint }> = [];
      for (const topic of s.topics) {
        const mine = s.assigned().filter((a) => a.topic === topic);
        if (mine.length === 0) continue;
        const [highs, next] = await Promise.all([s.admin.fetchTopicOffsets(topic), groupNext(topic)]);
        for (const { partition } of mine) {
          const h = highs.find((x) => x.partition === partition);
          if (!h) continue;
          const low = BigInt(h.low);
          const done = next.get(partition) ?? s.localNext.get(tpKey(topic, partition)) ?? low;
          rows.push({ topic, partition, highWatermark: BigInt(h.high), next: done < low ? low : done });
        }
      }
      return rows;
    },
  };
  return { intakeBehind, lag };
}
