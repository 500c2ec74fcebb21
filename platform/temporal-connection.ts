import { Connection, type TLSConfig } from '@temporalio/client';
import type { Config } from '../config';
import type { TemporalSecurity } from '../config/transport-security';

/**
 * The one place Redress's Temporal connections get their options, so the worker (a NativeConnection),
 * the bridge, the API, health probes and provisioning (Connections) all speak TLS, present the client
 * certificate and send the API key alike. Both connection kinds accept the same `address`, `tls` and
 * `apiKey` options; the worker passes these to `NativeConnection.connect` itself, so processes that are
 * not workers never load the worker package.
 */

export interface TemporalConnectionOptions {
  address: string;
  tls?: TLSConfig;
  apiKey?: string;
}

/** Connection options for an address with the configured security (none: plain TCP, the local dev server). */
export function temporalConnectionOptions(address: string, security: TemporalSecurity = {}): TemporalConnectionOptions {
  const { tls, apiKey } = security;
  return {
    address,
    ...(tls
      ? {
          tls: {
            ...(tls.serverName ? { serverNameOverride: tls.serverName } : {}),
            ...(tls.ca ? { serverRootCACertificate: tls.ca } : {}),
            ...(tls.clientCert
              ? { clientCertPair: { crt: tls.clientCert.cert, key: tls.clientCert.key.reveal() } }
              : {}),
          },
        }
      : {}),
    ...(apiKey ? { apiKey: apiKey.reveal() } : {}),
  };
}

/** A client connection to the configured Temporal server. */
export function connectTemporal(config: Config, extra: { connectTimeout?: number } = {}): Promise<Connection> {
  return Connection.connect({
    ...temporalConnectionOptions(config.temporal.address, config.temporal.security),
    ...extra,
  });
}
