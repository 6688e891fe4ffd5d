// `npm test`: installs what is missing, then runs every check and test layer. Every step runs
// even when an earlier one failed, so one run shows everything; the exit status is non-zero
// if any step failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAll, root } from './lib/ensure.mjs';

ensureAll();

const { startS3Server } = await import('./lib/s3-server.mjs');
const bin = (name) => join(root, 'node_modules', '.bin', name);

let current = null;
function run(label, cmd, args, env = {}) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label} ===`);
    const t0 = Date.now();
    current = spawn(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
    current.on('exit', (code, signal) => {
      current = null;
      const ok = code === 0;
      const secs = ((Date.now() - t0) / 1000).toFixed(0);
      console.log(`=== ${label}: ${ok ? 'ok' : `FAILED (${code ?? signal})`} in ${secs} s ===`);
      resolve({ label, ok });
    });
  });
}

const cleanups = [];
async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    current?.kill(sig);
    await cleanup();
    process.exit(130);
  });
}

const only = process.argv.slice(2);
const want = (name) => only.length === 0 || only.includes(name);
const results = [];

if (want('lint')) {
  results.push(await run('lint (eslint)', bin('eslint'), ['.']));
  results.push(
    await run('format (prettier --check)', bin('prettier'), [
      '--check',
      '.',
      '--log-level',
      'warn',
    ]),
  );
}
if (want('typecheck'))
  results.push(await run('typecheck (tsc --noEmit)', 'npm', ['run', '-s', 'typecheck']));
if (want('unit'))
  results.push(
    await run('unit tests (vitest, Node)', bin('vitest'), ['run', '--config', 'vitest.config.ts']),
  );
if (want('build') || want('e2e'))
  results.push(await run('build', process.execPath, ['scripts/build.mjs']));

if (want('browser') || want('e2e')) {
  const s3dir = mkdtempSync(join(tmpdir(), 'rr-test-s3-'));
  const s3 = await startS3Server({ directory: s3dir, quiet: true });
  cleanups.push(async () => {
    await s3.stop();
    rmSync(s3dir, { recursive: true, force: true });
  });
  const env = { RR_S3_ENDPOINT: s3.endpoint, RR_S3_BUCKET: 'room-recorder', RR_BUILT: '1' };
  if (want('browser')) {
    results.push(
      await run(
        'browser tests (@web/test-runner, Debian Chromium)',
        bin('web-test-runner'),
        ['--config', 'web-test-runner.config.mjs'],
        env,
      ),
    );
  }
  if (want('e2e')) {
    results.push(
      await run(
        'e2e tests (playwright-core, Debian Chromium, demo server)',
        bin('vitest'),
        ['run', '--config', 'vitest.e2e.config.ts'],
        env,
      ),
    );
  }
}
// The packed tarball in a fresh Vite project and as one tag, recorded in Chromium; it starts
// its own S3 and web servers. Needs the build above (alone: `npm run build` first).
if (want('package'))
  results.push(
    await run('package (npm pack, fresh Vite project, record 3 s)', process.execPath, [
      'test/package/package.test.mjs',
    ]),
  );
await cleanup();

const failed = results.filter((r) => !r.ok);
console.log('\n=== summary ===');
for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.label}`);
process.exit(failed.length ? 1 : 0);
