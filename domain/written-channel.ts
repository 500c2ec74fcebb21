import type { Channel, Customer } from './complaint';

/**
 * Which channel a customer message goes by. The regulated letters must be written, on paper or another
 * durable medium (FCA DISP 1.6.1R and 1.6.2R: a *written* acknowledgement, final or holding response;
 * DISP 1.5.4R for the summary resolution communication; the CFPB's responses are written), never a call:
 * they go by email or post whatever channel the customer complained by, and a customer with no written
 * address Redress knows of is flagged so a person finds one before the letter is relied on.
 */

/** The kinds that must reach the customer in writing. */
export const WRITTEN_KINDS: ReadonlySet<string> = new Set([
  'acknowledgement',
  'final-response',
  'holding-response',
  'summary-resolution',
  'decline',
  'cfpb-response',
  'ombudsman-signpost',
]);

const WRITTEN_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['email', 'letter']);

/** Where a message of `kind` goes, and whether a written one found no written address to go to. */
export function messageChannel(
  kind: string,
  customer: Pick<Customer, 'email' | 'preferredChannel'>,
  complainedBy: Channel,
): { channel: Channel; noWrittenAddress: boolean } {
  const preferred = customer.preferredChannel ?? complainedBy;
  if (!WRITTEN_KINDS.has(kind) || WRITTEN_CHANNELS.has(preferred))
    return { channel: preferred, noWrittenAddress: false };
  if (customer.email !== undefined) return { channel: 'email', noWrittenAddress: false };
  // A complaint made by post has an address upstream; otherwise nobody has told Redress of one.
  return { channel: 'letter', noWrittenAddress: complainedBy !== 'letter' };
}
