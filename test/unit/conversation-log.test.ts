import { complaintEntry, ConversationLog, letterEntry } from '../../workflows/conversation-log';
import { complaintFixture } from '../support/fixtures';

const note = (text: string) =>
  ({
    kind: 'note',
    direction: 'internal',
    at: '2026-03-02T10:00:00Z',
    author: { id: 'a', role: 'operator' },
    text,
  }) as const;

describe('ConversationLog', () => {
  it('numbers entries in the order they came, and finds replies and the last letter of a kind', () => {
    const log = new ConversationLog();
    log.add(complaintEntry(complaintFixture({ desiredOutcome: 'a refund' })));
    log.add(letterEntry(0, 'account-confirmation', 'email', 'c-1:account:1', { account: 'x' }));
    log.add({
      kind: 'reply',
      direction: 'in',
      at: 'now',
      author: { id: 'cust-1', role: 'customer' },
      eventId: 'r-1',
      text: 'yes',
    });
    const { entries } = log.page();
    expect(entries.map((e) => [e.seq, e.kind])).toEqual([
      [1, 'complaint'],
      [2, 'letter'],
      [3, 'reply'],
    ]);
    expect(entries[0]).toMatchObject({ desiredOutcome: 'a refund', author: { role: 'customer' } });
    expect(log.reply('r-1')?.seq).toBe(3);
    expect(log.reply('r-2')).toBeUndefined();
    expect(log.last('letter', (e) => e.letter === 'account-confirmation')?.seq).toBe(2);
  });

  it('stays bounded by entries and by text, letting the oldest go but never the complaint', () => {
    const log = new ConversationLog({ maxEntries: 4, maxChars: 1_000 });
    log.add(complaintEntry(complaintFixture()));
    for (let i = 1; i <= 6; i += 1) log.add(note(`note ${i}`));
    let page = log.page();
    expect(page.entries.map((e) => e.kind === 'note' && e.text)).toEqual([false, 'note 4', 'note 5', 'note 6']);
    expect(page.dropped).toBe(3);
    log.add(note('x'.repeat(900)));
    page = log.page();
    expect(page.entries[0]!.kind).toBe('complaint');
    expect(
      page.entries.reduce((n, e) => n + ('text' in e && typeof e.text === 'string' ? e.text.length : 0), 0),
    ).toBeLessThanOrEqual(1_000);
    // Numbers are never reused, whatever was let go.
    expect(page.entries[page.entries.length - 1]!.seq).toBe(8);
  });

  it('carries into a new run and goes on numbering from where it was', () => {
    const log = new ConversationLog();
    log.add(complaintEntry(complaintFixture()));
    log.add(note('before'));
    const next = new ConversationLog();
    next.add(complaintEntry(complaintFixture()));
    next.restore(JSON.parse(JSON.stringify(log.carry())) as ReturnType<ConversationLog['carry']>);
    next.add(note('after'));
    expect(next.page().entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(next.page().entries.map((e) => e.kind)).toEqual(['complaint', 'note', 'note']);
  });
});
