import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A throw-away certificate authority with a server and a client certificate, made with `openssl` at
 * test time in a fresh temporary directory, so no private key is ever committed. The server's
 * certificate names `localhost` and `127.0.0.1`, where the tests' servers listen.
 */
export interface TestPki {
  dir: string;
  caCert: string;
  server: { cert: string; key: string };
  client: { cert: string; key: string };
  /** A second CA and a client certificate it signed: a certificate the servers must refuse. */
  strangerClient: { cert: string; key: string };
}

const openssl = (dir: string, args: string[]) =>
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });

function makeCa(dir: string, name: string): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.pem`);
  openssl(dir, [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '2',
    '-subj',
    `/CN=${name}`,
  ]);
  return { cert, key };
}

function issue(
  dir: string,
  ca: { cert: string; key: string },
  name: string,
  extensions: string,
): { cert: string; key: string } {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.pem`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(ext, extensions);
  openssl(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', csr, '-subj', `/CN=${name}`]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    '2',
    '-extfile',
    ext,
  ]);
  return { cert, key };
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'redress-pki-'));
  const ca = makeCa(dir, 'redress-test-ca');
  const stranger = makeCa(dir, 'stranger-ca');
  return {
    dir,
    caCert: ca.cert,
    server: issue(dir, ca, 'server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'),
    client: issue(dir, ca, 'redress-client', 'extendedKeyUsage=clientAuth\n'),
    strangerClient: issue(dir, stranger, 'stranger-client', 'extendedKeyUsage=clientAuth\n'),
  };
}
