import { isGrpcServiceError, ServiceError } from '@temporalio/client';

/** gRPC status 9, FAILED_PRECONDITION: what the server answers an update caught in a run's hand-over. */
const FAILED_PRECONDITION = 9;
const BACKOFF_MS = [50, 100, 200, 400, 800, 1_600];

/**
 * Whether an update failed only because the workflow task that was to take it did not complete: a run
 * continuing as new while signals arrive is sent back to replay with them (an UnhandledCommand), and
 * the server then aborts the updates that task had admitted. The update changed nothing, and the same
 * update id is applied at most once (the workflow remembers update ids across runs), so a retry is safe.
 */
export function abortedByWorkflowTask(err: unknown): boolean {
  const cause = err instanceof ServiceError ? err.cause : err;
  return (
    isGrpcServiceError(cause) &&
    Number(cause.code) === FAILED_PRECONDITION &&
    /workflow task failure|workflow is closing|continued as new/i.test(cause.details ?? cause.message)
  );
}

/** Runs `call`, again after a short backoff while it fails with {@link abortedByWorkflowTask}. */
export async function retryingAbortedUpdates<T>(call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await call();
    } catch (err) {
      const wait = BACKOFF_MS[attempt];
      if (wait === undefined || !abortedByWorkflowTask(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}
