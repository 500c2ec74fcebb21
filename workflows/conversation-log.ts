import { SYSTEM_ACTOR } from '../domain/actor';
import type { Complaint } from '../domain/complaint';
import type { ConversationEntry, ConversationPage, NewConversationEntry } from '../domain/conversation';

/**
 * The conversation a complaint's workflow keeps (domain/conversation.ts), in the order it took each
 * message in. State only: adding to it issues no command, so it changes no history.
 *
 * Bounded, because it is carried into the next run at continue-as-new and a payload has a size limit:
 * beyond `maxEntries` entries or `maxChars` characters of text, the oldest entries after the complaint
 * itself are let go (counted in `dropped`; they stay readable in the earlier runs' histories). A
 * complaint has a few dozen messages; the bounds are for the one that does not.
 */

export interface ConversationLimits {
  maxEntries: number;
  maxChars: number;
}
export const DEFAULT_CONVERSATION_LIMITS: ConversationLimits = { maxEntries: 300, maxChars: 400_000 };

/** The log as plain JSON, carried across continue-as-new. */
export interface CarriedConversation {
  entries: ConversationEntry[];
  dropped: number;
  nextSeq: number;
}

const textOf = (e: ConversationEntry): number =>
  ('text' in e && typeof e.text === 'string' ? e.text.length : 0) +
  (e.kind === 'letter' ? Object.values(e.parts).reduce((n, p) => n + p.length, 0) : 0);

export class ConversationLog {
  private entries: ConversationEntry[] = [];
  private dropped = 0;
  private nextSeq = 1;
  private chars = 0;

  constructor(private readonly limits: ConversationLimits = DEFAULT_CONVERSATION_LIMITS) {}

  add(entry: NewConversationEntry): ConversationEntry {
    const numbered: ConversationEntry = { ...entry, seq: this.nextSeq };
    this.nextSeq += 1;
    this.entries.push(numbered);
    this.chars += textOf(numbered);
    this.trim();
    return numbered;
  }

  /** The newest reply with this event id, if the log still holds it. */
  reply(eventId: string): Extract<ConversationEntry, { kind: 'reply' }> | undefined {
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const e = this.entries[i]!;
      if (e.kind === 'reply' && e.eventId === eventId) return e;
    }
    return undefined;
  }

  /** The newest entry of a kind (e.g. the last account-confirmation letter), if any. */
  last<K extends ConversationEntry['kind']>(
    kind: K,
    where: (e: Extract<ConversationEntry, { kind: K }>) => boolean = () => true,
  ): Extract<ConversationEntry, { kind: K }> | undefined {
    for (let i = this.entries.length - 1; i >= 0; i -= 1) {
      const e = this.entries[i]!;
      if (e.kind === kind && where(e as Extract<ConversationEntry, { kind: K }>)) {
        return e as Extract<ConversationEntry, { kind: K }>;
      }
    }
    return undefined;
  }

  page(): ConversationPage {
    return { entries: [...this.entries], dropped: this.dropped };
  }

  carry(): CarriedConversation {
    return { entries: [...this.entries], dropped: this.dropped, nextSeq: this.nextSeq };
  }

  restore(carried: CarriedConversation): void {
    this.entries = [...carried.entries];
    this.dropped = carried.dropped;
    this.nextSeq = carried.nextSeq;
    this.chars = this.entries.reduce((n, e) => n + textOf(e), 0);
    this.trim();
  }

  private trim(): void {
    // The complaint itself (the first entry) stays: it is what every later message answers.
    const keep = this.entries[0]?.kind === 'complaint' ? 1 : 0;
    while (
      this.entries.length > keep + 1 &&
      (this.entries.length > this.limits.maxEntries || this.chars > this.limits.maxChars)
    ) {
      const [gone] = this.entries.splice(keep, 1);
      this.chars -= textOf(gone!);
      this.dropped += 1;
    }
  }
}

/** The customer as the author of a message: their id in the upstream system, never their name. */
export const customerAuthor = (c: Complaint): { id: string; role: 'customer' } => ({
  id: c.customer.id,
  role: 'customer',
});

/** The conversation's first entry: the complaint in the customer's words, at receipt. */
export function complaintEntry(c: Complaint): NewConversationEntry {
  return {
    kind: 'complaint',
    direction: 'in',
    at: c.receivedAt,
    author: customerAuthor(c),
    summary: c.summary,
    text: c.description,
    ...(c.desiredOutcome !== undefined ? { desiredOutcome: c.desiredOutcome } : {}),
  };
}

/** A letter Redress queued for the customer: the API joins it with the text the mailer was sent. */
export function letterEntry(
  now: number,
  letter: string,
  channel: string,
  idempotencyKey: string,
  parts: Record<string, string>,
): NewConversationEntry {
  return {
    kind: 'letter',
    direction: 'out',
    at: new Date(now).toISOString(),
    author: SYSTEM_ACTOR,
    letter,
    channel,
    idempotencyKey,
    parts: { ...parts },
  };
}
