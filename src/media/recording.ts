/**
 * One recording inside the worker: paces frames, composes them, encodes video and audio with
 * WebCodecs and hands the packets to the MP4 writer. The page talks to it through
 * protocol.ts messages (see worker.ts).
 */
import { AudioClock, CountedAudioClock } from './audio-clock.js';
import { I420Compositor } from './i420-compositor.js';
import { PipelineError, type PipelineErrorCode } from './errors.js';
import { frameTimestampUs, Pacer, type TickPlan } from './pacer.js';
import type {
  FromWorker,
  PipelineResult,
  PipelineStats,
  SourceDesc,
  StartMessage,
  ToWorker,
} from './protocol.js';
import { percentile, SampleRing } from './stats.js';
import type { FragmentInfo, FragmentSink, PipelineHealth } from './types.js';

/** The writer as the recording uses it (Mp4FragmentWriter in the worker, fakes in tests). */
export interface PacketWriter {
  addVideoChunk(chunk: EncodedVideoChunk, meta?: EncodedVideoChunkMetadata): Promise<void>;
  addAudioChunk(chunk: EncodedAudioChunk, meta?: EncodedAudioChunkMetadata): Promise<void>;
  finish(): Promise<{
    header: Uint8Array;
    fragments: FragmentInfo[];
    durationUs: number;
    bytesWritten: number;
  }>;
  readonly bytesWritten: number;
}

export interface WriterSetup {
  video: { width: number; height: number; framerate: number };
  audio: { codec: 'aac' | 'opus'; sampleRate: number; numberOfChannels: number } | null;
  sink: FragmentSink;
}

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

/**
 * Frames waiting in the video encoder below which a new composite is made; above it the tick
 * repeats the previous composite (cheap to make and to encode) so the file keeps its rate.
 */
export const MAX_ENCODER_QUEUE = 3;
/**
 * Frames waiting in the video encoder (repeats included) beyond which a tick is dropped: a
 * second behind, the encoder is not catching up, and memory must stay bounded.
 */
export const MAX_ENCODER_BACKLOG = 30;
/**
 * Packets handed to the writer and not yet through it before video ticks are dropped (the sink
 * is slow). A packet is through once its fragment is durable, so a whole fragment's packets
 * (1 s: 30 video and 50 Opus packets) are pending by design while the next one fills; 90, the
 * old limit, dropped frames whenever the sink took a moment. 400 is about three fragments,
 * some 4 MB at 6 Mb/s.
 */
const MAX_PENDING_WRITES = 400;
/** Audio chunks waiting in the audio encoder before new ones are dropped. */
const MAX_AUDIO_QUEUE = 50;
/** Audio that falls this far behind the clock is moved forward to it (a gap, not a drift). */
const AUDIO_RESYNC_US = 150_000;

/** This thread's JS heap in MiB, where Chromium tells (`performance.memory`). */
function heapMB(): number | null {
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize / 2 ** 20 : null;
}

/** Copies an AudioData with a new timestamp (the encoder stamps packets from it). */
function restamp(data: AudioData, timestamp: number): AudioData {
  const format = data.format ?? 'f32-planar';
  const planar = format.endsWith('-planar');
  const planes = planar ? data.numberOfChannels : 1;
  const sizes: number[] = [];
  for (let i = 0; i < planes; i++) sizes.push(data.allocationSize({ planeIndex: i }));
  const buf = new Uint8Array(sizes.reduce((a, b) => a + b, 0));
  let off = 0;
  for (let i = 0; i < planes; i++) {
    data.copyTo(buf.subarray(off, off + sizes[i]!), { planeIndex: i });
    off += sizes[i]!;
  }
  return new AudioData({
    format,
    sampleRate: data.sampleRate,
    numberOfFrames: data.numberOfFrames,
    numberOfChannels: data.numberOfChannels,
    timestamp,
    data: buf,
  });
}

/** Picks AAC-LC when the browser can encode it, Opus otherwise, null when neither. */
export async function chooseAudioConfig(
  sampleRate: number,
  numberOfChannels: number,
  bitrate: number,
): Promise<{ codec: 'aac' | 'opus'; config: AudioEncoderConfig } | null> {
  if (typeof AudioEncoder === 'undefined') return null;
  const candidates: Array<{ codec: 'aac' | 'opus'; config: AudioEncoderConfig }> = [
    { codec: 'aac', config: { codec: 'mp4a.40.2', sampleRate, numberOfChannels, bitrate } },
    { codec: 'opus', config: { codec: 'opus', sampleRate, numberOfChannels, bitrate } },
  ];
  for (const c of candidates) {
    try {
      const s = await AudioEncoder.isConfigSupported(c.config);
      if (s.supported) return c;
    } catch {
      // A config the browser cannot even parse is as good as unsupported.
    }
  }
  return null;
}

export class Recording {
  private readonly compositor: I420Compositor;
  private readonly pacer: Pacer;
  private videoEncoder: VideoEncoder | null = null;
  private videoConfig: VideoEncoderConfig | null = null;
  private audioEncoder: AudioEncoder | null = null;
  private audioCodec: 'aac' | 'opus' | null = null;
  private writer: PacketWriter | null = null;
  private writes: Promise<void> = Promise.resolve();
  private pendingWrites = 0;

  private readonly readers = new Map<string, ReadableStreamDefaultReader<VideoFrame>>();
  private audioReader: ReadableStreamDefaultReader<AudioData> | null = null;

  private t0 = 0;
  private running = false;
  private stopping = false;
  private failure: PipelineError | null = null;
  private finishing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private healthTimer: ReturnType<typeof setInterval> | null = null;
  private wake: (() => void) | null = null;

  private nextKeyUs = 0;
  private tickSeq = 0;
  private readonly frameWaits = new Map<number, () => void>();
  /** Push sources asked for a picture, per tick. */
  private readonly asked = new Map<number, string[]>();
  private readonly sinkWaits = new Map<
    number,
    { resolve: () => void; reject: (e: Error) => void }
  >();
  private sinkSeq = 0;

  private composed = 0;
  private encoded = 0;
  /** Ticks with no frame in the file at all (the encoder a second behind, or the sink). */
  private dropped = 0;
  /** Of the dropped: ticks the thread woke too late for while the encoder was full. */
  private droppedLate = 0;
  /** Of the dropped: ticks while the encoder was a second behind (backpressure). */
  private droppedBusy = 0;
  /** Of the dropped: ticks while the sink was behind. */
  private droppedSink = 0;
  /** Ticks that sent the previous composite again (the file stays at a constant rate). */
  private repeated = 0;
  /** Of the repeats: ticks the thread woke too late for. */
  private repeatedLate = 0;
  /** Of the repeats: ticks while the encoder still held new frames. */
  private repeatedBusy = 0;
  private draws = 0;
  private readonly audioClock: AudioClock | CountedAudioClock;
  private lastVideoUs = 0;
  private lastAudioUs = 0;
  private readonly composeMs = new SampleRing(10_000);
  private heapStartMB: number | null = null;
  /** The newest composite, re-sent while nothing changes. */
  private lastComposite: VideoFrame | null = null;
  private encodedAtLastHealth = 0;
  private lastFps = 0;

  constructor(
    private readonly msg: StartMessage,
    private readonly post: Post,
    private readonly createWriter: (setup: WriterSetup) => PacketWriter,
  ) {
    this.compositor = new I420Compositor(msg.video.width, msg.video.height);
    this.pacer = new Pacer(msg.video.framerate, {
      fresh: MAX_ENCODER_QUEUE,
      total: MAX_ENCODER_BACKLOG,
    });
    this.audioClock =
      msg.clock.mode === 'deterministic'
        ? new CountedAudioClock((msg.clock.frames * 1e6) / msg.video.framerate)
        : new AudioClock(AUDIO_RESYNC_US);
  }

  private get frameUs(): number {
    return 1e6 / this.msg.video.framerate;
  }

  /** Checks support, sets up encoders and writer, and starts the clock. */
  async start(
    sources: SourceDesc[],
    streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>,
    audio: ReadableStream<AudioData> | null,
  ): Promise<void> {
    const v = this.msg.video;
    if (typeof VideoEncoder === 'undefined' || typeof OffscreenCanvas === 'undefined') {
      throw new PipelineError(
        'no-webcodecs',
        'This browser has no VideoEncoder or OffscreenCanvas in workers',
      );
    }
    this.videoConfig = {
      codec: v.codec,
      width: v.width,
      height: v.height,
      bitrate: v.bitrate,
      framerate: v.framerate,
      avc: { format: 'avc' },
      latencyMode: 'realtime',
    };
    let supported = false;
    try {
      supported = (await VideoEncoder.isConfigSupported(this.videoConfig)).supported === true;
    } catch (e) {
      throw new PipelineError(
        'unsupported-video-config',
        `Video config ${v.codec} ${v.width}x${v.height} is invalid: ${(e as Error).message}`,
      );
    }
    if (!supported) {
      throw new PipelineError(
        'unsupported-video-config',
        `This browser cannot encode ${v.codec} at ${v.width}x${v.height} ${v.framerate} fps`,
      );
    }
    let audioConfig: AudioEncoderConfig | null = null;
    if (this.msg.audio) {
      const a = this.msg.audio;
      const choice = await chooseAudioConfig(a.sampleRate, a.numberOfChannels, a.bitrate);
      if (choice) {
        this.audioCodec = choice.codec;
        audioConfig = choice.config;
      } else {
        this.post({
          type: 'fault',
          code: 'audio-encoder-error',
          message: 'Neither AAC nor Opus can be encoded here: recording without audio',
          fatal: false,
        });
      }
    }
    const sink: FragmentSink = {
      writeHeader: (bytes) => this.sinkCall({ type: 'sink-header', id: ++this.sinkSeq, bytes }),
      writeFragment: (fragment) =>
        this.sinkCall({ type: 'sink-fragment', id: ++this.sinkSeq, fragment }),
    };
    this.writer = this.createWriter({
      video: { width: v.width, height: v.height, framerate: v.framerate },
      audio:
        audioConfig && this.audioCodec
          ? {
              codec: this.audioCodec,
              sampleRate: audioConfig.sampleRate,
              numberOfChannels: audioConfig.numberOfChannels,
            }
          : null,
      sink,
    });
    this.videoEncoder = new VideoEncoder({
      output: (chunk, meta) => this.onVideoChunk(chunk, meta),
      error: (e) => this.fail('video-encoder-error', `The video encoder failed: ${e.message}`),
    });
    this.videoEncoder.configure(this.videoConfig);
    this.videoEncoder.addEventListener('dequeue', () => this.poke());
    if (audioConfig) {
      this.audioEncoder = new AudioEncoder({
        output: (chunk, meta) => this.onAudioChunk(chunk, meta),
        error: (e) => this.audioFailed(`The audio encoder failed: ${e.message}`),
      });
      this.audioEncoder.configure(audioConfig);
    }
    this.setSources(sources, streams);
    if (audio) this.setAudio(audio);
    this.t0 = performance.now();
    this.heapStartMB = heapMB();
    this.running = true;
    this.post({
      type: 'started',
      audioCodec: this.audioCodec,
      startedAtMs: performance.timeOrigin + this.t0,
    });
    this.healthTimer = setInterval(() => this.postHealth(), 1000);
    if (this.msg.clock.mode === 'realtime') this.scheduleRealtime();
    else void this.runDeterministic(this.msg.clock.frames);
  }

  /** Handles a message from the page after start. */
  onMessage(m: ToWorker): void {
    switch (m.type) {
      case 'sources':
        this.setSources(m.sources, m.streams);
        break;
      case 'frames': {
        const answered = new Set(m.frames.map((f) => f.id));
        this.compositor.unanswered((this.asked.get(m.seq) ?? []).filter((id) => !answered.has(id)));
        this.asked.delete(m.seq);
        // A deterministic frame waits until the pictures are read, so it shows them.
        void Promise.all(m.frames.map(({ id, frame }) => this.compositor.offer(id, frame))).then(
          () => {
            this.frameWaits.get(m.seq)?.();
            this.frameWaits.delete(m.seq);
          },
        );
        break;
      }
      case 'audio':
        this.setAudio(m.readable);
        break;
      case 'sink-ack': {
        const w = this.sinkWaits.get(m.id);
        this.sinkWaits.delete(m.id);
        if (m.error !== undefined) w?.reject(new Error(m.error));
        else w?.resolve();
        break;
      }
      case 'stop':
        void this.finish(null);
        break;
      case 'start':
        break;
    }
  }

  private sinkCall(msg: FromWorker & { id: number }): Promise<void> {
    return new Promise((resolve, reject) => {
      this.sinkWaits.set(msg.id, { resolve, reject });
      this.post(msg);
    });
  }

  private setSources(
    sources: SourceDesc[],
    streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>,
  ): void {
    const keep = new Set(sources.map((s) => s.id));
    for (const [id, reader] of this.readers) {
      if (!keep.has(id)) {
        this.readers.delete(id);
        void reader.cancel().catch(() => undefined);
      }
    }
    this.compositor.setSources(sources);
    for (const { id, readable } of streams) {
      const reader = readable.getReader();
      this.readers.set(id, reader);
      void this.pump(id, reader);
    }
  }

  private async pump(id: string, reader: ReadableStreamDefaultReader<VideoFrame>): Promise<void> {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        // A canvas pushed by a hidden page: its snapshots stand in for the stream.
        if (this.readers.get(id) !== reader || this.stopping || this.compositor.isPush(id)) {
          value.close();
          continue;
        }
        // Read at once (the frame is closed after the copy, freeing the camera's buffer); the
        // next frame is not taken before, so a slow read never piles frames up.
        await this.compositor.offer(id, value);
      }
    } catch {
      // A stream that errors is a source that ended.
    }
    if (this.readers.get(id) === reader) {
      // The track ended (a share stopped, a camera unplugged): the layout goes on without it.
      this.readers.delete(id);
      this.compositor.remove(id);
      if (!this.stopping) this.post({ type: 'source-ended', id });
    }
  }

  private setAudio(readable: ReadableStream<AudioData>): void {
    void this.audioReader?.cancel().catch(() => undefined);
    const reader = readable.getReader();
    this.audioReader = reader;
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          this.onAudioData(value);
        }
      } catch {
        // The mix ended; nothing more to encode.
      }
    })();
  }

  private onAudioData(data: AudioData): void {
    const enc = this.audioEncoder;
    if (!enc || enc.state !== 'configured' || !this.running || this.stopping) {
      data.close();
      return;
    }
    const ts =
      this.audioClock instanceof CountedAudioClock
        ? this.audioClock.stamp(data.numberOfFrames, data.sampleRate)
        : this.audioClock.stamp(
            (performance.now() - this.t0) * 1000,
            data.numberOfFrames,
            data.sampleRate,
          );
    if (ts === null) {
      data.close();
      return;
    }
    if (enc.encodeQueueSize > MAX_AUDIO_QUEUE) {
      data.close();
      return;
    }
    const stamped = restamp(data, ts);
    data.close();
    try {
      if (!this.audioBegun) {
        this.audioBegun = true;
        // The first sound arrives some tens of ms after the first frame; silence from 0 keeps
        // the audio track starting with the video, so the file lasts what its frames say.
        if (ts > 0) encodeSilence(enc, ts, stamped.sampleRate, stamped.numberOfChannels);
      }
      enc.encode(stamped);
    } catch (e) {
      this.audioFailed(`The audio encoder refused a chunk: ${(e as Error).message}`);
    } finally {
      stamped.close();
    }
  }

  private audioBegun = false;

  private audioFailed(message: string): void {
    if (!this.audioEncoder) return;
    const enc = this.audioEncoder;
    this.audioEncoder = null;
    if (enc.state !== 'closed') enc.close();
    // The video goes on: a recording without its audio beats no recording.
    this.post({ type: 'fault', code: 'audio-encoder-error', message, fatal: false });
  }

  private onVideoChunk(chunk: EncodedVideoChunk, meta?: EncodedVideoChunkMetadata): void {
    this.encoded++;
    this.lastVideoUs = chunk.timestamp;
    this.write((w) => w.addVideoChunk(chunk, meta));
  }

  private onAudioChunk(chunk: EncodedAudioChunk, meta?: EncodedAudioChunkMetadata): void {
    this.lastAudioUs = chunk.timestamp;
    this.write((w) => w.addAudioChunk(chunk, meta));
  }

  private write(step: (w: PacketWriter) => Promise<void>): void {
    const w = this.writer;
    if (!w || this.failure) return;
    this.pendingWrites++;
    // The writer copies the chunk at once; its promise settles when fragments reach the sink.
    const p = step(w);
    this.writes = this.writes.then(() => p);
    p.then(
      () => {
        this.pendingWrites--;
        this.poke();
      },
      (e: unknown) => {
        this.pendingWrites--;
        this.fail('writer-error', `Writing the MP4 failed: ${(e as Error).message}`);
      },
    );
  }

  private ready(): boolean {
    const enc = this.videoEncoder;
    return (
      !!enc &&
      enc.state === 'configured' &&
      enc.encodeQueueSize < MAX_ENCODER_QUEUE &&
      this.pendingWrites < MAX_PENDING_WRITES
    );
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private scheduleRealtime(): void {
    if (this.stopping) return;
    const due = this.t0 + this.pacer.nextDueUs / 1000;
    this.timer = setTimeout(() => this.tickRealtime(), Math.max(0, due - performance.now()));
  }

  private tickRealtime(): void {
    if (this.stopping) return;
    const enc = this.videoEncoder;
    const plans = this.pacer.plan((performance.now() - this.t0) * 1000, {
      queue: enc?.encodeQueueSize ?? 0,
      sinkBusy: this.pendingWrites >= MAX_PENDING_WRITES,
    });
    // Push sources answer after this tick; their pictures are shown from the next one.
    const ids = this.compositor.pushSourceIds(true);
    if (ids.length > 0) {
      const seq = ++this.tickSeq;
      this.asked.set(seq, ids);
      this.post({ type: 'tick', seq, ids });
    }
    for (const plan of plans) this.run(plan);
    this.scheduleRealtime();
  }

  private async runDeterministic(frames: number): Promise<void> {
    for (let n = 0; n < frames && !this.stopping; n++) {
      while (!this.ready() && !this.stopping) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          // Writes settle without a dequeue event; look again now and then.
          setTimeout(resolve, 20);
        });
      }
      if (this.stopping) return;
      // The page answers every tick (and may change the sources first, a test's hook), so
      // a frame holds what the page had at that moment.
      await new Promise<void>((resolve) => {
        this.frameWaits.set(n, resolve);
        const ids = this.compositor.pushSourceIds();
        this.asked.set(n, ids);
        this.post({ type: 'tick', seq: n, ids });
      });
      if (this.stopping) return;
      this.run({
        index: n,
        timestampUs: frameTimestampUs(n, this.msg.video.framerate),
        action: 'compose',
      });
    }
    if (!this.stopping) this.post({ type: 'clock-done', frames });
  }

  /** Carries out one tick's plan: a new composite, the previous one again, or a drop. */
  private run(plan: TickPlan): void {
    const enc = this.videoEncoder;
    if (!enc || enc.state !== 'configured' || this.failure) return;
    if (plan.action === 'drop') {
      this.dropped++;
      if (plan.cause === 'sink') this.droppedSink++;
      else if (plan.index < this.pacer.nextIndex - 1) this.droppedLate++;
      else this.droppedBusy++;
      return;
    }
    const init = { timestamp: plan.timestampUs, duration: Math.round(this.frameUs) };
    let frame: VideoFrame;
    let repeat = plan.action === 'repeat' && this.lastComposite !== null;
    if (!repeat) {
      const started = performance.now();
      const report = this.compositor.compose();
      this.draws += report.draws;
      if (!report.changed && this.lastComposite) {
        // Nothing changed (a slide, a paused share): the last composite again, no copy.
        frame = new VideoFrame(this.lastComposite, init);
        repeat = true;
      } else {
        frame = this.compositor.frame(init.timestamp, init.duration);
        this.lastComposite?.close();
        this.lastComposite = frame.clone();
      }
      this.composeMs.push(performance.now() - started);
      this.composed++;
    } else {
      frame = new VideoFrame(this.lastComposite!, init);
    }
    if (repeat) {
      this.repeated++;
      if (plan.cause === 'late') this.repeatedLate++;
      else if (plan.cause === 'busy') this.repeatedBusy++;
    }
    const keyFrame = plan.timestampUs >= this.nextKeyUs;
    if (keyFrame) {
      this.nextKeyUs =
        plan.timestampUs + this.msg.video.keyFrameIntervalSec * 1e6 - this.frameUs / 2;
    }
    try {
      if (this.msg.faults?.videoEncoderErrorAtFrame === plan.index && this.videoConfig) {
        // Test-only: a config the encoder cannot take makes it fail through its error callback.
        enc.configure({ ...this.videoConfig, width: 16384, height: 16384 });
      }
      enc.encode(frame, { keyFrame });
    } catch (e) {
      this.fail(
        'video-encoder-error',
        `The video encoder refused a frame: ${(e as Error).message}`,
      );
    } finally {
      frame.close();
    }
  }

  /** `final`: the last report, at stop (its second is not whole: the previous fps stands). */
  private health(final = false): PipelineHealth {
    const fps = final ? this.lastFps : this.encoded - this.encodedAtLastHealth;
    this.encodedAtLastHealth = this.encoded;
    this.lastFps = fps;
    return {
      framesEncoded: this.encoded,
      framesDropped: this.dropped,
      framesRepeated: this.repeated,
      fps,
      encoderQueue: this.videoEncoder?.encodeQueueSize ?? 0,
      bytesWritten: this.writer?.bytesWritten ?? 0,
      avDriftMs:
        this.audioEncoder || this.lastAudioUs ? (this.lastAudioUs - this.lastVideoUs) / 1000 : 0,
      composeMsP50: percentile(this.composeMs.latest(30), 50),
    };
  }

  private postHealth(): void {
    if (this.running && !this.stopping) this.post({ type: 'health', health: this.health() });
  }

  stats(): PipelineStats {
    const composeMs = this.composeMs.values();
    const wallMs = performance.now() - this.t0;
    return {
      framesComposed: this.composed,
      framesEncoded: this.encoded,
      framesDropped: this.dropped,
      droppedLate: this.droppedLate,
      droppedBusy: this.droppedBusy,
      droppedSink: this.droppedSink,
      framesRepeated: this.repeated,
      repeatedLate: this.repeatedLate,
      repeatedBusy: this.repeatedBusy,
      composeMsP50: percentile(composeMs, 50),
      composeMsP95: percentile(composeMs, 95),
      drawsPerFrame: this.composed ? this.draws / this.composed : 0,
      encodeFps: wallMs > 0 ? this.encoded / (wallMs / 1000) : 0,
      audioCodec: this.audioCodec,
      wallMs,
      workerHeapStartMB: this.heapStartMB,
      workerHeapMB: heapMB(),
    };
  }

  /** A fatal error: the recording ends, and what was written is finished into a file. */
  fail(code: PipelineErrorCode, message: string): void {
    if (this.failure || this.finishing) return;
    this.failure = new PipelineError(code, message);
    this.post({ type: 'fault', code, message, fatal: true });
    void this.finish(this.failure);
  }

  /** Flushes the encoders and the writer, then reports `stopped`. Idempotent. */
  finish(error: PipelineError | null): Promise<void> {
    this.finishing ??= this.doFinish(error);
    return this.finishing;
  }

  private async doFinish(error: PipelineError | null): Promise<void> {
    this.stopping = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.healthTimer !== null) clearInterval(this.healthTimer);
    for (const w of this.frameWaits.values()) w();
    this.frameWaits.clear();
    this.poke();
    const stats = (): PipelineStats => this.stats();
    const v = this.videoEncoder;
    const a = this.audioEncoder;
    try {
      // A failed encoder is closed already; a healthy one gives out what it holds.
      if (v && v.state === 'configured' && !error) await v.flush();
      if (a && a.state === 'configured') await a.flush().catch(() => undefined);
    } catch (e) {
      error ??= new PipelineError(
        'video-encoder-error',
        `Flushing the encoder failed: ${(e as Error).message}`,
      );
    }
    for (const enc of [v, a]) if (enc && enc.state !== 'closed') enc.close();
    void this.audioReader?.cancel().catch(() => undefined);
    for (const r of this.readers.values()) void r.cancel().catch(() => undefined);
    this.readers.clear();
    this.compositor.close();
    this.lastComposite?.close();
    this.lastComposite = null;
    let result: PipelineResult | null = null;
    const w = this.writer;
    if (w) {
      try {
        await this.writes.catch(() => undefined);
        const r = await w.finish();
        result = { ...r, stats: stats() };
      } catch (e) {
        error ??= new PipelineError(
          'writer-error',
          `Finishing the MP4 failed: ${(e as Error).message}`,
        );
        if (!(error.code === 'writer-error')) {
          error = new PipelineError(
            error.code,
            `${error.message}; finishing the MP4 failed too: ${(e as Error).message}`,
          );
        }
      }
    }
    // The final figures, so whoever shows health ends on the file's own counts.
    this.post({ type: 'health', health: this.health(true) });
    this.running = false;
    this.post({
      type: 'stopped',
      result,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
    });
  }
}

/** Encodes `durationUs` of silence from timestamp 0. */
function encodeSilence(
  enc: AudioEncoder,
  durationUs: number,
  sampleRate: number,
  numberOfChannels: number,
): void {
  const numberOfFrames = Math.round((durationUs / 1e6) * sampleRate);
  if (numberOfFrames <= 0) return;
  const silence = new AudioData({
    format: 'f32-planar',
    sampleRate,
    numberOfChannels,
    numberOfFrames,
    timestamp: 0,
    data: new Float32Array(numberOfFrames * numberOfChannels),
  });
  try {
    enc.encode(silence);
  } finally {
    silence.close();
  }
}
