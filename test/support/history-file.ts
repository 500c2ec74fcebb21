import { temporal } from '@temporalio/proto';

/**
 * A recorded history as kept in the replay corpus: a little JSON about it, and the history itself as
 * base64 protobuf. Protobuf rather than proto3-JSON because the JSON codec breaks under jest's module
 * isolation, and binary is exactly what the server sent.
 */
export interface HistoryFile {
  format: 'temporal-history-protobuf-base64';
  scenario: string;
  workflowType: string;
  events: number;
  recordedAt: string;
  history: string;
}

export function encodeHistory(scenario: string, history: temporal.api.history.v1.IHistory): string {
  const first = history.events?.[0]?.workflowExecutionStartedEventAttributes;
  const file: HistoryFile = {
    format: 'temporal-history-protobuf-base64',
    scenario,
    workflowType: first?.workflowType?.name ?? 'unknown',
    events: history.events?.length ?? 0,
    recordedAt: new Date().toISOString(),
    history: Buffer.from(temporal.api.history.v1.History.encode(history).finish()).toString('base64'),
  };
  return JSON.stringify(file, null, 1) + '\n';
}

export function decodeHistory(text: string): { file: HistoryFile; history: temporal.api.history.v1.History } {
  const file = JSON.parse(text) as HistoryFile;
  if (file.format !== 'temporal-history-protobuf-base64')
    throw new Error(`unknown history format ${String(file.format)}`);
  return { file, history: temporal.api.history.v1.History.decode(Buffer.from(file.history, 'base64')) };
}
