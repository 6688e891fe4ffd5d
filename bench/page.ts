/**
 * The benchmark page (not a test), driven by bench/run.mjs in Debian's Chromium. It builds a
 * room from deterministic sources (bench/sources.ts), then records it either with this
 * library (`BrowserRecordingEngine`: the worker pipeline, the IndexedDB journal and the
 * multipart upload to the local S3 server, as the product runs) or with the naive page the
 * issue compares against (the same sources drawn on the main thread into a 1080p canvas
 * every 33 ms, `canvas.captureStream(30)` into `MediaRecorder`). It also renders reference
 * frames, the fake camera's frames, and opens a stored file in a `<video>`.
 */
import { BrowserRecordingEngine, IndexedDbJournal } from '../src/index.js';
import type {
  EngineHealth,
  RecordingMeta,
  RecordingSources,
  StoredRecording,
  WebcamSource,
} from '../src/index.js';
import { PartPlan } from '../src/journal/part-plan.js';
import type { RecordingRecord } from '../src/journal/types.js';
import { computeLayout } from '../src/media/layout.js';
import type { Rect } from '../src/media/layout.js';
import type { FragmentSink } from '../src/media/types.js';
import {
  CAMERA_FRAMES,
  CAMERA_HEIGHT,
  CAMERA_WIDTH,
  FRAME_MODULO,
  ROOMS,
  drawPicture,
  type RoomName,
  type SourceSpec,
} from './sources.js';

// ---------------------------------------------------------------------------------------
// Small helpers

const now = (): number => performance.now();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function post(path: string, body: BodyInit): Promise<void> {
  const r = await fetch(path, { method: 'POST', body });
  if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status}`);
}

// ---------------------------------------------------------------------------------------
// The room

/** A tile as the benchmark reads it back: where each source lands in the 1080p frame. */
export interface TileInfo {
  id: string;
  kind: SourceSpec['kind'];
  width: number;
  height: number;
  rate: number;
  seed: number;
  draw: Rect;
}

interface LiveSource {
  spec: SourceSpec;
  element: HTMLCanvasElement | HTMLVideoElement;
  /** Pictures drawn so far (canvas sources). */
  drawn: number;
  timer: ReturnType<typeof setInterval> | null;
}

interface Room {
  name: RoomName;
  sources: LiveSource[];
  audio: MediaStreamTrack[];
  context: AudioContext;
  tiles: TileInfo[];
  flash: Flasher | null;
}

let room: Room | null = null;

/** How long the square stays white (the onset is what counts; 8 frames survive a busy run). */
const FLASH_MS = 250;

/** Where the flash square sits on the stage (stage pixels). */
const FLASH_RECT: Rect = { x: 1450, y: 250, width: 400, height: 400 };

/**
 * The A/V sync source: once a second, at the same instant, the stage shows a white square
 * and the audio beeps (1 kHz, 60 ms). The beep is scheduled on the audio clock at the
 * instant's context time; the flash is drawn by a timer at that instant (its lateness is
 * recorded, it is part of the measured offset).
 */
class Flasher {
  readonly gain: GainNode;
  readonly track: MediaStreamTrack;
  private timers: ReturnType<typeof setTimeout>[] = [];
  flashUntil = -1;
  /** performance.now() of each scheduled instant and how late its flash was drawn. */
  readonly instants: Array<{ at: number; lateMs: number }> = [];

  constructor(
    private readonly context: AudioContext,
    private readonly redraw: () => void,
  ) {
    const osc = context.createOscillator();
    osc.frequency.value = 1000;
    this.gain = context.createGain();
    this.gain.gain.value = 0;
    const dest = context.createMediaStreamDestination();
    osc.connect(this.gain).connect(dest);
    osc.start();
    this.track = dest.stream.getAudioTracks()[0]!;
  }

  /** Schedules `count` flash+beep instants, one a second, the first one `leadMs` from now. */
  schedule(count: number, leadMs = 1500): void {
    const p0 = now();
    const c0 = this.context.currentTime;
    const first = Math.ceil((p0 + leadMs) / 1000) * 1000;
    for (let k = 0; k < count; k++) {
      const at = first + k * 1000;
      const ct = c0 + (at - p0) / 1000;
      this.gain.gain.setValueAtTime(0.5, ct);
      this.gain.gain.setValueAtTime(0, ct + 0.06);
      this.timers.push(
        setTimeout(() => {
          const late = now() - at;
          this.flashUntil = at + FLASH_MS;
          this.instants.push({ at, lateMs: late });
          this.redraw();
          this.timers.push(setTimeout(() => this.redraw(), Math.max(0, at + FLASH_MS + 1 - now())));
        }, at - p0),
      );
    }
  }

  stop(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
  }
}

function canvasSource(spec: SourceSpec, flash: () => Flasher | null): LiveSource {
  const canvas = document.createElement('canvas');
  canvas.width = spec.width;
  canvas.height = spec.height;
  const ctx = canvas.getContext('2d')!;
  const t0 = now();
  const live: LiveSource = { spec, element: canvas, drawn: 0, timer: null };
  let last = -1;
  const draw = (force = false) => {
    const n = Math.floor(((now() - t0) * spec.rate) / 1000) % FRAME_MODULO;
    if (n === last && !force) return;
    last = n;
    drawPicture(ctx, spec.kind, n, spec.width, spec.height, spec.seed);
    const f = flash();
    if (f && spec.role === 'stage') {
      ctx.fillStyle = now() < f.flashUntil ? '#ffffff' : '#000000';
      ctx.fillRect(FLASH_RECT.x, FLASH_RECT.y, FLASH_RECT.width, FLASH_RECT.height);
    }
    live.drawn++;
  };
  draw();
  // A timer at the source's rate, as the demo's sources have (they keep drawing when hidden).
  live.timer = setInterval(draw, 1000 / spec.rate);
  (live as LiveSource & { redraw: () => void }).redraw = () => draw(true);
  document.body.append(canvas);
  return live;
}

async function cameraSource(spec: SourceSpec): Promise<LiveSource> {
  const stream = await navigator.mediaDevices.getUserMedia({
    video: { width: CAMERA_WIDTH, height: CAMERA_HEIGHT, frameRate: 30 },
  });
  const video = document.createElement('video');
  video.muted = true;
  video.playsInline = true;
  video.srcObject = stream;
  document.body.append(video);
  await video.play();
  return { spec, element: video, drawn: 0, timer: null };
}

function tone(context: AudioContext, frequency: number): MediaStreamTrack {
  const osc = context.createOscillator();
  osc.frequency.value = frequency;
  const gain = context.createGain();
  gain.gain.value = 0.05;
  const dest = context.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  return dest.stream.getAudioTracks()[0]!;
}

function layoutOf(specs: SourceSpec[]): TileInfo[] {
  const stage = specs.find((s) => s.role === 'stage') ?? null;
  const webcams = specs.filter((s) => s.role === 'webcam');
  const layout = computeLayout({
    stage: stage ? { width: stage.width, height: stage.height } : null,
    webcams: webcams.map((w) => ({ id: w.id, width: w.width, height: w.height })),
  });
  const tiles: TileInfo[] = [];
  const info = (s: SourceSpec, draw: Rect): TileInfo => ({
    id: s.id,
    kind: s.kind,
    width: s.width,
    height: s.height,
    rate: s.rate,
    seed: s.seed,
    draw,
  });
  if (stage && layout.stage) tiles.push(info(stage, layout.stage.draw));
  for (const t of layout.webcams)
    tiles.push(
      info(
        webcams.find((w) => w.id === t.id)!,
        t.draw,
      ),
    );
  return tiles;
}

/** Builds a room's sources and starts them; returns where each lands in the frame. */
async function setup(
  name: RoomName,
): Promise<{ tiles: TileInfo[]; flashRect: Rect | null; audioState: string }> {
  const spec = ROOMS[name];
  const context = new AudioContext({ sampleRate: 48_000 });
  await Promise.race([context.resume(), sleep(1000)]);
  let flasher: Flasher | null = null;
  const sources: LiveSource[] = [];
  for (const s of spec.sources) {
    sources.push(s.via === 'camera' ? await cameraSource(s) : canvasSource(s, () => flasher));
  }
  const audio = spec.tones.map((f) => tone(context, f));
  if (name === 'av') {
    const stage = sources.find((s) => s.spec.role === 'stage') as
      (LiveSource & { redraw: () => void }) | undefined;
    flasher = new Flasher(context, () => stage?.redraw());
    audio.push(flasher.track);
  }
  const tiles = layoutOf(spec.sources);
  room = { name, sources, audio, context, tiles, flash: flasher };
  return { tiles, flashRect: name === 'av' ? FLASH_RECT : null, audioState: context.state };
}

function recordingSources(r: Room): RecordingSources {
  const stage = r.sources.find((s) => s.spec.role === 'stage')?.element ?? null;
  const webcams: WebcamSource[] = r.sources
    .filter((s) => s.spec.role === 'webcam')
    .map((s) => ({ id: s.spec.id, source: s.element }));
  return { stage, webcams, audio: r.audio };
}

/** Canvas pictures drawn per second so far, by source (what the sources really made). */
function sourceRates(seconds: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of room?.sources ?? []) if (s.timer) out[s.spec.id] = s.drawn / seconds;
  return out;
}

// ---------------------------------------------------------------------------------------
// This library: BrowserRecordingEngine, with the journal and the worker watched from outside

interface TimedOp {
  op: string;
  start: number;
  end: number;
  bytes?: number;
}

/** The IndexedDB journal, with every call timed (the finalization profile). */
class TimedJournal extends IndexedDbJournal {
  readonly ops: TimedOp[] = [];
  quiet = 0;

  private async timed<T>(op: string, run: () => Promise<T>, bytes?: number): Promise<T> {
    if (this.quiet > 0) return run();
    const start = now();
    try {
      return await run();
    } finally {
      this.ops.push({ op, start, end: now(), ...(bytes !== undefined ? { bytes } : {}) });
    }
  }

  override get(id: string) {
    return this.timed('get', () => super.get(id));
  }
  override update(id: string, patch: Partial<RecordingRecord>) {
    return this.timed(`update${patch.state ? `:${patch.state}` : ''}`, () =>
      super.update(id, patch),
    );
  }
  override read(id: string, start: number, end: number) {
    return this.timed('read', () => super.read(id, start, end), end - start);
  }
  override confirmPart(id: string, part: { partNumber: number; etag: string }) {
    return this.timed('confirmPart', () => super.confirmPart(id, part));
  }
  override remove(id: string) {
    return this.timed('remove', () => super.remove(id));
  }
  override sink(id: string): FragmentSink {
    const inner = super.sink(id);
    return {
      writeHeader: (h) => this.timed('writeHeader', () => inner.writeHeader(h), h.byteLength),
      writeFragment: (f) =>
        this.timed('writeFragment', () => inner.writeFragment(f), f.bytes.byteLength),
    };
  }
  async held(id: string): Promise<number> {
    this.quiet++;
    try {
      return await this.heldBytes(id);
    } finally {
      this.quiet--;
    }
  }
  async record(id: string): Promise<RecordingRecord | undefined> {
    this.quiet++;
    try {
      return await super.get(id);
    } finally {
      this.quiet--;
    }
  }
}

/** The pipeline's own figures (PipelineStats), read from the worker's messages to the page. */
let workerStats: Record<string, unknown> | null = null;
const NativeWorker = Worker;
class WatchedWorker extends NativeWorker {
  constructor(url: string | URL, options?: WorkerOptions) {
    super(url, options);
    this.addEventListener('message', (e: MessageEvent) => {
      const m = e.data as { type?: string; result?: { stats?: Record<string, unknown> } };
      if (m?.type === 'stopped' && m.result?.stats) workerStats = m.result.stats;
    });
  }
}
(globalThis as { Worker: typeof Worker }).Worker = WatchedWorker;

interface RecorderRun {
  engine: BrowserRecordingEngine;
  journal: TimedJournal;
  meta: RecordingMeta;
  startedAt: number;
  health: EngineHealth[];
  /** IndexedDB bytes held, the stream's bytes and those storage confirmed, sampled. */
  held: Array<{
    t: number;
    held: number;
    written: number;
    confirmed: number;
    part1: number;
    part: number;
  }>;
  heldTimer: ReturnType<typeof setInterval>;
}
let recorder: RecorderRun | null = null;

async function startRecorder(opts: { sampleHeldMs?: number } = {}): Promise<{ startMs: number }> {
  if (!room) throw new Error('setup() first');
  performance.setResourceTimingBufferSize(100_000);
  const journal = new TimedJournal();
  const engine = new BrowserRecordingEngine({
    storage: { kind: 'presigned', baseUrl: '/api/s3' },
    roomId: 'bench-room',
    journal,
    pipeline: { workerUrl: '/worker.js' },
  });
  const id = crypto.randomUUID();
  const meta: RecordingMeta = {
    recordingId: id,
    roomId: 'bench-room',
    roomType: 'single',
    title: `Bench ${room.name}`,
    ownerId: 'bench',
    initiatorId: 'bench',
    startedAt: Date.now(),
    objectKey: `rooms/bench/${room.name}-${id}.mp4`,
    fileName: `bench-${room.name}-${id}.mp4`,
  };
  const health: EngineHealth[] = [];
  engine.on('health', (h) => health.push(h));
  engine.on('fault', (cause, message) =>
    console.error(`[bench] engine fault ${cause}: ${message}`),
  );
  workerStats = null;
  const { elapsedMs } = await engine.start(meta, recordingSources(room));
  const startedAt = now() - elapsedMs;
  const held: RecorderRun['held'] = [];
  const heldTimer = setInterval(() => {
    void Promise.all([journal.held(id), journal.record(id)]).then(([bytes, record]) => {
      if (!record) return;
      const plan = new PartPlan(record.partPlan);
      held.push({
        t: (now() - startedAt) / 1000,
        held: bytes,
        written: record.bytes,
        confirmed: partBytes(record).confirmed,
        part1: plan.sizeOf(1),
        part: plan.sizeOf(Math.max(2, record.parts.length + 1)),
      });
    });
  }, opts.sampleHeldMs ?? 2000);
  recorder = { engine, journal, meta, startedAt, health, held, heldTimer };
  return { startMs: startedAt };
}

/** Flash+beep instants for the A/V room, scheduled over the coming `seconds`. */
function scheduleFlashes(seconds: number): number {
  if (!room?.flash) return 0;
  const count = Math.max(0, Math.floor(seconds) - 2);
  room.flash.schedule(count);
  return count;
}

/** Bytes in the parts storage has confirmed (their journaled ranges, else the plan's). */
function partBytes(record: RecordingRecord): { confirmed: number; parts: number[] } {
  const plan = new PartPlan(record.partPlan);
  let confirmed = 0;
  for (const p of record.parts) {
    const r =
      p.start !== undefined && p.end !== undefined
        ? { start: p.start, end: p.end }
        : plan.range(p.partNumber, record.bytes);
    confirmed += Math.max(0, r.end - r.start);
  }
  return { confirmed, parts: record.parts.map((p) => p.partNumber) };
}

async function stopRecorder() {
  const run = recorder;
  if (!run) throw new Error('startRecorder() first');
  clearInterval(run.heldTimer);
  room?.flash?.stop();
  const id = run.meta.recordingId;
  const before = await run.journal.record(id);
  const heldAtStop = await run.journal.held(id);
  const atStop = before ? partBytes(before) : { confirmed: 0, parts: [] };
  performance.clearResourceTimings();
  run.journal.ops.length = 0;
  const recordedSec = (now() - run.startedAt) / 1000;
  const t0 = now();
  await run.engine.stop('user');
  const stopReturnedMs = now() - t0;
  let stored: StoredRecording;
  try {
    stored = await run.engine.whenStored();
  } catch (e) {
    throw new Error(`the recording was not stored: ${(e as Error).message}`);
  }
  const stopToAvailableMs = now() - t0;
  const resources = (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
    .filter((r) => r.startTime >= t0 - 1)
    .map((r) => ({
      url: r.name,
      start: r.startTime - t0,
      end: r.responseEnd - t0,
    }));
  const ops = run.journal.ops.map((o) => ({ ...o, start: o.start - t0, end: o.end - t0 }));
  recorder = null;
  return {
    stored,
    recordedSec,
    stopReturnedMs,
    stopToAvailableMs,
    bytesAtStop: before?.bytes ?? 0,
    confirmedAtStop: atStop.confirmed,
    partsConfirmedAtStop: atStop.parts.length,
    heldAtStop,
    partPlan: before?.partPlan ?? null,
    resources,
    ops,
    stats: workerStats,
    health: run.health.map((h) => ({
      fps: h.fps,
      composeMsP50: h.composeMsP50,
      backlog: h.uploadBacklogBytes,
      written: h.bytesWritten,
      drift: h.avDriftMs,
    })),
    held: run.held,
    sourceRates: sourceRates(recordedSec),
    flashes: room?.flash?.instants ?? [],
  };
}

// ---------------------------------------------------------------------------------------
// The naive page: main-thread canvas, captureStream(30), MediaRecorder

const NAIVE_TYPE = 'video/mp4;codecs=avc1,opus';

interface NaiveRun {
  recorder: MediaRecorder;
  chunks: Blob[];
  timer: ReturnType<typeof setInterval>;
  composeMs: number[];
  ticks: number;
  startedAt: number;
  stopped: Promise<void>;
}
let naive: NaiveRun | null = null;

async function startNaive(): Promise<{ startMs: number; mimeType: string }> {
  if (!room) throw new Error('setup() first');
  if (!MediaRecorder.isTypeSupported(NAIVE_TYPE)) throw new Error(`${NAIVE_TYPE} unsupported`);
  const canvas = document.createElement('canvas');
  canvas.width = 1920;
  canvas.height = 1080;
  document.body.append(canvas);
  const ctx = canvas.getContext('2d', { alpha: false })!;
  const r = room;
  const elements = new Map(r.sources.map((s) => [s.spec.id, s.element]));
  const composeMs: number[] = [];
  const draw = () => {
    const t = now();
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 1920, 1080);
    for (const tile of r.tiles) {
      const el = elements.get(tile.id);
      if (el) ctx.drawImage(el, tile.draw.x, tile.draw.y, tile.draw.width, tile.draw.height);
    }
    composeMs.push(now() - t);
  };
  draw();
  const mix = r.context.createMediaStreamDestination();
  for (const track of r.audio) {
    r.context.createMediaStreamSource(new MediaStream([track])).connect(mix);
  }
  const stream = new MediaStream([
    ...canvas.captureStream(30).getVideoTracks(),
    ...mix.stream.getAudioTracks(),
  ]);
  const rec = new MediaRecorder(stream, {
    mimeType: NAIVE_TYPE,
    videoBitsPerSecond: 6_000_000,
    audioBitsPerSecond: 128_000,
  });
  const chunks: Blob[] = [];
  rec.ondataavailable = (e) => {
    if (e.data.size > 0) chunks.push(e.data);
  };
  const stopped = new Promise<void>((resolve) => (rec.onstop = () => resolve()));
  const started = new Promise<void>((resolve) => (rec.onstart = () => resolve()));
  rec.start(1000);
  await started;
  const run: NaiveRun = {
    recorder: rec,
    chunks,
    timer: setInterval(() => {
      run.ticks++;
      draw();
    }, 33),
    composeMs,
    ticks: 0,
    startedAt: now(),
    stopped,
  };
  naive = run;
  return { startMs: run.startedAt, mimeType: rec.mimeType };
}

async function stopNaive(fileName: string) {
  const run = naive;
  if (!run) throw new Error('startNaive() first');
  room?.flash?.stop();
  const recordedSec = (now() - run.startedAt) / 1000;
  const t0 = now();
  run.recorder.stop();
  await run.stopped;
  clearInterval(run.timer);
  const blob = new Blob(run.chunks, { type: run.recorder.mimeType });
  const stopMs = now() - t0;
  await post(`/upload/${fileName}`, blob);
  naive = null;
  return {
    bytes: blob.size,
    recordedSec,
    stopMs,
    ticks: run.ticks,
    composeMsP50: percentile(run.composeMs, 50),
    composeMsP95: percentile(run.composeMs, 95),
    sourceRates: sourceRates(recordedSec),
    flashes: room?.flash?.instants ?? [],
  };
}

// ---------------------------------------------------------------------------------------
// References and the fake camera

const name4 = (prefix: string, i: number) => `${prefix}-${String(i).padStart(4, '0')}.png`;

/**
 * Renders the reference frame for each entry (the source picture each tile showed, drawn at
 * its size and scaled into its tile by canvas 2D at high quality) and uploads it as
 * `<prefix>-0000.png`, `-0001.png`, ... (PNG: a browser's uploads are slow on a busy machine).
 */
async function renderReferences(
  tiles: TileInfo[],
  frames: Array<Record<string, number>>,
  prefix: string,
): Promise<number> {
  const out = new OffscreenCanvas(1920, 1080);
  const ctx = out.getContext('2d', { alpha: false })!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  const scratch = new Map<string, OffscreenCanvas>();
  let pending: Promise<void> = Promise.resolve();
  for (const [i, frame] of frames.entries()) {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, 1920, 1080);
    for (const t of tiles) {
      const n = frame[t.id];
      if (n === undefined) continue;
      let c = scratch.get(t.id);
      if (!c) {
        c = new OffscreenCanvas(t.width, t.height);
        scratch.set(t.id, c);
      }
      drawPicture(c.getContext('2d')!, t.kind, n, t.width, t.height, t.seed);
      ctx.drawImage(c, t.draw.x, t.draw.y, t.draw.width, t.draw.height);
    }
    const png = await out.convertToBlob({ type: 'image/png' });
    await pending;
    pending = post(`/upload/${name4(prefix, i)}`, png);
  }
  await pending;
  return frames.length;
}

/** The fake camera's pictures, uploaded as `<prefix>-0000.png`, ... */
async function renderCamera(prefix: string): Promise<number> {
  const c = new OffscreenCanvas(CAMERA_WIDTH, CAMERA_HEIGHT);
  const ctx = c.getContext('2d')!;
  let pending: Promise<void> = Promise.resolve();
  for (let n = 0; n < CAMERA_FRAMES; n++) {
    drawPicture(ctx, 'camera', n, CAMERA_WIDTH, CAMERA_HEIGHT);
    const png = await c.convertToBlob({ type: 'image/png' });
    await pending;
    pending = post(`/upload/${name4(prefix, n)}`, png);
  }
  await pending;
  return CAMERA_FRAMES;
}

/**
 * Opens `url` in a `<video>` and times `loadedmetadata` (with the duration it then shows) and
 * a seek to 80 % of it.
 */
async function openVideo(url: string, timeoutMs: number) {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'metadata';
  document.body.append(video);
  const t0 = now();
  const loaded = new Promise<void>((resolve, reject) => {
    video.addEventListener('loadedmetadata', () => resolve(), { once: true });
    video.addEventListener('error', () => reject(new Error(`video error ${video.error?.code}`)), {
      once: true,
    });
  });
  video.src = url;
  const timedOut = await Promise.race([
    loaded.then(() => false),
    sleep(timeoutMs).then(() => true),
  ]);
  const loadedMs = timedOut ? null : now() - t0;
  const duration = video.duration;
  let seekMs: number | null = null;
  if (!timedOut && Number.isFinite(duration)) {
    const t1 = now();
    const seeked = new Promise<void>((r) =>
      video.addEventListener('seeked', () => r(), { once: true }),
    );
    video.currentTime = duration * 0.8;
    if (!(await Promise.race([seeked.then(() => false), sleep(timeoutMs).then(() => true)]))) {
      seekMs = now() - t1;
    }
  }
  video.removeAttribute('src');
  video.load();
  video.remove();
  return { loadedMs, duration: Number.isFinite(duration) ? duration : null, seekMs };
}

const api = {
  setup,
  startRecorder,
  stopRecorder,
  scheduleFlashes,
  startNaive,
  stopNaive,
  renderReferences,
  renderCamera,
  openVideo,
};
export type BenchApi = typeof api;
(window as unknown as { bench: BenchApi }).bench = api;
document.body.dataset.ready = 'true';
