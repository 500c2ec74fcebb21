/**
 * The stages of a complaint (DESIGN §2), as plain data: the workflow's rules (`workflows/case.ts`), its
 * message contract and the API all use this one list. Escalated is a flag, not a stage.
 */
export const STAGES = [
  'received',
  'acknowledged',
  'listening',
  'apology',
  'remedy',
  'follow-up',
  'resolved',
  'closed',
  'withdrawn',
] as const;
export type Stage = (typeof STAGES)[number];
