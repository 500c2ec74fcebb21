import { patched } from '@temporalio/workflow';
import { runComplaint } from './engine';
import { runLegacyComplaint } from './legacy-engine';
import type { ComplaintInput, ComplaintStatus } from './messages';

/**
 * The patch that introduced the outbox engine (`engine.ts`). Complaints started before it — and the
 * recorded histories of the replay corpus — keep the engine they started with (`legacy-engine.ts`):
 * a workflow's commands may never change under a running history.
 */
export const OUTBOX_ENGINE_PATCH = 'redress-outbox-engine';

/** One customer complaint, from intake to a closed and measured outcome (DESIGN §2). */
export async function complaintWorkflow(input: ComplaintInput): Promise<ComplaintStatus> {
  // Asked before anything else, so the whole run follows one engine.
  if (patched(OUTBOX_ENGINE_PATCH)) return runComplaint(input);
  return runLegacyComplaint(input);
}
