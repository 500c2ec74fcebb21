import { KIND_SPECS, type NotificationKind, type SectionSpec } from './kinds';

/**
 * One template file: Markdown-like plain text with a front matter, so an operator edits the letter as it
 * reads, with no quoting or escapes (JSON would put a letter on one line of `\n`s; YAML's block scalars
 * depend on indentation a translator can break without seeing it).
 *
 *     ---
 *     subject: Our final response to your complaint ({{complaintId}})
 *     ---
 *     Dear {{name}},
 *     …the body…
 *
 *     ## outcome: upheld
 *     upheld: we got this wrong
 *
 * The front matter has one field, `subject`, taken literally to the end of its line. The body runs to the
 * first line starting with `## `; each `## name` or `## name: variant` line starts a section that runs
 * to the next. `<!-- … -->` is a note for editors (the rule a paragraph meets), never sent. Placeholders
 * are `{{name}}`; there is no logic in a template: which sections go into a letter is decided in code
 * (domain/letters/templates.ts), so an edited file cannot change which regulated paragraph applies.
 */

/** A template file as read, before it is checked against its kind. */
export interface TemplateText {
  readonly subject: string;
  readonly body: string;
  /** By `name` or `name: variant`. */
  readonly sections: ReadonlyMap<string, string>;
}

/** A parse or validation problem: `field: reason`, the field being `subject`, `body`, or `section <name>`. */
export type TemplateProblem = string;

const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** Every placeholder name in a text. */
export const placeholders = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');

/** Notes out: a line that is only a note goes whole, so it leaves no blank line behind. */
const stripNotes = (text: string): string =>
  text.replace(/^[ \t]*<!--[\s\S]*?-->[ \t]*(\n|$)/gm, '').replace(/<!--[\s\S]*?-->/g, '');

/** Trailing blank lines and spaces off, blank runs kept as written inside. */
const tidy = (lines: readonly string[]): string =>
  stripNotes(lines.join('\n'))
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/^\n+|\n+$/g, '');

/** Splits a file into subject, body and sections; problems name the line. */
export function parseTemplateText(
  text: string,
): { ok: true; template: TemplateText } | { ok: false; problems: TemplateProblem[] } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const problems: TemplateProblem[] = [];
  if (lines[0]?.trim() !== '---')
    return { ok: false, problems: ['(front matter): the file must start with a line "---"'] };
  const close = lines.indexOf('---', 1);
  if (close < 0) return { ok: false, problems: ['(front matter): no closing "---" line'] };
  let subject: string | undefined;
  lines.slice(1, close).forEach((line, i) => {
    if (line.trim() === '' || line.trim().startsWith('#')) return;
    const m = /^([A-Za-z]+):\s*(.*)$/.exec(line);
    if (!m) problems.push(`(front matter) line ${i + 2}: expected "field: value"`);
    else if (m[1] !== 'subject') problems.push(`${m[1]}: unknown field (the front matter has only "subject")`);
    else subject = m[2]?.trim();
  });
  if (!subject) problems.push('subject: missing or empty');
  const rest = lines.slice(close + 1);
  const sections = new Map<string, string>();
  let current: { name: string; lines: string[] } | undefined;
  const bodyLines: string[] = [];
  const flush = () => {
    if (current) sections.set(current.name, tidy(current.lines));
  };
  rest.forEach((line, i) => {
    const heading = /^## (.*)$/.exec(line);
    if (!heading) {
      (current ? current.lines : bodyLines).push(line);
      return;
    }
    flush();
    const name = (heading[1] ?? '').trim().replace(/\s*:\s*/, ': ');
    if (sections.has(name)) problems.push(`section ${name}: repeated (line ${close + 2 + i})`);
    current = { name, lines: [] };
  });
  flush();
  const body = tidy(bodyLines);
  if (body === '') problems.push('body: empty');
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, template: { subject: subject ?? '', body, sections } };
}

/** The section names a spec asks for: `name`, or `name: variant` for each variant. */
const namesOf = (name: string, spec: SectionSpec): string[] =>
  spec.variants ? spec.variants.map((v) => `${name}: ${v}`) : [name];

/**
 * Checks a parsed file against its kind: every placeholder known where it stands, the body using what it
 * must, every section the kind always needs, and those supplying `parts` (the regulated parts the
 * regimes using this file say the template supplies). Returns the problems, none when it is good.
 */
export function checkTemplate(kind: NotificationKind, t: TemplateText, parts: ReadonlySet<string>): TemplateProblem[] {
  const spec = KIND_SPECS[kind];
  const common = ['complaintId', ...(spec.audience === 'customer' ? ['name'] : [])];
  const problems: TemplateProblem[] = [];
  const unknown = (field: string, text: string, known: readonly string[]) => {
    for (const p of placeholders(text)) {
      if (!known.includes(p)) {
        problems.push(
          `${field}: unknown placeholder {{${p}}} (${kind} knows ${known.map((k) => `{{${k}}}`).join(', ')})`,
        );
      }
    }
  };
  unknown('subject', t.subject, [...common, ...spec.vars]);
  unknown('body', t.body, [...common, ...spec.vars]);
  const used = new Set(placeholders(t.body));
  for (const v of spec.mustUse) if (!used.has(v)) problems.push(`body: must use {{${v}}}`);
  const expected = new Map<string, SectionSpec>();
  const variantOf = new Map<string, string>();
  for (const [name, s] of Object.entries(spec.sections)) {
    for (const n of namesOf(name, s)) {
      expected.set(n, s);
      if (n !== name) variantOf.set(n, n.slice(name.length + 2));
    }
  }
  for (const [name, text] of t.sections) {
    const s = expected.get(name);
    if (!s) {
      problems.push(`section ${name}: not a section of ${kind} (${[...expected.keys()].join(', ') || 'it has none'})`);
      continue;
    }
    const variant = variantOf.get(name);
    const own = variant !== undefined ? (s.variantVars?.[variant] ?? []) : [];
    unknown(`section ${name}`, text, [...common, ...(s.vars ?? []), ...own]);
    if (text === '') problems.push(`section ${name}: empty`);
  }
  for (const [name, s] of expected) {
    const needed = s.required === 'always' || (s.supplies ?? []).some((p) => parts.has(p));
    if (needed && !t.sections.has(name)) {
      const why =
        s.required === 'always' ? '' : ` (it supplies ${(s.supplies ?? []).filter((p) => parts.has(p)).join(', ')})`;
      problems.push(`section ${name}: missing${why}`);
    }
  }
  for (const part of parts) {
    const supplied = Object.values(spec.sections).some((s) => s.supplies?.includes(part));
    if (!supplied) problems.push(`(kind): ${kind} has no section that supplies the part "${part}"`);
  }
  return problems;
}
