import { condition, defineQuery, defineSignal, defineUpdate, setHandler } from '@temporalio/workflow';

/**
 * A workflow for the bridge's delivery tests, bundled on its own task queue: it records every
 * delivery in the order it arrived (duplicates included), so a test sees exactly what the bridge
 * did, independent of how the complaint workflow interprets facts. Handlers are registered before
 * anything else, so buffered signals keep their arrival order.
 */
export interface ProbeFact {
  eventId: string;
  source: string;
  occurredAt: string;
  data: Record<string, unknown>;
}
export interface ProbeState {
  arrivals: string[];
  updates: string[];
}

export const recordFactSignal = defineSignal<[ProbeFact]>('recordFact');
export const closeSignal = defineSignal<[ProbeFact]>('close');
export const receivedSignal = defineSignal<[unknown]>('complaintReceived');
/** Refuses a survey score under 3, as a validator: nothing is recorded for a refused update. */
export const answerSurveyUpdate = defineUpdate<number, [ProbeFact]>('answerSurvey');
export const probeQuery = defineQuery<ProbeState>('probe');

export async function bridgeProbe(_input: unknown): Promise<ProbeState> {
  const state: ProbeState = { arrivals: [], updates: [] };
  let closed = false;
  setHandler(receivedSignal, () => undefined);
  setHandler(recordFactSignal, (f) => void state.arrivals.push(f.eventId));
  setHandler(closeSignal, () => {
    closed = true;
  });
  setHandler(
    answerSurveyUpdate,
    (f) => {
      state.updates.push(f.eventId);
      return state.updates.length;
    },
    {
      validator: (f: ProbeFact) => {
        if (Number(f.data.score) < 3) throw new Error(`score ${String(f.data.score)} is refused by this probe`);
      },
    },
  );
  setHandler(probeQuery, () => state);
  await condition(() => closed);
  return state;
}
