import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { hostPort } from '../../infra/managed-process';

/**
 * A TLS-terminating proxy in front of a plain TCP server, as a load balancer in front of Temporal's
 * frontend terminates TLS: the Temporal CLI's dev server has no TLS flags, so this is how the tests reach
 * it over real TLS. With `clientCa` it is mutual TLS: a client without a certificate signed by that CA
 * is refused during the handshake. gRPC needs ALPN `h2`.
 */
export interface TlsProxy {
  /** `127.0.0.1:port` */
  address: string;
  /** Handshakes completed (clients that got through). */
  accepted: number;
  /** Handshakes refused (no certificate, or one of another CA). */
  refused: number;
  stop(): Promise<void>;
}

export async function startTlsProxy(o: {
  target: string;
  cert: string;
  key: string;
  clientCa?: string;
}): Promise<TlsProxy> {
  const target = hostPort(o.target);
  const sockets = new Set<Socket>();
  const proxy: TlsProxy = { address: '', accepted: 0, refused: 0, stop: () => Promise.resolve() };
  const server: Server = createServer(
    {
      cert: readFileSync(o.cert),
      key: readFileSync(o.key),
      ALPNProtocols: ['h2'],
      ...(o.clientCa ? { ca: readFileSync(o.clientCa), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (client: TLSSocket) => {
      proxy.accepted += 1;
      const upstream = connect(target);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.once('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
      client.once('error', () => upstream.destroy());
      upstream.once('error', () => client.destroy());
    },
  );
  server.on('tlsClientError', () => {
    proxy.refused += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  proxy.address = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
