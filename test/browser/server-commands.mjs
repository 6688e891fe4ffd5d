// Node-side helpers for browser tests: save a produced file, judge it with ffprobe, serve it
// with HTTP range support (a server without it makes any MP4 look broken), throttle the
// page's network through DevTools, and tell tests where the local S3 server is.
import { randomUUID } from 'node:crypto';
import { execFile } from 'node:child_process';
import {
  mkdtempSync,
  writeFileSync,
  statSync,
  createReadStream,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';
import { promisify } from 'node:util';
import { LOCAL_S3, startS3Server } from '../../scripts/lib/s3-server.mjs';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'rr-browser-'));

async function readBody(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Koa middleware for /__files/: must be in the config's `middleware` list (serverStart is too late). */
export function fileMiddleware() {
  return async (ctx, next) => {
    if (!ctx.path.startsWith('/__files/')) return next();
    const name = basename(decodeURIComponent(ctx.path.slice('/__files/'.length)));
    const path = join(dir, name);
    if (ctx.method === 'POST') {
      writeFileSync(path, await readBody(ctx.req));
      ctx.body = { path, url: `/__files/${encodeURIComponent(name)}` };
      return undefined;
    }
    const size = statSync(path).size;
    ctx.set('Accept-Ranges', 'bytes');
    ctx.type = 'video/mp4';
    const range = /bytes=(\d*)-(\d*)/.exec(ctx.get('range'));
    if (range) {
      const start = range[1] === '' ? size - Number(range[2]) : Number(range[1]);
      const end =
        range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), size - 1) : size - 1;
      ctx.status = 206;
      ctx.set('Content-Range', `bytes ${start}-${end}/${size}`);
      ctx.length = end - start + 1;
      ctx.body = createReadStream(path, { start, end });
    } else {
      ctx.length = size;
      ctx.body = createReadStream(path);
    }
    return undefined;
  };
}

/**
 * S3 servers of a test's own (`s3-own`), which it stops and starts again on the same port and
 * folder (`s3-own-down`, `s3-own-up`): an outage of the storage process itself, which the
 * shared server every other test uses must not have.
 */
const ownS3 = new Map();

async function ownS3Command(command, payload) {
  if (command === 's3-own') {
    const directory = mkdtempSync(join(dir, 's3-'));
    const server = await startS3Server({ directory, quiet: true });
    const id = randomUUID();
    ownS3.set(id, { directory, port: server.port, server });
    return { id, endpoint: server.endpoint, bucket: LOCAL_S3.bucket };
  }
  const own = ownS3.get(payload?.id);
  if (!own) throw new Error(`${command}: no such S3 server of a test (${payload?.id})`);
  if (command === 's3-own-down') {
    await own.server?.stop();
    own.server = null;
    return true;
  }
  if (command === 's3-own-up') {
    own.server ??= await startS3Server({ directory: own.directory, port: own.port, quiet: true });
    return true;
  }
  if (command === 's3-own-close') {
    await own.server?.stop();
    ownS3.delete(payload.id);
    rmSync(own.directory, { recursive: true, force: true });
    return true;
  }
  return undefined;
}

export function serverCommandsPlugin() {
  return {
    name: 'rr-server-commands',
    async executeCommand({ command, payload, session }) {
      if (command === 'ffprobe') {
        const { stdout } = await run(
          'ffprobe',
          [
            '-v',
            'error',
            '-print_format',
            'json',
            '-show_format',
            '-show_streams',
            ...(payload.args ?? []),
            payload.path,
          ],
          { maxBuffer: 256 * 1024 * 1024 },
        );
        return JSON.parse(stdout);
      }
      if (command === 'ffmpeg-decode') {
        // Decodes the whole file; returns stderr (empty when clean) and the frame count.
        const { stderr } = await run(
          'ffmpeg',
          ['-v', 'error', '-i', payload.path, '-f', 'null', '-'],
          {
            maxBuffer: 64 * 1024 * 1024,
          },
        );
        return { errors: stderr };
      }
      if (command === 'ffmpeg-frame') {
        // Extracts one frame as PNG (base64) at a time in seconds.
        const out = join(
          dir,
          `frame-${randomUUID().slice(0, 8)}-${Math.random().toString(36).slice(2)}.png`,
        );
        await run('ffmpeg', [
          '-v',
          'error',
          '-ss',
          String(payload.at),
          '-i',
          payload.path,
          '-frames:v',
          '1',
          '-y',
          out,
        ]);
        return readFileSync(out).toString('base64');
      }
      if (command === 'throttle') {
        if (session.browser.type !== 'puppeteer') return undefined;
        const page = session.browser.getPage(session.id);
        const cdp = await page.createCDPSession();
        await cdp.send('Network.enable');
        await cdp.send('Network.emulateNetworkConditions', {
          offline: false,
          latency: payload.latencyMs ?? 0,
          downloadThroughput: payload.downloadBps ? payload.downloadBps / 8 : -1,
          uploadThroughput: payload.uploadBps ? payload.uploadBps / 8 : -1,
        });
        return true;
      }
      if (command.startsWith('s3-own')) return ownS3Command(command, payload);
      if (command === 's3-config') {
        return process.env.RR_S3_ENDPOINT
          ? {
              endpoint: process.env.RR_S3_ENDPOINT,
              bucket: process.env.RR_S3_BUCKET ?? 'room-recorder',
            }
          : null;
      }
      return undefined;
    },
  };
}
