/**
 * The recording pipeline, as the page uses it: sources in, a fragmented MP4 out to a
 * {@link FragmentSink}. Composing, encoding and muxing run in a worker (worker.ts); the page
 * keeps what only it can hold: the DOM sources, the track processors (Chromium has them on
 * the window only), the Web Audio mix, and the sink.
 *
 * The sink lives on the page: the worker sends each header and fragment here and waits for
 * the sink's promise before writing more, so the sink's pace is the writer's backpressure.
 */
import type { RecordingSources, VisualSource } from './sources.js';
import { AudioMixer } from './audio-mixer.js';
import { PipelineError } from './errors.js';
import { FrameSource, hasEnded } from './frame-source.js';
import { computeLayout } from './layout.js';
import type {
  ClockSettings,
  FaultSettings,
  FromWorker,
  PipelineResult,
  SourceDesc,
  StartMessage,
  ToWorker,
  VideoSettings,
} from './protocol.js';
import { audioData, hasTrackProcessor } from './track-processor.js';
import type { FragmentSink, PipelineHealth } from './types.js';

export type { PipelineResult, PipelineStats, VideoSettings, ClockSettings } from './protocol.js';

/** H.264 High 1920x1080 at 30 fps, about 6 Mb/s, a keyframe every second (B10, X1). */
export const DEFAULT_VIDEO: VideoSettings = {
  codec: 'avc1.640028',
  width: 1920,
  height: 1080,
  framerate: 30,
  bitrate: 6_000_000,
  // 1 s, not 2: a fragment is journaled only once the next keyframe closes it, so a crash
  // loses the open fragment plus the write; 2-s fragments lost 2.3 s in the kill test (X1: 2 s).
  keyFrameIntervalSec: 1,
};

/** A deterministic clock for tests, with a hook run on the page before each frame. */
export interface DeterministicClock {
  mode: 'deterministic';
  /** Frames to make; then the pipeline waits for stop(). */
  frames: number;
  /** Runs before frame `n` is composed (change sources here to change them at frame n). */
  beforeFrame?: (n: number) => void | Promise<void>;
}

export interface PipelineOptions {
  sources: RecordingSources;
  sink: FragmentSink;
  /** Overrides of {@link DEFAULT_VIDEO}. */
  video?: Partial<VideoSettings>;
  /** Audio bitrate (default 128 kb/s), or false for a file without audio. */
  audio?: { bitrate?: number } | false;
  /** Realtime by default (a worker timer at the frame rate). */
  clock?: { mode: 'realtime' } | DeterministicClock;
  /** Once a second while recording (X5). */
  onHealth?: (health: PipelineHealth) => void;
  /**
   * A problem while recording. `fatal`: the recording ended by itself (stop() then resolves
   * with what was written, a playable file); otherwise it goes on (e.g. without audio).
   */
  onFault?: (error: PipelineError, fatal: boolean) => void;
  /** A source's track ended (a share stopped); the layout went on without it. */
  onSourceEnded?: (source: VisualSource) => void;
  /** Where the worker script is, when a bundler did not keep worker.ts next to this file. */
  workerUrl?: string | URL;
  /** Test-only fault injection. */
  faults?: FaultSettings;
}

type State = 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped';

/**
 * Records a room's stage, webcams and audio into a fragmented MP4.
 *
 * @example
 * ```ts
 * const pipeline = new MediaPipeline({ sources, sink, onHealth: console.log });
 * await pipeline.start();
 * pipeline.updateSources(next); // a webcam joined
 * const { header, fragments, durationUs } = await pipeline.stop();
 * ```
 */
export class MediaPipeline {
  private state: State = 'idle';
  private worker: Worker | null = null;
  private mixer: AudioMixer | null = null;
  /** Kept referenced while recording: a collected processor ends its stream. */
  private audioProcessor: object | null = null;
  private readonly handles = new Map<string, FrameSource>();
  private readonly ids = new WeakMap<object, string>();
  private nextId = 0;
  private sources: RecordingSources;
  private readonly video: VideoSettings;
  private fatal: PipelineError | null = null;
  private started: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private stopped: Promise<PipelineResult>;
  private resolveStopped!: (r: PipelineResult) => void;
  private rejectStopped!: (e: Error) => void;
  private audioCodecChosen: 'aac' | 'opus' | null = null;
  /** `performance.now()` when the worker's clock started: the file's time zero. */
  private zeroAt: number | null = null;
  private health: PipelineHealth | null = null;
  private resolveClockDone!: () => void;
  private readonly clockDone = new Promise<void>((resolve) => (this.resolveClockDone = resolve));

  constructor(private readonly options: PipelineOptions) {
    this.sources = options.sources;
    this.video = { ...DEFAULT_VIDEO, ...options.video };
    this.stopped = new Promise((resolve, reject) => {
      this.resolveStopped = resolve;
      this.rejectStopped = reject;
    });
    // stop() reports it; an unobserved failure must not be an unhandled rejection.
    this.stopped.catch(() => undefined);
  }

  /**
   * Milliseconds since the file's time zero (the worker's clock started), once started; the
   * elapsed counter derives from it, so it matches the file's timeline. Monotonic: a change
   * of the wall clock does not move it.
   */
  get elapsedMs(): number | null {
    return this.zeroAt === null ? null : performance.now() - this.zeroAt;
  }

  /** The audio codec in use once started: AAC where the browser encodes it, else Opus. */
  get audioCodec(): 'aac' | 'opus' | null {
    return this.audioCodecChosen;
  }

  /**
   * With a deterministic clock: resolves once all its frames are composed and handed to the
   * encoder (stop() then writes them all).
   */
  whenFramesDone(): Promise<void> {
    return this.clockDone;
  }

  /** The newest health report. */
  get lastHealth(): PipelineHealth | null {
    return this.health;
  }

  /**
   * Starts recording.
   *
   * @throws PipelineError `no-sources` when there is no stage, webcam or audio track;
   * `no-webcodecs` when the browser lacks WebCodecs or track processors;
   * `unsupported-video-config` when the encoder refuses the video settings.
   */
  async start(): Promise<void> {
    if (this.state !== 'idle')
      throw new PipelineError('invalid-state', `start() while ${this.state}`);
    const s = this.sources;
    const visual =
      (s.stage && !hasEnded(s.stage) ? 1 : 0) + s.webcams.filter((w) => !hasEnded(w.source)).length;
    const audible = s.audio.some((t) => t.readyState === 'live');
    if (visual === 0 && !audible) {
      throw new PipelineError(
        'no-sources',
        'Nothing to record: no stage, no webcam and no audio track',
      );
    }
    if (typeof VideoEncoder === 'undefined' || typeof OffscreenCanvas === 'undefined') {
      throw new PipelineError('no-webcodecs', 'This browser has no WebCodecs VideoEncoder');
    }
    const wantAudio = this.options.audio !== false;
    if (!hasTrackProcessor() && (wantAudio || visual > 0)) {
      throw new PipelineError('no-webcodecs', 'This browser has no MediaStreamTrackProcessor');
    }
    const v = this.video;
    if (!(v.width > 0 && v.height > 0 && v.framerate > 0 && v.bitrate > 0)) {
      throw new PipelineError(
        'unsupported-video-config',
        `Invalid video size or rate: ${JSON.stringify(v)}`,
      );
    }
    this.state = 'starting';

    const { descs, streams } = this.syncSources();
    let audioStream: ReadableStream<AudioData> | null = null;
    if (wantAudio) {
      this.mixer = new AudioMixer(48_000);
      this.mixer.setTracks(s.audio);
      await Promise.race([this.mixer.resume(), new Promise((r) => setTimeout(r, 1000))]);
      const mixed = audioData(this.mixer.track);
      this.audioProcessor = mixed.processor;
      audioStream = mixed.readable;
    }
    const clock = this.options.clock ?? { mode: 'realtime' };
    const clockSettings: ClockSettings =
      clock.mode === 'deterministic'
        ? { mode: 'deterministic', frames: clock.frames }
        : { mode: 'realtime' };
    const msg: StartMessage = {
      type: 'start',
      video: v,
      audio: wantAudio
        ? {
            sampleRate: 48_000,
            numberOfChannels: 2,
            bitrate: (this.options.audio || {}).bitrate ?? 128_000,
          }
        : null,
      clock: clockSettings,
      sources: descs,
      streams,
      audioStream,
      ...(this.options.faults ? { faults: this.options.faults } : {}),
    };
    const worker =
      this.options.workerUrl !== undefined
        ? new Worker(this.options.workerUrl, { type: 'module' })
        : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<FromWorker>) => void this.onMessage(e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      this.onMessage({
        type: 'fault',
        code: 'worker-error',
        message: `The recording worker failed: ${e.message}`,
        fatal: true,
      });
      this.onMessage({
        type: 'stopped',
        result: null,
        error: { code: 'worker-error', message: e.message },
      });
    };
    const started = new Promise<void>((resolve, reject) => (this.started = { resolve, reject }));
    const transfer: Transferable[] = [
      ...streams.map((x) => x.readable as unknown as Transferable),
      ...(audioStream ? [audioStream as unknown as Transferable] : []),
    ];
    this.send(msg, transfer);
    try {
      await started;
    } catch (e) {
      await this.teardown();
      this.state = 'stopped';
      throw e;
    }
    this.state = 'recording';
    // Canvases switch between their capture track and page snapshots with the page's
    // visibility (see FrameSource.kind): the worker is told each time.
    document.addEventListener('visibilitychange', this.onVisibility);
    if (this.sources !== s) this.updateSources(this.sources);
  }

  private readonly onVisibility = (): void => this.updateSources(this.sources);

  /** Replaces the sources mid-recording: the layout adapts, the recording goes on. */
  updateSources(sources: RecordingSources): void {
    this.sources = sources;
    // While starting, the start message holds the sources; start() sends changes after.
    if (this.state !== 'recording') return;
    this.mixer?.setTracks(sources.audio);
    const { descs, streams } = this.syncSources();
    this.send(
      { type: 'sources', sources: descs, streams },
      streams.map((x) => x.readable as unknown as Transferable),
    );
  }

  /**
   * Stops: the encoders are flushed, the last fragment written, and the header, fragment
   * table and duration returned (for the header rewrite). After a fatal fault it resolves
   * with what was written before the fault.
   *
   * @throws PipelineError when nothing playable was written.
   */
  async stop(): Promise<PipelineResult> {
    if (this.state === 'idle' || this.state === 'starting') {
      throw new PipelineError('invalid-state', `stop() while ${this.state}`);
    }
    if (this.state === 'recording') {
      this.state = 'stopping';
      this.send({ type: 'stop' });
    }
    return this.stopped;
  }

  private send(msg: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private idOf(role: string, source: VisualSource, key: string): string {
    let id = this.ids.get(source);
    if (!id) {
      id = `${role}:${key}:${this.nextId++}`;
      this.ids.set(source, id);
    }
    return id;
  }

  /** Brings the handles in line with `this.sources`; returns the worker's view. */
  private syncSources(): {
    descs: SourceDesc[];
    streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>;
  } {
    const wanted: Array<{ id: string; role: 'stage' | 'webcam'; source: VisualSource }> = [];
    const { stage, webcams } = this.sources;
    if (stage && !hasEnded(stage))
      wanted.push({ id: this.idOf('stage', stage, 'stage'), role: 'stage', source: stage });
    for (const w of webcams) {
      if (!hasEnded(w.source))
        wanted.push({ id: this.idOf('webcam', w.source, w.id), role: 'webcam', source: w.source });
    }
    const keep = new Set(wanted.map((w) => w.id));
    for (const [id, h] of this.handles) {
      if (!keep.has(id)) {
        h.dispose();
        this.handles.delete(id);
      }
    }
    const streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }> = [];
    const descs: SourceDesc[] = [];
    for (const w of wanted) {
      let h = this.handles.get(w.id);
      if (!h) {
        h = new FrameSource(w.id, w.role, w.source);
        this.handles.set(w.id, h);
        const readable = h.takeReadable();
        if (readable) streams.push({ id: w.id, readable });
      }
      descs.push(h.desc());
    }
    this.fitStreams(descs);
    return { descs, streams };
  }

  /** Sizes camera clones to their tiles (see FrameSource.fit). */
  private fitStreams(descs: SourceDesc[]): void {
    const stage = descs.find((d) => d.role === 'stage') ?? null;
    const layout = computeLayout(
      { stage, webcams: descs.filter((d) => d.role === 'webcam') },
      { width: this.video.width, height: this.video.height },
    );
    for (const tile of [
      ...(layout.stage && stage ? [{ ...layout.stage, id: stage.id }] : []),
      ...layout.webcams,
    ]) {
      this.handles.get(tile.id)?.fit(tile.draw.width, tile.draw.height);
    }
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'started':
        this.audioCodecChosen = m.audioCodec;
        // Posted the moment the worker's clock started: its arrival is time zero, give or take
        // a message's delivery (well under a frame).
        this.zeroAt = performance.now();
        this.started?.resolve();
        break;
      case 'tick':
        void this.onTick(m.seq, m.ids);
        break;
      case 'sink-header':
        this.options.sink.writeHeader(m.bytes).then(
          () => this.send({ type: 'sink-ack', id: m.id }),
          (e: unknown) =>
            this.send({ type: 'sink-ack', id: m.id, error: String((e as Error)?.message ?? e) }),
        );
        break;
      case 'sink-fragment':
        this.options.sink.writeFragment(m.fragment).then(
          () => this.send({ type: 'sink-ack', id: m.id }),
          (e: unknown) =>
            this.send({ type: 'sink-ack', id: m.id, error: String((e as Error)?.message ?? e) }),
        );
        break;
      case 'clock-done':
        this.resolveClockDone();
        break;
      case 'health':
        this.checkEnded();
        this.health = m.health;
        this.options.onHealth?.(m.health);
        break;
      case 'source-ended': {
        const h = this.handles.get(m.id);
        if (h) {
          h.dispose();
          this.handles.delete(m.id);
          this.options.onSourceEnded?.(h.source);
        }
        break;
      }
      case 'fault': {
        const err = new PipelineError(m.code, m.message);
        if (m.fatal) {
          this.fatal ??= err;
          if (this.state === 'starting') {
            this.started?.reject(err);
            return;
          }
        }
        this.options.onFault?.(err, m.fatal);
        break;
      }
      case 'stopped':
        void this.teardown().then(() => {
          this.state = 'stopped';
          if (m.result) this.resolveStopped(m.result);
          else {
            const e = m.error ?? {
              code: 'worker-error',
              message: 'The recording ended without a file',
            };
            this.rejectStopped(new PipelineError(e.code, e.message));
          }
        });
        break;
    }
  }

  /**
   * A track stopped by the page fires no `ended` event, and its clone (what the worker reads)
   * lives on; so the page's sources are looked at on every tick and health report.
   */
  private checkEnded(): void {
    const gone = [...this.handles.values()].filter((h) => hasEnded(h.source));
    if (gone.length === 0) return;
    this.updateSources(this.sources);
    for (const h of gone) this.options.onSourceEnded?.(h.source);
  }

  private async onTick(seq: number, ids: string[]): Promise<void> {
    const clock = this.options.clock;
    const deterministic = clock?.mode === 'deterministic';
    if (clock?.mode === 'deterministic' && clock.beforeFrame) {
      try {
        await clock.beforeFrame(seq);
      } catch {
        // A test hook's failure shows in the test; the recording goes on.
      }
    }
    this.checkEnded();
    // A deterministic frame holds every source as it is now (the hook may have added some);
    // in real time only the sources the worker asked for (their last picture was drawn).
    const wanted = new Set(ids);
    const push = [...this.handles.values()].filter(
      (h) => h.kind === 'push' && (deterministic || wanted.has(h.id)),
    );
    const pictures = await Promise.all(push.map((h) => h.capture()));
    const frames: Array<{ id: string; frame: VideoFrame | ImageBitmap }> = [];
    pictures.forEach((frame, i) => {
      if (frame) frames.push({ id: push[i]!.id, frame });
    });
    this.send(
      { type: 'frames', seq, frames },
      frames.map((f) => f.frame),
    );
  }

  private async teardown(): Promise<void> {
    document.removeEventListener('visibilitychange', this.onVisibility);
    for (const h of this.handles.values()) h.dispose();
    this.handles.clear();
    this.worker?.terminate();
    this.worker = null;
    const mixer = this.mixer;
    this.mixer = null;
    this.audioProcessor = null;
    await mixer?.close().catch(() => undefined);
  }
}
