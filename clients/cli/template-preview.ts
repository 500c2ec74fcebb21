import { parseArgs } from 'node:util';
import {
  isNotificationKind,
  KIND_SPECS,
  NOTIFICATION_KINDS,
  SAMPLE_COMPLAINT_ID,
  SAMPLE_CUSTOMER,
} from '../../domain/letters/kinds';
import { TemplateLoadError } from '../../domain/letters/template-set';
import { renderCustomerLetter } from '../../domain/letters/templates';
import { findRegion } from '../../domain/regions';
import { PolicyLoadError, loadPoliciesAsync } from '../../platform/policy-files';
import { loadTemplates } from '../../platform/template-files';
import type { CliIo } from './deadlines';

/**
 * `redress template preview KIND --regime R --locale L [--var NAME=VALUE]... [--json]`: a letter rendered
 * from the deployment's templates (`templates/` with `$REDRESS_TEMPLATE_DIR` over them) with the kind's
 * sample values, exactly as the notification activity would render it; no server needed. Loading
 * validates every template, so a bad operator file is reported here, naming the file and the field.
 */

const USAGE =
  'usage: redress template preview KIND --regime ID --locale LOCALE [--var NAME=VALUE]... [--json]\n' +
  `kinds: ${NOTIFICATION_KINDS.join(', ')}`;

/** Runs the command; `argv` is what follows `redress template preview`. Returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        regime: { type: 'string' },
        locale: { type: 'string' },
        var: { type: 'string', multiple: true },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`redress template preview: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const kind = positionals[0];
  if (positionals.length !== 1 || kind === undefined || !values.regime || !values.locale) {
    io.err(`redress template preview: expected KIND, --regime and --locale\n${USAGE}`);
    return 2;
  }
  if (!isNotificationKind(kind)) {
    io.err(
      `redress template preview: KIND: unknown kind ${JSON.stringify(kind)}; kinds: ${NOTIFICATION_KINDS.join(', ')}`,
    );
    return 1;
  }
  const overrides: Record<string, string> = {};
  for (const pair of values.var ?? []) {
    const at = pair.indexOf('=');
    if (at < 1) {
      io.err(`redress template preview: --var: expected NAME=VALUE, got ${JSON.stringify(pair)}`);
      return 2;
    }
    overrides[pair.slice(0, at)] = pair.slice(at + 1);
  }
  try {
    const policies = await loadPoliciesAsync();
    const policy = policies.find((p) => p.id === values.regime);
    if (!policy) {
      const ids = [...new Set(policies.map((p) => p.id))].join(', ');
      io.err(`redress template preview: --regime: unknown regime ${JSON.stringify(values.regime)}; regimes: ${ids}`);
      return 1;
    }
    const spec = KIND_SPECS[kind];
    const letter = renderCustomerLetter(loadTemplates(), {
      complaintId: SAMPLE_COMPLAINT_ID,
      kind,
      regime: policy.id,
      ...(spec.audience === 'customer' ? { customer: { ...SAMPLE_CUSTOMER, locale: values.locale } } : {}),
      vars: { ...spec.sample, ...overrides },
      timeZone: findRegion(policy.calendar.defaultRegion)?.zone ?? 'UTC',
    });
    if (values.json) io.out(JSON.stringify({ kind, regime: policy.id, ...letter }, null, 2));
    else {
      io.out(`kind ${kind}, regime ${policy.id}, locale ${letter.locale}`);
      io.out(`subject: ${letter.subject}`);
      for (const a of letter.attachments)
        io.out(`attachment: ${a.name} (${a.url ?? a.documentId}, sha256 ${a.sha256})`);
      io.out('');
      io.out(letter.body);
    }
    return 0;
  } catch (error) {
    if (error instanceof TemplateLoadError || error instanceof PolicyLoadError) {
      io.err(`redress template preview: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
