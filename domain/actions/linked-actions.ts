import { NewMatterSchema } from '../linked-complaint';
import { OPEN_STAGES } from '../stages';
import { ACTING, defineAction, text } from './define';

/**
 * Opening a new complaint for a new matter a customer's reply raised (domain/linked-complaint.ts), part of
 * the registry (`registry.ts` spreads it in), so the API route, the OpenAPI operation and the CLI verb come
 * from here. The same as a `customer.replied` fact carrying `newMatter`, for a reply whose channel could
 * not say; what it does is workflows/case-linked.ts.
 */
export const LINKED_ACTIONS = {
  openNewMatter: defineAction({
    name: 'openNewMatter',
    path: 'new-matter',
    input: NewMatterSchema.extend({
      replyId: text(200).meta({ description: 'The event id of the customer’s reply that raises the new matter' }),
    }),
    roles: ACTING,
    stages: OPEN_STAGES,
    doing: 'open a new complaint from a reply',
    summary: 'Open a linked new complaint for a new matter in a reply',
    description:
      'The customer’s reply raises a matter that is not this complaint’s: a new complaint is opened for it (same customer, its own clocks from the reply, an acknowledgement sent), linked both ways (`linkedFrom` / `relatedTo`). This complaint’s clocks and stage do not change. Once per reply: its id is derived from this complaint and the reply.',
    what: 'act on complaints',
    cli: [
      {
        verb: 'new-matter',
        usage: 'new-matter ID --reply EVENT_ID --summary TEXT [--category CATEGORY]',
        summary: "open a linked new complaint for a new matter the customer's reply raises",
        flags: {
          reply: { field: 'replyId', required: true },
          summary: { field: 'summary', required: true },
          category: { field: 'category' },
        },
      },
    ],
  }),
};
