import { z } from 'zod';

/**
 * A promise made to a customer, as a clock (issue 13, "every promise a clock"): who owns it, when it is
 * due, the words the customer was given, and whether they were given them. Explicit commitments (a
 * call-back, "we will reply by…") are made by the `addCommitment` action; a remedy's due date and a
 * holding response's expected date are commitments too, read from their own clocks.
 */

export const COMMITMENT_KINDS = ['call-back', 'reply', 'other'] as const;
export const CommitmentKindSchema = z.enum(COMMITMENT_KINDS);

export const CommitmentStatusSchema = z.object({
  commitmentId: z.string(),
  kind: z.enum([...COMMITMENT_KINDS, 'remedy', 'holding']),
  owner: z.string(),
  dueAt: z.string(),
  words: z.string().meta({ description: 'What the customer was told' }),
  visibleToCustomer: z.boolean(),
  status: z.enum(['open', 'kept', 'missed']),
  /** `action` (made by an agent), or the clock it is read from. */
  source: z.enum(['action', 'remedy', 'holding', 'rescheduled']),
  /** The commitment this one replaced after it was missed. */
  rescheduledFrom: z.string().optional(),
});
/** A commitment as the status shows it. */
export type CommitmentStatus = z.infer<typeof CommitmentStatusSchema>;
