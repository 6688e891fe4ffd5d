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
import { assertValidVideo, DEFAULT_AUDIO, DEFAULT_VIDEO } from './encoder-config.js';
import { PipelineError } from './errors.js';
import { hasEnded } from './frame-source.js';
import type {
  AudioSettings,
  AudioEncoderKind,
  ClockSettings,
  FaultSettings,
  FromWorker,
  PipelineResult,
  StartMessage,
  ToWorker,
  VideoSettings,
} from './protocol.js';
import { serveSinkRequest } from './sink-port.js';
import { SourceRegistry } from './source-registry.js';
import { audioData, hasTrackProcessor } from './track-processor.js';
import type { Continuation, FragmentSink, PipelineHealth } from './types.js';

export type {
  AudioEncoderKind,
  PipelineResult,
  PipelineStats,
  VideoSettings,
  ClockSettings,
} from './protocol.js';
export { DEFAULT_VIDEO } from './encoder-config.js';
export type { Continuation } from './types.js';
export { continuationOf, type ContinuedFile } from './continuation.js';

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
  /**
   * Audio bitrate (default 128 kb/s), or false for a file without audio. The encoder is the
   * browser's AAC-LC, else a WASM AAC-LC loaded in the worker, else the browser's Opus.
   */
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
  /**
   * A worker from {@link prepareWorker} for these options, warming up since: the pipeline
   * takes it over (and terminates it when done) instead of starting one.
   */
  worker?: Worker;
  /** Test-only fault injection. */
  faults?: FaultSettings;
  /**
   * Continue a file another recording began (handoff, X9) instead of starting one: no header
   * goes to the sink, the fragments follow the file's (index, byte offset, mfhd sequence)
   * and its timeline (from `timelineStartUs`, the gap since its media ended filled with this
   * recording's first picture and silence). The video settings' frame rate and the audio
   * must be the file's; stop() then returns the file's header and this recording's fragments
   * only, with `bytesWritten` counting the whole stream.
   */
  continuation?: Continuation;
}

type State = 'idle' | 'starting' | 'recording' | 'stopping' | 'stopped';

/** The video a pipeline with these options encodes. */
function videoSettings(options: Pick<PipelineOptions, 'video'>): VideoSettings {
  return { ...DEFAULT_VIDEO, ...options.video };
}

/** The audio a pipeline with these options encodes (null: none). */
function audioSettings(options: Pick<PipelineOptions, 'audio'>): AudioSettings | null {
  if (options.audio === false) return null;
  return { ...DEFAULT_AUDIO, bitrate: options.audio?.bitrate ?? DEFAULT_AUDIO.bitrate };
}

function spawnWorker(workerUrl: string | URL | undefined): Worker {
  return workerUrl !== undefined
    ? new Worker(workerUrl, { type: 'module' })
    : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
}

/**
 * A recording worker for a pipeline about to start with these options, already checking the
 * video settings and loading the audio encoder (about half a second on a busy 2-core
 * machine): for a page that must first read what it continues (X9). Give it to the pipeline
 * as `worker`; terminate it when none takes it.
 */
export function prepareWorker(
  options: Pick<PipelineOptions, 'video' | 'audio' | 'workerUrl'>,
): Worker {
  const worker = spawnWorker(options.workerUrl);
  const msg: ToWorker = {
    type: 'prepare',
    video: videoSettings(options),
    audio: audioSettings(options),
  };
  worker.postMessage(msg);
  return worker;
}

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
  private readonly registry: SourceRegistry;
  private sources: RecordingSources;
  private readonly video: VideoSettings;
  private fatal: PipelineError | null = null;
  private started: { resolve: () => void; reject: (e: Error) => void } | null = null;
  private stopped: Promise<PipelineResult>;
  private resolveStopped!: (r: PipelineResult) => void;
  private rejectStopped!: (e: Error) => void;
  private audioChosen: { codec: 'aac' | 'opus'; encoder: AudioEncoderKind } | null = null;
  /** `performance.now()` when the worker's clock started: the file's time zero. */
  private zeroAt: number | null = null;
  private resolveClockDone!: () => void;
  private readonly clockDone = new Promise<void>((resolve) => (this.resolveClockDone = resolve));

  constructor(private readonly options: PipelineOptions) {
    this.sources = options.sources;
    this.video = videoSettings(options);
    this.registry = new SourceRegistry(this.video);
    this.stopped = new Promise((resolve, reject) => {
      this.resolveStopped = resolve;
      this.rejectStopped = reject;
    });
    // stop() reports it; an unobserved failure must not be an unhandled rejection.
    this.stopped.catch(() => undefined);
  }

  /**
   * Milliseconds since the file's time zero (the worker's clock started, less a
   * continuation's `timelineStartUs`), once started; the elapsed counter derives from it, so
   * it matches the file's timeline. Monotonic: a change of the wall clock does not move it.
   */
  get elapsedMs(): number | null {
    return this.zeroAt === null ? null : performance.now() - this.zeroAt;
  }

  /**
   * The audio in use once started (null: none): AAC-LC from the browser's encoder or the WASM
   * one, or Opus where neither worked (a non-fatal fault then says why).
   */
  get audio(): { codec: 'aac' | 'opus'; encoder: AudioEncoderKind } | null {
    return this.audioChosen;
  }

  /**
   * With a deterministic clock: resolves once all its frames are composed and handed to the
   * encoder (stop() then writes them all).
   */
  whenFramesDone(): Promise<void> {
    return this.clockDone;
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
    const audio = audioSettings(this.options);
    const wantAudio = audio !== null;
    if (!hasTrackProcessor() && (wantAudio || visual > 0)) {
      throw new PipelineError('no-webcodecs', 'This browser has no MediaStreamTrackProcessor');
    }
    const v = this.video;
    assertValidVideo(v);
    this.state = 'starting';

    const { descs, streams } = this.registry.sync(s);
    let audioStream: ReadableStream<AudioData> | null = null;
    if (wantAudio) {
      this.mixer = new AudioMixer(DEFAULT_AUDIO.sampleRate);
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
      audio,
      clock: clockSettings,
      sources: descs,
      streams,
      audioStream,
      ...(this.options.faults ? { faults: this.options.faults } : {}),
      ...(this.options.continuation ? { continuation: this.options.continuation } : {}),
    };
    const worker = this.options.worker ?? spawnWorker(this.options.workerUrl);
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
    const { descs, streams } = this.registry.sync(sources);
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

  /**
   * Ends the pipeline at once, writing nothing more (what its sink has not yet taken is lost):
   * for a recording that must start again differently (a continuation that turned out to be
   * elsewhere in the file), never to end a recording (see {@link stop}).
   */
  async abort(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    this.started?.reject(new PipelineError('invalid-state', 'The pipeline was aborted'));
    await this.teardown();
    this.rejectStopped(new PipelineError('invalid-state', 'The pipeline was aborted'));
  }

  private send(msg: ToWorker, transfer: Transferable[] = []): void {
    this.worker?.postMessage(msg, transfer);
  }

  private onMessage(m: FromWorker): void {
    switch (m.type) {
      case 'started':
        this.audioChosen =
          m.audioCodec && m.audioEncoder ? { codec: m.audioCodec, encoder: m.audioEncoder } : null;
        // Posted the moment the worker's clock started: its arrival is that file time, give or
        // take a message's delivery (well under a frame).
        this.zeroAt = performance.now() - m.originMs;
        this.started?.resolve();
        break;
      case 'tick':
        void this.onTick(m.seq, m.ids);
        break;
      case 'sink-header':
      case 'sink-fragment':
        serveSinkRequest(this.options.sink, m, (ack) => this.send(ack));
        break;
      case 'clock-done':
        this.resolveClockDone();
        break;
      case 'health':
        this.checkEnded();
        this.options.onHealth?.(m.health);
        break;
      case 'source-ended': {
        const source = this.registry.remove(m.id);
        if (source) this.options.onSourceEnded?.(source);
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
    const gone = this.registry.ended();
    if (gone.length === 0) return;
    this.updateSources(this.sources);
    for (const source of gone) this.options.onSourceEnded?.(source);
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
    const push = this.registry.pushSources(deterministic ? undefined : new Set(ids));
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
    this.registry.clear();
    this.worker?.terminate();
    this.worker = null;
    const mixer = this.mixer;
    this.mixer = null;
    this.audioProcessor = null;
    await mixer?.close().catch(() => undefined);
  }
}
