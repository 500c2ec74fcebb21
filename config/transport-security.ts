import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { z } from 'zod';
import { describeFieldErrors, fieldErrors } from '../domain/validation';

/**
 * How Redress's processes reach Temporal and Kafka securely: TLS (mutual, with a client certificate,
 * or server-only), a Temporal Cloud API key, and Kafka SASL. All from the environment, validated at
 * start-up with the variable named, and every file read then, so a wrong path fails before anything
 * connects rather than as a TLS error minutes later. Nothing here is logged: secrets are wrapped in
 * {@link Secret}, which prints and serialises as `[redacted]`.
 */

/** A value that must never reach a log line: `JSON.stringify`, pino and `util.inspect` see `[redacted]`. */
export class Secret<T> {
  readonly #value: T;
  constructor(value: T) {
    this.#value = value;
  }
  /** The value itself, for the one call that hands it to a client library. */
  reveal(): T {
    return this.#value;
  }
  toJSON(): string {
    return '[redacted]';
  }
  toString(): string {
    return '[redacted]';
  }
  [inspect.custom](): string {
    return '[redacted]';
  }
}

/** TLS towards a server: a CA to trust (else the system's), a client certificate for mTLS, a server name. */
export interface TlsSettings {
  ca?: Buffer;
  clientCert?: { cert: Buffer; key: Secret<Buffer> };
  serverName?: string;
}

export interface TemporalSecurity {
  /** Undefined: plain TCP (the local dev server). */
  tls?: TlsSettings;
  /** Temporal Cloud API key, sent as a bearer token on every call (always over TLS). */
  apiKey?: Secret<string>;
}

export const SASL_MECHANISMS = ['scram-sha-256', 'scram-sha-512', 'plain'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

export interface KafkaSecurity {
  /** Undefined: plain TCP (the local broker). */
  tls?: TlsSettings;
  sasl?: { mechanism: SaslMechanism; username: string; password: Secret<string> };
}

const path = z.string().trim().min(1).optional();
const flag = z
  .enum(['true', 'false', 'on', 'off', '1', '0'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === 'on' || v === '1')
  .optional();

const SecurityEnvSchema = z.object({
  TEMPORAL_TLS: flag,
  TEMPORAL_TLS_CERT: path,
  TEMPORAL_TLS_KEY: path,
  TEMPORAL_TLS_CA: path,
  TEMPORAL_TLS_SERVER_NAME: z.string().trim().min(1).optional(),
  TEMPORAL_API_KEY: z.string().trim().min(1).optional(),
  TEMPORAL_API_KEY_FILE: path,
  KAFKA_SSL: flag,
  KAFKA_SSL_CA: path,
  KAFKA_SSL_CERT: path,
  KAFKA_SSL_KEY: path,
  KAFKA_SSL_SERVER_NAME: z.string().trim().min(1).optional(),
  KAFKA_SASL_MECHANISM: z.enum(SASL_MECHANISMS, { message: `must be one of ${SASL_MECHANISMS.join(', ')}` }).optional(),
  KAFKA_SASL_USERNAME: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD: z.string().min(1).optional(),
  KAFKA_SASL_PASSWORD_FILE: path,
});
type SecurityEnv = z.infer<typeof SecurityEnvSchema>;

/** Thrown with every problem found, each naming its variable, as the rest of the configuration does. */
class ConfigProblems {
  readonly list: string[] = [];
  add(variable: string, message: string): void {
    this.list.push(`${variable}: ${message}`);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw new Error(`invalid configuration: ${this.list.join('; ')}`);
  }
}

/** Reads a file a variable names; on failure records the variable and the reason (never the content). */
function readNamed(
  problems: ConfigProblems,
  variable: string,
  file: string | undefined,
  pem?: RegExp,
): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    const content = readFileSync(file);
    if (pem && !pem.test(content.toString('latin1'))) {
      problems.add(variable, `${file} is not a PEM file of the expected kind`);
      return undefined;
    }
    return content;
  } catch (err) {
    problems.add(variable, `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    return undefined;
  }
}

const CERT_PEM = /-----BEGIN CERTIFICATE-----/;
const KEY_PEM = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

/** One of an inline secret and its file; both set is a contradiction, not a precedence rule to remember. */
function inlineOrFile(
  problems: ConfigProblems,
  variable: string,
  inline: string | undefined,
  file: string | undefined,
): Secret<string> | undefined {
  if (inline !== undefined && file !== undefined) {
    problems.add(variable, `set ${variable} or ${variable}_FILE, not both`);
    return undefined;
  }
  if (inline !== undefined) return new Secret(inline);
  const content = readNamed(problems, `${variable}_FILE`, file);
  if (content === undefined) return undefined;
  const value = content.toString('utf8').trim();
  if (value === '') problems.add(`${variable}_FILE`, `${file} is empty`);
  return value === '' ? undefined : new Secret(value);
}

/** TLS settings from `<prefix>_CA`, `_CERT`, `_KEY`, `_SERVER_NAME` (names differ between Temporal and Kafka). */
function tlsFrom(
  problems: ConfigProblems,
  names: { enabled: string; ca: string; cert: string; key: string; serverName: string },
  values: { enabled?: boolean; ca?: string; cert?: string; key?: string; serverName?: string },
  impliedBy: boolean,
): TlsSettings | undefined {
  const anyFile = values.ca !== undefined || values.cert !== undefined || values.key !== undefined;
  const wanted = values.enabled ?? (anyFile || values.serverName !== undefined || impliedBy);
  if (!wanted) {
    if (anyFile || values.serverName !== undefined) {
      problems.add(names.enabled, `is false but TLS files or a server name are set; remove them or set it to true`);
    }
    return undefined;
  }
  if ((values.cert === undefined) !== (values.key === undefined)) {
    problems.add(
      values.cert === undefined ? names.cert : names.key,
      `a client certificate needs both ${names.cert} and ${names.key}`,
    );
  }
  const ca = readNamed(problems, names.ca, values.ca, CERT_PEM);
  const cert = readNamed(problems, names.cert, values.cert, CERT_PEM);
  const key = readNamed(problems, names.key, values.key, KEY_PEM);
  return {
    ...(ca ? { ca } : {}),
    ...(cert && key ? { clientCert: { cert, key: new Secret(key) } } : {}),
    ...(values.serverName ? { serverName: values.serverName } : {}),
  };
}

function temporalSecurity(problems: ConfigProblems, e: SecurityEnv): TemporalSecurity {
  const apiKey = inlineOrFile(problems, 'TEMPORAL_API_KEY', e.TEMPORAL_API_KEY, e.TEMPORAL_API_KEY_FILE);
  if (apiKey && e.TEMPORAL_TLS === false) {
    problems.add('TEMPORAL_TLS', 'is false but TEMPORAL_API_KEY is set: an API key is only ever sent over TLS');
  }
  const tls = tlsFrom(
    problems,
    {
      enabled: 'TEMPORAL_TLS',
      ca: 'TEMPORAL_TLS_CA',
      cert: 'TEMPORAL_TLS_CERT',
      key: 'TEMPORAL_TLS_KEY',
      serverName: 'TEMPORAL_TLS_SERVER_NAME',
    },
    {
      enabled: e.TEMPORAL_TLS,
      ca: e.TEMPORAL_TLS_CA,
      cert: e.TEMPORAL_TLS_CERT,
      key: e.TEMPORAL_TLS_KEY,
      serverName: e.TEMPORAL_TLS_SERVER_NAME,
    },
    apiKey !== undefined || e.TEMPORAL_API_KEY_FILE !== undefined,
  );
  return { ...(tls ? { tls } : {}), ...(apiKey ? { apiKey } : {}) };
}

function kafkaSecurity(problems: ConfigProblems, e: SecurityEnv): KafkaSecurity {
  const tls = tlsFrom(
    problems,
    {
      enabled: 'KAFKA_SSL',
      ca: 'KAFKA_SSL_CA',
      cert: 'KAFKA_SSL_CERT',
      key: 'KAFKA_SSL_KEY',
      serverName: 'KAFKA_SSL_SERVER_NAME',
    },
    {
      enabled: e.KAFKA_SSL,
      ca: e.KAFKA_SSL_CA,
      cert: e.KAFKA_SSL_CERT,
      key: e.KAFKA_SSL_KEY,
      serverName: e.KAFKA_SSL_SERVER_NAME,
    },
    false,
  );
  const mechanism = e.KAFKA_SASL_MECHANISM;
  if (mechanism === undefined) {
    for (const v of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'] as const) {
      if (e[v] !== undefined) problems.add(v, 'is set but KAFKA_SASL_MECHANISM is not');
    }
    return tls ? { tls } : {};
  }
  // PLAIN sends the password itself: over plain TCP anyone on the path reads it.
  if (mechanism === 'plain' && !tls)
    problems.add('KAFKA_SASL_MECHANISM', 'plain sends the password in clear: set KAFKA_SSL=true');
  if (e.KAFKA_SASL_USERNAME === undefined)
    problems.add('KAFKA_SASL_USERNAME', `is required with KAFKA_SASL_MECHANISM=${mechanism}`);
  const password = inlineOrFile(problems, 'KAFKA_SASL_PASSWORD', e.KAFKA_SASL_PASSWORD, e.KAFKA_SASL_PASSWORD_FILE);
  if (!password && e.KAFKA_SASL_PASSWORD === undefined && e.KAFKA_SASL_PASSWORD_FILE === undefined) {
    problems.add(
      'KAFKA_SASL_PASSWORD',
      `(or KAFKA_SASL_PASSWORD_FILE) is required with KAFKA_SASL_MECHANISM=${mechanism}`,
    );
  }
  return {
    ...(tls ? { tls } : {}),
    ...(e.KAFKA_SASL_USERNAME && password ? { sasl: { mechanism, username: e.KAFKA_SASL_USERNAME, password } } : {}),
  };
}

/** Temporal's and Kafka's transport security from an environment; throws naming every bad variable. */
export function loadTransportSecurity(env: NodeJS.ProcessEnv): { temporal: TemporalSecurity; kafka: KafkaSecurity } {
  const parsed = SecurityEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid configuration: ${describeFieldErrors(fieldErrors(parsed.error))}`);
  }
  const problems = new ConfigProblems();
  const temporal = temporalSecurity(problems, parsed.data);
  const kafka = kafkaSecurity(problems, parsed.data);
  problems.throwIfAny();
  return { temporal, kafka };
}

/** What a process may log about its transport security: on/off and names, never a key or a password. */
export function describeTransportSecurity(config: {
  temporal: { security: TemporalSecurity };
  kafka: { security: KafkaSecurity };
}): Record<string, unknown> {
  const s = { temporal: config.temporal.security, kafka: config.kafka.security };
  const tls = (t: TlsSettings | undefined) =>
    t
      ? { tls: true, customCa: t.ca !== undefined, clientCert: t.clientCert !== undefined, serverName: t.serverName }
      : { tls: false };
  return {
    temporal: { ...tls(s.temporal.tls), apiKey: s.temporal.apiKey !== undefined },
    kafka: {
      ...tls(s.kafka.tls),
      sasl: s.kafka.sasl ? { mechanism: s.kafka.sasl.mechanism, username: s.kafka.sasl.username } : false,
    },
  };
}
