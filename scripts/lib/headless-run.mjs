// `npm run demo -- --headless`: the host's whole flow in Debian's Chromium, driven through the
// controls as a user would (three dots, Record, Start Recording, the square, the red confirm),
// then the stored object downloaded and judged by ffprobe. Prints one JSON line.
//
// `--participants N`: N participant pages, each in its own Chromium, join the room over WebRTC
// before the host records, so the host records their remote tracks. They run on this machine
// and take CPU from the recorder: performance figures use the default, 0 (the host's page then
// fills its empty seats with drawn stand-ins), and a figure with participants comes with the
// cores they took.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { root } from './ensure.mjs';
import { CHROMIUM_ARGS, chromiumPath } from './chromium.mjs';
import { parseFault, startFault } from './headless-faults.mjs';
import { emulateLink } from './network.mjs';
import { cpuBetween, machineCpu, startParticipants, treeCpu } from './participants.mjs';

function fail(message) {
  throw new Error(message);
}

/** ffprobe's view of the file, in the JSON shape the headless run prints. */
export function probe(file) {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
    { encoding: 'utf8' },
  );
  const info = JSON.parse(out);
  const video = info.streams.find((s) => s.codec_type === 'video');
  const audio = info.streams.find((s) => s.codec_type === 'audio');
  if (!video) fail(`${file} has no video stream`);
  const rate = (r) => {
    const [n, d] = String(r).split('/').map(Number);
    return Number((n / (d || 1)).toFixed(2));
  };
  return {
    durationSec: Number(Number(info.format.duration).toFixed(3)),
    video: {
      codec: video.codec_name,
      profile: video.profile,
      width: video.width,
      height: video.height,
      // The stream's frame rate; avgFps is frames over duration (lower when frames dropped).
      fps: rate(video.r_frame_rate),
      avgFps: rate(video.avg_frame_rate),
    },
    audio: { codec: audio?.codec_name ?? null },
  };
}

/**
 * The video's frame timing from its packets' timestamps: the longest step between two frames,
 * and whether every step is one frame of the stream's rate (a constant-rate file).
 */
export function frameTiming(file, fps) {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v',
      '-show_entries',
      'packet=pts_time',
      '-of',
      'csv=p=0',
      file,
    ],
    { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 },
  );
  const pts = out
    .split('\n')
    .map((l) => Number.parseFloat(l))
    .filter((t) => Number.isFinite(t))
    .sort((a, b) => a - b);
  let maxStep = 0;
  let steady = pts.length > 1;
  const frame = 1 / fps;
  for (let i = 1; i < pts.length; i++) {
    const step = pts[i] - pts[i - 1];
    maxStep = Math.max(maxStep, step);
    // Timestamps are stored in 1/fps units: a step is one frame to within rounding, or a gap.
    if (Math.abs(step - frame) > 0.001) steady = false;
  }
  return { maxFrameGapMs: Number((maxStep * 1000).toFixed(1)), cfr: steady };
}

/**
 * Frames each source delivered per second between two samples of the page's counters: the
 * host's camera as its track delivered them, a remote camera as WebRTC decoded them, a drawn
 * stand-in or the slides as drawn.
 *
 * @param {{ at: number, counts: Record<string, number> }} a
 * @param {{ at: number, counts: Record<string, number>,
 *   recorded: { webcams: Array<{ id: string, userId: string, kind: string }> } }} b
 */
function sourceRates(a, b) {
  const seconds = (b.at - a.at) / 1000;
  const webcams = new Map(b.recorded.webcams.map((w) => [w.id, w]));
  return Object.entries(b.counts).map(([id, frames]) => {
    const webcam = webcams.get(id);
    const before = a.counts[id];
    return {
      id,
      kind: id === 'stage' ? 'stage' : (webcam?.kind ?? 'gone'),
      user: webcam?.userId ?? null,
      fps:
        typeof before === 'number' && seconds > 0
          ? Number(((frames - before) / seconds).toFixed(1))
          : null,
    };
  });
}

/**
 * Opens the stop confirm from the indicator and confirms when the page's monotonic clock reads
 * `at`. The click is timed inside the page: a driver's click can lag by a second on a busy
 * machine, and the file would last that much longer than asked. Resolves to the page's
 * monotonic time of the click (later than `at` when the confirm opened late).
 */
export async function confirmStopAt(page, at, dbg = () => {}) {
  await page.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
  dbg('square clicked');
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Stop recording' });
  await confirm.waitFor();
  dbg('confirm shown');
  const handle = await confirm.elementHandle();
  return handle.evaluate(
    (button, t) =>
      new Promise((done) =>
        setTimeout(() => {
          const clickedAt = window.__rr.controller.monotonicNow();
          button.click();
          done(clickedAt);
        }, t - window.__rr.controller.monotonicNow()),
      ),
    at,
  );
}

/**
 * The page's stored recording (it must be `available` or `failed` by now): its view and
 * notices, and the file downloaded to `out` (default `recordings/<file name>`), probed.
 */
export async function downloadStored(page, out) {
  const state = await page.evaluate(() => ({
    view: window.__rr.controller.view,
    notices: window.__rr.notices,
  }));
  if (state.view.phase === 'failed')
    fail(`the recording failed; notices: ${JSON.stringify(state.notices)}`);
  const stored = state.view.lastRecording;
  if (!stored) fail('no recording was stored');
  const res = await fetch(stored.url);
  if (!res.ok) fail(`downloading ${stored.objectKey} failed: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const file = resolve(out ?? join(root, 'recordings', stored.fileName));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
  const probed = probe(file);
  return { state, stored, bytes, out: file, probed, timing: frameTiming(file, probed.video.fps) };
}

/**
 * @param {{ seconds?: string, title?: string, out?: string, profile?: string, recover?: boolean,
 *   demoUrl: string, room?: string, participants?: string, fault?: string, uplink?: string,
 *   s3Control?: { down: () => Promise<void>, up: () => Promise<void> } }} opts
 */
export async function runHeadless(opts) {
  const { chromium } = await import('playwright-core');
  const seconds = Number(opts.seconds ?? 10);
  if (!opts.recover && !(seconds > 0))
    fail(`--seconds must be a positive number, got "${opts.seconds}"`);
  const participants = Number(opts.participants ?? 0);
  if (!Number.isInteger(participants) || participants < 0 || participants > 8)
    fail(`--participants must be a whole number from 0 to 8, got "${opts.participants}"`);
  if (opts.recover && participants > 0) fail('--recover records nothing: no --participants');
  const fault = parseFault(opts.fault);
  if (fault && (opts.recover || fault.atSec + fault.seconds > seconds - 2))
    fail(
      `--fault ${opts.fault} must end at least 2 s before the recording's --seconds ${seconds} ` +
        `stop (and --recover records nothing)`,
    );
  const uplink = opts.uplink === undefined ? null : Number(opts.uplink);
  if (uplink !== null && !(uplink > 0))
    fail(`--uplink must be the host's upload speed in Mb/s, got "${opts.uplink}"`);
  const title = opts.title ?? 'Weekly class';
  const room = opts.room ?? 'demo-room';
  const launch = { executablePath: chromiumPath, headless: true, args: CHROMIUM_ARGS };
  const context = opts.profile
    ? await chromium.launchPersistentContext(resolve(opts.profile), launch)
    : await (await chromium.launch(launch)).newContext();
  let guests = null;
  const closeAll = async () => {
    await guests?.close();
    await context.close().catch(() => {});
  };
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    // RR_DEBUG=1: the page's console on stderr, timed from the run's start.
    if (process.env.RR_DEBUG) {
      const t0 = Date.now();
      page.on('console', (m) =>
        console.error(`[page +${((Date.now() - t0) / 1000).toFixed(1)}s] ${m.type()}: ${m.text()}`),
      );
    }
    const link = (query) => {
      const url = new URL(opts.demoUrl);
      url.search = new URLSearchParams({ ...query, title, room }).toString();
      return url.href;
    };
    // Waits poll every 250 ms, not on every animation frame, which would make the busy host
    // page render 60 times a second for the driver's sake; a wait that times out says which.
    const waitOn = (what, fn, arg, timeout) =>
      page.waitForFunction(fn, arg, { timeout, polling: 250 }).catch((e) => {
        fail(`${what}: ${e instanceof Error ? e.message : e}`);
      });
    if (uplink !== null) await emulateLink(page, { uploadMbps: uplink });
    await page.goto(link({ role: 'host', user: 'host-1' }));
    await waitOn(
      'the host page did not start',
      () => document.body.dataset.ready === 'true',
      null,
      60_000,
    );

    if (participants > 0) {
      guests = await startParticipants({
        count: participants,
        url: (i) => link({ role: 'participant', user: `guest-${i + 1}` }),
      });
      // Everyone's camera has reached the host over WebRTC before it records.
      await page
        .waitForFunction(
          (n) => window.__rr.room.recorded().webcams.filter((w) => w.kind === 'remote').length >= n,
          participants,
          { timeout: 120_000, polling: 250 },
        )
        .catch(async () => {
          const peers = await page.evaluate(() => window.__rr.room.peers());
          fail(`the participants' cameras did not reach the host: ${JSON.stringify(peers)}`);
        });
    }
    /** The page's frame counters, the machine's and the participants' CPU, now. */
    const sample = async () => ({
      ...(await page.evaluate(async () => ({
        at: performance.now(),
        counts: await window.__rr.room.frames(),
        recorded: window.__rr.room.recorded(),
      }))),
      machine: machineCpu(),
      wall: performance.now(),
      guests: guests ? treeCpu(guests.pids) : null,
    });

    let stopClickedAt = 0;
    /** How long the recording had run when Stop was confirmed (the page's clock). */
    let stoppedAtSec = null;
    let faulted = null;
    let first = null;
    let last = null;
    if (opts.recover) {
      // Recovery runs on load without a question (X1); wait for its announcement.
      await waitOn(
        'no recording was recovered',
        () => window.__rr.controller.view.lastRecording !== null,
        null,
        180_000,
      );
    } else {
      await page
        .waitForFunction(() => window.__rr.controller.view.canStart.ok, null, {
          timeout: 60_000,
          polling: 250,
        })
        .catch(async () => {
          const view = await page.evaluate(() => window.__rr.controller.view);
          fail(
            `Record is not available: ${JSON.stringify(view.canStart)} pre-flight ${JSON.stringify(view.preflight)}`,
          );
        });
      await page.getByRole('button', { name: 'More options' }).click();
      await page.getByRole('menuitem', { name: 'Record' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
      await waitOn(
        'the recording did not start',
        () => window.__rr.controller.view.phase === 'recording',
        null,
        60_000,
      );
      // Open the stop confirm a little early, then confirm when N seconds have been recorded
      // (by the page's own start time, on its monotonic clock), so the file lasts what was asked.
      const startedAt = await page.evaluate(() => window.__rr.controller.view.startedAtMonotonic);
      // A progress line on stderr (stdout carries only the JSON result), with the start as
      // wall time so another process can time against it.
      const startedAtEpoch = await page.evaluate(
        (start) => Date.now() - (window.__rr.controller.monotonicNow() - start),
        startedAt,
      );
      console.error(`[headless] recording started at ${Math.round(startedAtEpoch)}`);
      faulted = fault
        ? startFault({ fault, page, startedAt: startedAtEpoch, s3: opts.s3Control })
        : null;
      first = await sample();
      const pageNow = () => page.evaluate(() => window.__rr.controller.monotonicNow());
      await page.waitForTimeout(Math.max(0, startedAt + seconds * 1000 - 1500 - (await pageNow())));
      const dbg = (what) =>
        process.env.RR_DEBUG &&
        console.error(`[headless] ${what} at ${Date.now() - startedAtEpoch} ms`);
      dbg('sampling');
      last = await sample();
      dbg('sampled');
      await faulted?.lifted();
      dbg('fault lifted');
      stoppedAtSec =
        ((await confirmStopAt(page, startedAt + seconds * 1000, dbg)) - startedAt) / 1000;
      stopClickedAt = Date.now();
      console.error(`[headless] stop confirmed at ${stopClickedAt}`);
      if (process.env.RR_DEBUG)
        console.error(`[headless] confirm at ${(await pageNow()) - startedAt} ms`);
      // A line another process can act on (the fault suite kills the browser here).
      await waitOn(
        'the recording did not stop',
        () => ['uploading', 'available', 'failed'].includes(window.__rr.controller.view.phase),
        null,
        60_000,
      );
      console.error(`[headless] uploading at ${Date.now()}`);
      await waitOn(
        'the recording was not stored',
        () => ['available', 'failed'].includes(window.__rr.controller.view.phase),
        null,
        180_000,
      );
    }
    const availableAt = Date.now();
    const faultReport = faulted ? await faulted.stop() : undefined;
    const { state, stored, bytes, out, probed, timing } = await downloadStored(page, opts.out);
    if (errors.length) console.error(`page errors: ${errors.join('; ')}`);
    const busySeconds = first && last ? (last.wall - first.wall) / 1000 : 0;
    const cores = (cpu) => (busySeconds > 0 ? Number((cpu / busySeconds).toFixed(2)) : null);
    if (process.env.RR_DEBUG) console.error(JSON.stringify(stored));
    return {
      key: stored.objectKey,
      bytes: bytes.length,
      durationSec: probed.durationSec,
      // Seconds recorded when Stop was confirmed: `--seconds`, or later when the confirm
      // opened late on a busy machine.
      stoppedAtSec: stoppedAtSec === null ? null : Number(stoppedAtSec.toFixed(3)),
      video: probed.video,
      audio: probed.audio,
      framesEncoded: stored.framesEncoded ?? null,
      framesDropped: stored.framesDropped ?? null,
      // The recorder's last health report (sent at stop, so it has the whole run's count).
      framesRepeated: state.view.health?.framesRepeated ?? null,
      maxFrameGapMs: timing.maxFrameGapMs,
      cfr: timing.cfr,
      stopToAvailableMs: opts.recover ? null : availableAt - stopClickedAt,
      participants,
      // Tiles recorded (at Stop), and what each source delivered while recording.
      webcams: last ? last.recorded.webcams.filter((w) => w.width > 0).length : null,
      sources: first && last ? sourceRates(first, last) : null,
      // CPU while recording, in cores: the participants' browsers, and the whole machine
      // (anything else running on it included).
      participantCores:
        first?.guests && last?.guests ? cores(cpuBetween(first.guests, last.guests)) : null,
      machineCores: first && last ? cores(last.machine - first.machine) : null,
      notices: state.notices,
      ...(faultReport ? { fault: faultReport } : {}),
      file: out,
    };
  } finally {
    await closeAll();
  }
}
