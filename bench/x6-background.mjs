// X6: a recording made with its tab in the background against one made in front, in one run,
// alternating. The demo room's host page records for --seconds (300 by default) in a tab of
// headless Debian Chromium with the browser's background throttling left on (puppeteer adds
// flags that turn it off; they are removed here), either in front or behind another tab of
// the same window (its `visibilityState` is checked). Prints and keeps, per run: frames
// encoded, repeated and dropped, new composites per second, each source's frames per second
// as the page delivered them, and the stored file's duration and packets (ffprobe).
//
//   node bench/x6-background.mjs [--seconds 300] [--rounds 1]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import puppeteer from 'puppeteer-core';
import { startS3Server } from '../scripts/lib/s3-server.mjs';
import { buildDemo, startDemoServer } from '../scripts/lib/demo-server.mjs';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/lib/chromium.mjs';
import { describeMachine, loadAverage } from './lib/machine.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '300' },
    rounds: { type: 'string', default: '1' },
  },
});
const seconds = Number(values.seconds);
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
if (!existsSync(join(root, 'dist', 'demo', 'index.html'))) buildDemo();

const s3dir = mkdtempSync(join(tmpdir(), 'rr-x6-s3-'));
const s3 = await startS3Server({ directory: s3dir, quiet: true });
const demo = await startDemoServer({ port: 0, s3Endpoint: s3.endpoint });
const browser = await puppeteer.launch({
  executablePath: chromiumPath,
  headless: true,
  args: CHROMIUM_ARGS,
  // A wait for the whole recording is one protocol call.
  protocolTimeout: (seconds + 600) * 1000,
  // A hidden tab as a user's is: throttled.
  ignoreDefaultArgs: [
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-renderer-backgrounding',
  ],
});

/** One recording of `seconds`, its tab in front or behind another. */
async function record(mode, n) {
  const room = `x6-${mode}-${n}-${Date.now().toString(36)}`;
  const url = new URL(demo.url);
  url.search = new URLSearchParams({ room, title: 'X6', role: 'host', user: 'host-1' }).toString();
  const page = await browser.newPage();
  await page.goto(url.href);
  await page.waitForFunction(() => window.__rr?.controller.view.canStart.ok, {
    timeout: 60_000,
    polling: 250,
  });
  await page.evaluate(async () => {
    window.__rr.controller.requestStart();
    await window.__rr.controller.confirmStart();
  });
  await page.waitForFunction(() => window.__rr.controller.view.phase === 'recording', {
    timeout: 60_000,
    polling: 250,
  });
  let front = null;
  if (mode === 'background') {
    front = await browser.newPage();
    await front.goto('about:blank');
    await front.bringToFront();
  } else {
    await page.bringToFront();
  }
  const visibility = await page.evaluate(() => document.visibilityState);
  const sample = () =>
    page.evaluate(async () => ({
      at: performance.now(),
      counts: await window.__rr.room.frames(),
      health: window.__rr.controller.view.health,
      elapsed:
        window.__rr.controller.monotonicNow() - window.__rr.controller.view.startedAtMonotonic,
    }));
  const first = await sample();
  const loadBefore = loadAverage();
  await page.waitForFunction(
    (ms) =>
      window.__rr.controller.monotonicNow() - window.__rr.controller.view.startedAtMonotonic >= ms,
    { timeout: (seconds + 120) * 1000, polling: 1000 },
    seconds * 1000,
  );
  const last = await sample();
  await page.evaluate(async () => {
    window.__rr.controller.requestStop();
    await window.__rr.controller.confirmStop();
  });
  await page.waitForFunction(() => window.__rr.controller.view.phase === 'available', {
    timeout: 300_000,
    polling: 500,
  });
  const stored = await page.evaluate(() => window.__rr.controller.view.lastRecording);
  const file = join(s3dir, `${room}.mp4`);
  writeFileSync(file, Buffer.from(await (await fetch(stored.url)).arrayBuffer()));
  const probe = execFileSync('ffprobe', [
    ...['-v', 'error', '-select_streams', 'v', '-count_packets'],
    ...['-show_entries', 'format=duration:stream=nb_read_packets', '-of', 'csv=p=0', file],
  ])
    .toString()
    .trim()
    .split(/\s+/)
    .map(Number);
  rmSync(file, { force: true });
  await front?.close();
  await page.close();
  const span = (last.at - first.at) / 1000;
  // Repeats as of the last sample, a moment before Stop.
  const repeated = last.health?.framesRepeated ?? 0;
  return {
    mode,
    visibility,
    seconds: Number(span.toFixed(1)),
    file: { durationSec: probe[1], videoPackets: probe[0] },
    framesEncoded: stored.framesEncoded,
    framesDropped: stored.framesDropped,
    framesRepeated: repeated,
    // New pictures in the file per second: encoded minus repeated, over its duration.
    composedPerSec: Number(((stored.framesEncoded - repeated) / probe[1]).toFixed(2)),
    sourcesFps: Object.fromEntries(
      Object.entries(last.counts).map(([id, frames]) => [
        id,
        Number(((frames - (first.counts[id] ?? 0)) / span).toFixed(2)),
      ]),
    ),
    load: [loadBefore[0], loadAverage()[0]],
  };
}

const runs = [];
try {
  for (let n = 0; n < Number(values.rounds); n++) {
    for (const mode of n % 2 === 0 ? ['foreground', 'background'] : ['background', 'foreground']) {
      console.log(`[x6] round ${n + 1}: ${mode}, ${seconds} s`);
      const run = await record(mode, n);
      console.log(JSON.stringify(run));
      runs.push(run);
    }
  }
} finally {
  await browser.close();
  await demo.stop();
  await s3.stop();
  rmSync(s3dir, { recursive: true, force: true });
}

const mean = (mode, pick) => {
  const list = runs.filter((r) => r.mode === mode).map(pick);
  return list.reduce((a, b) => a + b, 0) / list.length;
};
const ratio =
  mean('background', (r) => r.composedPerSec) / mean('foreground', (r) => r.composedPerSec);
console.log(
  `[x6] new pictures per second, background against foreground: ${ratio.toFixed(3)} ` +
    `(${mean('background', (r) => r.composedPerSec).toFixed(2)} / ${mean('foreground', (r) => r.composedPerSec).toFixed(2)})`,
);
const out = join(
  here,
  'results',
  `x6-background-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}.json`,
);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(
  out,
  JSON.stringify({ machine: describeMachine(), seconds, runs, backgroundRatio: ratio }, null, 2),
);
console.log(`[x6] kept in ${out}`);
