// The demo's web server: the demo room through Vite, the built bundle and the plain-HTML
// examples as static files, and the presigning endpoints that keep S3 credentials here,
// never in the page.
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
  '.mp4': 'video/mp4',
};

/** Serves files below `dir` for URLs below `mount`; refuses anything that climbs out. */
function staticFiles(mount, dir) {
  return (req, res) => {
    const url = new URL(req.url, 'http://x');
    if (!url.pathname.startsWith(mount)) return false;
    const rel = normalize(decodeURIComponent(url.pathname.slice(mount.length)));
    const file = join(dir, rel);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(
        `not found: ${url.pathname}${mount === '/dist/' ? ' (run npm run build first)' : ''}`,
      );
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
 * @param {{ port?: number, s3Endpoint: string, quiet?: boolean }} opts
 * @returns {Promise<{ url: string, port: number, stop: () => Promise<void> }>}
 */
export async function startDemoServer(opts) {
  const { createServer: createVite } = await import('vite');
  const vite = await createVite({
    configFile: join(root, 'vite.config.ts'),
    server: { middlewareMode: true, hmr: false },
    appType: 'mpa',
    logLevel: opts.quiet ? 'error' : 'warn',
  });
  const handlers = [
    staticFiles('/dist/', join(root, 'dist')),
    staticFiles('/examples/', join(root, 'examples')),
  ];
  const presignPath = join(root, 'demo', 'server', 'presign.mjs');
  if (existsSync(presignPath)) {
    const { createPresignHandler } = await import(presignPath);
    handlers.push(
      createPresignHandler({
        endpoint: opts.s3Endpoint,
        region: LOCAL_S3.region,
        bucket: LOCAL_S3.bucket,
        credentials: {
          accessKeyId: LOCAL_S3.accessKeyId,
          secretAccessKey: LOCAL_S3.secretAccessKey,
        },
        basePath: '/api/s3',
        allowKeyPrefix: 'rooms/',
      }),
    );
  }
  const server = createServer((req, res) => {
    for (const handle of handlers) if (handle(req, res)) return;
    vite.middlewares(req, res);
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
      await vite.close();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
