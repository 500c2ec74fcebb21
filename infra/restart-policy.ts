import { z } from 'zod';
import { describeFieldErrors, fieldErrors } from '../domain/validation';

/**
 * When a supervised process dies: how long to wait before starting it again, and when to stop trying.
 * Pure (the clock and the random source are arguments), so the decisions are unit-tested without
 * waiting; infra/supervisor.ts acts on them.
 */
export interface RestartPolicy {
  /** This many crashes of one process within {@link windowMs} and the supervisor gives up. */
  maxCrashes: number;
  windowMs: number;
  /** The wait before the first restart; it doubles with each crash still in the window. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  maxCrashes: 5,
  windowMs: 60_000,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
};

export type RestartDecision =
  { action: 'restart'; attempt: number; delayMs: number } | { action: 'give-up'; crashes: number; windowMs: number };

/**
 * What to do about a crash at `now`, given the earlier crashes' times (`crashes`, oldest first, this one
 * not among them). Only crashes within the window count, so a process that crashed long ago starts
 * again from the shortest wait. The wait is drawn from the upper half of the exponential step
 * ("equal jitter"): processes that died together (a server went away under all of them) do not all
 * come back in the same instant, and none comes back sooner than half its step.
 */
export function decideRestart(
  crashes: readonly number[],
  now: number,
  policy: RestartPolicy,
  random: () => number = Math.random,
): RestartDecision {
  const recent = crashes.filter((t) => now - t < policy.windowMs).length + 1;
  if (recent >= policy.maxCrashes) return { action: 'give-up', crashes: recent, windowMs: policy.windowMs };
  const step = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (recent - 1));
  return { action: 'restart', attempt: recent, delayMs: Math.round(step / 2 + (step / 2) * random()) };
}

/** Crash times still inside the window at `now` (what a supervisor needs to keep). */
export function crashesInWindow(crashes: readonly number[], now: number, policy: RestartPolicy): number[] {
  return crashes.filter((t) => now - t < policy.windowMs);
}

const PolicyEnvSchema = z
  .object({
    REDRESS_STACK_MAX_CRASHES: z.coerce.number().int().min(1).max(1_000).default(DEFAULT_RESTART_POLICY.maxCrashes),
    REDRESS_STACK_CRASH_WINDOW_MS: z.coerce
      .number()
      .int()
      .min(1_000)
      .max(24 * 3600_000)
      .default(DEFAULT_RESTART_POLICY.windowMs),
    REDRESS_STACK_BACKOFF_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(600_000)
      .default(DEFAULT_RESTART_POLICY.initialBackoffMs),
    REDRESS_STACK_BACKOFF_MAX_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(3_600_000)
      .default(DEFAULT_RESTART_POLICY.maxBackoffMs),
  })
  .refine((e) => e.REDRESS_STACK_BACKOFF_MAX_MS >= e.REDRESS_STACK_BACKOFF_MS, {
    path: ['REDRESS_STACK_BACKOFF_MAX_MS'],
    message: 'must be at least REDRESS_STACK_BACKOFF_MS',
  });

/** The policy from the environment (README: "When a part dies"); a bad value throws naming the variable. */
export function restartPolicyFromEnv(env: NodeJS.ProcessEnv): RestartPolicy {
  const parsed = PolicyEnvSchema.safeParse(env);
  if (!parsed.success) throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  const e = parsed.data;
  return {
    maxCrashes: e.REDRESS_STACK_MAX_CRASHES,
    windowMs: e.REDRESS_STACK_CRASH_WINDOW_MS,
    initialBackoffMs: e.REDRESS_STACK_BACKOFF_MS,
    maxBackoffMs: e.REDRESS_STACK_BACKOFF_MAX_MS,
  };
}
