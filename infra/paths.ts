import { join, resolve } from 'node:path';
import { cacheDir } from '../platform/data-dir';

/**
 * Where obtain.sh puts the servers (under the cache directory of `platform/data-dir`, which mirrors
 * infra/env.sh: keep the two in step). Everything is outside the repository so fresh clones share one cache.
 */

export function temporalCli(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), `temporal-cli-${env.TEMPORAL_CLI_VERSION ?? '1.5.1'}`, 'temporal');
}

export function kafkaLibs(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'kafka-libs');
}

export function timeSkippingServer(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir(env), 'temporal-test-server', 'run.sh');
}

/** The repository root (this file is infra/paths.ts, or dist/infra/paths.js once built). */
export function repoRoot(): string {
  const up = __dirname.includes(`${join('dist', 'infra')}`) ? '../..' : '..';
  return resolve(__dirname, up);
}
