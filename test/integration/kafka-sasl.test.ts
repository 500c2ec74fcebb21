import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../config';
import { Kafka, logLevel } from 'kafkajs';
import { createKafka, kafkaSecurityOptions } from '../../platform/kafka-client';
import { KafkaProbe } from '../../platform/health';
import { startApiHarness, type ApiHarness } from '../support/api-harness';
import { DedicatedBroker } from '../support/dedicated-broker';
import { exerciseEveryProcess } from '../support/secured-stack';
import { makeTestPki, type TestPki } from '../support/test-pki';

/**
 * Kafka as a deployment runs it: a broker (from the project's jars) whose only client listener is
 * SASL_SSL, SCRAM-SHA-512 over TLS, its certificate signed by a CA made for this run. The worker, the
 * bridge and the API connect with the credentials of KAFKA_SASL_* and trust KAFKA_SSL_CA; a wrong
 * password or no TLS is refused.
 */
let pki: TestPki;
let broker: DedicatedBroker;
let h: ApiHarness | undefined;
const password = randomBytes(18).toString('base64url');
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  pki = makeTestPki();
  broker = new DedicatedBroker('kafka-sasl', {
    tls: { cert: pki.server.cert, key: pki.server.key, ca: pki.caCert },
    mechanism: 'SCRAM-SHA-512',
    users: [
      { name: 'broker', password: randomBytes(18).toString('base64url') },
      { name: 'redress', password },
    ],
  });
  await broker.start();
  const passwordFile = join(pki.dir, 'kafka-password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  env = {
    ...broker.env,
    KAFKA_SSL_CA: pki.caCert,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: 'redress',
    KAFKA_SASL_PASSWORD_FILE: passwordFile,
  };
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await broker?.stop();
});

it('runs the worker, the bridge and the API over SCRAM-SHA-512 and TLS', async () => {
  h = await startApiHarness('kafka-sasl', { env, bridgeMetrics: true, lifecycleMetrics: true });
  expect(h.stack.config.kafka.security.sasl?.mechanism).toBe('scram-sha-512');
  expect(h.stack.config.kafka.security.tls).toBeDefined();
  const seen = await exerciseEveryProcess(h);
  expect(seen.intakeLifecycle).toEqual(['complaint.opened', 'complaint.acknowledged']);
  expect(seen.apiCreated).toBe(201);
  expect(seen.apiStage).toBe('acknowledged');
  expect(seen.health).toEqual({ status: 'ok', checks: { temporal: true, kafka: true } });
}, 90_000);

it('refuses a wrong password with an authentication error', async () => {
  const config = loadConfig({
    ...process.env,
    ...env,
    KAFKA_SASL_PASSWORD_FILE: undefined,
    KAFKA_SASL_PASSWORD: 'wrong',
  });
  const producer = createKafka(config, 'wrong-password', pino({ level: 'silent' })).producer();
  await expect(producer.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  await producer.disconnect();
  const probe = new KafkaProbe(config.kafka.brokers, 'wrong-password-probe', config.kafka.security);
  await expect(probe.check()).resolves.toBe(false);
}, 60_000);

it('refuses a client that does not speak TLS, and one that does not trust the broker', async () => {
  const plain = loadConfig({ ...process.env, KAFKA_BROKERS: broker.brokers });
  await expect(new KafkaProbe(plain.kafka.brokers, 'plain-probe', plain.kafka.security).check()).resolves.toBe(false);
  // The system's CAs only: the broker's certificate is from the run's own CA, so verification fails.
  const untrusting = loadConfig({ ...process.env, ...env, KAFKA_SSL_CA: undefined, KAFKA_SSL: 'true' });
  // No retries: the refusal is the point, not kafkajs's patience with it.
  const admin = new Kafka({
    brokers: untrusting.kafka.brokers,
    ...kafkaSecurityOptions(untrusting.kafka.security),
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  }).admin();
  await expect(admin.connect()).rejects.toThrow(/self[- ]signed|unable to (verify|get local issuer)|certificate/i);
  await admin.disconnect();
}, 60_000);
