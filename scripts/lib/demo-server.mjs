// The demo's web server: the built demo room, the built bundle and the plain-HTML examples as
// static files, and the presigning endpoints that keep S3 credentials here, never in the page.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { root } from './ensure.mjs';
import { LOCAL_S3 } from './s3-server.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.css': 'text/css',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.mp4': 'video/mp4',
};

/** Builds the one-tag bundle and the demo (a few seconds), so what is served is what ships. */
export function buildDemo() {
  const vite = join(root, 'node_modules', '.bin', 'vite');
  for (const args of [
    ['build', '--mode', 'bundle', '--logLevel', 'warn'],
    ['build', '--logLevel', 'warn'],
  ]) {
    const r = spawnSync(vite, args, { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`vite ${args.join(' ')} failed`);
  }
}

/** Serves files below `dir` for URLs below `mount`; refuses anything that climbs out. */
function staticFiles(mount, dir, index) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(mount)) return false;
    let rel = normalize(decodeURIComponent(url.pathname.slice(mount.length)));
    if ((rel === '.' || rel === '') && index) rel = index;
    const file = join(dir, rel);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${url.pathname}`);
      return true;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(res);
    return true;
  };
}

/**
 * @param {{ port?: number, s3Endpoint: string }} opts
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startDemoServer(opts) {
  if (!existsSync(join(root, 'dist', 'demo', 'index.html'))) buildDemo();
  const { createPresignHandler } = await import(join(root, 'demo', 'server', 'presign.mjs'));
  const handlers = [
    createPresignHandler({
      endpoint: opts.s3Endpoint,
      region: LOCAL_S3.region,
      bucket: LOCAL_S3.bucket,
      credentials: { accessKeyId: LOCAL_S3.accessKeyId, secretAccessKey: LOCAL_S3.secretAccessKey },
      basePath: '/api/s3',
      allowKeyPrefix: 'rooms/',
    }),
    staticFiles('/dist/', join(root, 'dist')),
    staticFiles('/examples/', join(root, 'examples')),
    staticFiles('/', join(root, 'dist', 'demo'), 'index.html'),
  ];
  const server = createServer((req, res) => {
    for (const handle of handlers) if (handle(req, res)) return;
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  return {
    port,
    url: `http://localhost:${port}/`,
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
