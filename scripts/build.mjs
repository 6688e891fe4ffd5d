// `npm run build`: the package's modules, the one-tag bundle, the types, the custom-elements
// manifest and the demo; prints the bundle's gzip size.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { root } from './lib/ensure.mjs';

function step(label, cmd, args) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    console.error(`[build] ${label} failed`);
    process.exit(r.status ?? 1);
  }
  console.log(`[build] ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
// A clean dist/: hashed worker and chunk files of earlier builds would otherwise ship too.
rmSync(join(root, 'dist'), { recursive: true, force: true });
step('library modules -> dist/lib', bin('vite'), ['build', '--mode', 'lib', '--logLevel', 'warn']);
step('one-tag bundle -> dist/room-recorder.js', bin('vite'), [
  'build',
  '--mode',
  'bundle',
  '--logLevel',
  'warn',
]);
step('types -> dist/types', bin('tsc'), ['-p', 'tsconfig.build.json']);
step('custom-elements.json', bin('cem'), [
  'analyze',
  '--config',
  'custom-elements-manifest.config.mjs',
  '--quiet',
]);
step('demo -> dist/demo', bin('vite'), ['build', '--logLevel', 'warn']);

const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const bundle = readFileSync(join(root, 'dist', 'room-recorder.js'));
console.log(
  `[build] dist/room-recorder.js: ${kb(bundle.length)}, ${kb(gzipSync(bundle).length)} gzip (base bundle, without lazy chunks)`,
);
const gzipOf = (dir, match) =>
  readdirSync(join(root, 'dist', dir))
    .filter((f) => f.endsWith('.js') && match(f))
    .reduce((n, f) => n + gzipSync(readFileSync(join(root, 'dist', dir, f))).length, 0);
console.log(
  `[build] loaded lazily beside it: the S3 client ${kb(gzipOf('chunks', () => true))} gzip, ` +
    `the media worker ${kb(gzipOf('assets', (f) => f.startsWith('worker-')))} gzip, ` +
    `the WASM AAC encoder (only where the browser has no AAC) ${kb(gzipOf('assets', (f) => f.startsWith('wasm-aac-')))} gzip`,
);
