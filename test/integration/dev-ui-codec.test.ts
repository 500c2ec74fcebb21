import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../infra/free-port';
import type { ManagedProcess } from '../../infra/managed-process';
import { temporalCli } from '../../infra/paths';
import { startTemporalServer } from '../../infra/temporal-server';
import { waitUntil } from '../support/wait';

/**
 * The local Temporal UI decodes complaints through the API's codec (issue 16 §2): the dev server the
 * local stack starts (infra/stack.ts passes the API's `/codec`) tells its web UI, in the settings the UI
 * loads, to send payloads there. Without the setting the UI has no codec and shows ciphertext.
 */
interface UiSettings {
  Codec?: { Endpoint?: string };
}

async function uiSettings(codecEndpoint: string | undefined): Promise<UiSettings> {
  const dir = mkdtempSync(join(tmpdir(), 'redress-ui-codec-'));
  const uiPort = await freePort();
  const server: ManagedProcess = await startTemporalServer({
    cli: temporalCli(),
    host: '127.0.0.1',
    port: await freePort(),
    uiPort,
    namespace: 'default',
    logFile: join(dir, 'temporal.log'),
    ...(codecEndpoint ? { codecEndpoint } : {}),
  });
  try {
    let settings: UiSettings | undefined;
    // The UI's HTTP server comes up beside the frontend, a moment after the gRPC port answers.
    await waitUntil('the UI answers its settings', async () => {
      const res = await fetch(`http://127.0.0.1:${uiPort}/api/v1/settings`).catch(() => undefined);
      if (!res?.ok) return false;
      settings = (await res.json()) as UiSettings;
      return true;
    });
    if (!settings) throw new Error('no settings');
    return settings;
  } finally {
    await server.stop();
  }
}

it("points the local UI's codec at the API, and only when told to", async () => {
  const endpoint = 'http://127.0.0.1:3000/codec';
  expect((await uiSettings(endpoint)).Codec?.Endpoint).toBe(endpoint);
  expect((await uiSettings(undefined)).Codec?.Endpoint ?? '').toBe('');
}, 120_000);
