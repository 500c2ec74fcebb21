import { addFromOriginMs, assertDuration, countingOriginMs, elapsedFromOrigin } from './duration';
import type { AfterCloseOfBusiness, Duration, DurationUnit } from './duration';
import type { InstantInput } from './instant';
import { toEpochMs, toIso } from './instant';
import { compileSnapshot } from './snapshot';
import type { CalendarSnapshot, CompiledCalendar } from './snapshot';

/**
 * One response window as workflow state: plain JSON, changed only by the pure functions below, each of
 * which returns a new state.
 *
 * Pause accounting is in the clock's own unit. A pause is charged as the clock time that *would* have
 * elapsed during it (business hours for a business-hours clock), so a pause over a weekend costs a
 * business clock nothing, and the deadline moves by exactly the clock time the pause cost. (Measuring the
 * pause on the wall clock and adding it after business-hours arithmetic overstates weekend pauses.)
 */

/** What a clock is to do, e.g. from a policy: its name, target, warning fractions and counting rule. */
export interface ClockSpec {
  readonly name: string;
  readonly target: Duration;
  /** Fractions of the target at which to warn, each in (0, 1). */
  readonly warnings?: readonly number[];
  /** Defaults to `same-day`. */
  readonly afterCloseOfBusiness?: AfterCloseOfBusiness;
}

/** Whether the clock is counting, paused (e.g. waiting on the customer) or stopped for good. */
export type ClockStatus = 'running' | 'paused' | 'stopped';

/** A warning at a fraction of the target. */
export interface ClockWarning {
  readonly fraction: number;
  /** When it is due (ISO-8601). */
  readonly at: string;
  readonly fired: boolean;
  /** True when its instant passed while the clock was paused, so it is due at the resume instead. */
  readonly late: boolean;
}

/** A finished pause and what it cost, in the clock's unit. */
export interface ClockPause {
  readonly from: string;
  readonly to: string;
  readonly cost: number;
}

/** A change of target (the FCA payment-services 15 → 35 business days, after a holding response). */
export interface ClockExtension {
  readonly at: string;
  readonly fromTarget: number;
  readonly toTarget: number;
  readonly previousDeadline: string;
  /** Whether the previous deadline had already been breached (and its breach fired). */
  readonly previousBreachFired: boolean;
}

/** A response window in a complaint's workflow state. JSON-serialisable. */
export interface ClockState {
  readonly clock: string;
  readonly unit: DurationUnit;
  /** The target in `unit`. */
  readonly target: number;
  readonly afterCloseOfBusiness: AfterCloseOfBusiness;
  /** The instant of the start event. */
  readonly startedAt: string;
  /** Where counting begins: later than `startedAt` after close of business, or for business-day clocks. */
  readonly countsFrom: string;
  readonly status: ClockStatus;
  /**
   * The breach instant if the clock runs on without further pauses. While paused it is the deadline as of
   * the pause; the real one is known only when the clock resumes.
   */
  readonly deadline: string;
  /** Clock time spent paused, in `unit`. */
  readonly pausedTotal: number;
  /** Set while paused. */
  readonly pausedAt?: string;
  readonly pauses: readonly ClockPause[];
  readonly extensions: readonly ClockExtension[];
  readonly warnings: readonly ClockWarning[];
  readonly breach: { readonly at: string; readonly fired: boolean };
  /** Set once stopped. */
  readonly stoppedAt?: string;
  /** Set once stopped: the clock time used and whether the target was met. */
  readonly outcome?: { readonly elapsed: number; readonly met: boolean };
  /** The last start, pause, resume, extension or stop; transitions may not go back in time. */
  readonly lastChangeAt: string;
}

/** Something a running clock has due: a warning at a fraction, or the breach. */
export type ClockEvent =
  | {
      readonly type: 'warning';
      readonly clock: string;
      readonly fraction: number;
      readonly at: string;
      readonly late: boolean;
    }
  | { readonly type: 'breach'; readonly clock: string; readonly at: string };

/** An action that does not apply to the clock's state (resuming a running clock, anything once stopped). */
export class ClockTransitionError extends Error {
  override readonly name = 'ClockTransitionError';
}

// Float sums of fractional clock time are compared with this tolerance (far below a millisecond).
const EPSILON = 1e-9;

function assertFractions(fractions: readonly number[]): void {
  for (const f of fractions) {
    if (!(f > 0 && f < 1)) throw new RangeError(`warning fractions must be in (0, 1), got ${f}`);
  }
}

function schedule(cal: CompiledCalendar, state: ClockState, clockTime: number): number {
  return addFromOriginMs(cal, toEpochMs(state.countsFrom), clockTime, state.unit);
}

function elapsed(cal: CompiledCalendar, state: ClockState, at: number): number {
  return elapsedFromOrigin(cal, toEpochMs(state.countsFrom), at, state.unit);
}

function assertNotBefore(state: ClockState, at: number, action: string): void {
  if (at < toEpochMs(state.lastChangeAt)) {
    throw new ClockTransitionError(
      `cannot ${action} clock ${state.clock} at ${toIso(at)}: its last change was at ${state.lastChangeAt}`,
    );
  }
}

/** Starts a clock at the instant of its start event. */
export function startClock(spec: ClockSpec, startedAt: InstantInput, snapshot: CalendarSnapshot): ClockState {
  assertDuration(spec.target);
  if (spec.target.amount <= 0) throw new RangeError(`clock ${spec.name} needs a target above zero`);
  const fractions = [...new Set(spec.warnings ?? [])].sort((a, b) => a - b);
  assertFractions(fractions);
  const cal = compileSnapshot(snapshot);
  const start = toEpochMs(startedAt);
  const afterCloseOfBusiness = spec.afterCloseOfBusiness ?? 'same-day';
  const origin = countingOriginMs(cal, start, spec.target.unit, { afterCloseOfBusiness });
  const at = (clockTime: number): string => toIso(addFromOriginMs(cal, origin, clockTime, spec.target.unit));
  const deadline = at(spec.target.amount);
  return {
    clock: spec.name,
    unit: spec.target.unit,
    target: spec.target.amount,
    afterCloseOfBusiness,
    startedAt: toIso(start),
    countsFrom: toIso(origin),
    status: 'running',
    deadline,
    pausedTotal: 0,
    pauses: [],
    extensions: [],
    warnings: fractions.map((fraction) => ({
      fraction,
      at: at(fraction * spec.target.amount),
      fired: false,
      late: false,
    })),
    breach: { at: deadline, fired: false },
    lastChangeAt: toIso(start),
  };
}

/** Pauses a running clock (the complaint is waiting on the customer). Needs no calendar: nothing is computed yet. */
export function pauseClock(state: ClockState, at: InstantInput): ClockState {
  if (state.status !== 'running')
    throw new ClockTransitionError(`cannot pause clock ${state.clock}: it is ${state.status}`);
  const when = toEpochMs(at);
  assertNotBefore(state, when, 'pause');
  return { ...state, status: 'paused', pausedAt: toIso(when), lastChangeAt: toIso(when) };
}

/**
 * Resumes a paused clock. The pause costs the clock time that elapsed during it in the clock's own unit;
 * the deadline and the unfired warnings move later by exactly that. A warning whose instant passed during
 * the pause is due at the resume instant (`late: true`): fired late, never skipped.
 */
export function resumeClock(state: ClockState, at: InstantInput, snapshot: CalendarSnapshot): ClockState {
  if (state.status !== 'paused' || state.pausedAt === undefined) {
    throw new ClockTransitionError(`cannot resume clock ${state.clock}: it is ${state.status}`);
  }
  const when = toEpochMs(at);
  assertNotBefore(state, when, 'resume');
  const cal = compileSnapshot(snapshot);
  const cost = Math.max(0, elapsed(cal, state, when) - elapsed(cal, state, toEpochMs(state.pausedAt)));
  const { pausedAt, ...rest } = state;
  const resumed: ClockState = {
    ...rest,
    status: 'running',
    pausedTotal: state.pausedTotal + cost,
    pauses: [...state.pauses, { from: pausedAt, to: toIso(when), cost }],
    lastChangeAt: toIso(when),
  };
  return reschedule(cal, resumed, when);
}

function reschedule(cal: CompiledCalendar, state: ClockState, now: number): ClockState {
  const deadlineMs = schedule(cal, state, state.target + state.pausedTotal);
  const deadline = toIso(deadlineMs);
  const warnings = state.warnings.map((w): ClockWarning => {
    if (w.fired) return w;
    // Due now; or, on a clock already overdue, at its deadline, so the warnings still come before the breach.
    if (toEpochMs(w.at) <= now) return { ...w, at: toIso(Math.min(now, deadlineMs)), late: true };
    return { ...w, at: toIso(schedule(cal, state, w.fraction * state.target + state.pausedTotal)) };
  });
  // A breach that already fired stays fired: resuming does not undo it, only an extension gives a new deadline.
  const breach = state.breach.fired ? state.breach : { at: deadline, fired: false };
  return { ...state, deadline, warnings, breach };
}

/**
 * Changes a clock's target, in the same unit, to a larger one (a holding response extending the final
 * response window from 15 to 35 business days). The deadline and the unfired warnings are recomputed for
 * the new target; warnings already fired stay fired. If the old deadline was already breached, the new
 * deadline gets a breach of its own.
 */
export function extendClock(
  state: ClockState,
  newTarget: Duration,
  at: InstantInput,
  snapshot: CalendarSnapshot,
): ClockState {
  if (state.status === 'stopped') throw new ClockTransitionError(`cannot extend clock ${state.clock}: it is stopped`);
  assertDuration(newTarget);
  if (newTarget.unit !== state.unit) {
    throw new RangeError(
      `cannot extend clock ${state.clock} from ${state.unit} to ${newTarget.unit}: units must match`,
    );
  }
  if (newTarget.amount < state.target) {
    throw new RangeError(
      `cannot shorten clock ${state.clock} from ${state.target} to ${newTarget.amount} ${state.unit}`,
    );
  }
  const when = toEpochMs(at);
  assertNotBefore(state, when, 'extend');
  const cal = compileSnapshot(snapshot);
  const extension: ClockExtension = {
    at: toIso(when),
    fromTarget: state.target,
    toTarget: newTarget.amount,
    previousDeadline: state.deadline,
    previousBreachFired: state.breach.fired,
  };
  const extended: ClockState = {
    ...state,
    target: newTarget.amount,
    extensions: [...state.extensions, extension],
    lastChangeAt: toIso(when),
  };
  const deadline = toIso(schedule(cal, extended, extended.target + extended.pausedTotal));
  const breach = { at: deadline, fired: false };
  // A paused clock's warnings are rescheduled when it resumes (where the late-warning rule applies).
  if (state.status === 'paused') return { ...extended, deadline, breach };
  // A late warning is due now and stays so; the others are fractions of the new target.
  const warnings = extended.warnings.map((w) =>
    w.fired || w.late
      ? w
      : { ...w, at: toIso(schedule(cal, extended, w.fraction * extended.target + extended.pausedTotal)) },
  );
  return { ...extended, deadline, warnings, breach };
}

/**
 * Extends a clock so that it is due at `until` (a holding response's promised date: the FCA's 8-week
 * clock then tracks the final response the letter promised). The new target is the clock time from where
 * counting began to `until`, in the clock's own unit (pauses kept), so the deadline lands on `until`, or
 * for a business clock at the last business instant before it. Never shortens the clock.
 */
export function extendClockUntil(
  state: ClockState,
  until: InstantInput,
  at: InstantInput,
  snapshot: CalendarSnapshot,
): ClockState {
  const cal = compileSnapshot(snapshot);
  const amount = elapsed(cal, state, toEpochMs(until)) - state.pausedTotal;
  if (amount < state.target) {
    throw new RangeError(
      `cannot extend clock ${state.clock} until ${toIso(toEpochMs(until))}: that is before its deadline ${state.deadline}`,
    );
  }
  return extendClock(state, { amount, unit: state.unit }, at, snapshot);
}

/** Stops a clock for good (its stop event happened) and records whether the target was met. */
export function stopClock(state: ClockState, at: InstantInput, snapshot: CalendarSnapshot): ClockState {
  if (state.status === 'stopped')
    throw new ClockTransitionError(`cannot stop clock ${state.clock}: it is already stopped`);
  const when = toEpochMs(at);
  assertNotBefore(state, when, 'stop');
  const cal = compileSnapshot(snapshot);
  // A clock stopped while paused closes its pause first, so the pause is charged like any other.
  const { pausedAt, ...rest } = state;
  const cost =
    pausedAt === undefined ? 0 : Math.max(0, elapsed(cal, state, when) - elapsed(cal, state, toEpochMs(pausedAt)));
  const closed: ClockState = {
    ...rest,
    pausedTotal: state.pausedTotal + cost,
    pauses: pausedAt === undefined ? state.pauses : [...state.pauses, { from: pausedAt, to: toIso(when), cost }],
  };
  const used = Math.max(0, elapsed(cal, closed, when) - closed.pausedTotal);
  return {
    ...closed,
    status: 'stopped',
    stoppedAt: toIso(when),
    outcome: { elapsed: used, met: used <= state.target + EPSILON },
    lastChangeAt: toIso(when),
  };
}

function activeElapsed(cal: CompiledCalendar, state: ClockState, now: number): number {
  const reference =
    state.status === 'paused' && state.pausedAt !== undefined
      ? Math.min(now, toEpochMs(state.pausedAt))
      : state.status === 'stopped' && state.stoppedAt !== undefined
        ? Math.min(now, toEpochMs(state.stoppedAt))
        : now;
  return Math.max(0, elapsed(cal, state, reference) - state.pausedTotal);
}

/** The unfired events of a running clock, earliest first (warnings before a breach due at the same instant). */
export function pendingEvents(state: ClockState): ClockEvent[] {
  if (state.status !== 'running') return [];
  const events: ClockEvent[] = state.warnings
    .filter((w) => !w.fired)
    .map((w) => ({ type: 'warning', clock: state.clock, fraction: w.fraction, at: w.at, late: w.late }));
  if (!state.breach.fired) events.push({ type: 'breach', clock: state.clock, at: state.breach.at });
  return events
    .map((event, index) => ({ event, index, ms: toEpochMs(event.at) }))
    .sort((a, b) => a.ms - b.ms || a.index - b.index)
    .map(({ event }) => event);
}

/**
 * The next thing a running clock has due, or null (paused, stopped, or nothing left). The workflow sleeps
 * until its `at` (or until a message changes the clock), then fires every event `dueEvents` returns.
 */
export function nextDueEvent(state: ClockState): ClockEvent | null {
  return pendingEvents(state)[0] ?? null;
}

/** The unfired events of a running clock whose instant is at or before `now`, earliest first. */
export function dueEvents(state: ClockState, now: InstantInput): ClockEvent[] {
  const when = toEpochMs(now);
  return pendingEvents(state).filter((e) => toEpochMs(e.at) <= when);
}

/** Records that an event was fired (published), so it never fires twice. */
export function markFired(state: ClockState, event: ClockEvent): ClockState {
  if (event.clock !== state.clock) throw new RangeError(`event for clock ${event.clock} given to clock ${state.clock}`);
  if (event.type === 'breach') return { ...state, breach: { ...state.breach, fired: true } };
  return {
    ...state,
    warnings: state.warnings.map((w) => (w.fraction === event.fraction ? { ...w, fired: true } : w)),
  };
}

/** How a clock stands at an instant, in its own unit. */
export interface TimeLeft {
  readonly clock: string;
  readonly unit: DurationUnit;
  readonly target: number;
  /** Clock time used, excluding pauses. */
  readonly elapsed: number;
  /** Clock time left; negative once overdue. */
  readonly remaining: number;
  /** `elapsed / target`. */
  readonly fractionUsed: number;
  readonly overdue: boolean;
  readonly status: ClockStatus;
  readonly deadline: string;
}

/**
 * Clock time left at `now`. A paused clock's time left is frozen at the pause; a stopped clock's at the
 * stop. For a running clock, `remaining` reaches zero exactly at `deadline`.
 */
export function timeLeft(state: ClockState, now: InstantInput, snapshot: CalendarSnapshot): TimeLeft {
  const used = activeElapsed(compileSnapshot(snapshot), state, toEpochMs(now));
  const remaining = state.target - used;
  return {
    clock: state.clock,
    unit: state.unit,
    target: state.target,
    elapsed: used,
    remaining,
    fractionUsed: used / state.target,
    overdue: remaining < -EPSILON,
    status: state.status,
    deadline: state.deadline,
  };
}
