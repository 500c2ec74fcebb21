import { z } from 'zod';
import { CommitmentKindSchema } from '../commitments';
import { InstantSchema } from '../complaint';
import { OPEN_STAGES } from '../stages';
import { ACTING, defineAction, text } from './define';

/**
 * The actions about commitments (issue 13 §5: every promise a clock), part of the registry
 * (`registry.ts` spreads them in): the API's routes, the OpenAPI document and the CLI verbs come from
 * here like every other action's; what they do is workflows/case-commitments.ts.
 */
export const COMMITMENT_ACTIONS = {
  addCommitment: defineAction({
    name: 'addCommitment',
    path: 'commitments',
    input: z.strictObject({
      kind: CommitmentKindSchema.meta({ description: 'call-back, reply (we will reply by…), other' }),
      dueAt: InstantSchema.meta({ description: 'When it is due: in the future, within a year' }),
      words: text(500).meta({ description: 'What the customer was told, in the words they were given' }),
      owner: text(100).optional().meta({ description: 'Who keeps it (default: the assignee, else whoever makes it)' }),
      visibleToCustomer: z
        .boolean()
        .meta({ description: 'Whether the customer was told (then a miss is apologised for)' }),
    }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'make a commitment',
    summary: 'Make a commitment (a promise as a clock)',
    description:
      'A promise made to the customer (a call-back, "we will reply by…"), due at an instant. Missed, it escalates the complaint, alerts the supervisor and, when the customer was told, sends them an apology with a new date one business day on.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'commit',
        usage: 'commit ID --kind call-back|reply|other --due ISO-8601 --words TEXT [--owner STAFF] [--told]',
        summary: 'make a commitment: a promise with a due instant',
        flags: {
          kind: { field: 'kind', required: true },
          due: { field: 'dueAt', required: true },
          words: { field: 'words', required: true },
          owner: { field: 'owner' },
          told: { field: 'visibleToCustomer', type: 'boolean' },
        },
      },
    ],
  }),
  keepCommitment: defineAction({
    name: 'keepCommitment',
    path: 'commitments/kept',
    input: z.strictObject({
      commitmentId: text(300),
      note: text(2_000).optional().meta({ description: 'How it was kept' }),
    }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'keep a commitment',
    summary: 'Mark a commitment kept',
    description: 'The promise was kept (before its instant: after it, it was already missed).',
    what: 'act on complaints',
    cli: [
      {
        verb: 'kept',
        usage: 'kept ID --commitment COMMITMENT_ID [--note TEXT]',
        summary: 'mark a commitment kept',
        flags: { commitment: { field: 'commitmentId', required: true }, note: { field: 'note' } },
      },
    ],
  }),
};
