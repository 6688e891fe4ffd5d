#!/usr/bin/env node
// Benchmark of the recording pipeline (not a test): bundles bench/pipeline.ts and the worker
// with esbuild, serves them on 127.0.0.1 (WebCodecs needs a secure context), and records in
// Debian's Chromium with the fake camera for each configuration, in real time.
//
//   node bench/run-pipeline.mjs [--duration=60] [--only=room-canvas,four-camera] [--verbose]
//
// Prints compose ms/frame (median, p95), encode fps, delivered and dropped frames, heap
// growth; writes bench/results/pipeline.json.
import { build } from 'esbuild';
import { createServer } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/lib/chromium.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const durationSec = Number(args.duration ?? 60);
if (!(durationSec > 0)) throw new Error(`--duration must be a positive number of seconds`);
const all = ['room-canvas', 'four-canvas', 'room-camera', 'four-camera'];
const only = args.only ? args.only.split(',') : all;
for (const o of only)
  if (!all.includes(o)) throw new Error(`unknown configuration ${o}; one of ${all}`);

const out = mkdtempSync(join(tmpdir(), 'rr-bench-'));
const common = {
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  logLevel: 'warning',
};
await build({
  ...common,
  entryPoints: [join(root, 'bench/pipeline.ts')],
  outfile: join(out, 'pipeline.js'),
});
await build({
  ...common,
  entryPoints: [join(root, 'src/media/worker.ts')],
  outfile: join(out, 'worker.js'),
});
const files = {
  '/': [
    'text/html',
    '<!doctype html><meta charset="utf-8"><script type="module" src="/pipeline.js"></script>',
  ],
  '/pipeline.js': ['text/javascript', readFileSync(join(out, 'pipeline.js'))],
  '/worker.js': ['text/javascript', readFileSync(join(out, 'worker.js'))],
};
const server = createServer((req, res) => {
  const f = files[req.url ?? '/'];
  if (!f) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: chromiumPath,
  headless: true,
  args: [...CHROMIUM_ARGS, '--enable-precise-memory-info'],
});

const results = [];
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] ?? 0;
try {
  for (const name of only) {
    const [layout, sources] = name.split('-');
    const page = await browser.newPage();
    if (args.verbose) page.on('console', (m) => console.log(`[${name}]`, m.text()));
    page.on('pageerror', (e) => console.error(`[${name}] page error:`, e.message));
    await page.goto(origin);
    await page.waitForFunction(() => 'runBench' in globalThis);
    const r = await page.evaluate((config) => globalThis.runBench(config), {
      layout,
      sources,
      durationSec,
      workerUrl: `${origin}/worker.js`,
    });
    await page.close();
    const s = r.stats;
    const row = {
      name,
      durationSec,
      composeMsMedian: +s.composeMsP50.toFixed(2),
      composeMsP95: +s.composeMsP95.toFixed(2),
      drawsPerFrame: +s.drawsPerFrame.toFixed(2),
      encodeFps: +s.encodeFps.toFixed(1),
      deliveredFrames: s.framesEncoded,
      droppedFrames: s.framesDropped,
      droppedPct: +r.droppedPct.toFixed(2),
      droppedLate: s.droppedLate,
      droppedBusy: s.droppedBusy,
      droppedSink: s.droppedSink ?? null,
      repeatedFrames: s.framesRepeated ?? null,
      repeatedLate: s.repeatedLate ?? null,
      repeatedBusy: s.repeatedBusy ?? null,
      deliveredFps: +r.deliveredFps.toFixed(1),
      healthFpsMedian: median(r.healthFps),
      workerHeapGrowthMB:
        s.workerHeapStartMB === null ? null : +(s.workerHeapMB - s.workerHeapStartMB).toFixed(1),
      mainHeapGrowthMB:
        r.mainHeapStartMB === null ? null : +(r.mainHeapEndMB - r.mainHeapStartMB).toFixed(1),
      fragments: r.fragments,
      megabytes: +(r.bytes / 2 ** 20).toFixed(1),
      audioCodec: s.audioCodec,
    };
    results.push(row);
    console.log(JSON.stringify(row));
  }
} finally {
  await browser.close();
  server.close();
}

console.table(results);
mkdirSync(join(root, 'bench', 'results'), { recursive: true });
writeFileSync(
  join(root, 'bench', 'results', 'pipeline.json'),
  JSON.stringify({ date: new Date().toISOString(), durationSec, results }, null, 2) + '\n',
);
