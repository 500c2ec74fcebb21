import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { decodeHistory } from '../support/history-file';
import { HISTORY_DIR } from '../support/complaint-harness';
import { workflowBundle } from '../support/stack';

/**
 * Determinism: every recorded history in the corpus must replay against today's workflow code. A change
 * that would make an old history diverge must use `patched()`, and the old history stays here. To add
 * histories of new paths: RECORD_HISTORIES=1 npx jest --selectProjects workflow.
 */
const files = readdirSync(HISTORY_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replaying the recorded history corpus', () => {
  it('has a history for every lifecycle path', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  it.each(files)('%s replays without non-determinism', async (file) => {
    const { file: meta, history } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    expect(history.events).toHaveLength(meta.events);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, meta.scenario);
  });
});
