// Starts the local S3-compatible server (s3rver) in a child process on 127.0.0.1.
// s3rver needs OpenSSL's legacy provider (else paged ListObjectsV2 answers 500), which can
// only be enabled at process start, hence the child.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './ensure.mjs';

/** Credentials s3rver accepts; local-only, never valid anywhere else. */
export const LOCAL_S3 = {
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  region: 'us-east-1',
  bucket: 'room-recorder',
};

/**
 * `noEtagBucket` adds a second bucket, `<bucket>-no-etag`, whose CORS rules hide ETag (the
 * browser tests' misconfigured bucket); the demo and the benchmarks have none.
 *
 * @param {{port?: number, directory?: string, quiet?: boolean, noEtagBucket?: boolean}} [opts]
 * @returns {Promise<{endpoint: string, port: number, stop: () => Promise<void>}>}
 */
export async function startS3Server(opts = {}) {
  const directory = opts.directory ?? join(root, '.data', 's3');
  mkdirSync(directory, { recursive: true });
  const child = spawn(
    process.execPath,
    ['--openssl-legacy-provider', join(root, 'scripts', 'lib', 's3-server-child.mjs')],
    {
      env: {
        ...process.env,
        RR_S3_PORT: String(opts.port ?? 0),
        RR_S3_DIR: directory,
        RR_S3_BUCKET: LOCAL_S3.bucket,
        RR_S3_NO_ETAG_BUCKET: opts.noEtagBucket ? '1' : '',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    child.once('exit', (code) => reject(new Error(`s3 server exited early (${code})`)));
    child.stdout.on('data', (d) => {
      buf += d;
      const m = /RR_S3_LISTENING (\d+)/.exec(buf);
      if (m) resolve(Number(m[1]));
      if (!opts.quiet && buf.includes('\n')) buf = buf.slice(buf.lastIndexOf('\n') + 1);
    });
  });
  child.removeAllListeners('exit');
  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
