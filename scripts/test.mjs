// `npm test`: installs what is missing, then runs every check and test layer. Every step runs
// even when an earlier one failed, so one run shows everything; the exit status is non-zero
// if any step failed. It ends with each step's time, the slowest ten tests and the total.
//
// `node scripts/test.mjs <step>...` runs some steps only: lint, typecheck, unit, build,
// browser, e2e, package. `--long` (`npm run test:long`) runs the long browser and e2e files
// instead of the others, `--reliability` (`npm run test:reliability`) the fault suite's e2e
// files (test/long-tests.mjs).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureAll, root } from './lib/ensure.mjs';

const started = performance.now();
ensureAll();

const { startS3Server } = await import('./lib/s3-server.mjs');
const bin = (name) => join(root, 'node_modules', '.bin', name);
const seconds = (ms) => `${(ms / 1000).toFixed(0)} s`;

// Each layer writes its tests' durations here; read back for the slowest-ten list.
const timings = mkdtempSync(join(tmpdir(), 'rr-test-timings-'));

let current = null;
function run(label, cmd, args, env = {}) {
  return new Promise((resolve) => {
    console.log(`\n=== ${label} ===`);
    const t0 = performance.now();
    current = spawn(cmd, args, {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, RR_TIMINGS_DIR: timings, ...env },
    });
    current.on('exit', (code, signal) => {
      current = null;
      const ok = code === 0;
      const ms = performance.now() - t0;
      console.log(
        `=== ${label}: ${ok ? 'ok' : `FAILED (${code ?? signal})`} in ${seconds(ms)} ===`,
      );
      resolve({ label, ok, ms });
    });
  });
}

/**
 * Single-threaded commands side by side (a 2-core machine runs two at once): one step, ok when
 * every command is; each command's output printed whole, in order, when all have ended.
 */
function runTogether(label, commands) {
  console.log(`\n=== ${label} ===`);
  const t0 = performance.now();
  return Promise.all(
    commands.map(
      ([cmd, args]) =>
        new Promise((resolve) => {
          const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
          together.add(child);
          const out = [];
          child.stdout.on('data', (d) => out.push(d));
          child.stderr.on('data', (d) => out.push(d));
          child.on('exit', (code, signal) => {
            together.delete(child);
            resolve({
              ok: code === 0,
              what: `${cmd} ${args.join(' ')}`,
              code: code ?? signal,
              out,
            });
          });
        }),
    ),
  ).then((ends) => {
    for (const end of ends) {
      process.stdout.write(Buffer.concat(end.out).toString());
      if (!end.ok) console.log(`${end.what}: FAILED (${end.code})`);
    }
    const ok = ends.every((e) => e.ok);
    const ms = performance.now() - t0;
    console.log(`=== ${label}: ${ok ? 'ok' : 'FAILED'} in ${seconds(ms)} ===`);
    return { label, ok, ms };
  });
}
const together = new Set();

const cleanups = [() => rmSync(timings, { recursive: true, force: true })];
async function cleanup() {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    current?.kill(sig);
    for (const child of together) child.kill(sig);
    await cleanup();
    process.exit(130);
  });
}

/** Vitest with its usual output, plus a JSON report of every test's duration. */
const vitest = (config, layer) => [
  'run',
  '--config',
  config,
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${join(timings, `${layer}.json`)}`,
];

const args = process.argv.slice(2);
const long = args.includes('--long');
const reliability = args.includes('--reliability');
// Read by the browser and e2e configs (test/long-tests.mjs).
process.env.RR_SUITE = reliability ? 'reliability' : long ? 'long' : 'core';
const only = reliability ? ['build', 'e2e'] : long ? ['build', 'browser', 'e2e'] : args;
const want = (name) => only.length === 0 || only.includes(name);
const results = [];

if (want('lint')) {
  results.push(
    await runTogether('lint and format (eslint, prettier --check)', [
      [bin('eslint'), ['.']],
      [bin('prettier'), ['--check', '.', '--log-level', 'warn']],
    ]),
  );
  // The house's arrows (README "How it works") and no import cycle.
  const layers = ['scripts/check-layers.mjs'];
  results.push(await run('layers (scripts/check-layers.mjs)', process.execPath, layers));
  // Copied code in src/ (jscpd, .jscpd.json): fails above 0.3 % of lines in clones of 8+.
  results.push(await run('duplicates (jscpd src/)', bin('jscpd'), ['--silent']));
}
// The two projects of `npm run typecheck` (src is in the browser tests' project).
if (want('typecheck'))
  results.push(
    await runTogether('typecheck (tsc --noEmit)', [
      [bin('tsc'), ['--noEmit', '-p', 'tsconfig.test.json']],
      [bin('tsc'), ['--noEmit', '-p', 'tsconfig.node.json']],
    ]),
  );
if (want('unit'))
  results.push(
    await run('unit tests (vitest, Node)', bin('vitest'), vitest('vitest.config.ts', 'unit')),
  );
if (want('build') || want('e2e') || want('package'))
  results.push(await run('build', process.execPath, ['scripts/build.mjs']));

if (want('browser') || want('e2e')) {
  const s3dir = mkdtempSync(join(tmpdir(), 'rr-test-s3-'));
  const s3 = await startS3Server({ directory: s3dir, quiet: true, noEtagBucket: true });
  cleanups.push(async () => {
    await s3.stop();
    rmSync(s3dir, { recursive: true, force: true });
  });
  const env = { RR_S3_ENDPOINT: s3.endpoint, RR_S3_BUCKET: 'room-recorder', RR_BUILT: '1' };
  const kind = reliability ? ', the fault suite' : long ? ', the long files' : '';
  if (want('browser')) {
    results.push(
      await run(
        `browser tests (@web/test-runner, Debian Chromium${kind})`,
        bin('web-test-runner'),
        ['--config', 'web-test-runner.config.mjs'],
        env,
      ),
    );
  }
  if (want('e2e')) {
    results.push(
      await run(
        `e2e tests (playwright-core, Debian Chromium, demo server${kind})`,
        bin('vitest'),
        vitest('vitest.e2e.config.ts', 'e2e'),
        env,
      ),
    );
  }
}
// The packed tarball in a fresh Vite project and as one tag, recorded in Chromium; it starts
// its own S3 and web servers, and uses the build above.
if (want('package')) {
  const label = 'package (npm pack, fresh Vite project, record 3 s)';
  const r = await run(label, process.execPath, ['test/package/package.test.mjs']);
  results.push(r);
}

const slowest = readTimings(results).sort((a, b) => b.ms - a.ms);
await cleanup();

console.log('\n=== slowest tests ===');
for (const t of slowest.slice(0, 10)) {
  console.log(`${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.layer}  ${t.file} > ${t.name}`);
}
// By file too: what a budget is cut by (a file's tests, without its page's start-up).
const byFile = new Map();
for (const t of slowest) {
  const key = `${t.layer}  ${t.file}`;
  byFile.set(key, (byFile.get(key) ?? 0) + t.ms);
}
console.log('\n=== slowest test files (sum of their tests) ===');
for (const [file, ms] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
  console.log(`${(ms / 1000).toFixed(1).padStart(6)} s  ${file}`);
}
console.log('\n=== summary ===');
for (const r of results) {
  console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${seconds(r.ms).padStart(6)}  ${r.label}`);
}
console.log(`total: ${seconds(performance.now() - started)} (setup included)`);
process.exit(results.some((r) => !r.ok) ? 1 : 0);

/** Every test's duration, from the layers' reports; a step without a report counts whole. */
function readTimings(steps) {
  const out = [];
  const read = (name) => {
    const file = join(timings, name);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  };
  for (const layer of ['unit', 'e2e']) {
    for (const file of read(`${layer}.json`)?.testResults ?? []) {
      for (const t of file.assertionResults ?? []) {
        out.push({
          layer,
          file: file.name.replace(`${root}/`, ''),
          name: t.title,
          ms: t.duration ?? 0,
        });
      }
    }
  }
  for (const t of read('browser.json') ?? []) {
    out.push({ layer: 'browser', file: t.file, name: t.name, ms: t.ms ?? 0 });
  }
  for (const step of steps.filter((s) => s.label.startsWith('package'))) {
    out.push({ layer: 'package', file: 'test/package/package.test.mjs', name: 'all', ms: step.ms });
  }
  return out;
}
