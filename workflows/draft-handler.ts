import { condition, setHandler } from '@temporalio/workflow';
import { ACTIONS, type ActionBody } from '../domain/actions';
import type { DraftCheck, DraftRequest } from '../domain/drafts/check';
import { DRAFTABLE, isDraftable, type DraftAction } from '../domain/drafts/letters';
import type { ComplaintCase } from './case';
import { draftOnCase, viewCarriesHeldDrafts } from './case-drafts';
import { REFUSAL } from './contract';
import { draftUpdate } from './messages';
import { ActionRefused, asFailure } from './rules';

/**
 * The `draft` update: who may draft and what (the validator), then the check against the complaint as it
 * is (the handler). It commits nothing: a draft publishes nothing, and a held draft waits in the case's
 * state for the supervisor (carried over continue-as-new with the rest).
 */

const DRAFTING_ROLES: readonly string[] = ['operator', 'supervisor'];

function parsed(r: DraftRequest): ActionBody<DraftAction> {
  if (!DRAFTING_ROLES.includes(r.actor.role)) {
    throw new ActionRefused(`the ${r.actor.role} role cannot draft letters`, REFUSAL.forbidden);
  }
  if (!isDraftable(r.action)) throw new ActionRefused(`action: must be one of ${DRAFTABLE.join(', ')}`);
  const result = ACTIONS[r.action].input.safeParse(r.input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new ActionRefused(`input.${issue.path.join('.') || ''}: ${issue.message}`.replace(/\.:/, ':'));
  }
  return result.data;
}

export function registerDraftHandler(
  current: () => ComplaintCase | undefined,
  commit: (complaint: ComplaintCase) => void | Promise<void>,
): void {
  setHandler(
    draftUpdate,
    async (r: DraftRequest): Promise<DraftCheck> => {
      await condition(() => current() !== undefined); // the policy decides the parts and the threshold
      try {
        const complaint = current()!;
        const report = draftOnCase(complaint, Date.now(), r.action, parsed(r), r.actor);
        // A held draft enters the held-drafts queue: the view says so (runs from before it publish nothing).
        if (report.severe && viewCarriesHeldDrafts()) await commit(complaint);
        return report;
      } catch (err) {
        throw asFailure(err); // a refusal answers the caller; it never fails the workflow task
      }
    },
    {
      validator: (r: DraftRequest) => {
        try {
          parsed(r);
        } catch (err) {
          throw asFailure(err);
        }
      },
    },
  );
}
