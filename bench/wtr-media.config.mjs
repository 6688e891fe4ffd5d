// Private runner config for the media tests: the project's config plus two fixes that
// belong in web-test-runner.config.mjs / server-commands.mjs (reported, not mine to edit).
import base from '/work/main/web-test-runner.config.mjs';
import { mkdtempSync, writeFileSync, statSync, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, basename } from 'node:path';

// 1. mediabunny's source.js/target.js import './node.js' (node:fs/promises), mapped away only
//    by its package.json "browser" field, which the runner does not apply: stub node: builtins.
const nodeStubs = {
  name: 'rr-node-stubs',
  resolveImport({ source }) {
    if (source.startsWith('node:')) return '/__rr-node-stub.js';
    return undefined;
  },
  serve(ctx) {
    if (ctx.path === '/__rr-node-stub.js') return { body: 'export default {};', type: 'js' };
    return undefined;
  },
};

// 2. server-commands.mjs adds its /__files/ middleware in serverStart, after the static
//    middleware has answered 404: the same middleware, as a first middleware.
const dir = mkdtempSync(join(tmpdir(), 'rr-media-'));
async function files(ctx, next) {
  if (!ctx.path.startsWith('/__files/')) return next();
  const name = basename(decodeURIComponent(ctx.path.slice('/__files/'.length)));
  const path = join(dir, name);
  if (ctx.method === 'POST') {
    const chunks = [];
    for await (const c of ctx.req) chunks.push(c);
    writeFileSync(path, Buffer.concat(chunks));
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
}

export default {
  ...base,
  rootDir: '/work/main',
  middleware: [files, ...(base.middleware ?? [])],
  plugins: [nodeStubs, ...base.plugins],
};
