#!/usr/bin/env node
// The benchmark (figures, not pass/fail): `npm run bench` (full, about an hour) or
// `npm run bench -- --quick` (under 3 minutes, shorter runs, said so in the output).
//
//   node bench/run.mjs [--quick] [--only=compare,upload,demo,soak] [--keep] [--verbose]
//                      [--compare-seconds=N] [--rounds=N] [--upload-seconds=60,600]
//                      [--soak-hours=24] [--soak-scale=16]
//
// 1. compare: in one run, alternating, on the same deterministic sources, this library
//    (BrowserRecordingEngine: worker pipeline, IndexedDB journal, multipart upload to the
//    local S3 server) against the naive MediaRecorder page, for three rooms (the demo room's
//    sources, four fake 720p cameras plus a stage, a busy-canvas room): delivered fps (from
//    the sources' barcodes in the file), repeats, drops, frame gaps, compose ms, CPU seconds
//    per recorded second of every Chromium process (/proc), page and worker heap growth
//    (DevTools protocol), bytes per second, SSIM and PSNR against rendered references, and
//    the duration at loadedmetadata over an emulated 20 Mb/s link.
// 2. upload: stop-to-available for recordings of the A/V room, on localhost and with the
//    page's network emulated at 20 Mb/s; IndexedDB bytes held (sampled); where Stop's time
//    goes; the A/V offset between each flash and beep in the stored file.
// 3. demo: the demo's own headless run (`node scripts/demo.mjs --headless`).
// 4. soak: a simulated 24-hour recording through the real writer, journal and upload.
//
// Human-readable lines, then one JSON line with every figure; a new results file in
// bench/results/ named by date and time.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../scripts/lib/chromium.mjs';
import { root } from '../scripts/lib/ensure.mjs';
import { emulateLink } from '../scripts/lib/network.mjs';
import { startS3Server } from '../scripts/lib/s3-server.mjs';
import {
  avSync,
  decodes,
  delivery,
  detectOffsets,
  frameTiming,
  greyFrame,
  median,
  packetCounts,
  pickSamples,
  probe,
  quality,
  readBarcodes,
  round,
} from './lib/analyze.mjs';
import { heapProbe } from './lib/heap.mjs';
import { chromiumProcesses, cpuBetween, describeMachine, loadAverage } from './lib/machine.mjs';
import { bundle, startBenchServer } from './lib/server.mjs';

// ---------------------------------------------------------------------------------------
// Options

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const QUICK = args.quick === 'true';
const VERBOSE = args.verbose === 'true';
const ONLY = new Set((args.only ?? 'compare,upload,demo,soak').split(','));
const PLAN = {
  quick: QUICK,
  compareSeconds: Number(args['compare-seconds'] ?? (QUICK ? 5 : 30)),
  rounds: Number(args.rounds ?? (QUICK ? 1 : 2)),
  rooms: (args.rooms ?? 'demo,camera,canvas').split(','),
  uploadSeconds: (args['upload-seconds'] ?? (QUICK ? '10' : '60,600')).split(',').map(Number),
  uploadLinks: (args['upload-links'] ?? (QUICK ? '20mbps' : 'localhost,20mbps')).split(','),
  /** The A/V source through MediaRecorder too (a check of the source itself). */
  avReference: args['av-reference'] ? args['av-reference'] === 'true' : !QUICK,
  demoSeconds: Number(args['demo-seconds'] ?? (QUICK ? 0 : 20)),
  soakHours: Number(args['soak-hours'] ?? (QUICK ? 0.25 : 24)),
  soakScale: Number(args['soak-scale'] ?? 16),
  /** Every n-th frame is compared with its reference. */
  ssimStep: Number(args['ssim-step'] ?? (QUICK ? 15 : 10)),
  /** Seconds of the sources alone before each recording (the recorder's own CPU share). */
  idleSeconds: Number(args['idle-seconds'] ?? (QUICK ? 1 : 3)),
  /** The emulated link for loadedmetadata and the throttled uploads. */
  linkBitsPerSecond: 20_000_000,
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const MiB = 2 ** 20;
const t0All = performance.now();
const elapsed = () => `${((performance.now() - t0All) / 1000).toFixed(0)}s`;
function log(...a) {
  console.log(`[bench ${elapsed()}]`, ...a);
}

// ---------------------------------------------------------------------------------------
// Setup: results, bundles, local S3, web server, fake camera

// A quiet machine first, when asked: wait until the 1-minute load average is under the limit.
let quietWait = null;
if (args['wait-load']) {
  const limit = Number(args['wait-load']);
  const until = performance.now() + Number(args['wait-max'] ?? 30) * 60_000;
  while (loadAverage()[0] >= limit && performance.now() < until) {
    log(`waiting for load < ${limit} (now ${loadAverage().join(' ')})`);
    await sleep(30_000);
  }
  quietWait = { limit, reached: loadAverage()[0] < limit, load: loadAverage() };
}

const startedAt = new Date();
const stamp = startedAt.toISOString().replace(/[:]/g, '-').replace(/\..*/, '');
const work = mkdtempSync(join(tmpdir(), `rr-bench-${stamp}-`));
const filesDir = join(work, 'files');
mkdirSync(filesDir, { recursive: true });

const results = {
  kind: QUICK ? 'quick' : 'full',
  startedAt: startedAt.toISOString(),
  plan: PLAN,
  machine: describeMachine(),
  disk: execFileSync('df', ['-h', root], { encoding: 'utf8' }).trim().split('\n').at(-1),
  load: { start: loadAverage(), end: null },
  notes: [],
  quietWait,
  compare: [],
  upload: [],
  avReference: null,
  demo: null,
  soak: null,
  summary: null,
  goals: null,
  wallSeconds: null,
};
log(
  `${results.kind} run on ${results.machine.cores} cores (${results.machine.cpuModel}), ` +
    `${results.machine.chromium}, Node ${results.machine.node}; load ${results.load.start.join(' ')}`,
);
log(`work directory ${work}`);
if (quietWait && !quietWait.reached) {
  results.notes.push(
    `the load average stayed at or above ${quietWait.limit} for the whole wait (${quietWait.load.join(' ')}): figures under contention`,
  );
}

const bundles = await bundle();
const s3 = await startS3Server({ directory: join(work, 's3'), quiet: true });
const server = await startBenchServer({ dir: filesDir, s3Endpoint: s3.endpoint, bundles });
const origin = server.origin;

async function cleanup() {
  await server.stop().catch(() => {});
  await s3.stop().catch(() => {});
  if (args.keep !== 'true') rmSync(work, { recursive: true, force: true });
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void cleanup().finally(() => process.exit(130));
  });
}

/** Launches Chromium as every part of the project does, with the bench's fake camera. */
function launch(camera) {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: [
      ...CHROMIUM_ARGS,
      '--enable-precise-memory-info',
      ...(camera ? [`--use-file-for-fake-video-capture=${camera}`] : []),
    ],
  });
}

async function openPage(browser, path = '/') {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`  [page error] ${e.message}`));
  page.on('console', (m) => {
    if (VERBOSE || m.type() === 'error') console.error(`  [page ${m.type()}] ${m.text()}`);
  });
  page.on('worker', (w) =>
    w.on('console', (m) => {
      if (VERBOSE || m.type() === 'error') console.error(`  [worker ${m.type()}] ${m.text()}`);
    }),
  );
  await page.goto(origin + path);
  await page.waitForFunction(() => document.body?.dataset.ready === 'true', null, {
    timeout: 60_000,
  });
  return page;
}

/** The fake camera's Y4M file (rendered once from bench/sources.ts; cached by its hash). */
async function ensureCamera() {
  const hash = createHash('sha256')
    .update(readFileSync(join(root, 'bench', 'sources.ts')))
    .digest('hex')
    .slice(0, 12);
  const dir = join(tmpdir(), 'rr-bench-cache');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `camera-${hash}.y4m`);
  if (existsSync(file)) return file;
  const browser = await launch(null);
  try {
    const page = await openPage(browser);
    const frames = await page.evaluate(() => window.bench.renderCamera('camera'));
    // BT.601 limited-range I420, what a camera delivers; Chromium plays the file in a loop.
    const tmp = `${file}.${process.pid}.tmp`;
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-framerate',
      '30',
      '-i',
      join(filesDir, 'camera-%04d.png'),
      '-frames:v',
      String(frames),
      '-vf',
      'scale=out_color_matrix=bt601:out_range=limited,format=yuv420p',
      '-f',
      'yuv4mpegpipe',
      '-y',
      tmp,
    ]);
    renameSync(tmp, file);
    for (let i = 0; i < frames; i++)
      rmSync(join(filesDir, `camera-${String(i).padStart(4, '0')}.png`));
  } finally {
    await browser.close();
  }
  return file;
}

// ---------------------------------------------------------------------------------------
// One recording, measured

/** The benchmark's emulated link (20 Mb/s both ways) on `page`. */
function emulateBenchLink(page) {
  const mbps = PLAN.linkBitsPerSecond / 1e6;
  return emulateLink(page, { downloadMbps: mbps, uploadMbps: mbps });
}

/**
 * Records `room` for `seconds` with this library (`lib`) or the naive page (`mr`) in a fresh
 * browser; CPU of every Chromium process over the recording, heap after a GC one second in
 * and 1.5 s before the end, load average before and after.
 */
async function recordOnce({ room, kind, seconds, link = 'localhost', name, camera, heapEverySec }) {
  const browser = await launch(camera);
  let heap = null;
  try {
    const page = await openPage(browser);
    const setup = await page.evaluate((r) => window.bench.setup(r), room);
    if (link === '20mbps') await emulateBenchLink(page);
    await sleep(QUICK ? 500 : 1000);
    // The sources alone, for the recorder's own share of the CPU.
    const idle0 = chromiumProcesses();
    const idleT0 = performance.now();
    await sleep(PLAN.idleSeconds * 1000);
    const idleCpuPerSec =
      cpuBetween(idle0, chromiumProcesses()) / ((performance.now() - idleT0) / 1000);
    heap = await heapProbe(browser);
    const loadBefore = loadAverage();
    const start =
      kind === 'lib'
        ? await page.evaluate(() => window.bench.startRecorder())
        : await page.evaluate(() => window.bench.startNaive());
    // The window starts once recording has (the encoders' start-up is left out for both).
    const cpu0 = chromiumProcesses();
    const w0 = performance.now();
    const flashes =
      room === 'av' ? await page.evaluate((s) => window.bench.scheduleFlashes(s), seconds) : 0;
    await sleep(1000);
    const heapStart = await heap.measure(origin);
    const heapSamples = [{ t: 1, ...heapStart }];
    const endAt = w0 + seconds * 1000;
    if (heapEverySec) {
      while (performance.now() + heapEverySec * 1000 < endAt - 1500) {
        await sleep(heapEverySec * 1000);
        heapSamples.push({ t: (performance.now() - w0) / 1000, ...(await heap.measure(origin)) });
      }
    }
    await sleep(Math.max(0, endAt - 1500 - performance.now()));
    const heapEnd = await heap.measure(origin);
    heapSamples.push({ t: (performance.now() - w0) / 1000, ...heapEnd });
    await sleep(Math.max(0, endAt - performance.now()));
    const cpu1 = chromiumProcesses();
    const wallSec = (performance.now() - w0) / 1000;
    const cpuSec = cpuBetween(cpu0, cpu1);
    const file = join(filesDir, `${name}.mp4`);
    let stop;
    if (kind === 'lib') {
      stop = await page.evaluate(() => window.bench.stopRecorder());
      const res = await fetch(stop.stored.url);
      if (!res.ok) throw new Error(`downloading ${stop.stored.objectKey}: HTTP ${res.status}`);
      writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    } else {
      stop = await page.evaluate((n) => window.bench.stopNaive(n), `${name}.mp4`);
    }
    const loadAfter = loadAverage();
    const workerGrowth = (s, e) => {
      const k = 'worker.js';
      return s.workers[k] !== undefined && e.workers[k] !== undefined
        ? e.workers[k] - s.workers[k]
        : null;
    };
    return {
      name,
      room,
      kind,
      link,
      seconds,
      file,
      tiles: setup.tiles,
      flashRect: setup.flashRect,
      flashes,
      start,
      stop,
      wallSec,
      cpuSec,
      cpuPerSec: cpuSec / wallSec,
      idleCpuPerSec,
      pageHeapGrowthMB:
        heapEnd.page !== null && heapStart.page !== null ? heapEnd.page - heapStart.page : null,
      workerHeapGrowthMB: workerGrowth(heapStart, heapEnd),
      heapSpanSec: heapSamples.at(-1).t - heapSamples[0].t,
      heapSamples,
      loadBefore,
      loadAfter,
    };
  } finally {
    await heap?.close();
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------
// Judging a file

/**
 * SSIM/PSNR of `file` against references rendered in `refPage` for sampled frames, each tile
 * drawn where the file shows it (see detectOffsets).
 */
async function judgeQuality(refPage, file, video, tiles, frames, tag) {
  const samples = pickSamples(frames, tiles, PLAN.ssimStep);
  if (samples.length === 0) return null;
  const mid = samples[Math.floor(samples.length / 2)];
  await refPage.evaluate(
    ([t, f, n]) => window.bench.renderReferences(t, f, n),
    [tiles, [mid.frame], `${tag}-probe`],
  );
  const probePng = join(filesDir, `${tag}-probe-0000.png`);
  const offsets = detectOffsets(await greyFrame(file, mid.index), rgbaOf(probePng), tiles);
  rmSync(probePng, { force: true });
  const placed = tiles.map((t) => ({
    ...t,
    draw: { ...t.draw, x: t.draw.x + offsets[t.id].dx, y: t.draw.y + offsets[t.id].dy },
  }));
  await refPage.evaluate(
    ([t, f, n]) => window.bench.renderReferences(t, f, n),
    [placed, samples.map((s) => s.frame), `${tag}-ref`],
  );
  const q = await quality(
    file,
    video,
    samples.map((s) => s.index),
    join(filesDir, `${tag}-ref-%04d.png`),
  );
  if (args.keep !== 'true') {
    samples.forEach((_, i) =>
      rmSync(join(filesDir, `${tag}-ref-${String(i).padStart(4, '0')}.png`), { force: true }),
    );
  }
  return q ? { ...q, offsets } : null;
}

/** A PNG's pixels as RGBA. */
function rgbaOf(png) {
  return execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', png, '-f', 'rawvideo', '-pix_fmt', 'rgba', 'pipe:1'],
    {
      maxBuffer: 64 * MiB,
    },
  );
}

/** Time to loadedmetadata (and the duration shown) over the emulated link, with range requests. */
async function openOverLink(browser, file) {
  const page = await browser.newPage();
  try {
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => document.body?.dataset.ready === 'true');
    const cdp = await emulateBenchLink(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const name = file.split('/').at(-1);
    return await page.evaluate(
      ([u, ms]) => window.bench.openVideo(u, ms),
      [`${origin}/files/${name}`, QUICK ? 20_000 : 60_000],
    );
  } finally {
    await page.close();
  }
}

/** Every figure of one comparison recording. */
async function judgeCompare(rec, refPage, linkBrowser) {
  const p = await probe(rec.file);
  const timing = await frameTiming(rec.file);
  const frames = await readBarcodes(rec.file, rec.tiles);
  const d = delivery(frames, rec.tiles, p.durationSec);
  const q = await judgeQuality(refPage, rec.file, p.video, rec.tiles, frames, rec.name);
  const open = await openOverLink(linkBrowser, rec.file);
  const s = rec.stop.stats ?? null;
  const expected = Math.round(p.durationSec * 30);
  return {
    name: rec.name,
    room: rec.room,
    recorder: rec.kind === 'lib' ? 'this library' : 'MediaRecorder',
    kind: rec.kind,
    durationSec: round(p.durationSec, 2),
    video: p.video,
    audio: p.audio,
    frames: timing.frames,
    fileFps: round(timing.frames / p.durationSec, 2),
    deliveredFps: d.deliveredFps,
    perTile: d.perTile,
    repeatedFrames: d.repeatedFrames,
    repeatedByRecorder: s ? s.framesRepeated : null,
    droppedByRecorder: s ? s.framesDropped : null,
    droppedInFile: Math.max(0, expected - timing.frames),
    dropPct: round((100 * Math.max(0, expected - timing.frames)) / expected, 2),
    unreadableFrames: d.unreadableFrames,
    maxFrameGapMs: timing.maxFrameGapMs,
    gapsOver34ms: timing.gapsOver34ms,
    cfr: timing.cfr,
    composeMsP50: round(s ? s.composeMsP50 : rec.stop.composeMsP50, 2),
    composeMsP95: round(s ? s.composeMsP95 : rec.stop.composeMsP95, 2),
    composeWhat: s
      ? 'worker: tiles written + frame handed over'
      : 'main thread: fill + drawImage of every source',
    cpuPerRecordedSec: round(rec.cpuPerSec, 3),
    cpuIdlePerSec: round(rec.idleCpuPerSec, 3),
    cpuRecorderPerSec: round(rec.cpuPerSec - rec.idleCpuPerSec, 3),
    pageHeapGrowthMB: round(rec.pageHeapGrowthMB, 2),
    workerHeapGrowthMB: round(rec.workerHeapGrowthMB, 2),
    bytesPerSec: Math.round(p.bytes / p.durationSec),
    ssim: q?.ssimAll ?? null,
    ssimY: q?.ssimY ?? null,
    ssimMin: q?.ssimMin ?? null,
    psnr: q?.psnrAvg ?? null,
    qualityFrames: q?.frames ?? 0,
    tileOffsets: q?.offsets ?? null,
    loadedMetadataMs: round(open.loadedMs, 0),
    durationAtLoadedMetadata: round(open.duration, 2),
    seekTo80PctMs: round(open.seekMs, 0),
    audioCodec: s?.audioCodec ?? p.audio?.codec ?? null,
    sourceRates: rec.stop.sourceRates,
    loadBefore: rec.loadBefore,
    loadAfter: rec.loadAfter,
  };
}

/**
 * Where Stop's time went, from the journal's timed calls and the page's resource timing, in
 * the order things happen: the pipeline's stop (encoders flushed, the last fragment
 * journaled), the journal's state update, the header rewrite, the parts (part 1 rewritten
 * and the tail: IndexedDB reads, presigning, PUTs, ETags journaled), CompleteMultipartUpload,
 * HeadObject, then the owner index, the link and the journal's cleanup.
 */
function stopProfile(stop) {
  const ops = stop.ops;
  const res = stop.resources;
  const sum = (xs) =>
    round(
      xs.reduce((a, x) => a + (x.end - x.start), 0),
      0,
    );
  const span = (xs) =>
    xs.length
      ? round(Math.max(...xs.map((x) => x.end)) - Math.min(...xs.map((x) => x.start)), 0)
      : 0;
  const kind = (url) => {
    const u = new URL(url);
    if (u.pathname.startsWith('/api/s3/')) return `presign:${u.pathname.slice('/api/s3/'.length)}`;
    if (u.searchParams.has('partNumber')) return 'put:part';
    return 'put:other';
  };
  const byKind = {};
  for (const r of res) (byKind[kind(r.url)] ??= []).push(r);
  const network = Object.fromEntries(
    Object.entries(byKind).map(([k, xs]) => [
      k,
      { count: xs.length, sumMs: sum(xs), spanMs: span(xs) },
    ]),
  );
  const uploading = ops.find((o) => o.op === 'update:uploading') ?? null;
  const firstGet = uploading ? ops.find((o) => o.op === 'get' && o.start >= uploading.end) : null;
  const complete = byKind['presign:complete']?.[0] ?? null;
  const head = byKind['presign:head']?.[0] ?? null;
  const of = (op) => ops.filter((o) => o.op === op);
  const ms = (v) => (v === null || v === undefined || Number.isNaN(v) ? null : round(v, 0));
  return {
    stopToAvailableMs: ms(stop.stopToAvailableMs),
    phases: {
      pipelineStopMs: ms(uploading?.start),
      journalUpdateMs: ms(uploading && uploading.end - uploading.start),
      rewriteMs: ms(uploading && firstGet && firstGet.start - uploading.end),
      partsMs: ms(firstGet && complete && complete.start - firstGet.start),
      completeMs: ms(complete && complete.end - complete.start),
      headMs: ms(head && head.end - head.start),
      afterMs: ms(head && stop.stopToAvailableMs - head.end),
    },
    parts: {
      journalReads: {
        count: of('read').length,
        sumMs: sum(of('read')),
        bytes: of('read').reduce((a, o) => a + (o.bytes ?? 0), 0),
      },
      presign: network['presign:part'] ?? { count: 0, sumMs: 0, spanMs: 0 },
      puts: network['put:part'] ?? { count: 0, sumMs: 0, spanMs: 0 },
      journalConfirms: { count: of('confirmPart').length, sumMs: sum(of('confirmPart')) },
    },
    journalRemoveMs: sum(of('remove')),
    network,
  };
}

/** Where the stage's flash square lands in the recorded frame. */
function flashRectOf(rec) {
  const stage = rec.tiles.find((t) => t.id === 'stage');
  if (!rec.flashRect || !stage) return null;
  const k = stage.draw.width / stage.width;
  return {
    x: stage.draw.x + rec.flashRect.x * k,
    y: stage.draw.y + rec.flashRect.y * k,
    width: rec.flashRect.width * k,
    height: rec.flashRect.height * k,
  };
}

async function judgeUpload(rec, linkBrowser) {
  const p = await probe(rec.file);
  const timing = await frameTiming(rec.file);
  const stop = rec.stop;
  // IndexedDB held, against the header part plus two parts beyond the upload lag: what is not
  // in storage yet beyond part 1 (held until Stop) counts as two parts, or as itself when the
  // upload lags further; parts end on a fragment boundary, so one fragment (1 MiB) of slack.
  let worstOverBound = -Infinity;
  let maxHeld = 0;
  let maxUnconfirmed = 0;
  let maxExcess = -Infinity;
  for (const s of stop.held) {
    maxHeld = Math.max(maxHeld, s.held);
    const unconfirmed = Math.max(0, s.written - s.part1 - s.confirmed);
    maxUnconfirmed = Math.max(maxUnconfirmed, unconfirmed);
    maxExcess = Math.max(maxExcess, s.held - Math.min(s.written, s.part1) - unconfirmed);
    const bound = s.part1 + Math.max(2 * s.part, unconfirmed) + MiB;
    worstOverBound = Math.max(worstOverBound, s.held - bound);
  }
  const flashRect = flashRectOf(rec);
  const flashLate = stop.flashes.map((f) => f.lateMs);
  const av = flashRect ? await avSync(rec.file, flashRect, median(flashLate) ?? 0) : null;
  const open = await openOverLink(linkBrowser, rec.file);
  const heapPerHour = (mb) => (mb === null ? null : round((mb / rec.heapSpanSec) * 3600, 1));
  return {
    name: rec.name,
    link: rec.link,
    seconds: rec.seconds,
    durationSec: round(p.durationSec, 2),
    bytes: p.bytes,
    audio: p.audio,
    frames: timing.frames,
    maxFrameGapMs: timing.maxFrameGapMs,
    cfr: timing.cfr,
    framesDropped: stop.stats?.framesDropped ?? null,
    framesRepeated: stop.stats?.framesRepeated ?? null,
    bytesAtStop: stop.bytesAtStop,
    leftToSendAtStopBytes: p.bytes - stop.confirmedAtStop,
    partsConfirmedAtStop: stop.partsConfirmedAtStop,
    heldAtStopBytes: stop.heldAtStop,
    maxHeldBytes: maxHeld,
    heldSamples: stop.held.length,
    heldBoundOk: stop.held.length > 0 && worstOverBound <= 0,
    heldWorstOverBoundBytes: worstOverBound,
    maxUnconfirmedBytes: maxUnconfirmed,
    heldBeyondUnconfirmedMaxBytes: maxExcess,
    partBytes: stop.held.at(-1)?.part ?? null,
    stopReturnedMs: round(stop.stopReturnedMs, 0),
    profile: stopProfile(stop),
    av,
    flashLateMsMedian: round(median(flashLate), 1),
    flashLateMsMax: round(flashLate.length ? Math.max(...flashLate) : null, 1),
    cpuPerRecordedSec: round(rec.cpuPerSec, 3),
    pageHeapGrowthMB: round(rec.pageHeapGrowthMB, 2),
    workerHeapGrowthMB: round(rec.workerHeapGrowthMB, 2),
    pageHeapMBPerHour: heapPerHour(rec.pageHeapGrowthMB),
    workerHeapMBPerHour: heapPerHour(rec.workerHeapGrowthMB),
    heapSamples: rec.heapSamples.map((h) => ({
      t: round(h.t, 0),
      page: round(h.page, 2),
      worker: round(h.workers['worker.js'] ?? null, 2),
    })),
    loadedMetadataMs: round(open.loadedMs, 0),
    durationAtLoadedMetadata: round(open.duration, 2),
    seekTo80PctMs: round(open.seekMs, 0),
    loadBefore: rec.loadBefore,
    loadAfter: rec.loadAfter,
  };
}

// ---------------------------------------------------------------------------------------
// The demo's own headless run

async function demoRun(seconds) {
  const out = join(filesDir, 'demo-headless.mp4');
  const skipBuild = QUICK && existsSync(join(root, 'dist', 'demo', 'index.html'));
  const argv = [
    join(root, 'scripts', 'demo.mjs'),
    '--headless',
    '--seconds',
    String(seconds),
    '--port',
    '0',
    '--s3-port',
    '0',
    '--s3-dir',
    join(work, 's3-demo'),
    '--out',
    out,
    ...(skipBuild ? ['--skip-build'] : []),
  ];
  const loadBefore = loadAverage();
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let cpuStart = null;
  let cpuEnd = null;
  let startedWall = null;
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!cpuStart && /recording started at/.test(stderr)) {
      cpuStart = chromiumProcesses(child.pid);
      startedWall = performance.now();
      setTimeout(() => (cpuEnd = chromiumProcesses(child.pid)), seconds * 1000);
    }
  });
  const code = await new Promise((resolve) => child.on('close', resolve));
  const loadAfter = loadAverage();
  const line = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !line.startsWith('{')) {
    return { ok: false, code, error: stderr.slice(-2000) };
  }
  const r = JSON.parse(line);
  const timing = await frameTiming(out);
  const expected = Math.round(r.durationSec * 30);
  return {
    ok: true,
    seconds,
    built: !skipBuild,
    durationSec: r.durationSec,
    bytes: r.bytes,
    video: r.video,
    audio: r.audio,
    framesEncoded: r.framesEncoded,
    framesDropped: r.framesDropped,
    framesRepeated: r.framesRepeated,
    fileFps: round(timing.frames / r.durationSec, 2),
    avgFrameRate: r.video?.avgFps ?? null,
    dropPct: round(
      (100 * (r.framesDropped ?? Math.max(0, expected - timing.frames))) / expected,
      2,
    ),
    maxFrameGapMs: timing.maxFrameGapMs,
    cfr: timing.cfr,
    stopToAvailableMs: r.stopToAvailableMs,
    cpuPerRecordedSec: cpuStart && cpuEnd ? round(cpuBetween(cpuStart, cpuEnd) / seconds, 3) : null,
    startedAfterSec: startedWall ? round((startedWall - t0All) / 1000, 0) : null,
    // Everything else the headless run printed (its own figures), as it printed them.
    headless: Object.fromEntries(Object.entries(r).filter(([k]) => k !== 'notices')),
    loadBefore,
    loadAfter,
  };
}

// ---------------------------------------------------------------------------------------
// The soak

/** Real AAC-LC packets (one second, ADTS from ffmpeg's encoder) and their AudioSpecificConfig. */
function aacPackets(bitrate) {
  const adts = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000:duration=1',
      '-ac',
      '2',
      '-c:a',
      'aac',
      '-b:a',
      String(bitrate),
      '-f',
      'adts',
      'pipe:1',
    ],
    { maxBuffer: 64 * MiB },
  );
  const packets = [];
  let config = null;
  for (let i = 0; i + 7 <= adts.length;) {
    if (adts[i] !== 0xff || (adts[i + 1] & 0xf0) !== 0xf0) throw new Error('bad ADTS');
    const headerLen = adts[i + 1] & 1 ? 7 : 9;
    const objectType = ((adts[i + 2] >> 6) & 3) + 1;
    const sfi = (adts[i + 2] >> 2) & 0xf;
    const ch = ((adts[i + 2] & 1) << 2) | (adts[i + 3] >> 6);
    const len = ((adts[i + 3] & 3) << 11) | (adts[i + 4] << 3) | (adts[i + 5] >> 5);
    config ??= Buffer.from([(objectType << 3) | (sfi >> 1), ((sfi & 1) << 7) | (ch << 3)]);
    packets.push(adts.subarray(i + headerLen, i + len).toString('base64'));
    i += len;
  }
  return { packets, config: config.toString('base64') };
}

async function soakRun({ hours, scale, keyBytes, deltaBytes, audioCodec }) {
  const browser = await launch(null);
  let heap = null;
  try {
    const page = await openPage(browser, '/soak');
    heap = await heapProbe(browser);
    const hourly = [];
    const h0 = await heap.measure(origin);
    await page.exposeFunction('soakHour', async (report) => {
      const h = await heap.measure(origin);
      hourly.push({ ...report, pageHeapMB: round(h.page, 2) });
      // Every report in a short soak, every third hour in a long one.
      if (hours < 6 || Math.round(report.hour) % 3 === 0) {
        log(
          `  soak hour ${round(report.hour, 2)}: ${round(report.elapsedSec, 0)} s in, heap ${round(h.page, 1)} MiB, ` +
            `held ${round(report.heldBytes / MiB, 2)} MiB, ${report.parts} parts`,
        );
      }
    });
    const audioBitrate = Math.round(128_000 / scale);
    const audio =
      audioCodec === 'aac'
        ? {
            codec: 'aac',
            sampleRate: 48_000,
            channels: 2,
            ...aacPackets(Math.max(8000, audioBitrate)),
          }
        : { codec: 'opus', bitrate: Math.max(6000, audioBitrate) };
    const config = {
      hours,
      keyBytes: Math.round(keyBytes / scale),
      deltaBytes: Math.round(deltaBytes / scale),
      // The product's part plan (src/journal/part-plan.ts): with packets at 1/scale, a day
      // takes 1/scale as many parts as a real one.
      partPlan: { baseBytes: 5 * MiB, growEvery: 2000 },
      reportEverySec: hours >= 6 ? 3600 : hours >= 1 ? 600 : 300,
      audio,
      maxBacklogParts: 2,
    };
    const loadBefore = loadAverage();
    const t0 = performance.now();
    const r = await page.evaluate((c) => window.soak(c), config);
    const wallSec = (performance.now() - t0) / 1000;
    const loadAfter = loadAverage();
    const { url } = await (
      await fetch(`${origin}/api/s3/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ key: r.key, expiresInSec: 3600 }),
      })
    ).json();
    const p = await probe(url);
    const packets = await packetCounts(url);
    // ffmpeg decodes the first and the last two minutes whole, and ten seconds in every hour.
    const head = await decodes(url, { seconds: 120 });
    const tail = await decodes(url, { start: Math.max(0, p.durationSec - 120) });
    const windows = [];
    for (let h = 0; h < Math.floor(p.durationSec / 3600); h++) {
      windows.push(await decodes(url, { start: h * 3600 + 1800, seconds: 10 }));
    }
    const hourlyWindows = {
      count: windows.length,
      ok: windows.every((w) => w.ok),
      errors: windows.reduce((a, w) => a + w.errors, 0),
    };
    const first = hourly[0];
    const last = hourly.at(-1);
    const growthPerHour =
      hourly.length > 1 ? (last.pageHeapMB - first.pageHeapMB) / (last.hour - first.hour) : null;
    return {
      hours,
      scale,
      packetSizes: { keyBytes: config.keyBytes, deltaBytes: config.deltaBytes },
      realPacketSizes: { keyBytes, deltaBytes },
      audio: {
        codec: audioCodec,
        bitrate: audio.codec === 'aac' ? Math.max(8000, audioBitrate) : audio.bitrate,
        packetsPerSecond: round(r.audioPacketsPerSecond, 3),
      },
      partPlan: config.partPlan,
      wallSec: round(wallSec, 0),
      simulatedPerWallSecond: round((hours * 3600) / wallSec, 0),
      waitedForUploadSec: round(r.waitedForUploadSec, 0),
      journalWriteSec: round(r.journalWriteSec, 0),
      fragments: r.fragments,
      parts: r.parts,
      streamBytes: r.streamBytes,
      storedBytes: r.storedBytes,
      headerBytes: r.headerBytes,
      pageHeapStartMB: round(h0.page, 2),
      pageHeapGrowthMBPerHour: round(growthPerHour, 3),
      hourly,
      heldAtStopBytes: r.heldAtStop,
      heldAtEndBytes: r.heldAtEnd,
      maxHeldHourlyBytes: r.maxHeldHourly,
      finishWriterMs: round(r.finishWriterMs, 0),
      rewriteMs: round(r.rewriteMs, 0),
      finishUploadMs: round(r.finishUploadMs, 0),
      stopToStoredMs: round(r.stopToStoredMs, 0),
      ffprobeDurationSec: p.durationSec,
      videoPackets: packets.video ?? null,
      audioPackets: packets.audio ?? null,
      expectedVideoPackets: Math.round(hours * 3600 * 30),
      decodeHourlyWindows: hourlyWindows,
      decodeFirst120s: head,
      decodeLast120s: tail,
      loadBefore,
      loadAfter,
    };
  } finally {
    await heap?.close();
    await browser.close();
  }
}

// ---------------------------------------------------------------------------------------
// The run

const recordings = [];
try {
  const camera = await ensureCamera();
  log(`fake camera: ${camera}`);

  if (ONLY.has('compare')) {
    log(
      `compare: ${PLAN.rooms.join(', ')}; ${PLAN.rounds} round(s) of ${PLAN.compareSeconds} s each, ` +
        `this library and MediaRecorder alternating`,
    );
    for (let round_ = 0; round_ < PLAN.rounds; round_++) {
      for (let r = 0; r < PLAN.rooms.length; r++) {
        const room = PLAN.rooms[r];
        const order = (r + round_) % 2 === 0 ? ['lib', 'mr'] : ['mr', 'lib'];
        for (const kind of order) {
          const name = `${room}-r${round_ + 1}-${kind}`;
          const rec = await recordOnce({ room, kind, seconds: PLAN.compareSeconds, name, camera });
          rec.round = round_ + 1;
          recordings.push(rec);
          log(
            `  ${name}: ${round(rec.wallSec, 1)} s, CPU ${round(rec.cpuPerSec, 2)} s/s ` +
              `(sources alone ${round(rec.idleCpuPerSec, 2)}), load ${rec.loadBefore[0]} -> ${rec.loadAfter[0]}`,
          );
        }
      }
    }
  }

  const uploads = [];
  if (ONLY.has('upload')) {
    for (const seconds of PLAN.uploadSeconds) {
      for (const link of PLAN.uploadLinks) {
        const name = `av-${seconds}s-${link}`;
        log(`upload: ${name} (A/V room: a flash and a beep each second)`);
        const rec = await recordOnce({
          room: 'av',
          kind: 'lib',
          seconds,
          link,
          name,
          camera,
          heapEverySec: seconds >= 120 ? 60 : null,
        });
        uploads.push(rec);
        log(
          `  ${name}: stop-to-available ${round(rec.stop.stopToAvailableMs, 0)} ms, ` +
            `load ${rec.loadBefore[0]} -> ${rec.loadAfter[0]}`,
        );
      }
    }
  }

  // The same A/V source through MediaRecorder: how well the source itself is in sync.
  let avCheck = null;
  if (ONLY.has('upload') && PLAN.avReference) {
    const seconds = Math.min(60, PLAN.uploadSeconds[0]);
    log(
      `upload: av-${seconds}s-mediarecorder (the A/V source through MediaRecorder, for reference)`,
    );
    avCheck = await recordOnce({
      room: 'av',
      kind: 'mr',
      seconds,
      name: `av-${seconds}s-mr`,
      camera,
    });
  }

  if (ONLY.has('demo') && PLAN.demoSeconds > 0) {
    log(`demo: node scripts/demo.mjs --headless --seconds ${PLAN.demoSeconds}`);
    results.demo = await demoRun(PLAN.demoSeconds);
    log(`  demo: ${JSON.stringify(results.demo).slice(0, 300)}`);
  } else if (ONLY.has('demo')) {
    results.notes.push('quick: the demo headless run is skipped (npm run demo -- --headless).');
  }

  // Judging (no recording runs meanwhile).
  if (recordings.length || uploads.length || avCheck) {
    log('judging the files (ffprobe, barcodes, SSIM/PSNR, loadedmetadata at 20 Mb/s)');
    const refBrowser = await launch(camera);
    const linkBrowser = await launch(null);
    try {
      const refPage = await openPage(refBrowser);
      for (const rec of recordings) {
        const row = await judgeCompare(rec, refPage, linkBrowser);
        row.round = rec.round;
        results.compare.push(row);
        log(
          `  ${row.name}: ${row.deliveredFps} fps delivered, SSIM ${row.ssim}, PSNR ${row.psnr}, ` +
            `loadedmetadata ${row.loadedMetadataMs} ms`,
        );
      }
      for (const rec of uploads) {
        const row = await judgeUpload(rec, linkBrowser);
        results.upload.push(row);
        log(
          `  ${row.name}: A/V median ${row.av?.offsetMsMedian} ms, worst ${row.av?.offsetMsWorstAbs} ms; ` +
            `held max ${round(row.maxHeldBytes / MiB, 1)} MiB`,
        );
      }
      if (avCheck) {
        const p = await probe(avCheck.file);
        results.avReference = {
          name: avCheck.name,
          recorder: 'MediaRecorder',
          durationSec: round(p.durationSec, 2),
          av: await avSync(
            avCheck.file,
            flashRectOf(avCheck),
            median(avCheck.stop.flashes?.map((f) => f.lateMs) ?? []) ?? 0,
          ),
        };
        log(
          `  ${avCheck.name}: A/V median ${results.avReference.av.offsetMsMedian} ms (MediaRecorder)`,
        );
      }
    } finally {
      await refBrowser.close();
      await linkBrowser.close();
    }
  }

  if (ONLY.has('soak')) {
    // Real sizes: the product's 6 Mb/s (DEFAULT_VIDEO in src/media/pipeline.ts), 25,000 bytes
    // a frame on average, a keyframe (one a second) four times a delta frame.
    const perSecond = 6_000_000 / 8;
    const real = {
      keyBytes: Math.round((perSecond * 4) / 33),
      deltaBytes: Math.round(perSecond / 33),
    };
    const libAudio =
      results.compare.find((c) => c.kind === 'lib')?.audio?.codec ??
      results.upload[0]?.audio?.codec;
    const audioCodec = libAudio === 'opus' ? 'opus' : 'aac';
    log(
      `soak: ${PLAN.soakHours} simulated hour(s), packets 1/${PLAN.soakScale} of 6 Mb/s ` +
        `(${real.keyBytes} B key, ${real.deltaBytes} B delta), ${audioCodec}`,
    );
    results.soak = await soakRun({
      hours: PLAN.soakHours,
      scale: PLAN.soakScale,
      ...real,
      audioCodec,
    });
    log(`  soak: ${JSON.stringify({ ...results.soak, hourly: undefined }).slice(0, 400)}`);
  }
} catch (e) {
  results.error = String(e?.stack ?? e);
  console.error(e);
} finally {
  results.load.end = loadAverage();
  results.wallSeconds = round((performance.now() - t0All) / 1000, 0);
}

// ---------------------------------------------------------------------------------------
// Summary, goals, output

const { summarize, printReport } = await import('./lib/report.mjs');
results.summary = summarize(results);
results.goals = results.summary.goals;
const resultsDir = join(root, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
let resultsFile = join(resultsDir, `bench-${stamp}${QUICK ? '-quick' : ''}.json`);
for (let i = 2; existsSync(resultsFile); i++) {
  resultsFile = join(resultsDir, `bench-${stamp}${QUICK ? '-quick' : ''}-${i}.json`);
}
results.resultsFile = resultsFile.slice(root.length + 1);
writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
printReport(results);
await cleanup();
console.log(JSON.stringify({ ...results.summary, resultsFile: results.resultsFile }));
process.exit(results.error ? 1 : 0);
