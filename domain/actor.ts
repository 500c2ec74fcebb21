import { z } from 'zod';

/** Who did something: recorded on every timeline entry (DESIGN §2: who, what, when, why). */
export const ROLES = ['service', 'operator', 'supervisor', 'auditor', 'system'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const ActorSchema = z.strictObject({
  id: z.string().trim().min(1).max(100),
  role: RoleSchema,
});
export type Actor = z.infer<typeof ActorSchema>;

/** The workflow itself (timers, policy), as an actor on the timeline. */
export const SYSTEM_ACTOR: Actor = { id: 'redress', role: 'system' };
