import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { dirname } from 'node:path';

/**
 * A CPU profile of this process over one stretch of a benchmark, through the inspector: the bridge runs
 * inside the ingest benchmark's own process, and `--cpu-prof` would profile the whole run, (a) and (b) and
 * the set-up included, where issue 17 asks for the bridge under (c) only. The file is what `--cpu-prof`
 * writes, so `cpu-summary` reads both.
 */
export async function startCpuProfile(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    async stop(file) {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, JSON.stringify(profile));
    },
  };
}
