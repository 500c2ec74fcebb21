/** How a case behaves, as its engine chooses: id scheme, bounds, and the `patched` gates of newer behaviour. */

/** How outbound ids are derived: `legacy` for complaints started before the outbox engine (see the case's `ids`). */
export type IdScheme = 'legacy' | 'occurrence';

/** Options of a case; the workflow passes the engine's. */
export interface CaseOptions {
  ids: IdScheme;
  /** Most timeline entries kept in state (older ones stay in earlier runs' histories); unbounded if absent. */
  timelineLimit?: number;
  /** Most event ids remembered for deduplication (oldest forgotten first); unbounded if absent. */
  seenLimit?: number;
  /** Whether the policy's warning ladder notifies staff (the engine's `patched` gate); never if absent. */
  warningLadder?: () => boolean;
  /**
   * Whether a reply after the final response follows the policy's `afterFinalResponse` and reopens only
   * when dissatisfied (the engine's `patched` gate); if absent, any reply not marked satisfied reopens.
   */
  replyAfterFinal?: () => boolean;
  /** Whether the policy's progress updates are sent (the engine's `patched` gate); never if absent. */
  progressUpdates?: () => boolean;
  /** Whether a written kind with no written address flags the complaint (the engine's `patched` gate). */
  writtenChannel?: () => boolean;
  /**
   * Whether a breached remedy-due or holding-response date is apologised for with a new date, like a
   * commitment an agent made (the engine's `patched` gate, case-commitments.ts); never if absent.
   */
  missedPromiseApology?: () => boolean;
  /**
   * Whether a reply's new matter opens a linked complaint (the engine's `patched` gate, case-linked.ts);
   * if absent, the complaint is flagged for a person to open it.
   */
  linkedNewMatter?: () => boolean;
}
