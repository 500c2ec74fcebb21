import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { temporalHealthy } from '../platform/health';
import { startManaged, type ManagedProcess, type StartOptions } from './managed-process';
import { searchAttributeFlags } from './search-attributes';

export interface TemporalServerOptions {
  /** The `temporal` CLI built by obtain.sh. */
  cli: string;
  host: string;
  port: number;
  /** 0 runs it headless (tests); otherwise the web UI's port. */
  uiPort: number;
  /** Directory for the SQLite database; undefined keeps it in memory (throwaway test servers). */
  dataDir?: string;
  namespace: string;
  logFile: string;
  /**
   * The remote codec the web UI decodes payloads with (the API's `/codec`), so an engineer reads
   * complaints decrypted in the local UI; without it the UI shows ciphertext.
   */
  codecEndpoint?: string;
  /** Dynamic config values (`--dynamic-config-value KEY=JSON`), e.g. a low continue-as-new suggestion. */
  dynamicConfig?: Record<string, string | number | boolean>;
  /** The server's Prometheus `/metrics` port (`--metrics-port`); off when undefined. Benchmarks read it. */
  metricsPort?: number;
}

/**
 * `temporal server start-dev` as a process to start. With a data directory it keeps its SQLite database
 * there, so a restart (the stack's supervisor) reopens the same file with every workflow in it.
 */
export function temporalServerSpec(o: TemporalServerOptions): StartOptions {
  if (!existsSync(o.cli)) {
    throw new Error(`the Temporal CLI is missing at ${o.cli}: run infra/obtain.sh (the README's commands do)`);
  }
  const args = ['server', 'start-dev', '--ip', o.host, '--port', String(o.port), '--namespace', o.namespace];
  args.push('--log-level', 'warn', '--log-format', 'json');
  args.push(...(o.uiPort > 0 ? ['--ui-port', String(o.uiPort)] : ['--headless']));
  if (o.uiPort > 0 && o.codecEndpoint) args.push('--ui-codec-endpoint', o.codecEndpoint);
  if (o.dataDir) {
    mkdirSync(o.dataDir, { recursive: true });
    // WAL and synchronous=normal: SQLite's defaults make the dev server several times slower.
    args.push('--db-filename', join(o.dataDir, 'temporal.sqlite'));
    args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  }
  args.push(...searchAttributeFlags());
  if (o.metricsPort) args.push('--metrics-port', String(o.metricsPort));
  for (const [key, value] of Object.entries(o.dynamicConfig ?? {})) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  const address = `${o.host}:${o.port}`;
  return {
    name: 'temporal',
    command: o.cli,
    args,
    logFile: o.logFile,
    startTimeoutMs: 90_000,
    healthy: () => temporalHealthy(address, o.namespace),
  };
}

/** Starts `temporal server start-dev` and waits until it answers on its gRPC port. */
export function startTemporalServer(o: TemporalServerOptions): Promise<ManagedProcess> {
  return startManaged(temporalServerSpec(o));
}
