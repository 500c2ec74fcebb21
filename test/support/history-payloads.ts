import type { temporal } from '@temporalio/proto';

type Payload = temporal.api.common.v1.IPayload;

/** A history's payloads by where they sit: the codec's to encode, or the server's and the SDK's to read. */
export interface HistoryPayloads {
  /** Inputs, results, update arguments and answers, memo, failure attributes: all the codec's. */
  encoded: Payload[];
  /** Search attributes: the server indexes them, so no codec touches them (docs/security.md). */
  searchAttributes: Payload[];
  /** The SDK core's own marker details in clear (patch ids, local-activity bookkeeping), no values of ours. */
  sdkMarkers: Payload[];
}

const isPayload = (v: Record<string, unknown>): boolean =>
  'metadata' in v && 'data' in v && v.data instanceof Uint8Array;
const encodingOf = (p: Payload): string => Buffer.from(p.metadata?.encoding ?? new Uint8Array()).toString();

/** Every payload anywhere in a history (found by walking its events), sorted by {@link HistoryPayloads}. */
export function historyPayloads(history: temporal.api.history.v1.IHistory): HistoryPayloads {
  const out: HistoryPayloads = { encoded: [], searchAttributes: [], sdkMarkers: [] };
  const walk = (value: unknown, at: keyof HistoryPayloads | undefined): void => {
    if (value === null || typeof value !== 'object' || value instanceof Uint8Array) return;
    const v = value as Record<string, unknown>;
    if (isPayload(v)) {
      const p = v as Payload;
      const where =
        at === 'searchAttributes' ? at : at === 'sdkMarkers' && encodingOf(p) === 'json/plain' ? at : 'encoded';
      out[where].push(p);
      return;
    }
    for (const [key, child] of Object.entries(v)) {
      walk(child, key === 'searchAttributes' ? key : key === 'markerRecordedEventAttributes' ? 'sdkMarkers' : at);
    }
  };
  walk(history.events ?? [], undefined);
  return out;
}
