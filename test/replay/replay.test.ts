import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { decodeHistory } from '../support/history-file';
import { HISTORY_DIR, RECORDING_ENGINE } from '../support/complaint-harness';
import { workflowBundle } from '../support/stack';

/**
 * Determinism: every recorded history in the corpus must replay against today's workflow code. A change
 * that would make an old history diverge must use `patched()`, and the old history stays here. To add
 * histories of new paths: RECORD_HISTORIES=1 npx jest --selectProjects workflow.
 */
const files = readdirSync(HISTORY_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** The lifecycle paths the corpus must hold, each recorded under both engines. */
const SCENARIOS = [
  'breaches',
  'cfpb',
  'decline',
  'happy-path',
  'holding-response',
  'holding-response-late',
  'no-feedback',
  'rejected',
  'remedy-approval',
  'remedy-failure',
  'reopen-low-score',
  'reopen-reply',
  'repeats',
  'respect-check',
  'summary-resolution',
  'summary-resolution-late',
  'weekend-pause',
  'withdraw-update',
  'withdrawal',
];

/**
 * Paths only the outbox engine has, recorded under its tag alone: the warning ladder (the legacy
 * engine never climbs it). Their histories must hold the `redress-warning-ladder` patch marker, so
 * the replay below covers the patched branch and not only the old one.
 */
const LADDER_PATCH = 'redress-warning-ladder';
const OUTBOX_ONLY_SCENARIOS = ['warning-ladder', 'warning-ladder-unassigned'];

describe('replaying the recorded history corpus', () => {
  it.each(['', `@${RECORDING_ENGINE}`])('has every lifecycle path recorded (engine tag "%s")', (tag) => {
    const missing = SCENARIOS.filter((s) => !files.includes(`${s}${tag}.json`));
    expect(missing).toEqual([]);
  });

  it.each(OUTBOX_ONLY_SCENARIOS)('has %s recorded under the outbox engine, through the ladder patch', (s) => {
    const file = `${s}@${RECORDING_ENGINE}.json`;
    expect(files).toContain(file);
    const { file: meta } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    expect(Buffer.from(meta.history, 'base64').includes(LADDER_PATCH)).toBe(true);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const { file: meta, history } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    expect(history.events).toHaveLength(meta.events);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, meta.scenario);
  });
});
