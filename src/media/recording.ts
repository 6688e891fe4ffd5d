/**
 * One recording inside the worker: on each tick of its clock a frame is composed (or the last
 * one repeated, see pacer.ts) and encoded; the mixed audio is put on the same clock and
 * encoded; the packets go to the MP4 writer, whose fragments go to the page's sink. The page
 * talks to it through protocol.ts messages (see worker.ts).
 */
import {
  openAudioEncoder,
  type RecordingAudioEncoder,
  type WasmAacModule,
} from './audio-encoder.js';
import { AudioTimeline } from './audio-timing.js';
import { type AudioChoice, audioChoices } from './encoder-config.js';
import { continuationOriginUs } from './continuation.js';
import { PipelineError, type PipelineErrorCode } from './errors.js';
import { I420Compositor } from './i420-compositor.js';
import { readTracks } from './mp4/tracks.js';
import type { EncodedChunkLike } from './mp4/writer.js';
import { frameTimestampUs, Pacer, type TickPlan } from './pacer.js';
import type {
  AudioEncoderKind,
  FromWorker,
  PipelineResult,
  PipelineStats,
  SourceDesc,
  StartMessage,
  ToWorker,
} from './protocol.js';
import { SinkPort } from './sink-port.js';
import { FrameCounts, heapMB, percentile } from './stats.js';
import type { Continuation, FragmentInfo, FragmentSink, PipelineHealth } from './types.js';
import { RecordingVideoEncoder } from './video-encoder.js';
import { videoSupport, wasmAacWithSpare } from './warm-up.js';

/** The writer as the recording uses it (Mp4FragmentWriter in the worker). */
export interface PacketWriter {
  addVideoChunk(chunk: EncodedChunkLike, meta?: EncodedVideoChunkMetadata): Promise<void>;
  addAudioChunk(chunk: EncodedChunkLike, meta?: EncodedAudioChunkMetadata): Promise<void>;
  finish(): Promise<{
    header: Uint8Array;
    fragments: FragmentInfo[];
    durationUs: number;
    bytesWritten: number;
    nextSequence: number;
  }>;
  readonly bytesWritten: number;
  /** Packets left out (video before the first keyframe, audio going back in time). */
  readonly skippedPackets: number;
}

/** What the writer is made for: the tracks, and the sink its fragments go to. */
export interface WriterSetup {
  video: { width: number; height: number; framerate: number };
  audio: { codec: 'aac' | 'opus'; sampleRate: number; numberOfChannels: number } | null;
  sink: FragmentSink;
  continuation?: Pick<
    Continuation,
    'header' | 'nextFragmentIndex' | 'nextSequence' | 'startOffsetBytes'
  >;
}

type Post = (msg: FromWorker, transfer?: Transferable[]) => void;

/**
 * Frames waiting in the video encoder below which a new composite is made; above it the tick
 * repeats the previous composite (cheap to make and to encode) so the file keeps its rate.
 */
const MAX_ENCODER_QUEUE = 3;
/**
 * Frames waiting in the video encoder (repeats included) beyond which a tick is dropped: a
 * second behind, the encoder is not catching up, and memory must stay bounded.
 */
const MAX_ENCODER_BACKLOG = 30;
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
/**
 * How long a continuation waits for every source's first picture before its first frame,
 * which it holds through the switch's gap: a picture, not the empty layout, where it can.
 */
const MAX_FIRST_PICTURE_WAIT_US = 1_000_000;

/** The audio codec of a sample entry type, as the encoders name it. */
const CODEC_OF_ENTRY: Record<string, 'aac' | 'opus'> = { mp4a: 'aac', Opus: 'opus' };

/** Test-only: the WASM AAC encoder's chunk failing to load, as a 404 would. */
const unavailableWasmAac = (): Promise<WasmAacModule> =>
  Promise.reject(new Error('its code could not be loaded (forced by the test)'));

/**
 * One recording in the worker, from `start()` to its `stopped` message: created by worker.ts for
 * each start message, fed the page's later messages through `onMessage()`.
 */
export class Recording {
  /** Made once the settings are known to be encodable: its frame buffer is their size. */
  private compositor!: I420Compositor;
  private readonly pacer: Pacer;
  /** Made when the clock starts: where it lays audio depends on when that is. */
  private timeline!: AudioTimeline;
  /**
   * File time of the clock's zero (0; a continuation's `timelineStartUs`), and where this
   * recording's video and audio begin (0; where the continued file's end).
   */
  private originUs = 0;
  private readonly fillFromUs: number;
  private readonly audioFromUs: number;
  /** Whether a frame was encoded (a continuation fills the gap before its first). */
  private begun = false;
  private readonly sink: SinkPort;
  private readonly counts = new FrameCounts();
  private video: RecordingVideoEncoder | null = null;
  private audio: RecordingAudioEncoder | null = null;
  /** The file's audio track, kept when its encoder fails (the packets before stay). */
  private audioTrack: { codec: 'aac' | 'opus'; encoder: AudioEncoderKind } | null = null;
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

  private tickSeq = 0;
  private readonly frameWaits = new Map<number, () => void>();
  /** Push sources asked for a picture, per tick. */
  private readonly asked = new Map<number, string[]>();

  private lastVideoUs = 0;
  private lastAudioUs = 0;
  private heapStartMB: number | null = null;
  /**
   * While a continuation's gap fill is being encoded (by an encoder of its own, see
   * `fillGap`): the live encoder's packets, held back until the fill's are written.
   */
  private heldVideo: Array<{ chunk: EncodedVideoChunk; meta?: EncodedVideoChunkMetadata }> | null =
    null;
  /** Settles once the gap fill is written (at once without one). */
  private filled: Promise<void> = Promise.resolve();
  /** The newest composite, re-sent while nothing changes. */
  private lastComposite: VideoFrame | null = null;
  private lastFps = 0;

  constructor(
    private readonly msg: StartMessage,
    private readonly post: Post,
    private readonly createWriter: (setup: WriterSetup) => PacketWriter,
  ) {
    this.pacer = new Pacer(msg.video.framerate, {
      fresh: MAX_ENCODER_QUEUE,
      total: MAX_ENCODER_BACKLOG,
    });
    const c = msg.continuation;
    this.fillFromUs = c ? c.resumeAtUs : 0;
    this.audioFromUs = c ? (c.audioResumeAtUs ?? c.resumeAtUs) : 0;
    this.sink = new SinkPort((request) => this.post(request));
  }

  /** Checks support, sets up encoders and writer, and starts the clock. */
  async start(
    sources: SourceDesc[],
    streams: Array<{ id: string; readable: ReadableStream<VideoFrame> }>,
    audio: ReadableStream<AudioData> | null,
  ): Promise<void> {
    const v = this.msg.video;
    if (typeof OffscreenCanvas === 'undefined') {
      throw new PipelineError('no-webcodecs', 'This browser has no OffscreenCanvas in workers');
    }
    await videoSupport(v);
    const c = this.msg.continuation;
    const fileAudio = c ? continuedAudio(c, v.framerate) : undefined;
    this.compositor = new I420Compositor(v.width, v.height);
    const a = this.continuedAudioSettings(fileAudio);
    if (a) await this.openAudio(a, fileAudio?.codec);
    this.writer = this.createWriter({
      video: { width: v.width, height: v.height, framerate: v.framerate },
      audio:
        a && this.audioTrack
          ? {
              codec: this.audioTrack.codec,
              sampleRate: a.sampleRate,
              numberOfChannels: a.numberOfChannels,
            }
          : null,
      sink: this.sink,
      ...(c ? { continuation: c } : {}),
    });
    this.video = new RecordingVideoEncoder(
      v,
      {
        output: (chunk, meta) => this.onVideoChunk(chunk, meta),
        error: (e) => this.fail('video-encoder-error', `The video encoder failed: ${e.message}`),
        dequeue: () => this.poke(),
      },
      this.msg.faults?.videoEncoderErrorAtFrame,
    );
    this.setSources(sources, streams);
    if (audio) this.setAudio(audio);
    this.t0 = performance.now();
    // A continuation's media starts at the room's time now (setting up took some of it).
    this.originUs = c ? continuationOriginUs(c, performance.timeOrigin + this.t0) : 0;
    this.timeline = new AudioTimeline(this.msg.clock, v.framerate, {
      originUs: this.originUs,
      fillFromUs: this.audioFromUs,
    });
    this.heapStartMB = heapMB();
    this.running = true;
    this.post({
      type: 'started',
      audioCodec: this.audioTrack?.codec ?? null,
      audioEncoder: this.audioTrack?.encoder ?? null,
      startedAtMs: performance.timeOrigin + this.t0 - this.originUs / 1000,
      originMs: this.originUs / 1000,
    });
    this.healthTimer = setInterval(() => this.postHealth(), 1000);
    if (this.msg.clock.mode === 'realtime') this.scheduleRealtime();
    else void this.runDeterministic(this.msg.clock.frames);
  }

  /**
   * The audio to encode: the page's, unless a continued file has no audio track (its moov has
   * no room for one) or its audio is in another format (a fault says so).
   */
  private continuedAudioSettings(
    file: ReturnType<typeof continuedAudio> | undefined,
  ): StartMessage['audio'] {
    const a = this.msg.audio;
    if (!a || file === undefined) return a;
    if (file === null) return null;
    if (file.sampleRate === a.sampleRate && file.channels === a.numberOfChannels) return a;
    this.post({
      type: 'fault',
      code: 'audio-encoder-error',
      message: `The file's audio is ${file.sampleRate} Hz, ${file.channels} channels; the room's ${a.sampleRate} Hz, ${a.numberOfChannels}: continuing without audio`,
      fatal: false,
    });
    return null;
  }

  /**
   * The best audio encoder that opens (of `codec` only, to continue a file whose audio is
   * in it); a fault says which were passed over, and why.
   */
  private async openAudio(
    settings: NonNullable<StartMessage['audio']>,
    codec?: 'aac' | 'opus',
  ): Promise<void> {
    const all = await audioChoices(settings);
    const choices = codec ? all.filter((x: AudioChoice) => x.codec === codec) : all;
    if (codec && choices.length === 0) {
      this.post({
        type: 'fault',
        code: 'audio-encoder-error',
        message: `The file's audio is ${codec === 'aac' ? 'AAC' : 'Opus'}, which cannot be encoded here: continuing without audio`,
        fatal: false,
      });
      return;
    }
    const { encoder, failures } = await openAudioEncoder(
      choices,
      {
        output: (chunk, meta) => this.onAudioChunk(chunk, meta),
        error: (e) => this.audioFailed(`The audio encoder failed: ${e.message}`),
      },
      this.msg.faults?.wasmAacUnavailable ? unavailableWasmAac : wasmAacWithSpare,
      this.audioFromUs,
    );
    this.audio = encoder;
    this.audioTrack = encoder ? { codec: encoder.codec, encoder: encoder.kind } : null;
    if (!encoder) {
      const why = failures.length ? ` (${failures.join('; ')})` : '';
      this.post({
        type: 'fault',
        code: 'audio-encoder-error',
        message: `Neither AAC nor Opus can be encoded here${why}: recording without audio`,
        fatal: false,
      });
    } else if (failures.length) {
      this.post({
        type: 'fault',
        code: 'audio-encoder-error',
        message: `${failures.join('; ')}: recording ${encoder.codec === 'opus' ? 'Opus' : 'AAC'} instead`,
        fatal: false,
      });
    }
  }

  /** Handles a message from the page after start. */
  onMessage(m: ToWorker): void {
    // The page sends nothing before `started`; after a failed start there is nothing to do.
    if (!this.running) return;
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
      case 'sink-ack':
        this.sink.answer(m);
        break;
      case 'stop':
        void this.finish(null);
        break;
      case 'start':
        break;
    }
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
    const enc = this.audio;
    if (!enc || !this.running || this.stopping) {
      data.close();
      return;
    }
    const ts = this.timeline.stamp(data, (performance.now() - this.t0) * 1000);
    if (ts === null || enc.queueSize > MAX_AUDIO_QUEUE) {
      data.close();
      return;
    }
    const chunks = this.timeline.toEncode(data, ts);
    data.close();
    try {
      for (const c of chunks) enc.encode(c);
    } catch (e) {
      this.audioFailed(`The audio encoder refused a chunk: ${(e as Error).message}`);
    } finally {
      for (const c of chunks) c.close();
    }
  }

  private audioFailed(message: string): void {
    const enc = this.audio;
    if (!enc) return;
    this.audio = null;
    enc.close();
    // The video goes on: a recording without its audio beats no recording.
    this.post({ type: 'fault', code: 'audio-encoder-error', message, fatal: false });
  }

  /** A packet of the live encoder, or (`fill`) of a continuation's gap fill. */
  private onVideoChunk(
    chunk: EncodedVideoChunk,
    meta?: EncodedVideoChunkMetadata,
    fill = false,
  ): void {
    // Where the video stands is where the encoders are, held or not (audio drift, X5).
    this.lastVideoUs = Math.max(this.lastVideoUs, chunk.timestamp);
    if (!fill && this.heldVideo) {
      this.heldVideo.push(meta ? { chunk, meta } : { chunk });
      return;
    }
    this.writeVideo(chunk, meta);
  }

  private writeVideo(chunk: EncodedVideoChunk, meta?: EncodedVideoChunkMetadata): void {
    this.counts.encoded++;
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

  /** Whether a deterministic frame may be made now: room in the encoder and in the sink. */
  private canTakeFrame(): boolean {
    const enc = this.video;
    return (
      !!enc &&
      enc.open &&
      enc.queueSize < MAX_ENCODER_QUEUE &&
      this.pendingWrites < MAX_PENDING_WRITES
    );
  }

  /** Wakes a deterministic clock waiting for room. */
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
    const plans = this.pacer.plan((performance.now() - this.t0) * 1000, {
      queue: this.video?.queueSize ?? 0,
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
      while (!this.canTakeFrame() && !this.stopping) {
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
    const enc = this.video;
    if (!enc || !enc.open || this.failure) return;
    if (plan.action === 'drop') {
      this.counts.drop(
        plan.cause === 'sink' ? 'sink' : plan.index < this.pacer.nextIndex - 1 ? 'late' : 'busy',
      );
      return;
    }
    if (!this.begun && !this.mayBegin(plan)) return;
    const init = {
      timestamp: this.originUs + plan.timestampUs,
      duration: Math.round(1e6 / this.msg.video.framerate),
    };
    let frame: VideoFrame;
    let repeat = plan.action === 'repeat' && this.lastComposite !== null;
    if (!repeat) {
      const started = performance.now();
      const report = this.compositor.compose();
      if (!report.changed && this.lastComposite) {
        // Nothing changed (a slide, a paused share): the last composite again, no copy.
        frame = new VideoFrame(this.lastComposite, init);
        repeat = true;
      } else {
        frame = this.compositor.frame(init.timestamp, init.duration);
        this.lastComposite?.close();
        this.lastComposite = frame.clone();
      }
      this.counts.compose(performance.now() - started, report.draws);
    } else {
      frame = new VideoFrame(this.lastComposite!, init);
    }
    if (repeat) this.counts.repeat(plan.cause);
    try {
      if (!this.begun) {
        this.begun = true;
        this.fillGap(frame);
      }
      enc.encode(frame, plan.index);
    } catch (e) {
      this.fail(
        'video-encoder-error',
        `The video encoder refused a frame: ${(e as Error).message}`,
      );
    } finally {
      frame.close();
    }
  }

  /**
   * Whether the first frame may be made at `plan`: at once, except in a continuation, which
   * holds its first frame through the switch's gap and so waits (up to
   * {@link MAX_FIRST_PICTURE_WAIT_US}) for every source's first picture. The ticks it waits
   * become part of the held gap.
   */
  private mayBegin(plan: TickPlan): boolean {
    return (
      !this.msg.continuation ||
      plan.timestampUs >= MAX_FIRST_PICTURE_WAIT_US ||
      this.compositor.allPictured
    );
  }

  /**
   * A continuation's gap, from where the file's media ended to `first` (this recording's first
   * frame): `first`'s picture again at the file's frame rate, so the video has no hole (some
   * demuxers ignore a fragment's start time, or only a large jump of it) and keeps its rate.
   *
   * A second encoder makes it, beside the live one: a gap of seconds is tens of frames, and
   * queued in front of the live frames they held the room's picture still for a second or
   * more after the switch (the pacer repeats while the encoder is busy). Each encoder's first
   * packet is a keyframe with its own SPS and PPS in band (avc3), so the stream may change
   * encoder there; the live packets wait until the fill's are written.
   */
  private fillGap(first: VideoFrame): void {
    const fps = this.msg.video.framerate;
    const duration = Math.round(1e6 / fps);
    let fill: RecordingVideoEncoder | null = null;
    for (let k = 0; ; k++) {
      const timestamp = this.fillFromUs + frameTimestampUs(k, fps);
      // A last frame shorter than half a frame is left to the one before.
      if (timestamp > first.timestamp - duration / 2) break;
      fill ??= new RecordingVideoEncoder(this.msg.video, {
        output: (chunk, meta) => this.onVideoChunk(chunk, meta, true),
        error: (e) => this.fail('video-encoder-error', `The video encoder failed: ${e.message}`),
        dequeue: () => undefined,
      });
      const copy = new VideoFrame(first, { timestamp, duration });
      try {
        fill.encode(copy, -1);
      } finally {
        copy.close();
      }
    }
    if (!fill) return;
    const encoder = fill;
    this.heldVideo = [];
    this.filled = encoder.flush().then(
      () => {
        encoder.close();
        const held = this.heldVideo ?? [];
        this.heldVideo = null;
        for (const h of held) this.writeVideo(h.chunk, h.meta);
      },
      (e: unknown) => {
        encoder.close();
        this.heldVideo = null;
        this.fail(
          'video-encoder-error',
          `Encoding the switch's gap failed: ${(e as Error).message}`,
        );
      },
    );
  }

  /** `final`: the last report, at stop (its second is not whole: the previous fps stands). */
  private health(final = false): PipelineHealth {
    const fps = final ? this.lastFps : this.counts.encodedSinceLast();
    this.lastFps = fps;
    const c = this.counts;
    return {
      framesEncoded: c.encoded,
      framesDropped: c.dropped,
      framesRepeated: c.repeated,
      fps,
      encoderQueue: this.video?.queueSize ?? 0,
      bytesWritten: this.writer?.bytesWritten ?? 0,
      avDriftMs: this.audio || this.lastAudioUs ? (this.lastAudioUs - this.lastVideoUs) / 1000 : 0,
      composeMsP50: percentile(c.composeMs.latest(30), 50),
    };
  }

  private postHealth(): void {
    if (this.running && !this.stopping) this.post({ type: 'health', health: this.health() });
  }

  /** The figures of the run so far (the benchmark reads them from the result). */
  private stats(): PipelineStats {
    const c = this.counts;
    const composeMs = c.composeMs.values();
    const wallMs = performance.now() - this.t0;
    return {
      framesComposed: c.composed,
      framesEncoded: c.encoded,
      framesDropped: c.dropped,
      droppedLate: c.droppedLate,
      droppedBusy: c.droppedBusy,
      droppedSink: c.droppedSink,
      framesRepeated: c.repeated,
      repeatedLate: c.repeatedLate,
      repeatedBusy: c.repeatedBusy,
      composeMsP50: percentile(composeMs, 50),
      composeMsP95: percentile(composeMs, 95),
      drawsPerFrame: c.composed ? c.draws / c.composed : 0,
      encodeFps: wallMs > 0 ? c.encoded / (wallMs / 1000) : 0,
      audioCodec: this.audioTrack?.codec ?? null,
      audioEncoder: this.audioTrack?.encoder ?? null,
      packetsSkipped: this.writer?.skippedPackets ?? 0,
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
    const v = this.video;
    const a = this.audio;
    try {
      // A failed encoder is closed already; a healthy one gives out what it holds.
      if (v && !error) await v.flush();
      // The live packets held behind a gap fill are written once it is.
      await this.filled;
      if (a) await a.flush().catch(() => undefined);
    } catch (e) {
      error ??= new PipelineError(
        'video-encoder-error',
        `Flushing the encoder failed: ${(e as Error).message}`,
      );
    }
    v?.close();
    a?.close();
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
        result = { ...r, stats: this.stats() };
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

/**
 * The audio a continuation of `c`'s file must make (null: the file has none), after checking
 * the file can be continued at all.
 *
 * @throws PipelineError `cannot-continue` when the file's video is not `avc3` (its samples do
 * not carry their parameter sets, so another encoder's could not follow) or the header cannot
 * be read.
 */
function continuedAudio(
  c: Continuation,
  framerate: number,
): { codec: 'aac' | 'opus'; sampleRate: number; channels: number } | null {
  let tracks;
  try {
    tracks = readTracks(c.header);
  } catch (e) {
    throw new PipelineError(
      'cannot-continue',
      `The file's header cannot be read: ${(e as Error).message}`,
    );
  }
  const video = tracks.find((t) => t.handler === 'vide');
  if (video?.sampleEntry !== 'avc3') {
    throw new PipelineError(
      'cannot-continue',
      `The file's video is ${video?.sampleEntry ?? 'missing'}, not avc3: another encoder cannot continue it`,
    );
  }
  // An integer rate is its own timescale; the writer checks the others against the file.
  if (Number.isInteger(framerate) && video.timescale !== framerate) {
    throw new PipelineError(
      'cannot-continue',
      `The file's video is ${video.timescale} fps, not ${framerate}`,
    );
  }
  const audio = tracks.find((t) => t.handler === 'soun');
  if (!audio) return null;
  const codec = CODEC_OF_ENTRY[audio.sampleEntry];
  if (!codec) {
    throw new PipelineError('cannot-continue', `The file's audio is ${audio.sampleEntry}`);
  }
  return { codec, sampleRate: audio.sampleRate, channels: audio.channels };
}
