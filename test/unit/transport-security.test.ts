import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../../config';
import { describeTransportSecurity } from '../../config/transport-security';
import { kafkaSecurityOptions } from '../../platform/kafka-client';
import { temporalConnectionOptions } from '../../platform/temporal-connection';

/**
 * TLS and SASL settings from the environment: each bad variable named, files read at start-up, secrets
 * never printed. (That the settings work against real servers: test/integration/kafka-sasl.test.ts and
 * temporal-tls.test.ts.)
 */
const dir = mkdtempSync(join(tmpdir(), 'redress-transport-'));
const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
// Shaped as PEM files (the configuration checks the kind, the TLS library the content).
const CERT = file('cert.pem', '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
const KEY_TEXT = '-----BEGIN PRIVATE KEY-----\nsecret-key-material\n-----END PRIVATE KEY-----\n';
const KEY = file('key.pem', KEY_TEXT);
const CA = file('ca.pem', '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n');
const PASSWORD = file('password', 'pa55-from-file\n');

const invalid = (env: NodeJS.ProcessEnv) => () => loadConfig(env);

describe('Temporal', () => {
  it('connects in clear when nothing is set (the local dev server)', () => {
    const config = loadConfig({});
    expect(config.temporal.security).toEqual({});
    expect(temporalConnectionOptions(config.temporal.address, config.temporal.security)).toEqual({
      address: '127.0.0.1:7233',
    });
  });

  it('uses mutual TLS with the CA and server name given', () => {
    const config = loadConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_TLS_CERT: CERT,
      TEMPORAL_TLS_KEY: KEY,
      TEMPORAL_TLS_CA: CA,
      TEMPORAL_TLS_SERVER_NAME: 'frontend.temporal',
    });
    const options = temporalConnectionOptions(config.temporal.address, config.temporal.security);
    expect(options.tls?.serverNameOverride).toBe('frontend.temporal');
    expect(Buffer.from(options.tls!.serverRootCACertificate!).toString()).toContain('MIIC');
    expect(Buffer.from(options.tls!.clientCertPair!.crt).toString()).toContain('MIIB');
    expect(Buffer.from(options.tls!.clientCertPair!.key).toString()).toBe(KEY_TEXT);
    expect(options.apiKey).toBeUndefined();
  });

  it('turns TLS on for an API key (Temporal Cloud), with the system CAs', () => {
    const config = loadConfig({ TEMPORAL_API_KEY: 'cloud-key-123' });
    expect(temporalConnectionOptions('x:7233', config.temporal.security)).toEqual({
      address: 'x:7233',
      tls: {},
      apiKey: 'cloud-key-123',
    });
    expect(invalid({ TEMPORAL_API_KEY: 'k', TEMPORAL_TLS: 'false' })).toThrow(
      /TEMPORAL_TLS: .*only ever sent over TLS/,
    );
  });

  it('names the variable of each mistake', () => {
    expect(invalid({ TEMPORAL_TLS_CERT: CERT })).toThrow(/TEMPORAL_TLS_KEY: a client certificate needs both/);
    expect(invalid({ TEMPORAL_TLS_CA: join(dir, 'missing.pem') })).toThrow(
      /TEMPORAL_TLS_CA: cannot read .*missing\.pem \(ENOENT\)/,
    );
    expect(invalid({ TEMPORAL_TLS_CA: KEY })).toThrow(/TEMPORAL_TLS_CA: .* is not a PEM file of the expected kind/);
    expect(invalid({ TEMPORAL_TLS_CERT: CERT, TEMPORAL_TLS_KEY: CERT })).toThrow(/TEMPORAL_TLS_KEY: .*not a PEM file/);
    expect(invalid({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS: must be true or false/);
    expect(invalid({ TEMPORAL_TLS: 'off', TEMPORAL_TLS_CA: CA })).toThrow(/TEMPORAL_TLS: is false but TLS files/);
    expect(invalid({ TEMPORAL_API_KEY: 'a', TEMPORAL_API_KEY_FILE: PASSWORD })).toThrow(
      /TEMPORAL_API_KEY: set .* not both/,
    );
  });
});

describe('Kafka', () => {
  it('connects in clear when nothing is set (the local broker)', () => {
    expect(kafkaSecurityOptions(loadConfig({}).kafka.security)).toEqual({});
  });

  it('uses SCRAM over TLS, the password from its file', () => {
    const config = loadConfig({
      KAFKA_SSL_CA: CA,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'redress',
      KAFKA_SASL_PASSWORD_FILE: PASSWORD,
    });
    const options = kafkaSecurityOptions(config.kafka.security);
    expect(options.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'redress', password: 'pa55-from-file' });
    expect(options.ssl).toMatchObject({ rejectUnauthorized: true });
    expect(String((options.ssl as { ca: Buffer[] }).ca[0])).toContain('MIIC');
  });

  it('passes a client certificate for brokers that want mutual TLS', () => {
    const config = loadConfig({ KAFKA_SSL: 'true', KAFKA_SSL_CERT: CERT, KAFKA_SSL_KEY: KEY });
    expect(kafkaSecurityOptions(config.kafka.security).ssl).toMatchObject({ key: Buffer.from(KEY_TEXT) });
  });

  it('names the variable of each mistake', () => {
    expect(invalid({ KAFKA_SASL_MECHANISM: 'scram-sha-1' })).toThrow(
      /KAFKA_SASL_MECHANISM: must be one of scram-sha-256/,
    );
    expect(invalid({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_USERNAME: is required/,
    );
    expect(invalid({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_SASL_USERNAME: 'u' })).toThrow(
      /KAFKA_SASL_PASSWORD: \(or KAFKA_SASL_PASSWORD_FILE\) is required/,
    );
    expect(invalid({ KAFKA_SASL_USERNAME: 'u' })).toThrow(
      /KAFKA_SASL_USERNAME: is set but KAFKA_SASL_MECHANISM is not/,
    );
    expect(invalid({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p' })).toThrow(
      /KAFKA_SASL_MECHANISM: plain sends the password in clear: set KAFKA_SSL=true/,
    );
    expect(invalid({ KAFKA_SSL_KEY: KEY })).toThrow(/KAFKA_SSL_CERT: a client certificate needs both/);
    expect(
      invalid({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD_FILE: join(dir, 'nope') }),
    ).toThrow(/KAFKA_SASL_PASSWORD_FILE: cannot read/);
  });
});

it('never prints a key, a password or an API key: not in JSON, not in inspect, not in a log line', () => {
  const config = loadConfig({
    TEMPORAL_TLS_CERT: CERT,
    TEMPORAL_TLS_KEY: KEY,
    TEMPORAL_API_KEY: 'cloud-key-123',
    KAFKA_SSL: 'true',
    KAFKA_SASL_MECHANISM: 'scram-sha-256',
    KAFKA_SASL_USERNAME: 'redress',
    KAFKA_SASL_PASSWORD: 'hunter2-password',
  });
  const lines: string[] = [];
  const logger = pino({}, { write: (line: string) => lines.push(line) });
  logger.info({ config }, 'config');
  logger.info(describeTransportSecurity(config), 'transport security');
  const printed = [JSON.stringify(config), inspect(config, { depth: 10 }), ...lines].join('\n');
  for (const secret of ['secret-key-material', 'cloud-key-123', 'hunter2-password'])
    expect(printed).not.toContain(secret);
  expect(printed).toContain('[redacted]');
  expect(JSON.parse(lines[1]!)).toMatchObject({
    temporal: { tls: true, clientCert: true, apiKey: true },
    kafka: { tls: true, sasl: { mechanism: 'scram-sha-256', username: 'redress' } },
  });
});
