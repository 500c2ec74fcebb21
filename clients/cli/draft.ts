import { ACTION_NAMES, ACTIONS as REGISTRY } from '../../domain/actions';
import type { DraftReport } from '../../domain/drafts/check';
import { isDraftable, type DraftAction } from '../../domain/drafts/letters';
import { ACTIONS } from './act';
import { apiClient, parseCommand, runCommand, UsageError, type ApiCliIo } from './api-client';

/**
 * `redress draft VERB ID [VERB's options]`: the letter `redress VERB ID …` would send, rendered and checked
 * by `POST /complaints/:id/drafts`, sending nothing. The options are the verb's own (the same registry
 * entry builds the body), so what is checked is exactly what the verb would send.
 */

/** The sending action behind each CLI verb that writes to the customer. */
const DRAFT_VERBS: Record<string, DraftAction> = Object.fromEntries(
  ACTION_NAMES.filter(isDraftable).flatMap((name) => REGISTRY[name].cli.map((v) => [v.verb, name])),
);

const USAGE = `draft ${Object.keys(DRAFT_VERBS).join('|')} ID [that command's options] [--json] [--api URL]`;

/** The report in a few lines: the letter, then each finding. */
function describe(r: DraftReport): string {
  const lines = [
    `draft ${r.draftId}${r.severe ? ' — severe: a supervisor must approve it (redress approve-draft ID --draft ' + r.draftId + ')' : ''}`,
  ];
  if (r.letter) lines.push('', `Subject: ${r.letter.subject}`, '', r.letter.body, '');
  for (const f of r.respect)
    lines.push(`${f.severity} ${f.category} in ${f.field}: "${f.span.text}" — ${f.suggestion}`);
  for (const p of r.missingParts) lines.push(`missing part: ${p}`);
  for (const p of r.promises)
    lines.push(`promise in ${p.field}: "${p.span.text}"${p.dueAt ? ` (due ${p.dueAt})` : ''}`);
  for (const x of r.readability) lines.push(`hard to read: ${x.field} scores ${x.readingEase} (at least ${x.atLeast})`);
  return lines.join('\n');
}

export async function run(argv: string[], io: ApiCliIo): Promise<number> {
  const verb = argv[0] ?? '';
  const action = DRAFT_VERBS[verb];
  const cmd = ACTIONS[verb];
  return runCommand('draft', USAGE, io, async () => {
    if (!action || !cmd) {
      if (verb === '--help' || verb === '-h') return io.out(`usage: redress ${USAGE}`);
      throw new UsageError(`draft what? one of ${Object.keys(DRAFT_VERBS).join(', ')}`);
    }
    const { values, positionals } = parseCommand(argv.slice(1), cmd.options);
    if (values.help) return io.out(`usage: redress draft ${cmd.usage}`);
    if (positionals.length !== 1 || !positionals[0]) throw new UsageError('give one complaint id');
    const v = values as Parameters<typeof cmd.body>[0];
    const { body } = await apiClient(
      io.env ?? process.env,
      typeof v.api === 'string' ? v.api : undefined,
    ).request<DraftReport>('POST', `/complaints/${encodeURIComponent(positionals[0])}/drafts`, {
      action,
      input: cmd.body(v),
    });
    io.out(v.json === true ? JSON.stringify(body, null, 2) : describe(body));
  });
}
