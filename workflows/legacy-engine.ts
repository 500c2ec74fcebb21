import { allHandlersFinished, condition, proxyLocalActivities } from '@temporalio/workflow';
import type { ComplaintActivities } from '../activities';
import type { ComplaintInput, ComplaintStatus } from './messages';
import { registerHandlers } from './handlers';
import { searchAttributeSync } from './attributes';
import { ComplaintCase } from './case';

/**
 * THE LEGACY ENGINE, frozen: complaints started before the `redress-outbox-engine` patch (and the replay
 * corpus they recorded) run this code to the end. Do not change what it commands; new behaviour goes in
 * `engine.ts`. Its known faults, fixed there: a publish that fails holds up the clock loop and every
 * update, publishing retries without limit, the calendar snapshot runs out two years after receipt,
 * and it never continues as new.
 *
 * Local activities: each step's publishing runs inside the workflow task that decided it, which keeps a
 * full complaint's history short (one marker per step instead of five events). Kafka being down must not
 * lose an event, so they retry for as long as it takes, backing off to a minute.
 */
const { assess, publish } = proxyLocalActivities<ComplaintActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/**
 * One customer complaint, from intake to a closed and measured outcome (DESIGN §2). The rules live in
 * `ComplaintCase`; this function wires them to Temporal: human actions are validated updates, facts
 * from other systems are signals deduplicated by event id, and every clock is a durable timer.
 *
 * Every handler is registered before the first await. Signals that arrive while intake is still
 * assessing the complaint wait in `early`, in arrival order: were handlers registered after the
 * assessment, the SDK would replay buffered signals grouped by handler, so a reply and a survey answer
 * could be applied the other way round. Updates wait for the assessment, then are checked.
 */
export async function runLegacyComplaint(input: ComplaintInput): Promise<ComplaintStatus> {
  // The clock runs from receipt, not from when the workflow happened to start (never in the future).
  const receivedAt = Math.min(Date.parse(input.complaint.receivedAt), Date.now());
  let current: ComplaintCase | undefined = undefined;
  const early: Array<(current: ComplaintCase) => void> = [];

  // Publishing is serialised: steps publish in the order they happened, even when handlers overlap.
  let publishing: Promise<void> = Promise.resolve();
  const syncSearchAttributes = searchAttributeSync(receivedAt);
  const commit = (complaint: ComplaintCase): Promise<void> => {
    syncSearchAttributes(complaint);
    const batch = complaint.takeOutbox();
    if (!batch) return publishing;
    const occurredAt = new Date().toISOString();
    publishing = publishing.then(async () => void (await publish(batch, occurredAt)));
    return publishing;
  };

  // Readable from the first moment: until intake has assessed the complaint, the status says so.
  registerHandlers({ input, receivedAt, current: () => current, early, commit, rememberUpdateIds: false });

  const assessment = await assess(input.complaintId, {
    ...input.complaint,
    receivedAt: new Date(receivedAt).toISOString(),
  });
  const complaint = new ComplaintCase(input, assessment, receivedAt);
  complaint.open(Date.now());
  current = complaint;
  for (const apply of early.splice(0)) apply(complaint);
  await commit(complaint);

  // The clocks: sleep until the next warning, breach or scheduled step. A message that brings the next
  // instant earlier wakes the loop; one that moves it later lets the sleep run out and re-arm, so a
  // busy complaint does not start and cancel a timer for every action.
  while (!complaint.isTerminal()) {
    const wakeAt = complaint.nextWakeAt();
    const sooner = () => {
      const next = complaint.nextWakeAt();
      return next !== undefined && (wakeAt === undefined || next < wakeAt);
    };
    if (wakeAt === undefined) {
      await condition(() => complaint.isTerminal() || sooner());
    } else {
      await condition(() => complaint.isTerminal() || sooner(), Math.max(wakeAt - Date.now(), 1));
    }
    if (!complaint.isTerminal()) complaint.runDue(Date.now());
    await commit(complaint);
  }
  await commit(complaint);
  await condition(allHandlersFinished);
  return complaint.status(Date.now());
}
