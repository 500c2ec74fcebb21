import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { decodeHistory } from '../support/history-file';
import { HISTORY_DIR, RECORDING_ENGINE } from '../support/complaint-harness';
import { workflowBundle } from '../support/stack';
import { payloadDataConverter } from '../../platform/data-converter';
import { AesGcmPayloadCodec, isEncrypted } from '../../platform/payload-codec';
import { replayTestKeys } from '../support/payload-keys';
import { historyPayloads } from '../support/history-payloads';

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
 * Paths only the outbox engine has, recorded under its tag alone, each with the patch marker its branch
 * is behind (so the replay below covers the patched branch and not only the old one): the warning ladder
 * (the legacy engine never climbs it), issue 15's regime rules, and issue 13's apology for a missed
 * remedy or holding-response date, and issue 15's linked complaint for a reply's new matter (an activity that
 * starts another workflow). The FCA holding sequence and the
 * fault-admitted refusal are behind no patch: they follow policy content and a validator-only rule.
 */
const OUTBOX_ONLY_SCENARIOS: Record<string, string | null> = {
  'warning-ladder': 'redress-warning-ladder',
  'warning-ladder-unassigned': 'redress-warning-ladder',
  'fca-signpost-reply': 'redress-reply-after-final',
  'fca-signpost-score': 'redress-reply-after-final',
  'fca-progress-updates': 'redress-progress-updates',
  'written-channel': 'redress-written-channel',
  'fca-holding-sequence': null,
  'fca-fault-not-upheld': null,
  'draft-approval': 'held-drafts-in-view',
  'draft-once': 'held-drafts-in-view',
  'draft-mild': null,
  'missed-remedy-due': 'redress-missed-promise-apology',
  'missed-holding-date': 'redress-missed-promise-apology',
  'linked-new-matter': 'redress-linked-new-matter',
  'linked-new-matter-after-final': 'redress-linked-new-matter',
};

/**
 * Histories recorded under the payload codec, with the committed replay TEST key
 * (test/replay/test-payload-key; test/workflow/encrypted-history.test.ts records them).
 */
const ENCRYPTED_SCENARIOS = ['encrypted-lifecycle'];
/** Every history replays as a worker runs today: with the codec, which must leave the clear ones alone. */
const dataConverter = payloadDataConverter({
  encryption: 'on',
  keys: replayTestKeys(),
  source: 'REDRESS_PAYLOAD_KEYS',
});

describe('replaying the recorded history corpus', () => {
  it.each(['', `@${RECORDING_ENGINE}`])('has every lifecycle path recorded (engine tag "%s")', (tag) => {
    const missing = SCENARIOS.filter((s) => !files.includes(`${s}${tag}.json`));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(OUTBOX_ONLY_SCENARIOS))('has %s recorded under the outbox engine (patch %s)', (s, patch) => {
    const file = `${s}@${RECORDING_ENGINE}.json`;
    expect(files).toContain(file);
    const { file: meta } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    expect(Buffer.from(meta.history, 'base64').includes(patch ?? 'redress-')).toBe(true);
  });

  it.each(ENCRYPTED_SCENARIOS)('has %s recorded encrypted, with nothing of the customer in clear', (s) => {
    const file = `${s}@${RECORDING_ENGINE}.json`;
    expect(files).toContain(file);
    const { history } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    const { encoded } = historyPayloads(history);
    expect(encoded.length).toBeGreaterThan(5);
    expect(encoded.every(isEncrypted)).toBe(true);
    const raw = Buffer.concat(encoded.map((p) => p.data!));
    expect(raw.includes('Ada Lovelace')).toBe(false);
    expect(raw.includes('ada@example.com')).toBe(false);
  });

  it.each(ENCRYPTED_SCENARIOS)('cannot replay %s without the key: the codec is what reads it', async (s) => {
    const { history } = decodeHistory(readFileSync(join(HISTORY_DIR, `${s}@${RECORDING_ENGINE}.json`), 'utf8'));
    await expect(Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, s)).rejects.toThrow();
  });

  it('passes every payload of the clear histories through the codec untouched', async () => {
    const codec = new AesGcmPayloadCodec(replayTestKeys());
    const clear = files.filter((f) => !ENCRYPTED_SCENARIOS.some((s) => f.startsWith(`${s}@`)));
    const payloads = clear.flatMap(
      (f) => historyPayloads(decodeHistory(readFileSync(join(HISTORY_DIR, f), 'utf8')).history).encoded,
    );
    expect(payloads.length).toBeGreaterThan(100);
    expect(payloads.some(isEncrypted)).toBe(false);
    const decoded = await codec.decode(payloads);
    expect(decoded).toHaveLength(payloads.length);
    // The very objects back, so not a byte of a clear history changes on the way to the workflow.
    expect(decoded.every((p, i) => p === payloads[i])).toBe(true);
  });

  it.each(files)('%s replays without non-determinism, through the payload codec', async (file) => {
    const { file: meta, history } = decodeHistory(readFileSync(join(HISTORY_DIR, file), 'utf8'));
    expect(history.events).toHaveLength(meta.events);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle(), dataConverter }, history, meta.scenario);
  });
});
