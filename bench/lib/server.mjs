// The benchmark's web server on 127.0.0.1 (pages open it as http://localhost:PORT, a secure
// context for WebCodecs): the bench bundles, the presigning endpoints of the demo's server
// (demo/server/presign.mjs) in front of the local S3 server, uploads from the pages (files
// the naive page recorded, reference frames), and those files served back with HTTP range
// support (a server without it makes any MP4 look broken).
import { build } from 'esbuild';
import { createReadStream, createWriteStream, mkdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOCAL_S3 } from '../../scripts/lib/s3-server.mjs';
import { root } from '../../scripts/lib/ensure.mjs';

/** Bundles the bench page, the soak page and the media worker with esbuild, into memory. */
export async function bundle() {
  const common = {
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'warning',
    write: false,
    // Lit's decorators, as the project's tsconfig has them.
    tsconfigRaw: {
      compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false },
    },
  };
  const out = {};
  for (const [name, entry] of [
    ['page.js', 'bench/page.ts'],
    ['soak.js', 'bench/soak.ts'],
    ['worker.js', 'src/media/worker.ts'],
  ]) {
    const r = await build({ ...common, entryPoints: [join(root, entry)] });
    out[name] = Buffer.from(r.outputFiles[0].contents);
  }
  return out;
}

function safeName(name) {
  const b = basename(decodeURIComponent(name));
  if (!/^[\w.-]+$/.test(b)) throw new Error(`bad file name ${name}`);
  return b;
}

/** Serves `file` with Range support (206 for a byte range). */
function serveFile(req, res, file) {
  let size;
  try {
    size = statSync(file).size;
  } catch {
    res.writeHead(404).end();
    return;
  }
  const headers = {
    'accept-ranges': 'bytes',
    'content-type': 'video/mp4',
    'cache-control': 'no-store',
    'access-control-allow-origin': '*',
  };
  const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { ...headers, 'content-length': size });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
    return;
  }
  let start = m[1] === '' ? size - Number(m[2]) : Number(m[1]);
  let end = m[1] !== '' && m[2] !== '' ? Number(m[2]) : size - 1;
  start = Math.max(0, start);
  end = Math.min(size - 1, end);
  if (start > end) {
    res.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  res.writeHead(206, {
    ...headers,
    'content-length': end - start + 1,
    'content-range': `bytes ${start}-${end}/${size}`,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file, { start, end }).pipe(res);
}

/**
 * @param {{ dir: string, s3Endpoint: string, bundles: Record<string, Buffer> }} opts
 * @returns {Promise<{ origin: string, stop: () => Promise<void> }>}
 */
export async function startBenchServer(opts) {
  mkdirSync(opts.dir, { recursive: true });
  const { createPresignHandler } = await import(
    pathToFileURL(join(root, 'demo', 'server', 'presign.mjs')).href
  );
  const presign = createPresignHandler({
    endpoint: opts.s3Endpoint,
    region: LOCAL_S3.region,
    bucket: LOCAL_S3.bucket,
    credentials: { accessKeyId: LOCAL_S3.accessKeyId, secretAccessKey: LOCAL_S3.secretAccessKey },
    basePath: '/api/s3',
    allowKeyPrefix: 'rooms/',
  });
  const server = createServer((req, res) => {
    try {
      if (presign(req, res)) return;
      const url = new URL(req.url ?? '/', 'http://x');
      if (url.pathname === '/' || url.pathname === '/soak') {
        const script = url.pathname === '/soak' ? '/soak.js' : '/page.js';
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(
          `<!doctype html><meta charset="utf-8"><title>bench</title>` +
            `<style>body{margin:0;background:#000}canvas,video{width:64px;height:36px}</style>` +
            `<script type="module" src="${script}"></script>`,
        );
        return;
      }
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const bundled = opts.bundles[url.pathname.slice(1)];
      if (bundled) {
        res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
        res.end(bundled);
        return;
      }
      if (url.pathname.startsWith('/upload/') && req.method === 'POST') {
        const file = join(opts.dir, safeName(url.pathname.slice('/upload/'.length)));
        const out = createWriteStream(file, { flags: url.searchParams.has('append') ? 'a' : 'w' });
        req.pipe(out);
        out.on('finish', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'));
        out.on('error', (e) => res.writeHead(500).end(String(e)));
        return;
      }
      if (url.pathname.startsWith('/files/')) {
        serveFile(req, res, join(opts.dir, safeName(url.pathname.slice('/files/'.length))));
        return;
      }
      res.writeHead(404).end();
    } catch (e) {
      res.writeHead(400).end(String(e));
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${server.address().port}`,
    stop: async () => {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
