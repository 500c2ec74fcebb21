import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../../config';
import { temporalConnectionOptions } from '../../platform/temporal-connection';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { exerciseEveryProcess } from '../support/secured-stack';
import { makeTestPki, type TestPki } from '../support/test-pki';
import { startTlsProxy, type TlsProxy } from '../support/tls-proxy';

/**
 * Temporal over mutual TLS. The CLI's dev server (v1.5.1) has no TLS flags (`temporal server start-dev
 * --help` lists none; its `--tls*` options are client options of the other commands), so the server side
 * is a TLS-terminating proxy in front of it, as a load balancer often is in a deployment: the client side
 * — certificates, CA, server name, both the Rust core's connection (worker) and grpc-js's (bridge, API) —
 * is real and exercised here.
 */
let pki: TestPki;
let proxy: TlsProxy;
let h: ApiHarness | undefined;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pki = makeTestPki();
  proxy = await startTlsProxy({
    target: process.env.TEMPORAL_ADDRESS!,
    cert: pki.server.cert,
    key: pki.server.key,
    clientCa: pki.caCert,
  });
  env = {
    TEMPORAL_ADDRESS: proxy.address,
    TEMPORAL_TLS_CA: pki.caCert,
    TEMPORAL_TLS_CERT: pki.client.cert,
    TEMPORAL_TLS_KEY: pki.client.key,
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
  };
});

afterAll(async () => {
  await h?.stop();
  await proxy?.stop();
});

it('runs the worker, the bridge and the API over mutual TLS', async () => {
  h = await startApiHarness('temporal-tls', { env, bridgeMetrics: true });
  expect(h.stack.config.temporal.address).toBe(proxy.address);
  const seen = await exerciseEveryProcess(h);
  expect(seen.intakeLifecycle).toEqual(['complaint.opened', 'complaint.acknowledged']);
  expect(seen.apiCreated).toBe(201);
  expect(seen.apiStage).toBe('acknowledged');
  expect(seen.health).toEqual({ status: 'ok', checks: { temporal: true, kafka: true } });
  expect(proxy.accepted).toBeGreaterThanOrEqual(2);
}, 90_000);

it('is refused without a client certificate, with one of another CA, in clear, and to an unverified server', async () => {
  const refusedBefore = proxy.refused;
  const attempt = async (overrides: NodeJS.ProcessEnv) => {
    const config = loadConfig({ ...process.env, ...env, ...overrides });
    const options = temporalConnectionOptions(config.temporal.address, config.temporal.security);
    return Connection.connect({ ...options, connectTimeout: 3_000 }).then(async (c) => {
      await c.workflowService.getSystemInfo({});
      await c.close();
    });
  };
  await expect(attempt({ TEMPORAL_TLS_CERT: undefined, TEMPORAL_TLS_KEY: undefined })).rejects.toThrow();
  await expect(
    attempt({ TEMPORAL_TLS_CERT: pki.strangerClient.cert, TEMPORAL_TLS_KEY: pki.strangerClient.key }),
  ).rejects.toThrow();
  const inClear = { TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA: undefined, TEMPORAL_TLS_SERVER_NAME: undefined };
  await expect(attempt({ ...inClear, TEMPORAL_TLS_CERT: undefined, TEMPORAL_TLS_KEY: undefined })).rejects.toThrow();
  // The worker's connection (the Rust core) refuses a server whose certificate it cannot verify.
  const config = loadConfig({ ...process.env, ...env, TEMPORAL_TLS_CA: undefined, TEMPORAL_TLS: 'true' });
  await expect(
    NativeConnection.connect(temporalConnectionOptions(config.temporal.address, config.temporal.security)),
  ).rejects.toThrow();
  expect(proxy.refused).toBeGreaterThan(refusedBefore);
}, 60_000);
