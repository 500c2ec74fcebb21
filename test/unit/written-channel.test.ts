import { messageChannel } from '../../domain/written-channel';

describe('messageChannel: the regulated letters are written', () => {
  const withEmail = { email: 'ada@example.com' };
  it.each([
    // kind, customer, complained by, channel, no written address
    ['final-response', { ...withEmail, preferredChannel: 'phone' as const }, 'phone' as const, 'email', false],
    ['holding-response', withEmail, 'in-person' as const, 'email', false],
    ['summary-resolution', {}, 'letter' as const, 'letter', false],
    ['acknowledgement', { preferredChannel: 'letter' as const }, 'phone' as const, 'letter', false],
    ['final-response', {}, 'phone' as const, 'letter', true],
    ['decline', {}, 'chat' as const, 'letter', true],
    // Not a regulated letter: the customer's own channel.
    ['question', withEmail, 'phone' as const, 'phone', false],
    ['apology', { ...withEmail, preferredChannel: 'chat' as const }, 'email' as const, 'chat', false],
  ])('%s to %j complaining by %s goes by %s (no written address: %s)', (kind, customer, by, channel, missing) => {
    expect(messageChannel(kind, customer, by)).toEqual({ channel, noWrittenAddress: missing });
  });
});
