import { z } from 'zod';
import { OPEN_STAGES } from '../stages';
import { defineAction, SUPERVISOR } from './define';

/**
 * The actions about drafts (issue 13 §3), part of the registry (`registry.ts` spreads them in): the API's
 * route, the OpenAPI document and the CLI verb come from here like every other action's.
 */

export const DRAFT_ACTIONS = {
  approveDraft: defineAction({
    name: 'approveDraft',
    path: 'drafts/approval',
    input: z.strictObject({
      draftId: z
        .string()
        .regex(/^[0-9a-f]{64}$/, 'must be the draftId POST /complaints/:id/drafts answered (64 hex digits)'),
    }),
    roles: SUPERVISOR,
    stages: OPEN_STAGES,
    doing: 'approve a draft',
    summary: 'Approve a held draft with a severe finding (supervisor)',
    description:
      'A draft whose respect check found blame, arguing, dismissing or threatening is held; this approval lets that exact text (the same action and body) be sent, once.',
    what: 'approve drafts',
    cli: [
      {
        verb: 'approve-draft',
        usage: 'approve-draft ID --draft DRAFT_ID',
        summary: 'approve a held draft so it can be sent once (supervisor)',
        flags: { draft: { field: 'draftId', required: true } },
      },
    ],
  }),
};
