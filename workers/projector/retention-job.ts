import type { Logger } from 'pino';
import type { Db } from '../../store/db';
import { eraseEndedBefore, retentionCutoff } from '../../store/retention';

/**
 * Runs the store's retention at start and then every `intervalMs`: complaints that ended more than
 * `years` ago are erased. Logs counts only. A failure (the database away) is logged and tried at the
 * next interval; it never stops the projector. Returns a stop function.
 */
export function startRetention(db: Db, logger: Logger, opts: { years: number; intervalMs: number }): () => void {
  const run = async () => {
    const cutoff = retentionCutoff(new Date(), opts.years);
    try {
      const erased = await eraseEndedBefore(db, cutoff);
      logger.info(
        { cutoff, years: opts.years, ...erased },
        'retention: erased complaints that ended before the cutoff',
      );
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'retention did not run; trying at the next interval');
    }
  };
  let running = run();
  const timer = setInterval(() => {
    running = running.then(run);
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
