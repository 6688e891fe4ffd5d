// A self-signed certificate for `npm run demo -- --host --https`, so a phone or another
// computer on the LAN opens the demo in a secure context (camera, microphone and WebCodecs
// need one; plain http is secure only on localhost). Made once with openssl and kept under
// .data/tls; made again when the machine's addresses change.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { root } from './ensure.mjs';

/** The machine's IPv4 addresses other devices can reach (not loopback). */
export function lanAddresses() {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i && i.family === 'IPv4' && !i.internal)
    .map((i) => i.address);
}

/**
 * A key and certificate for localhost, 127.0.0.1 and every LAN address.
 *
 * @param {{ dir?: string, names?: string[] }} [opts]
 * @returns {{ key: Buffer, cert: Buffer, file: string }}
 */
export function selfSignedCertificate(opts = {}) {
  const dir = opts.dir ?? join(root, '.data', 'tls');
  const names = opts.names ?? ['localhost', '127.0.0.1', ...lanAddresses()];
  const san = names.map((n) => (/^[\d.]+$/.test(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  const keyFile = join(dir, 'demo-key.pem');
  const certFile = join(dir, 'demo-cert.pem');
  const sanFile = join(dir, 'demo-san.txt');
  const current = existsSync(sanFile) ? readFileSync(sanFile, 'utf8') : '';
  if (current !== san || !existsSync(keyFile) || !existsSync(certFile)) {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '365',
        '-subj',
        '/CN=Room Recorder demo',
        '-addext',
        `subjectAltName=${san}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' },
    );
    if (r.status !== 0) {
      throw new Error(
        `openssl could not make the demo's certificate (is openssl installed?): ${r.stderr ?? r.error}`,
      );
    }
    writeFileSync(sanFile, san);
  }
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), file: certFile };
}
