// The demo's web server: the built demo room, the built bundle and the plain-HTML examples as
// static files, the presigning endpoints that keep S3 credentials here, never in the page,
// and the room server (WebSocket rooms: the recorder's messages and WebRTC signalling).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { extname, join, normalize, sep } from 'node:path';
import { root } from './ensure.mjs';
import { LOCAL_S3 } from './s3-server.mjs';
import { lanAddresses } from './tls.mjs';

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
 * @param {{ port?: number, s3Endpoint: string, bind?: string,
 *   tls?: { key: Buffer, cert: Buffer }, iceServers?: object[], log?: (line: string) => void }} opts
 *   `bind`: the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).
 *   `tls`: serve https (and wss) with this key and certificate.
 * @returns {Promise<{ url: string, lanUrls: string[], port: number,
 *   rooms: () => object, stop: () => Promise<void> }>}
 *   `url` is on localhost (a secure context even over http); `lanUrls` reach this machine
 *   from other devices when it listens on more than loopback.
 */
export async function startDemoServer(opts) {
  if (!existsSync(join(root, 'dist', 'demo', 'index.html'))) buildDemo();
  const { createPresignHandler } = await import(join(root, 'demo', 'server', 'presign.mjs'));
  const { createRoomServer } = await import(join(root, 'demo', 'server', 'room.mjs'));
  const rooms = createRoomServer({ iceServers: opts.iceServers, log: opts.log });
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
  const serve = (req, res) => {
    for (const handle of handlers) if (handle(req, res)) return;
  };
  const server = opts.tls ? createHttpsServer(opts.tls, serve) : createServer(serve);
  server.on('upgrade', (req, socket, head) => {
    if (!rooms.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const bind = opts.bind ?? '127.0.0.1';
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bind, resolve);
  });
  const port = server.address().port;
  const scheme = opts.tls ? 'https' : 'http';
  const loopback = bind === '127.0.0.1' || bind === 'localhost' || bind === '::1';
  const everywhere = bind === '0.0.0.0' || bind === '::';
  const lan = loopback ? [] : everywhere ? lanAddresses() : [bind];
  return {
    port,
    // A specific LAN address does not listen on loopback: then the host uses that address too.
    url: `${scheme}://${loopback || everywhere ? 'localhost' : bind}:${port}/`,
    lanUrls: lan.map((a) => `${scheme}://${a}:${port}/`),
    rooms: () => rooms.rooms(),
    stop: async () => {
      rooms.close();
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
