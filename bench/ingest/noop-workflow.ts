import { defineSignal, setHandler } from '@temporalio/workflow';

/**
 * The benchmark's no-op workflow: the same signal-with-start as a complaint (the input is ignored,
 * the `complaintReceived` signal is accepted), and nothing else, so the rate it is started at is the
 * Temporal server's own limit for this operation on this machine. Bench-only: not in workflows/.
 */
export const benchReceivedSignal = defineSignal<[unknown]>('complaintReceived');

export function benchNoop(_input: unknown): Promise<void> {
  setHandler(benchReceivedSignal, () => undefined);
  return Promise.resolve();
}
