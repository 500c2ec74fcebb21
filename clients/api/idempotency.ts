import { createHash } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { decodeArrayFromPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { complaintWorkflowId } from '../../domain/ids';
import { ApiError, workerUnavailable } from './errors';

/**
 * An Idempotency-Key is bound to the action it was first sent with and to that action's body.
 *
 * The key becomes the Temporal update id (`api:<caller>:<key>`), so Temporal itself admits at most one
 * update per key on a complaint's run, whichever API instance receives the request and however often
 * it restarts; a second request with the key gets the first one's outcome. Temporal does not compare
 * the second request with the first, though. The binding is kept where the first request went: the
 * run's history records every admitted update with its name and input (`WorkflowExecutionUpdateAccepted`).
 * After an outcome, the API reads that record (newest events first: it is usually among the last few)
 * and compares the SHA-256 of the canonical (action, body) with the request's own. Another action or
 * another body answers 422, and nothing was done for it, since Temporal ran the first request only.
 *
 * Nothing is kept in the API, so the check holds across instances and restarts. Its scope is Temporal's
 * own: one run of the complaint's workflow (a continue-as-new starts a new run with new update ids).
 * An update the workflow refused in its validator leaves no record and did nothing, so a key whose only
 * use was refused may be sent again with another body.
 */

/** JSON with every object's keys sorted and undefined fields left out: one text per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The SHA-256 (hex) of an action and its body, canonically: what an Idempotency-Key is bound to. */
export function actionHash(updateName: string, body: unknown): string {
  return createHash('sha256')
    .update(canonicalJson({ action: updateName, body }))
    .digest('hex');
}

/** The update's input as the workflow received it, without the actor the API adds (the caller's own). */
function bodyOf(arg: unknown): unknown {
  if (typeof arg !== 'object' || arg === null) return arg;
  const { actor: _actor, ...body } = arg as Record<string, unknown>;
  return body;
}

/** 422: the key was first used for another action or body. */
export function keyReused(key: string, complaintId: string, firstAction: string): ApiError {
  return new ApiError(
    422,
    'idempotency_key_reused',
    `Idempotency-Key ${key} was first used on complaint ${complaintId} for ${firstAction} with another body, ` +
      'or for another action: nothing was done for this request. Send a new Idempotency-Key for a new action, ' +
      'or the first request unchanged to learn its outcome',
    { field: 'Idempotency-Key', firstAction },
  );
}

/** Reads an update's binding from the complaint's history; see the top of this file. */
export class IdempotencyBindings {
  constructor(
    private readonly client: Client,
    /** Events read a page, newest first. */
    private readonly pageSize = 100,
    /** How long reading the history may take before the request answers 503. */
    private readonly timeoutMs = 5_000,
  ) {}

  /**
   * Throws {@link keyReused} when the update admitted with `updateId` on the complaint's current run
   * was another action, or the same action with another body, than (`updateName`, `body`).
   */
  async check(complaintId: string, updateId: string, key: string, updateName: string, body: unknown): Promise<void> {
    let first: { name: string; body: unknown } | undefined;
    try {
      first = await this.client.withDeadline(Date.now() + this.timeoutMs, () => this.admitted(complaintId, updateId));
    } catch {
      // The outcome may be another request's, so it cannot be given unconfirmed; retrying is safe.
      throw workerUnavailable(
        `could not read what Idempotency-Key ${key} was first used for on complaint ${complaintId}: ` +
          'retry with the same Idempotency-Key to learn the outcome',
        1,
      );
    }
    if (!first) return;
    if (actionHash(first.name, first.body) !== actionHash(updateName, body)) {
      throw keyReused(key, complaintId, first.name);
    }
  }

  /** The name and body of the update admitted with `updateId`, or undefined when none was. */
  private async admitted(complaintId: string, updateId: string): Promise<{ name: string; body: unknown } | undefined> {
    const { namespace, loadedDataConverter } = this.client.options;
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.client.workflowService.getWorkflowExecutionHistoryReverse({
        namespace,
        execution: { workflowId: complaintWorkflowId(complaintId) },
        maximumPageSize: this.pageSize,
        ...(nextPageToken ? { nextPageToken } : {}),
      });
      for (const event of page.history?.events ?? []) {
        const accepted = event.workflowExecutionUpdateAcceptedEventAttributes;
        const request = accepted?.acceptedRequest;
        if (!accepted || (request?.meta?.updateId ?? accepted.protocolInstanceId) !== updateId) continue;
        const args = await decodeArrayFromPayloads(loadedDataConverter, request?.input?.args?.payloads);
        return { name: request?.input?.name ?? '', body: bodyOf(args[0]) };
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
    return undefined;
  }
}
