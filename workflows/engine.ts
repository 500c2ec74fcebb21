import {
  allHandlersFinished,
  condition,
  continueAsNew,
  patched,
  proxyLocalActivities,
  workflowInfo,
} from '@temporalio/workflow';
import type { ComplaintActivities } from '../activities';
import type { ComplaintInput, ComplaintStatus, ComplaintWorkflow } from './messages';
import { searchAttributeSync } from './attributes';
import { ComplaintCase, type CaseOptions } from './case';
import { WRITTEN_CHANNEL_PATCH } from './case-letters';
import { Outbox } from './outbox';
import { onPublishFailed, queueViewIfChanged } from './case-publishing';
import { WARNING_LADDER_PATCH } from './case-ladder';
import { REPLY_AFTER_FINAL_PATCH } from './case-after-final';
import { PROGRESS_UPDATES_PATCH } from './case-progress';
import { MISSED_PROMISE_APOLOGY_PATCH } from './case-commitments';
import { registerHandlers } from './handlers';
import { LINKED_NEW_MATTER_PATCH } from './case-linked';

/**
 * Intake's assessment: bounded retries, and errors no retry can mend fail at once. It is a local
 * activity (one marker), and its input was checked where it entered (domain/instant-rules), so a
 * failure here is a fault to see, not a complaint to wait on for ever: the workflow then fails visibly.
 */
const { assess, calendar } = proxyLocalActivities<ComplaintActivities>({
  startToCloseTimeout: '10 seconds',
  retry: {
    initialInterval: '500 milliseconds',
    backoffCoefficient: 2,
    maximumInterval: '5 seconds',
    maximumAttempts: 8,
    nonRetryableErrorTypes: ['PolicyNotFoundError', 'UnknownRegionError', 'CalendarRequestError', 'RangeError'],
  },
});

/**
 * What one run keeps in state (older timeline entries are in earlier runs, see `CarriedRun`). The
 * warning ladder adds notifications to what a firing warning publishes, so it is asked for (and its
 * marker recorded) when a rung first fires; a history recorded before has no marker there, replays
 * with `patched` false and issues no staff notification. A complaint keeps the policy it recorded at
 * intake, so one received before ladders shipped has none to climb anyway.
 */
const CASE_OPTIONS: CaseOptions = {
  ids: 'occurrence',
  timelineLimit: 500,
  seenLimit: 5_000,
  warningLadder: () => patched(WARNING_LADDER_PATCH),
  replyAfterFinal: () => patched(REPLY_AFTER_FINAL_PATCH),
  progressUpdates: () => patched(PROGRESS_UPDATES_PATCH),
  writtenChannel: () => patched(WRITTEN_CHANNEL_PATCH),
  missedPromiseApology: () => patched(MISSED_PROMISE_APOLOGY_PATCH),
  linkedNewMatter: () => patched(LINKED_NEW_MATTER_PATCH),
};
/** Our own bound besides the server's suggestion: continue as new well before any history limit. */
const HISTORY_EVENTS_LIMIT = 10_000;
/** Ask for a wider calendar when the current one covers less than this ahead of now. */
const CALENDAR_AHEAD_MS = 400 * 86_400_000;

/**
 * One customer complaint, from intake to a closed and measured outcome (DESIGN §2): the engine every
 * complaint runs since the `redress-outbox-engine` patch. The rules live in `ComplaintCase`; this
 * function wires them to Temporal: human actions are validated updates, facts from other systems are
 * signals deduplicated by event id, every clock is a durable timer, and what the case decides to publish
 * goes through the outbox on its own path, so nothing Kafka does can stop a clock or an update.
 *
 * Every handler is registered before the first await. Signals that arrive while intake is still
 * assessing the complaint wait in `early`, in arrival order (registered after the assessment, the SDK
 * would replay buffered signals grouped by handler). Updates wait for the assessment, then are checked.
 */
export async function runComplaint(input: ComplaintInput): Promise<ComplaintStatus> {
  const carried = input.carried;
  const receivedAt = carried ? carried.case.receivedAt : Math.min(Date.parse(input.complaint.receivedAt), Date.now()); // never in the future
  let current: ComplaintCase | undefined = carried
    ? ComplaintCase.resume(input, carried.case, CASE_OPTIONS)
    : undefined;
  const early: Array<(current: ComplaintCase) => void> = [];
  const outbox = new Outbox(carried ? [...carried.outbox] : []);
  const syncSearchAttributes = searchAttributeSync(receivedAt);

  /** After every change: search attributes, the record view, and what to publish into the outbox. */
  const commit = (complaint: ComplaintCase): void => {
    syncSearchAttributes(complaint);
    queueViewIfChanged(complaint, Date.now());
    const batch = complaint.takeOutbox();
    if (batch) outbox.add(batch, new Date().toISOString());
  };

  registerHandlers({ input, receivedAt, current: () => current, early, commit, rememberUpdateIds: true });

  let complaint: ComplaintCase;
  if (current) {
    complaint = current;
  } else {
    const assessment = await assess(
      input.complaintId,
      { ...input.complaint, receivedAt: new Date(receivedAt).toISOString() },
      new Date().toISOString(),
    );
    complaint = new ComplaintCase(input, assessment, receivedAt, CASE_OPTIONS);
    complaint.open(Date.now());
    current = complaint;
    for (const apply of early.splice(0)) apply(complaint);
  }
  commit(complaint);
  void outbox.drain((failures) => {
    onPublishFailed(complaint, Date.now(), failures);
    commit(complaint);
  });

  const timeToContinue = () => {
    const info = workflowInfo();
    return info.continueAsNewSuggested || info.historyLength > HISTORY_EVENTS_LIMIT;
  };

  // The clocks: sleep until the next warning, breach, scheduled step or calendar refresh. A message that
  // brings the next instant earlier wakes the loop; one that moves it later lets the sleep run out and
  // re-arm, so a busy complaint does not start and cancel a timer for every action.
  while (!complaint.isTerminal() && !timeToContinue()) {
    const wakeAt = earliest(complaint.nextWakeAt(), calendarRefreshAt(complaint));
    const sooner = () => {
      const next = complaint.nextWakeAt();
      return next !== undefined && (wakeAt === undefined || next < wakeAt);
    };
    const woken = () => complaint.isTerminal() || sooner() || timeToContinue();
    if (wakeAt === undefined) await condition(woken);
    else await condition(woken, Math.max(wakeAt - Date.now(), 1));
    if (Date.now() >= (calendarRefreshAt(complaint) ?? Infinity)) {
      complaint.useCalendar(
        await calendar(complaint.assessment.region, new Date(receivedAt).toISOString(), new Date().toISOString()),
      );
    }
    if (!complaint.isTerminal()) complaint.runDue(Date.now());
    commit(complaint);
  }

  if (complaint.isTerminal()) {
    // Closed or withdrawn: publish what is left, then finish.
    await condition(() => outbox.idle && allHandlersFinished());
    return complaint.status(Date.now());
  }
  await condition(allHandlersFinished);
  const info = workflowInfo();
  return continueAsNew<ComplaintWorkflow>({
    ...input,
    carried: {
      case: complaint.carry(),
      outbox: outbox.pending(),
      runs: (carried?.runs ?? 0) + 1,
      previousRunId: info.runId,
    },
  });
}

/** When the calendar snapshot must be widened: `CALENDAR_AHEAD_MS` before it runs out. */
function calendarRefreshAt(complaint: ComplaintCase): number | undefined {
  const coveredUntil = Date.parse(`${complaint.assessment.snapshot.coverage.to}T00:00:00Z`);
  return Number.isNaN(coveredUntil) ? undefined : coveredUntil - CALENDAR_AHEAD_MS;
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
