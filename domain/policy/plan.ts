import { addDuration, describeDuration, startClock } from '../clock';
import type { AfterCloseOfBusiness, CalendarSnapshot, ClockSpec, Duration, InstantInput } from '../clock';
import type { Policy, PolicyClock } from './schema';
import type { BreachAction, ClockKind, LifecycleEvent } from './vocabulary';

/** Turning a policy's clocks into clock specs and deadlines. Pure: usable in workflow code. */

/** Whether an event after close of business counts from the next business day, for one clock of a policy. */
export function afterCloseOfBusinessFor(policy: Policy, clock: PolicyClock): AfterCloseOfBusiness {
  return clock.afterCloseOfBusiness ?? policy.calendar.afterCloseOfBusiness;
}

/** The clock spec of a policy clock (by name or definition), carrying its counting rule. */
export function clockSpec(policy: Policy, clock: PolicyClock | string): ClockSpec {
  const def = typeof clock === 'string' ? policy.clocks.find((c) => c.name === clock) : clock;
  if (!def)
    throw new RangeError(
      `policy ${policy.id} v${policy.version} has no clock ${typeof clock === 'string' ? clock : clock.name}`,
    );
  return {
    name: def.name,
    target: def.target,
    warnings: def.warnings,
    afterCloseOfBusiness: afterCloseOfBusinessFor(policy, def),
  };
}

/** What an extension extends a clock to: `35 business days`, or `the date promised (at most 16 weeks)`. */
export function describeExtensionTarget(extension: NonNullable<PolicyClock['extension']>): string {
  const target = describeDuration(extension.target);
  return extension.until === 'expected-by' ? `the date the holding response promises (at most ${target})` : target;
}

/** The clocks of a policy that start on an event. */
export function clocksStartingOn(policy: Policy, event: LifecycleEvent): PolicyClock[] {
  return policy.clocks.filter((c) => c.start === event);
}

/** The clocks of a policy that an event stops. */
export function clocksStoppedBy(policy: Policy, event: LifecycleEvent): PolicyClock[] {
  return policy.clocks.filter((c) => c.stop.includes(event));
}

/** One clock of a policy with its deadline for a complaint received at a given instant. */
export interface PlannedClock {
  readonly clock: string;
  readonly kind: ClockKind;
  readonly description?: string;
  readonly start: LifecycleEvent;
  readonly stop: readonly LifecycleEvent[];
  readonly target: Duration;
  /** `15 business days`. */
  readonly targetText: string;
  /** Null for a clock that starts on a later event: its deadline depends on when that happens. */
  readonly countsFrom: string | null;
  readonly deadline: string | null;
  readonly warnings: readonly { readonly fraction: number; readonly at: string | null }[];
  readonly breach: readonly BreachAction[];
  readonly pausesWhileWaitingOnCustomer: boolean;
  readonly extension?: {
    readonly on: LifecycleEvent;
    readonly target: Duration;
    readonly targetText: string;
    readonly deadline: string | null;
  };
}

/**
 * Every clock of a policy with its deadline for a complaint received at `receivedAt`, assuming no pauses:
 * what the acknowledgement tells the customer, and what `redress deadlines` prints.
 */
export function planDeadlines(policy: Policy, receivedAt: InstantInput, snapshot: CalendarSnapshot): PlannedClock[] {
  return policy.clocks.map((clock): PlannedClock => {
    const started = clock.start === 'received' ? startClock(clockSpec(policy, clock), receivedAt, snapshot) : undefined;
    const base = {
      clock: clock.name,
      kind: clock.kind,
      ...(clock.description === undefined ? {} : { description: clock.description }),
      start: clock.start,
      stop: clock.stop,
      target: clock.target,
      targetText: describeDuration(clock.target),
      countsFrom: started?.countsFrom ?? null,
      deadline: started?.deadline ?? null,
      warnings: clock.warnings.map((fraction) => ({
        fraction,
        at: started?.warnings.find((w) => w.fraction === fraction)?.at ?? null,
      })),
      breach: clock.breach,
      pausesWhileWaitingOnCustomer: clock.pausesWhileWaitingOnCustomer,
    };
    if (!clock.extension) return base;
    return {
      ...base,
      extension: {
        on: clock.extension.on,
        target: clock.extension.target,
        targetText: describeExtensionTarget(clock.extension),
        deadline: started
          ? addDuration(receivedAt, clock.extension.target, snapshot, {
              afterCloseOfBusiness: afterCloseOfBusinessFor(policy, clock),
            })
          : null,
      },
    };
  });
}
