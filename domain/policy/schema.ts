import { z } from 'zod';
import { REGION_CODES } from '../regions';
import { AFTER_CLOSE_OF_BUSINESS, DURATION_UNITS } from '../clock';
import {
  BREACH_ACTIONS,
  CFPB_RESPONSE_TYPES,
  CLOCK_KINDS,
  LADDER_ROLES,
  LIFECYCLE_EVENTS,
  REFERRING_REGULATORS,
  RESPONSE_KINDS,
  RESPONSE_PARTS,
} from './vocabulary';

/**
 * The policy file format (docs/policies.md describes it for operators). Objects are strict, so a
 * misspelt key is reported rather than ignored.
 */

const slug = (what: string) =>
  z.string().regex(/^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/, `${what} must be lower-case words joined by hyphens`);

/** A duration in a policy: `{ "amount": 8, "unit": "weeks" }`. */
export const DurationSchema = z.strictObject({
  amount: z.number().positive().finite(),
  unit: z.enum(DURATION_UNITS),
});

const EventSchema = z.enum(LIFECYCLE_EVENTS);

/**
 * An extension of a clock's target on an event: 15 → 35 business days after a holding response. With
 * `until: "expected-by"` the clock is due instead at the date the holding response promised the final
 * response by (FCA DISP 1.6.2R: the holding response does not end the duty to give a final response),
 * and `target` is the latest such date a holding response may give.
 */
export const ClockExtensionSchema = z.strictObject({
  on: EventSchema,
  target: DurationSchema,
  until: z.literal('expected-by').optional(),
  description: z.string().optional(),
});

/**
 * One rung of a warning ladder: at a warning fraction of the clock (or at its breach), notify a role.
 * Several rungs may share an instant (two roles hear of the same breach).
 */
export const LadderStepSchema = z.strictObject({
  at: z.union([z.number().gt(0, 'must be above 0').lt(1, 'must be below 1, or "breach"'), z.literal('breach')], {
    error: 'must be a warning fraction in (0, 1) or "breach"',
  }),
  notify: z.enum(LADDER_ROLES),
});

/**
 * Who hears of a clock's warnings and breach, in order. The rungs only choose recipients: the instants
 * stay the clock's `warnings`, so a ladder never moves a timer (checked against every clock it covers).
 */
export const LadderSchema = z.array(LadderStepSchema).superRefine((ladder, ctx) => {
  const rank = (at: number | 'breach') => (at === 'breach' ? 1 : at);
  const seen = new Set<string>();
  ladder.forEach((step, i) => {
    const previous = ladder[i - 1];
    if (previous !== undefined && rank(step.at) < rank(previous.at)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'at'],
        message: 'ladder steps must be in order of `at`, "breach" last',
      });
    }
    const key = `${step.at}:${step.notify}`;
    if (seen.has(key)) {
      ctx.addIssue({ code: 'custom', path: [i], message: `${step.notify} is notified at ${step.at} twice` });
    }
    seen.add(key);
  });
});

/** One clock of a policy. */
export const ClockSchema = z
  .strictObject({
    name: slug('a clock name'),
    description: z.string().optional(),
    /** Where the figure comes from (a regulator's rule, or "Redress promise"). */
    source: z.string().optional(),
    kind: z.enum(CLOCK_KINDS).default('deadline'),
    start: EventSchema,
    stop: z.array(EventSchema).min(1, 'a clock needs at least one stop event'),
    target: DurationSchema,
    warnings: z.array(z.number().gt(0, 'must be above 0').lt(1, 'must be below 1 (the breach is at 1)')).default([]),
    breach: z.array(z.enum(BREACH_ACTIONS)).default([]),
    pausesWhileWaitingOnCustomer: z.boolean(),
    /**
     * For a clock started on `received`: `referral-sent` counts it from when the referring regulator sent
     * the complaint (the CFPB's 15 and 60 days), where there is a referral; else from receipt.
     */
    startsFrom: z.enum(['start-event', 'referral-sent']).default('start-event'),
    /** Overrides the policy's `calendar.afterCloseOfBusiness` for this clock. */
    afterCloseOfBusiness: z.enum(AFTER_CLOSE_OF_BUSINESS).optional(),
    extension: ClockExtensionSchema.optional(),
    /** This clock's own warning ladder, instead of the policy's `ladder` (`[]`: nobody is notified). */
    ladder: LadderSchema.optional(),
  })
  .superRefine((clock, ctx) => {
    clock.warnings.forEach((w, i) => {
      const previous = clock.warnings[i - 1];
      if (previous !== undefined && w <= previous) {
        ctx.addIssue({
          code: 'custom',
          path: ['warnings', i],
          message: 'warnings must be in ascending order without repeats',
        });
      }
    });
    if (clock.kind === 'deadline' && clock.breach.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['breach'], message: 'a deadline clock needs at least one breach action' });
    }
    if (clock.kind === 'window' && clock.breach.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['breach'],
        message: 'a window clock closes without a breach, so it takes no breach actions',
      });
    }
    if (new Set(clock.breach).size !== clock.breach.length) {
      ctx.addIssue({ code: 'custom', path: ['breach'], message: 'breach actions must not repeat' });
    }
    if (clock.stop.includes(clock.start)) {
      ctx.addIssue({
        code: 'custom',
        path: ['stop'],
        message: `the start event ${clock.start} cannot also stop the clock`,
      });
    }
    if (clock.extension) {
      if (clock.extension.target.unit !== clock.target.unit) {
        ctx.addIssue({
          code: 'custom',
          path: ['extension', 'target', 'unit'],
          message: `must be the clock's own unit (${clock.target.unit})`,
        });
      } else if (clock.extension.target.amount <= clock.target.amount) {
        ctx.addIssue({
          code: 'custom',
          path: ['extension', 'target', 'amount'],
          message: `an extension must be longer than the target (${clock.target.amount})`,
        });
      }
      if (clock.extension.on === clock.start || clock.stop.includes(clock.extension.on)) {
        ctx.addIssue({
          code: 'custom',
          path: ['extension', 'on'],
          message: 'must be neither the start nor a stop event',
        });
      }
    }
  });

/** What one kind of response must contain. */
export const ResponseRequirementSchema = z.strictObject({
  requiredParts: z.array(z.enum(RESPONSE_PARTS)).min(1),
  /** For `cfpb-response` only: the response types the company may use. */
  allowedTypes: z.array(z.enum(CFPB_RESPONSE_TYPES)).min(1).optional(),
  /**
   * For `holding-response` only: how long after receipt it may be sent at the earliest. An FCA holding
   * response tells the customer they may *now* refer to the ombudsman, which is true only at eight weeks;
   * an update before then is a progress letter, and must not silence the clock.
   */
  notBefore: DurationSchema.optional(),
});

/** Which complaints a rule matches; an absent list matches anything. */
export const SelectionRuleSchema = z.strictObject({
  /** ISO 3166 codes; `GB` matches `GB` and every subdivision (`GB-SCT`), `GB-SCT` only itself. */
  jurisdictions: z
    .array(z.string().regex(/^[A-Z]{2}(?:-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as GB or GB-SCT'))
    .min(1)
    .optional(),
  products: z.array(z.string().min(1)).min(1).optional(),
  categories: z.array(z.string().min(1)).min(1).optional(),
  /** Complaints a regulator referred to the firm (`cfpb`); complaints made directly match no such rule. */
  referredBy: z.array(z.enum(REFERRING_REGULATORS)).min(1).optional(),
});

/** A policy file: one version of one regime. */
export const PolicySchema = z
  .strictObject({
    id: slug('the policy id'),
    version: z.int().positive(),
    /** The instant this version applies from; a complaint keeps the version in force when it was received. */
    effectiveFrom: z.iso.datetime({
      offset: true,
      message: 'must be an ISO-8601 instant with an offset, e.g. 2025-01-01T00:00:00Z',
    }),
    title: z.string().min(1),
    description: z.string().optional(),
    sources: z.array(z.string()).default([]),
    selection: z.strictObject({
      /** Higher wins when several policies match a complaint. */
      priority: z.int(),
      /** Any one matching rule selects the policy; none means it is chosen only by id. */
      rules: z.array(SelectionRuleSchema),
    }),
    calendar: z.strictObject({
      /** The calendar used when the complaint's jurisdiction is not itself a region (e.g. `GB`). */
      defaultRegion: z.enum(REGION_CODES as [string, ...string[]]),
      afterCloseOfBusiness: z.enum(AFTER_CLOSE_OF_BUSINESS),
    }),
    clocks: z.array(ClockSchema).min(1),
    responses: z.partialRecord(z.enum(RESPONSE_KINDS), ResponseRequirementSchema),
    remedies: z.strictObject({
      /** Per ISO 4217 currency, the amount above which a supervisor must approve a remedy. */
      supervisorApprovalAbove: z.record(
        z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code'),
        z.number().nonnegative(),
      ),
    }),
    followUp: z
      .strictObject({
        /** How long after the remedy the survey goes out. */
        delay: DurationSchema,
        /** How long the survey stays open; no answer closes the complaint as resolved without feedback. */
        surveyWindow: DurationSchema,
        /** The top of the satisfaction scale (5 for 1–5). */
        scale: z.int().min(2),
        /** A score at or below this reopens the complaint. */
        reopenAtOrBelow: z.int().min(1),
      })
      .refine((f) => f.reopenAtOrBelow < f.scale, {
        path: ['reopenAtOrBelow'],
        message: 'must be below the top of the scale',
      }),
    /** How long after resolution a customer's reply reopens the complaint. */
    reopenWindow: DurationSchema,
    /**
     * What a dissatisfied reply or a low survey score after the final response does: `reopen` the
     * complaint for another cycle (the default), or `signpost-ombudsman`: the final response was the
     * firm's last word and started the customer's six months to refer (FCA DISP 2.8.2R), so the customer
     * is told how to refer, and a new matter is a new complaint. Optional, so older policies still read.
     */
    afterFinalResponse: z.enum(['reopen', 'signpost-ombudsman']).optional(),
    /**
     * Keeping the customer informed of progress (FCA DISP 1.6.1R(2)): a progress letter when no other
     * letter has gone to the customer for `every`, until the final response. Optional: none if absent.
     */
    progressUpdates: z
      .strictObject({ every: DurationSchema, source: z.string().optional(), description: z.string().optional() })
      .optional(),
    /**
     * The lowest Flesch reading ease an agent-written field of a draft may score before the draft check
     * reports it (higher is easier; 60–70 is plain English). Optional: default DEFAULT_READING_EASE_AT_LEAST.
     */
    readingEaseAtLeast: z.number().min(0).max(100).optional(),
    /**
     * The root-cause taxonomy a final response records (`resolve`'s `cause`), for the reports. Optional,
     * so a policy recorded in an older history (without one) still reads.
     */
    causes: z
      .array(z.strictObject({ code: slug('a cause code'), label: z.string().min(1) }))
      .min(1)
      .optional(),
    /**
     * Who hears of each deadline clock's warnings and breaches (a clock's own `ladder` overrides it).
     * Optional: a policy without one, or recorded in an older history, notifies nobody on a warning.
     */
    ladder: LadderSchema.optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.clocks.forEach((clock, i) => {
      if (seen.has(clock.name)) {
        ctx.addIssue({ code: 'custom', path: ['clocks', i, 'name'], message: `duplicate clock name ${clock.name}` });
      }
      seen.add(clock.name);
    });
    if (!seen.has('first-response')) {
      ctx.addIssue({
        code: 'custom',
        path: ['clocks'],
        message: "needs a first-response clock: a first human response is Redress's own promise in every regime",
      });
    }
    for (const [kind, requirement] of Object.entries(policy.responses)) {
      if (requirement?.notBefore && kind !== 'holding-response') {
        ctx.addIssue({
          code: 'custom',
          path: ['responses', kind, 'notBefore'],
          message: 'only holding-response has an earliest time to be sent',
        });
      }
      if (requirement?.allowedTypes && kind !== 'cfpb-response') {
        ctx.addIssue({
          code: 'custom',
          path: ['responses', kind, 'allowedTypes'],
          message: 'only cfpb-response has response types',
        });
      }
    }
    checkLadders(policy, ctx);
    const cfpb = policy.responses['cfpb-response'];
    if (cfpb && !cfpb.allowedTypes) {
      ctx.addIssue({
        code: 'custom',
        path: ['responses', 'cfpb-response', 'allowedTypes'],
        message: 'is required for cfpb-response',
      });
    }
  });

/**
 * A ladder must fit each clock it covers: a fraction must be one of the clock's warnings (the ladder
 * chooses who hears, the warnings stay the one declaration of when the workflow wakes, so adding a
 * ladder never moves an instant); a window clock has no warnings or breach to climb; and the
 * supervisor is not told of a breach twice when the clock's `notify-supervisor` already alerts them.
 */
function checkLadders(
  policy: { clocks: readonly PolicyClock[]; ladder?: Ladder | undefined },
  ctx: z.RefinementCtx,
): void {
  policy.clocks.forEach((clock, c) => {
    const own = clock.ladder !== undefined;
    const ladder = clock.ladder ?? policy.ladder;
    if (!ladder) return;
    if (clock.kind === 'window') {
      if (own && ladder.length > 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['clocks', c, 'ladder'],
          message: 'a window clock neither warns nor breaches, so it has no ladder',
        });
      }
      return;
    }
    ladder.forEach((step, i) => {
      const path = own ? ['clocks', c, 'ladder', i] : ['ladder', i];
      const where = own ? ' of this clock' : ` of clock ${clock.name} (clocks[${c}])`;
      if (step.at !== 'breach' && !clock.warnings.includes(step.at)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'at'],
          message:
            `${step.at} is not a warning${where} (its warnings: ${clock.warnings.join(', ') || 'none'}); ` +
            `add it to the clock's warnings${own ? '' : ' or give the clock a ladder of its own'}`,
        });
      }
      if (step.at === 'breach' && step.notify === 'supervisor' && clock.breach.includes('notify-supervisor')) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'notify'],
          message: `the breach action notify-supervisor${where} already alerts the supervisor at breach; keep one of the two`,
        });
      }
    });
  });
}

/** A validated policy. */
export type Policy = z.output<typeof PolicySchema>;
/** A validated clock of a policy. */
export type PolicyClock = z.output<typeof ClockSchema>;
/** A selection rule. */
export type SelectionRule = z.output<typeof SelectionRuleSchema>;
/** A validated warning ladder. */
export type Ladder = z.output<typeof LadderSchema>;
/** One rung of a warning ladder. */
export type LadderStep = z.output<typeof LadderStepSchema>;
/** What a response kind must contain. */
export type ResponseRequirement = z.output<typeof ResponseRequirementSchema>;
