/**
 * The MP4 writer: WebCodecs packets in, a fragmented MP4 out, append-only, fragment by
 * fragment, to a {@link FragmentSink}.
 */
import type { Continuation, Fragment, FragmentInfo, FragmentSink } from '../types.js';
import { type AvcParameterSets, inBandCodecString, parseAvcC, withParameterSets } from './avc.js';
import { type FragmentTracks, type HeldPacket, muxFragment } from './fragment-muxer.js';
import { readTracks, trackMismatch } from './tracks.js';

/** What the writer needs of an encoded chunk (an `EncodedVideoChunk` or `EncodedAudioChunk`). */
export type EncodedChunkLike = Pick<
  EncodedVideoChunk,
  'type' | 'timestamp' | 'duration' | 'byteLength' | 'copyTo'
>;

/** Options of {@link Mp4FragmentWriter}. */
export interface Mp4FragmentWriterOptions {
  /** The H.264 track; its decoder config (avcC) comes with the first chunk's metadata. */
  video: { width: number; height: number; framerate: number };
  /** The audio track, or null for a file without audio. */
  audio: { codec: 'aac' | 'opus'; sampleRate: number; numberOfChannels: number } | null;
  /** Where the header and each fragment go; every write is awaited (backpressure). */
  sink: FragmentSink;
  /**
   * Minimum fragment duration in seconds (default 1). A fragment ends at the first video
   * keyframe at least this long after its start, so an encoder's extra scene-change
   * keyframes do not make tiny fragments, and a 2-s keyframe interval gives 2-s fragments.
   */
  fragmentSeconds?: number;
  /**
   * Continue a file another writer began: no header is written (the file's is kept), and
   * fragments are indexed, numbered and placed after the file's. Timestamps are the
   * caller's: they must go on from where the file's media ends.
   */
  continuation?: Pick<
    Continuation,
    'header' | 'nextFragmentIndex' | 'nextSequence' | 'startOffsetBytes'
  >;
}

/** What {@link Mp4FragmentWriter.finish} returns: all the header rewrite needs. */
export interface Mp4WriterResult {
  /** The original header (ftyp + moov), as given to the sink. */
  header: Uint8Array;
  /** Every fragment written, in order. */
  fragments: FragmentInfo[];
  /** Presentation end of the last fragment, in microseconds from the recording's start. */
  durationUs: number;
  /** Bytes of the stream as written: header plus every fragment. */
  bytesWritten: number;
  /** mfhd sequence number the next moof of the file would take (for a continuation). */
  nextSequence: number;
}

interface ClosedFragment {
  video: HeldPacket[];
  startUs: number;
  endUs: number;
}

/** Audio is waited for at most this many complete video fragments before going without. */
const MAX_WAITING_FRAGMENTS = 2;

function copyChunk(chunk: EncodedChunkLike): Uint8Array {
  const data = new Uint8Array(chunk.byteLength);
  chunk.copyTo(data);
  return data;
}

/** AudioSpecificConfig of AAC-LC, for a header that must be written before any audio came. */
function aacLcConfig(sampleRate: number, channels: number): Uint8Array {
  const rates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];
  const index = rates.indexOf(sampleRate);
  if (index < 0) throw new RangeError(`AAC sample rate ${sampleRate} is not supported`);
  // objectType 2 (5 bits), frequency index (4), channel configuration (4), 3 zero bits.
  return new Uint8Array([(2 << 3) | (index >> 1), ((index & 1) << 7) | (channels << 3)]);
}

/**
 * Writes a fragmented MP4 from WebCodecs packets: the header (ftyp + moov) once, then each
 * complete fragment (the audio of its time in a moof + mdat, then its video from one
 * keyframe to the next in another) with its byte offset in the stream. Timestamps are
 * microseconds from the recording's start, from one clock for audio and video.
 *
 * The video track is `avc3` and every keyframe carries its SPS and PPS (see avc.ts), so
 * fragments of another encoder, with other parameter sets, can follow in the same file. Another writer can go on with the
 * same file (see {@link Mp4FragmentWriterOptions.continuation}).
 *
 * Memory stays flat: every fragment is muxed by its own short-lived mediabunny Output (see
 * fragment-muxer.ts), so nothing is kept per packet once a fragment is out; the writer holds
 * the open fragment, at most {@link MAX_WAITING_FRAGMENTS} fragments waiting for their
 * audio, and one small {@link FragmentInfo} per fragment.
 *
 * Calls may overlap (a video and an audio encoder's outputs); they are applied in call
 * order. Each returned promise settles once the fragments it completed are in the sink.
 *
 * @example
 * ```ts
 * const writer = new Mp4FragmentWriter({ video, audio, sink });
 * // in the encoders' output callbacks:
 * await writer.addVideoChunk(chunk, meta);
 * // at Stop:
 * const { header, fragments, bytesWritten } = await writer.finish();
 * const index = rewriteHeader(header, fragments, { streamBytes: bytesWritten });
 * ```
 */
export class Mp4FragmentWriter {
  private readonly opts: Mp4FragmentWriterOptions;
  private readonly minFragmentUs: number;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown = null;
  private finished = false;

  private videoConfig: VideoDecoderConfig | null = null;
  private audioConfig: AudioDecoderConfig | null = null;
  /** Frozen with the header, so every fragment's Output writes the same moov. */
  private tracks: FragmentTracks | null = null;

  private open: HeldPacket[] = [];
  private readonly waiting: ClosedFragment[] = [];
  private audioQueue: HeldPacket[] = [];
  private audioEndUs = -Infinity;
  private lastAudioUs = -Infinity;
  private lastAudioDurationUs = 0;

  /** SPS and PPS of the encoder's latest config, put in front of every keyframe. */
  private parameterSets: AvcParameterSets | null = null;

  private header: Uint8Array | null = null;
  private readonly infos: FragmentInfo[] = [];
  private written = 0;
  /** mfhd sequence number of the next moof: one file, one increasing sequence. */
  private nextSequence = 1;
  private nextIndex = 0;
  private skipped = 0;

  constructor(opts: Mp4FragmentWriterOptions) {
    const { width, height, framerate } = opts.video;
    if (!(width > 0 && height > 0 && framerate > 0)) {
      throw new RangeError('Mp4FragmentWriter: video width, height and framerate must be > 0');
    }
    this.opts = opts;
    this.minFragmentUs = Math.round((opts.fragmentSeconds ?? 1) * 1e6);
    const c = opts.continuation;
    if (c) {
      if (!(Number.isInteger(c.nextFragmentIndex) && c.nextFragmentIndex >= 0)) {
        throw new RangeError(`Mp4FragmentWriter: bad nextFragmentIndex ${c.nextFragmentIndex}`);
      }
      if (!(c.startOffsetBytes >= c.header.length)) {
        throw new RangeError('Mp4FragmentWriter: startOffsetBytes is inside the header');
      }
      this.header = c.header;
      this.written = c.startOffsetBytes;
      this.nextIndex = c.nextFragmentIndex;
      this.nextSequence = c.nextSequence ?? c.nextFragmentIndex + 1;
    }
  }

  /** Bytes handed to the sink and acknowledged: header plus fragments. */
  get bytesWritten(): number {
    return this.written;
  }

  /** Packets left out: video before the first keyframe, audio going back in time. */
  get skippedPackets(): number {
    return this.skipped;
  }

  /**
   * Adds an H.264 chunk (avc format); the first must carry `meta.decoderConfig`. Keyframes
   * get the SPS and PPS of the latest config in front (see avc.ts).
   */
  addVideoChunk(chunk: EncodedChunkLike, meta?: EncodedVideoChunkMetadata): Promise<void> {
    const p: HeldPacket = {
      data: copyChunk(chunk),
      key: chunk.type === 'key',
      timestampUs: chunk.timestamp,
      durationUs: chunk.duration ?? 0,
    };
    return this.enqueue(() => this.onVideo(p, meta));
  }

  /** Adds an AAC or Opus chunk; the first should carry `meta.decoderConfig`. */
  addAudioChunk(chunk: EncodedChunkLike, meta?: EncodedAudioChunkMetadata): Promise<void> {
    const p: HeldPacket = {
      data: copyChunk(chunk),
      key: true,
      timestampUs: chunk.timestamp,
      durationUs: chunk.duration ?? 0,
    };
    return this.enqueue(() => this.onAudio(p, meta));
  }

  /**
   * Writes the last fragment (the open video and all audio left) and returns the header,
   * the fragment table and the stream size. Throws if no video was ever written.
   */
  async finish(): Promise<Mp4WriterResult> {
    await this.enqueue(async () => {
      this.finished = true;
      const last = this.open.at(-1);
      if (last && this.open[0]) {
        if (last.durationUs <= 0) last.durationUs = Math.round(1e6 / this.opts.video.framerate);
        // The file ends with its last frame: audio past it (the encoder's tail) is left out.
        const endUs = last.timestampUs + last.durationUs;
        this.waiting.push({ video: this.open, startUs: this.open[0].timestampUs, endUs });
        this.open = [];
      }
      await this.drain(true);
    });
    if (!this.header) throw new Error('Mp4FragmentWriter: no video was written');
    const lastInfo = this.infos.at(-1);
    return {
      header: this.header,
      fragments: this.infos.slice(),
      durationUs: lastInfo ? lastInfo.startUs + lastInfo.durationUs : 0,
      bytesWritten: this.written,
      nextSequence: this.nextSequence,
    };
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.failure !== null) throw this.failure;
      if (this.finished) throw new Error('Mp4FragmentWriter: already finished');
      try {
        await step();
      } catch (e) {
        this.failure = e;
        throw e;
      }
    };
    const next = this.queue.then(run);
    // The chain itself must not reject, or one failure would be reported by every caller.
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async onVideo(p: HeldPacket, meta?: EncodedVideoChunkMetadata): Promise<void> {
    const config = meta?.decoderConfig;
    if (config) {
      this.videoConfig ??= config;
      if (config.description) this.parameterSets = parseAvcC(config.description);
    }
    if (!this.videoConfig) {
      throw new Error('Mp4FragmentWriter: the first video chunk must carry meta.decoderConfig');
    }
    if (p.key && this.parameterSets) p.data = withParameterSets(p.data, this.parameterSets);
    if (!(p.timestampUs >= 0)) {
      throw new RangeError(`Mp4FragmentWriter: negative video timestamp ${p.timestampUs}`);
    }
    const first = this.open[0];
    const prev = this.open.at(-1);
    if (!first || !prev) {
      if (!p.key) {
        this.skipped++;
        return;
      }
      this.open = [p];
    } else {
      // The true duration of the previous frame, so the fragment ends where the next starts.
      prev.durationUs = Math.max(0, p.timestampUs - prev.timestampUs);
      if (p.key && p.timestampUs - first.timestampUs >= this.minFragmentUs) {
        this.waiting.push({ video: this.open, startUs: first.timestampUs, endUs: p.timestampUs });
        this.open = [p];
      } else {
        this.open.push(p);
      }
    }
    await this.drain(false);
  }

  private async onAudio(p: HeldPacket, meta?: EncodedAudioChunkMetadata): Promise<void> {
    if (!this.opts.audio) throw new Error('Mp4FragmentWriter: created without an audio track');
    if (meta?.decoderConfig && !this.audioConfig) this.audioConfig = meta.decoderConfig;
    if (!(p.timestampUs >= 0) || p.timestampUs < this.lastAudioUs) {
      // An MP4 track cannot go back in time; one lost audio packet is a 20-ms gap.
      this.skipped++;
      return;
    }
    if (p.durationUs <= 0) p.durationUs = this.lastAudioDurationUs;
    this.lastAudioDurationUs = p.durationUs;
    this.lastAudioUs = p.timestampUs;
    this.audioEndUs = Math.max(this.audioEndUs, p.timestampUs + p.durationUs);
    this.audioQueue.push(p);
    await this.drain(false);
  }

  /** Writes the complete fragments whose audio has arrived (or that cannot wait longer). */
  private async drain(final: boolean): Promise<void> {
    while (this.waiting[0]) {
      const f = this.waiting[0];
      const audio = this.opts.audio;
      const mustGo = final || this.waiting.length >= MAX_WAITING_FRAGMENTS;
      if (audio && !mustGo && (this.audioConfig === null || this.audioEndUs < f.endUs)) return;
      this.waiting.shift();
      const isLast = final && this.waiting.length === 0;
      let cut = 0;
      while (cut < this.audioQueue.length && this.audioQueue[cut]!.timestampUs < f.endUs) cut++;
      const fragmentAudio = this.audioQueue.slice(0, cut);
      this.audioQueue = isLast ? [] : this.audioQueue.slice(cut);
      await this.write(f, fragmentAudio);
    }
  }

  private trackSetup(): FragmentTracks {
    if (this.tracks) return this.tracks;
    const v = this.opts.video;
    const vc = this.videoConfig!;
    const video = {
      frameRate: v.framerate,
      decoderConfig: {
        ...vc,
        codec: inBandCodecString(vc.codec),
        codedWidth: vc.codedWidth ?? v.width,
        codedHeight: vc.codedHeight ?? v.height,
      },
    };
    const a = this.opts.audio;
    let audio: FragmentTracks['audio'] = null;
    if (a) {
      const fallback: AudioDecoderConfig = {
        codec: a.codec === 'aac' ? 'mp4a.40.2' : 'opus',
        sampleRate: a.sampleRate,
        numberOfChannels: a.numberOfChannels,
        ...(a.codec === 'aac'
          ? { description: aacLcConfig(a.sampleRate, a.numberOfChannels) }
          : {}),
      };
      audio = { codec: a.codec, decoderConfig: this.audioConfig ?? fallback };
    }
    this.tracks = { video, audio };
    return this.tracks;
  }

  private async write(f: ClosedFragment, audio: HeldPacket[]): Promise<void> {
    const index = this.nextIndex;
    const muxed = await muxFragment(this.trackSetup(), f.video, audio, this.nextSequence);
    const c = this.opts.continuation;
    if (c && index === c.nextFragmentIndex) {
      // Checked once: every Output of this writer makes the same moov.
      const why = trackMismatch(readTracks(muxed.header), readTracks(c.header));
      if (why) throw new Error(`Mp4FragmentWriter: cannot continue the file: ${why}`);
    }
    this.nextSequence += muxed.moofCount;
    this.nextIndex++;
    if (!this.header) {
      this.header = muxed.header;
      await this.opts.sink.writeHeader(muxed.header);
      this.written += muxed.header.length;
    }
    const fragment: Fragment = {
      index,
      offset: this.written,
      bytes: muxed.bytes,
      startUs: f.startUs,
      durationUs: f.endUs - f.startUs,
      startsWithKeyframe: true,
      nextSequence: this.nextSequence,
    };
    const lastAudio = audio.at(-1);
    if (lastAudio) fragment.audioEndUs = lastAudio.timestampUs + lastAudio.durationUs;
    await this.opts.sink.writeFragment(fragment);
    this.written += muxed.bytes.length;
    const { bytes: _bytes, ...info } = fragment;
    this.infos.push(info);
  }
}
