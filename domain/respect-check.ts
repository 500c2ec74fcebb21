/**
 * FROZEN: the first respect check, kept byte for byte so complaints recorded before the
 * `redress-respect-v2` patch replay the same flags and supervisor alerts (workflows/case.ts
 * flagDisrespect). Do not change it; the check in force is domain/respect/.
 *
 * The respect check (DESIGN §1: never argue, never blame). Agent-written text is scanned for blaming or
 * defensive phrasing. A hit is flagged to the timeline and the supervisor; the text is never silently
 * rewritten, because the agent owns their words and a supervisor should coach, not a regex.
 */

/** Phrases that argue, blame the customer, or talk down. Lower-case; matched on word boundaries. */
export const DISRESPECTFUL_PHRASES: ReadonlyArray<{ phrase: string; why: string }> = [
  { phrase: 'you should have', why: 'blames the customer' },
  { phrase: 'you failed to', why: 'blames the customer' },
  { phrase: 'your fault', why: 'blames the customer' },
  { phrase: 'you did not read', why: 'blames the customer' },
  { phrase: "you didn't read", why: 'blames the customer' },
  { phrase: 'not our fault', why: 'defensive: denies responsibility before explaining' },
  { phrase: 'not our responsibility', why: 'defensive: denies responsibility before explaining' },
  { phrase: 'as already explained', why: 'argues: implies the customer did not listen' },
  { phrase: 'as previously explained', why: 'argues: implies the customer did not listen' },
  { phrase: 'as previously stated', why: 'argues: implies the customer did not listen' },
  { phrase: 'as i said', why: 'argues: implies the customer did not listen' },
  { phrase: 'as we have told you', why: 'argues: implies the customer did not listen' },
  { phrase: 'calm down', why: 'dismisses the customer' },
  { phrase: 'there is nothing we can do', why: 'a "no" without alternatives' },
  { phrase: 'policy is policy', why: 'a "no" without reasons' },
  { phrase: 'obviously', why: 'talks down to the customer' },
  { phrase: 'clearly stated', why: 'argues: implies the customer did not read' },
];

export interface RespectFlag {
  phrase: string;
  why: string;
}

const normalise = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/\s+/g, ' ');

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const PATTERNS = DISRESPECTFUL_PHRASES.map((p) => ({
  ...p,
  re: new RegExp(`(^|[^a-z'])${escape(p.phrase)}($|[^a-z'])`),
}));

/** The disrespectful phrases found in agent-written text, each once; empty when the text is fine. */
export function respectCheck(text: string): RespectFlag[] {
  const t = normalise(text);
  return PATTERNS.filter((p) => p.re.test(t)).map(({ phrase, why }) => ({ phrase, why }));
}
