// The package as a user gets it (`node test/package/package.test.mjs`, run by `npm test` after
// the build step, or alone with `node scripts/test.mjs package` once `npm run build` has run):
//
// 1. every bare import in dist/lib (the modules, their worker and chunks) names a package in
//    package.json's dependencies or peerDependencies, so a user's bundler can resolve it;
// 2. `npm pack`, then a fresh project in a temporary folder installs the tarball and Vite (same
//    major as ours; the npm registry and its cache are the only network), builds a page that
//    does `import 'room-recorder'` with Vite, and that build records 3 s in Debian's Chromium
//    with both storage kinds (presigned URLs from demo/server/presign.mjs, and the S3 client
//    straight to the local S3 server);
// 3. the same with the one-tag bundle from the tarball (dist/room-recorder.js in a plain page).
//
// Each recording is driven as a host would: three dots, Record, Start Recording, the counter
// at 0:00:03, the stop square, the red Stop recording; then the stored object is downloaded
// through the "available" notice's link and judged with ffprobe and ffmpeg.
//
// Every part runs even when an earlier one failed; the exit status is non-zero if any failed.
// RR_KEEP_PACKAGE_TMP=1 keeps the temporary project and the recordings for a look afterwards.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative, sep } from 'node:path';
import { chromium } from 'playwright-core';
import { parseSync } from 'vite';
import { createPresignHandler } from '../../demo/server/presign.mjs';
import { CHROMIUM_ARGS, chromiumPath } from '../../scripts/lib/chromium.mjs';
import { root } from '../../scripts/lib/ensure.mjs';
import { LOCAL_S3, startS3Server } from '../../scripts/lib/s3-server.mjs';

const here = join(root, 'test', 'package');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const viteMajor = JSON.parse(
  readFileSync(join(root, 'node_modules', 'vite', 'package.json')),
).version.split('.')[0];

/** How long the host records: the elapsed counter must read at least this many seconds. */
const RECORD_SECONDS = 3;
/** The file's duration must fall in here: the counter's 3 s plus the two clicks to stop. */
const DURATION_RANGE = [2.5, 8];
/** Upper bounds for waits on the page (a 2-core machine under load is slow, never this slow). */
const WAIT = { ready: 90_000, started: 60_000, stopped: 90_000 };

// ---------------------------------------------------------------------------------------------
// Small helpers

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const kb = (n) => `${(n / 1024).toFixed(1)} kB`;
const indent = (text) =>
  String(text)
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

/**
 * Runs a command without a shell and collects its output.
 * @returns {Promise<{ code: number | null, stdout: string, stderr: string, ms: number }>}
 */
function exec(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr, ms: performance.now() - t0 });
    });
  });
}

/** Throws with the command's output when it did not exit 0. */
function mustSucceed(what, r) {
  if (r.code === 0) return r;
  throw new Error(`${what} exited with ${r.code}:\n${(r.stdout + r.stderr).trim().slice(-4000)}`);
}

/**
 * The environment for npm in the temporary project: the caller's, without what an enclosing
 * `npm test` put there about this repository (its prefix, its package), so that npm works in
 * the temporary project as it would in a user's shell. Registry, cache and certificates stay.
 */
function userEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([k]) => !/^npm_(package_|lifecycle_|command$|config_local_prefix$|config_call$)/i.test(k),
    ),
  );
}

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css',
  '.map': 'application/json',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
};

/** Serves files below `dir` for URL paths below `mount`; refuses anything outside `dir`. */
function staticFiles(mount, dir, index) {
  return (req, res, pathname) => {
    if (!pathname.startsWith(mount)) return false;
    let rel = normalize(decodeURIComponent(pathname.slice(mount.length)));
    if ((rel === '.' || rel === '') && index) rel = index;
    const file = join(dir, rel);
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`not found: ${pathname}`);
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

// ---------------------------------------------------------------------------------------------
// Run bookkeeping: every part runs; failures are listed at the end; everything started is stopped.

const children = new Set();
const cleanups = [];
const results = [];
const measured = [];

async function part(label, fn) {
  console.log(`\n--- ${label}`);
  const t0 = performance.now();
  try {
    await fn();
    results.push({ label, ok: true });
    console.log(`ok     ${label} (${secs(performance.now() - t0)})`);
    return true;
  } catch (e) {
    results.push({ label, ok: false });
    // A check's own Error says what is wrong; anything else (a bug here) shows its stack.
    const text = e?.constructor === Error ? e.message : (e?.stack ?? String(e));
    console.log(`FAILED ${label} (${secs(performance.now() - t0)})\n${indent(text)}`);
    return false;
  }
}

async function cleanup() {
  for (const child of children) child.kill('SIGTERM');
  for (const fn of cleanups.splice(0).reverse()) {
    try {
      await fn();
    } catch (e) {
      console.log(`cleanup: ${e?.message ?? e}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(130);
  });
}
// A stuck browser or server must not hang `npm test`.
const watchdog = setTimeout(async () => {
  console.log('FAILED package test: still running after 15 minutes; stopping');
  await cleanup();
  process.exit(1);
}, 15 * 60_000);

const work = mkdtempSync(join(tmpdir(), 'rr-package-'));
cleanups.push(() => {
  if (process.env.RR_KEEP_PACKAGE_TMP === '1') console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
});
const app = join(work, 'app');

// ---------------------------------------------------------------------------------------------
// 1. Every bare import in dist/lib is a dependency.

/** The package a bare specifier names: `lit/decorators.js` -> `lit`, `@a/b/c` -> `@a/b`. */
const packageOf = (spec) =>
  spec
    .split('/')
    .slice(0, spec.startsWith('@') ? 2 : 1)
    .join('/');
const isBare = (spec) => !/^(\.{0,2}\/|[a-z][a-z0-9+.-]*:)/i.test(spec) || spec.startsWith('node:');

/** Every import specifier of every .js file below `dir`: static, re-export and `import('...')`. */
function importsBelow(dir) {
  /** @type {Map<string, string[]>} specifier -> files */
  const found = new Map();
  const dynamicOther = [];
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(m?js)$/.test(entry.name)) scan(path);
    }
  };
  const scan = (file) => {
    const code = readFileSync(file, 'utf8');
    const parsed = parseSync(file, code, { sourceType: 'module' });
    if (parsed.errors.length) {
      throw new Error(`${relative(root, file)} does not parse: ${parsed.errors[0].message}`);
    }
    const m = parsed.module;
    const specs = [
      ...m.staticImports.map((i) => i.moduleRequest.value),
      ...m.staticExports.flatMap((e) => e.entries.map((x) => x.moduleRequest?.value)),
    ];
    for (const d of m.dynamicImports) {
      const text = code.slice(d.moduleRequest.start, d.moduleRequest.end).trim();
      const literal = /^(['"`])([^'"`$]*)\1$/.exec(text);
      if (literal) specs.push(literal[2]);
      else dynamicOther.push(`${relative(root, file)}: import(${text.slice(0, 60)})`);
    }
    for (const spec of specs.filter(Boolean)) {
      found.set(spec, [...(found.get(spec) ?? []), relative(root, file)]);
    }
  };
  walk(dir);
  return { found, dynamicOther };
}

await part('dist/lib: every bare import is a dependency or peer dependency', async () => {
  const lib = join(root, 'dist', 'lib');
  if (!existsSync(join(lib, 'index.js'))) {
    throw new Error('dist/lib/index.js is missing: run `npm run build` first');
  }
  const { found, dynamicOther } = importsBelow(lib);
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const bare = [...found.keys()].filter(isBare).sort();
  const problems = [];
  for (const spec of bare) {
    const name = packageOf(spec);
    const files = [...new Set(found.get(spec))].join(', ');
    if (spec.startsWith('node:')) problems.push(`"${spec}" (${files}) is a Node module`);
    else if (!declared.has(name)) {
      const where = pkg.devDependencies?.[name] ? ' (it is only in devDependencies)' : '';
      problems.push(
        `"${spec}" (${files}) needs "${name}" in dependencies or peerDependencies${where}`,
      );
    }
  }
  const names = [...new Set(bare.map(packageOf))];
  console.log(`bare imports in dist/lib: ${names.join(', ')}`);
  if (dynamicOther.length) {
    console.log(
      `computed import() left for the page to resolve:\n${indent(dynamicOther.join('\n'))}`,
    );
  }
  if (problems.length) throw new Error(problems.join('\n'));
});

// ---------------------------------------------------------------------------------------------
// 2. npm pack, a fresh Vite project, vite build.

let tarball = null;
await part('npm pack', async () => {
  const r = mustSucceed(
    'npm pack',
    await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: root,
    }),
  );
  const [info] = JSON.parse(r.stdout);
  tarball = join(work, info.filename);
  const packed = new Set(info.files.map((f) => f.path));
  // Every file the builds emitted must ship: a hashed worker or chunk left out of `files`
  // would only fail in a user's browser.
  const missing = [];
  for (const dir of ['dist/lib', 'dist/chunks', 'dist/assets']) {
    const walk = (d) => {
      if (!existsSync(join(root, d))) return;
      for (const e of readdirSync(join(root, d), { withFileTypes: true })) {
        const rel = `${d}/${e.name}`;
        if (e.isDirectory()) walk(rel);
        else if (e.name.endsWith('.js') && !packed.has(rel)) missing.push(rel);
      }
    };
    walk(dir);
  }
  for (const f of ['dist/lib/index.js', 'dist/room-recorder.js', 'dist/types/index.d.ts']) {
    if (!packed.has(f)) missing.push(f);
  }
  if (missing.length) throw new Error(`not in the tarball:\n${missing.join('\n')}`);
  measured.push(
    `npm pack: ${info.filename}, ${kb(info.size)} packed, ${info.entryCount} files, ${secs(r.ms)}`,
  );
  console.log(measured.at(-1));
});

let installed = false;
if (tarball) {
  installed = await part(
    `fresh project: npm install the tarball and vite@${viteMajor}`,
    async () => {
      mkdirSync(app);
      writeFileSync(
        join(app, 'package.json'),
        `${JSON.stringify({ name: 'rr-package-test-app', private: true, type: 'module' }, null, 2)}\n`,
      );
      // --prefer-offline: what the npm cache holds is used without asking the registry again.
      const r = mustSucceed(
        'npm install',
        await exec(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--prefer-offline',
            '--loglevel=error',
            tarball,
            `vite@${viteMajor}`,
          ],
          { cwd: app, env: userEnv() },
        ),
      );
      const got = (name) =>
        JSON.parse(readFileSync(join(app, 'node_modules', name, 'package.json'), 'utf8')).version;
      measured.push(
        `npm install: ${secs(r.ms)} (room-recorder ${got('room-recorder')}, vite ${got('vite')})`,
      );
      console.log(measured.at(-1));
    },
  );
}

let built = false;
if (installed) {
  built = await part("vite build of a page that does import 'room-recorder'", async () => {
    for (const f of ['index.html', 'main.ts']) copyFileSync(join(here, 'app', f), join(app, f));
    const r = mustSucceed(
      'vite build',
      await exec(join(app, 'node_modules', '.bin', 'vite'), ['build'], {
        cwd: app,
        env: userEnv(),
      }),
    );
    // Vite writes warnings to stderr; a user would see them, so do we.
    if (r.stderr.trim()) console.log(`vite build said:\n${indent(r.stderr)}`);
    const assets = readdirSync(join(app, 'dist', 'assets')).filter((f) => f.endsWith('.js'));
    const size = assets.reduce((n, f) => n + statSync(join(app, 'dist', 'assets', f)).size, 0);
    measured.push(`vite build: ${secs(r.ms)}, ${assets.length} scripts, ${kb(size)}`);
    console.log(measured.at(-1));
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Serve the build and the installed bundle, with the presign routes and a local S3 server;
//    record 3 s through each with each storage kind.

/**
 * One host recording of about RECORD_SECONDS through `url`; returns what it measured.
 * @param {import('playwright-core').Browser} browser
 */
async function recordThrough(browser, { url, scriptsFrom, s3Endpoint, file }) {
  const context = await browser.newContext();
  try {
    // Every notice shown, in order, from the element's own event.
    await context.addInitScript(() => {
      const shown = [];
      Object.assign(window, { __shown: shown });
      document.addEventListener('rr-toast-show', (e) => shown.push(e.detail.key));
    });
    const page = await context.newPage();
    const pageErrors = [];
    const consoleErrors = [];
    const badResponses = [];
    const scripts = [];
    page.on('pageerror', (e) => pageErrors.push(e.stack ?? String(e)));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('response', (r) => r.status() >= 400 && badResponses.push(`${r.status()} ${r.url()}`));
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin === new URL(url).origin && u.pathname.endsWith('.js')) scripts.push(u.pathname);
    });
    const shown = () => page.evaluate(() => [...window.__shown]);
    const step = async (what, fn) => {
      try {
        return await fn();
      } catch (e) {
        const notices = await shown().catch(() => []);
        const menu = await page
          .getByRole('menuitem')
          .allTextContents()
          .catch(() => []);
        throw new Error(
          [
            `${what}: ${e.message.split('\n')[0]}`,
            `notices shown: ${JSON.stringify(notices)}`,
            menu.length ? `menu items: ${JSON.stringify(menu.map((t) => t.trim()))}` : '',
            pageErrors.length ? `page errors:\n${indent(pageErrors.join('\n'))}` : '',
            consoleErrors.length ? `console errors:\n${indent(consoleErrors.join('\n'))}` : '',
            badResponses.length ? `HTTP errors:\n${indent(badResponses.join('\n'))}` : '',
          ]
            .filter(Boolean)
            .join('\n'),
        );
      }
    };

    const t0 = performance.now();
    await step('open the page', async () => {
      await page.goto(url);
      await page.waitForFunction(() => window.customElements.get('rr-recorder') !== undefined);
    });
    await step('three dots, Record enabled after the pre-flight', async () => {
      await page.getByRole('button', { name: 'More options' }).click();
      // The pre-flight (codecs, storage quota, the upload target) enables Record.
      await page.waitForFunction(
        () => {
          const deep = (r) => [
            ...r.querySelectorAll('[role=menuitem][data-item=record]'),
            ...[...r.querySelectorAll('*')].flatMap((e) =>
              e.shadowRoot ? deep(e.shadowRoot) : [],
            ),
          ];
          return deep(document)[0]?.getAttribute('aria-disabled') === 'false';
        },
        null,
        { timeout: WAIT.ready },
      );
      const record = page.getByRole('menuitem', { name: 'Record', exact: true });
      await record.click();
    });
    const ready = performance.now() - t0;
    await step('Start Recording, then "This session is being recorded."', async () => {
      await page.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
      await page.waitForFunction(() => window.__shown.includes('notice.recording-started'), null, {
        timeout: WAIT.started,
      });
      await page.locator('rr-indicator[active]').waitFor({ timeout: WAIT.started });
    });
    const startedAt = performance.now();
    await step(`the elapsed counter reaches 0:00:0${RECORD_SECONDS}`, async () => {
      await page.waitForFunction(
        (seconds) => {
          const deep = (r) => [
            ...r.querySelectorAll('[role=timer]'),
            ...[...r.querySelectorAll('*')].flatMap((e) =>
              e.shadowRoot ? deep(e.shadowRoot) : [],
            ),
          ];
          const m = /(\d+):(\d\d):(\d\d)/.exec(deep(document)[0]?.textContent ?? '');
          return m !== null && Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]) >= seconds;
        },
        RECORD_SECONDS,
        { timeout: RECORD_SECONDS * 1000 + WAIT.started },
      );
    });
    let stoppedAt = 0;
    await step('the stop square, then the red Stop recording', async () => {
      await page.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
      const confirm = page.getByRole('dialog').getByRole('button', { name: 'Stop recording' });
      await confirm.waitFor();
      const [r, g, b] = (
        await confirm.evaluate((el) => window.getComputedStyle(el).backgroundColor)
      )
        .match(/\d+/g)
        .map(Number);
      if (!(r > g + 60 && r > b + 60)) {
        throw new Error(`the Stop recording button is not red: rgb(${r}, ${g}, ${b})`);
      }
      await confirm.click();
      stoppedAt = performance.now();
    });
    const href = await step('"The recording is available." with a link', async () => {
      await page.waitForFunction(
        () => window.__shown.includes('notice.recording-available'),
        null,
        { timeout: WAIT.stopped },
      );
      const link = page.locator('rr-toasts').getByRole('link', { name: 'Open the recording' });
      return link.getAttribute('href');
    });
    const available = performance.now() - stoppedAt;
    const notices = await shown();
    const expected = [
      'notice.recording-starting',
      'notice.recording-started',
      'notice.recording-ended-uploading',
      'notice.recording-available',
    ];
    if (JSON.stringify(notices) !== JSON.stringify(expected)) {
      throw new Error(`notices: ${JSON.stringify(notices)}, expected ${JSON.stringify(expected)}`);
    }
    if (pageErrors.length)
      throw new Error(`uncaught errors in the page:\n${pageErrors.join('\n')}`);
    // A recording that worked logs no error: an integrator would see it in the console.
    if (consoleErrors.length) throw new Error(`console errors:\n${consoleErrors.join('\n')}`);
    const foreign = [...new Set(scripts)].filter((s) => !s.startsWith(scriptsFrom));
    if (foreign.length)
      throw new Error(`scripts from outside ${scriptsFrom}: ${foreign.join(', ')}`);

    // The stored object, downloaded from the S3 server through the notice's link.
    const link = new URL(href, url);
    if (link.origin !== new URL(s3Endpoint).origin) {
      throw new Error(`the link ${link.href} does not point at the S3 server ${s3Endpoint}`);
    }
    const res = await fetch(link);
    if (res.status !== 200) throw new Error(`GET ${link.href}: ${res.status}`);
    const bytes = Buffer.from(await res.arrayBuffer());
    writeFileSync(file, bytes);
    return {
      file,
      key: decodeURIComponent(link.pathname),
      bytes: bytes.length,
      readyMs: ready,
      recordedMs: stoppedAt - startedAt,
      availableMs: available,
      scripts: new Set(scripts).size,
    };
  } finally {
    await context.close();
  }
}

/** ffprobe and a full decode: H.264 1920x1080, about RECORD_SECONDS long, no decode error. */
async function judge(file) {
  const probe = mustSucceed(
    'ffprobe',
    await exec('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration:stream=codec_type,codec_name,profile,width,height',
      '-of',
      'json',
      file,
    ]),
  );
  const info = JSON.parse(probe.stdout);
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  const duration = Number(info.format?.duration);
  const problems = [];
  if (!video) problems.push('no video stream');
  else {
    if (video.codec_name !== 'h264') problems.push(`video codec ${video.codec_name}, not h264`);
    if (video.width !== 1920 || video.height !== 1080) {
      problems.push(`video ${video.width}x${video.height}, not 1920x1080`);
    }
  }
  if (!audio) problems.push('no audio stream (the page gives the fake microphone)');
  if (!(duration >= DURATION_RANGE[0] && duration <= DURATION_RANGE[1])) {
    problems.push(`duration ${duration} s, not in ${DURATION_RANGE[0]}..${DURATION_RANGE[1]} s`);
  }
  const decode = await exec('ffmpeg', ['-nostdin', '-v', 'error', '-i', file, '-f', 'null', '-']);
  if (decode.code !== 0 || decode.stderr.trim()) {
    problems.push(`ffmpeg decode (exit ${decode.code}):\n${indent(decode.stderr.slice(0, 2000))}`);
  }
  if (problems.length) throw new Error(`${file}:\n${problems.join('\n')}`);
  return { duration, video, audio };
}

if (installed) {
  const s3dir = join(work, 's3');
  const recordings = join(work, 'recordings');
  mkdirSync(recordings);
  let s3 = null;
  let server = null;
  let browser = null;
  const served = await part(
    'serve: the build, the installed bundle, presign routes, S3',
    async () => {
      s3 = await startS3Server({ directory: s3dir, quiet: true });
      cleanups.push(() => s3.stop());
      const handlers = [
        createPresignHandler({
          endpoint: s3.endpoint,
          region: LOCAL_S3.region,
          bucket: LOCAL_S3.bucket,
          credentials: {
            accessKeyId: LOCAL_S3.accessKeyId,
            secretAccessKey: LOCAL_S3.secretAccessKey,
          },
          basePath: '/api/s3',
          allowKeyPrefix: 'rooms/',
        }),
        staticFiles(
          '/node_modules/room-recorder/dist/',
          join(app, 'node_modules', 'room-recorder', 'dist'),
        ),
        staticFiles('/plain/', here, 'plain.html'),
        staticFiles('/', join(app, 'dist'), 'index.html'),
      ];
      const http = createServer((req, res) => {
        const pathname = new URL(req.url ?? '/', 'http://x').pathname;
        for (const handle of handlers) if (handle(req, res, pathname)) return;
      });
      await new Promise((resolve, reject) => {
        http.once('error', reject);
        http.listen(0, '127.0.0.1', resolve);
      });
      server = { url: `http://localhost:${http.address().port}/` };
      cleanups.push(
        () =>
          new Promise((resolve) => {
            http.closeAllConnections();
            http.close(() => resolve());
          }),
      );
      browser = await chromium.launch({
        executablePath: chromiumPath,
        headless: true,
        args: CHROMIUM_ARGS,
      });
      cleanups.push(() => browser.close());
    },
  );

  if (served) {
    const runs = [
      { name: 'npm + Vite build', page: '', scriptsFrom: '/assets/', needs: built },
      { name: 'one-tag bundle', page: 'plain/', scriptsFrom: '/node_modules/room-recorder/dist/' },
    ].flatMap((r) => [
      { ...r, storage: 'presigned' },
      { ...r, storage: 's3' },
    ]);
    for (const [i, run] of runs.entries()) {
      const label = `${run.name}, storage "${run.storage}": record ${RECORD_SECONDS} s in Chromium`;
      if (run.needs === false) {
        results.push({ label, ok: false });
        console.log(`\n--- ${label}\nFAILED ${label}: not run, the build failed`);
        continue;
      }
      await part(label, async () => {
        const room = `package-${i + 1}-${run.storage}`;
        const query = new URLSearchParams({ storage: run.storage, room });
        if (run.storage === 's3') {
          query.set('endpoint', s3.endpoint);
          query.set('bucket', LOCAL_S3.bucket);
        }
        const r = await recordThrough(browser, {
          url: `${server.url}${run.page}?${query}`,
          scriptsFrom: run.scriptsFrom,
          s3Endpoint: s3.endpoint,
          file: join(recordings, `${room}.mp4`),
        });
        if (!r.key.includes(`/rooms/${room}/Recordings/`)) {
          throw new Error(`stored as ${r.key}, not in the room's Recordings folder`);
        }
        const j = await judge(r.file);
        measured.push(
          `${run.name}, ${run.storage}: file ${j.duration.toFixed(2)} s ` +
            `(${j.video.codec_name} ${j.video.profile ?? ''} ${j.video.width}x${j.video.height}, ` +
            `${j.audio.codec_name}), ${kb(r.bytes)}; Record enabled after ${secs(r.readyMs)}, ` +
            `recorded ${secs(r.recordedMs)} from the started notice to Stop, ` +
            `available ${secs(r.availableMs)} after Stop`,
        );
        console.log(measured.at(-1));
      });
    }
  }
}

clearTimeout(watchdog);
await cleanup();

const failed = results.filter((r) => !r.ok);
console.log(
  `\n${failed.length ? 'FAILED' : 'ok'}: ${results.length - failed.length} of ${results.length} parts passed`,
);
for (const r of failed) console.log(`FAILED ${r.label}`);
if (!failed.length) for (const m of measured) console.log(`  ${m}`);
process.exit(failed.length ? 1 : 0);
