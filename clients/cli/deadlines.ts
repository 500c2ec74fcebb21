import { parseArgs } from 'node:util';
import { UnknownRegionError, buildCalendarSnapshot, coverageAround } from '../../platform/calendar';
import { isRegionCode, REGION_CODES } from '../../domain/regions';
import { InvalidInstantError, toEpochMs, toIso, toLocalIso } from '../../domain/clock';
import type { CalendarSnapshot } from '../../domain/clock';
import { PolicyNotFoundError, planDeadlines, policyInForce } from '../../domain/policy';
import type { PlannedClock, Policy } from '../../domain/policy';
import { PolicyLoadError, loadPoliciesAsync } from '../../platform/policy-files';

/**
 * `redress deadlines --regime ID [--region CODE] --received ISO-8601 [--json]`: every clock of a regime
 * with its deadline for a complaint received at an instant, using the policy version in force then and the
 * region's business calendar. Policies come from `policies/` and `$REDRESS_POLICY_DIR`.
 */

/** Where a command writes. */
export interface CliIo {
  readonly out: (s: string) => void;
  readonly err: (s: string) => void;
}

const USAGE = 'usage: redress deadlines --regime ID [--region CODE] --received ISO-8601 [--json]';

/** Exit codes: 0 printed; 1 the input was understood but is wrong (unknown regime, bad instant…); 2 usage. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

function textTable(
  policy: Policy,
  snapshot: CalendarSnapshot,
  received: string,
  plan: readonly PlannedClock[],
): string {
  const local = (iso: string | null): string => (iso === null ? '' : toLocalIso(iso, snapshot));
  const rows: string[][] = [['clock', 'target', 'deadline (UTC)', `deadline (${snapshot.zone})`]];
  for (const c of plan) {
    const target = `${c.targetText}${c.kind === 'window' ? ' (window)' : ''}`;
    rows.push([c.clock, target, c.deadline ?? `starts on ${c.start}`, local(c.deadline)]);
    if (c.extension) {
      rows.push([
        `  extended on ${c.extension.on}`,
        c.extension.targetText,
        c.extension.deadline ?? '',
        local(c.extension.deadline),
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const lines = rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  const header = [
    `regime ${policy.id} v${policy.version} (in force from ${policy.effectiveFrom}): ${policy.title}`,
    `region ${snapshot.region} (${snapshot.zone}, ${snapshot.workingHours.start}–${snapshot.workingHours.end}), received ${received} (${toLocalIso(received, snapshot)})`,
    '',
  ];
  return [...header, ...lines].join('\n');
}

/** Runs the command; `argv` is what follows `redress deadlines`. Returns the exit code. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  let values: { regime?: string; region?: string; received?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        regime: { type: 'string' },
        region: { type: 'string' },
        received: { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`redress deadlines: ${(error as Error).message}\n${USAGE}`);
    return EXIT.usage;
  }
  if (values.help) {
    io.out(USAGE);
    return EXIT.ok;
  }
  if (!values.regime || !values.received) {
    io.err(`redress deadlines: --regime and --received are required\n${USAGE}`);
    return EXIT.usage;
  }
  let received: string;
  try {
    received = toIso(toEpochMs(values.received));
  } catch (error) {
    if (!(error instanceof InvalidInstantError)) throw error;
    io.err(`redress deadlines: --received: ${error.message}`);
    return EXIT.invalid;
  }
  if (values.region !== undefined && !isRegionCode(values.region)) {
    io.err(
      `redress deadlines: --region: unknown region ${JSON.stringify(values.region)}; known regions: ${REGION_CODES.join(', ')}`,
    );
    return EXIT.invalid;
  }
  try {
    const policy = policyInForce(await loadPoliciesAsync(), values.regime, received);
    const region = values.region ?? policy.calendar.defaultRegion;
    const snapshot = buildCalendarSnapshot({ region, ...coverageAround(received) });
    const plan = planDeadlines(policy, received, snapshot);
    if (values.json) {
      io.out(
        JSON.stringify(
          plan.map((c) => ({
            ...c,
            regime: policy.id,
            policyVersion: policy.version,
            region: snapshot.region,
            receivedAt: received,
            deadlineLocal: c.deadline === null ? null : toLocalIso(c.deadline, snapshot),
          })),
          null,
          2,
        ),
      );
    } else {
      io.out(textTable(policy, snapshot, received, plan));
    }
    return EXIT.ok;
  } catch (error) {
    if (error instanceof PolicyNotFoundError) {
      io.err(`redress deadlines: --regime: ${error.message}`);
      return EXIT.invalid;
    }
    if (error instanceof UnknownRegionError) {
      io.err(`redress deadlines: --region: ${error.message}`);
      return EXIT.invalid;
    }
    if (error instanceof PolicyLoadError) {
      io.err(`redress deadlines: ${error.message}`);
      return EXIT.invalid;
    }
    throw error;
  }
}
