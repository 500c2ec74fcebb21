import { SEVERITY_OF, type RespectCategory, type RespectFinding, type RespectReport } from './categories';
import { inside, negatedAt, quotedRanges, type Range } from './context';
import { isHard, readingEaseOf, sentencesOf } from './readability';
import { ACRONYM_RULE, PHRASE_RULES, PLAIN_ACRONYMS, type PhraseRule } from './rules';

/**
 * The respect check, version 2 (issue 13 §4): every finding with its category, severity, exact span and a
 * suggestion, skipping the customer's words quoted back and phrases the agent negates. Pure and
 * deterministic, so workflow code can run it; it never rewrites the text (the agent owns their words).
 */

/** Lower-cases and straightens curly apostrophes one character for one, so offsets stay those of the original. */
const lower = (text: string): string => text.toLowerCase().replace(/\u2019/g, "'");

/** A rule's pattern as a global regex on the lower-cased text, anchored at word edges. */
const compile = (r: PhraseRule): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}'])(?:${r.pattern.replace(/ /g, '\\s+')})(?![\\p{L}\\p{N}])`, 'gu');
const COMPILED = PHRASE_RULES.map((rule) => ({ rule, re: compile(rule) }));
const ACRONYM = /(?<![\p{L}\p{N}])[A-Z]{2,5}s?(?![\p{L}\p{N}])/gu;

function finding(
  text: string,
  category: RespectCategory,
  range: Range,
  why: string,
  suggestion: string,
): RespectFinding {
  // A phrase ending in white space (a pattern's trailing space) ends at its last word.
  const matched = text.slice(range.start, range.end).trimEnd();
  const span = { start: range.start, end: range.start + matched.length, text: matched };
  return { category, severity: SEVERITY_OF[category], span, why, suggestion };
}

function phraseFindings(text: string, low: string, quotes: readonly Range[]): RespectFinding[] {
  const out: RespectFinding[] = [];
  for (const { rule, re } of COMPILED) {
    for (const m of low.matchAll(re)) {
      const range = { start: m.index, end: m.index + m[0].length };
      if (!rule.spansQuotes && inside(quotes, range.start, range.end)) continue;
      if (negatedAt(low, range.start)) continue;
      out.push(finding(text, rule.category, range, rule.why, rule.suggestion));
    }
  }
  return out;
}

function acronymFindings(text: string, quotes: readonly Range[]): RespectFinding[] {
  const out: RespectFinding[] = [];
  for (const m of text.matchAll(ACRONYM)) {
    const word = m[0].replace(/s$/, '');
    // A word in capitals among other capitals is shouting or a heading, not an abbreviation.
    const shouting = /[A-Z]{2,}\s+[A-Z]{2,}/.test(text.slice(Math.max(0, m.index - 8), m.index + m[0].length + 8));
    if (PLAIN_ACRONYMS.has(word) || PLAIN_ACRONYMS.has(m[0]) || shouting) continue;
    const range = { start: m.index, end: m.index + m[0].length };
    if (inside(quotes, range.start, range.end)) continue;
    out.push(finding(text, ACRONYM_RULE.category, range, ACRONYM_RULE.why, ACRONYM_RULE.suggestion));
  }
  return out;
}

/** Keeps one finding where two of the same category overlap: the earlier, then the longer. */
function withoutOverlaps(findings: RespectFinding[]): RespectFinding[] {
  const sorted = [...findings].sort(
    (a, b) => a.span.start - b.span.start || b.span.end - a.span.end || a.category.localeCompare(b.category),
  );
  const kept: RespectFinding[] = [];
  for (const f of sorted) {
    const clash = kept.some((k) => k.category === f.category && f.span.start < k.span.end && k.span.start < f.span.end);
    if (!clash) kept.push(f);
  }
  return kept;
}

/** Checks agent-written text; the report lists what was found, in order, and the text's reading ease. */
export function checkRespect(text: string): RespectReport {
  const low = lower(text);
  const quotes = quotedRanges(text);
  const sentences = sentencesOf(text);
  const hard = sentences
    .filter(isHard)
    .map((s) =>
      finding(
        text,
        'readability',
        s,
        'a long sentence of long words is hard to follow',
        'Split it into sentences of under 20 words and use shorter words; say the outcome first.',
      ),
    );
  const findings = withoutOverlaps([...phraseFindings(text, low, quotes), ...acronymFindings(text, quotes), ...hard]);
  return { findings, readingEase: readingEaseOf(sentences), severe: findings.some((f) => f.severity === 'severe') };
}
