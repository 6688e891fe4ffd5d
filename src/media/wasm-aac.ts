/**
 * AAC-LC where the browser has no AAC encoder (Chromium and Chrome on Linux, Firefox): FFmpeg's
 * encoder compiled to WASM, from `@mediabunny/aac-encoder` (MPL-2.0). Loaded lazily by the
 * worker (audio-encoder.ts), so the page and the worker's own script stay small.
 *
 * The package offers no encoder object of its own: it registers one with mediabunny, which
 * uses it from its encoding API. So the samples go through an `AudioSampleSource` into an
 * ADTS output with a `NullTarget` (the ADTS muxer keeps nothing per packet, so a day-long
 * recording holds no index) and the packets are taken from `onEncodedPacket`; our own MP4
 * writer muxes them, as it does the browser encoders' packets. The package's WASM is inlined
 * in its script and runs in a worker it starts from a blob: there is no file to locate
 * relative to ours.
 */
import { registerAacEncoder } from '@mediabunny/aac-encoder';
import {
  AdtsOutputFormat,
  AudioSample,
  AudioSampleSource,
  NullTarget,
  Output,
  Quality,
  type EncodedPacket,
} from 'mediabunny';
import type { AudioEncoderCallbacks, WasmAacEncoderHandle } from './audio-encoder-port.js';

/**
 * FFmpeg's AAC encoder delays its signal by one frame (`initial_padding`, 1024 samples): the
 * first packet decodes to silence and each packet to the samples of the frame before it. The
 * packets are stamped that much earlier, so sound and picture line up (21 ms at 48 kHz), and
 * packets that fall before the recording's media starts are left out.
 *
 * The encoder stamps its packets by counting samples from the first one it was given (gaps
 * are filled with silence by mediabunny), so it runs on a time of its own whose zero is where
 * this recording's audio begins in the file (0, or, for a continuation, where the file's media
 * ended): samples go in moved back by that much and packets come out moved forward. So an
 * encoder opened before its recording's start was known (see `retarget`) needs nothing redone.
 */
const AAC_ENCODER_DELAY = 1024;

class WasmAacEncoder implements WasmAacEncoderHandle {
  readonly kind = 'wasm-aac';
  readonly codec = 'aac';
  private pending = 0;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private failed = false;
  /** Whether audio was given: the time base is fixed from then on. */
  private fed = false;
  /** The decoder config, held until the first packet that is kept. */
  private config: EncodedAudioChunkMetadata | undefined;

  constructor(
    private readonly output: Output,
    private readonly source: AudioSampleSource,
    private callbacks: AudioEncoderCallbacks,
    /** Where the encoder's time zero is in the file, in microseconds. */
    private originUs: number,
  ) {}

  retarget(callbacks: AudioEncoderCallbacks, startUs: number): void {
    if (this.fed) throw new Error('retarget: this encoder has already been given audio');
    if (this.failed || this.closed) throw new Error('retarget: this encoder failed or closed');
    this.callbacks = callbacks;
    this.originUs = startUs;
  }

  get queueSize(): number {
    return this.pending;
  }

  /** Takes a packet out of mediabunny, moved back by the encoder's delay. */
  onPacket(
    packet: EncodedPacket,
    meta: EncodedAudioChunkMetadata | undefined,
    sampleRate: number,
  ): void {
    if (meta?.decoderConfig) this.config = meta;
    const start = Math.round(packet.timestamp * sampleRate) - AAC_ENCODER_DELAY;
    if (start < 0 || this.closed) return;
    const chunk = new EncodedAudioChunk({
      type: 'key',
      timestamp: Math.round(this.originUs + (start / sampleRate) * 1e6),
      duration: Math.round(packet.duration * 1e6),
      data: packet.data,
    });
    const first = this.config;
    this.config = undefined;
    this.callbacks.output(chunk, first);
  }

  encode(data: AudioData): void {
    if (this.closed || this.failed) return;
    // A clone: the caller closes its AudioData at once, the encoder reads it later.
    const sample = new AudioSample(data.clone());
    sample.setTimestamp((data.timestamp - this.originUs) / 1e6);
    this.fed = true;
    this.pending++;
    this.chain = this.chain
      .then(() => this.source.add(sample))
      .catch((e: unknown) => this.fail(e))
      .finally(() => {
        this.pending--;
        sample.close();
      });
  }

  async flush(): Promise<void> {
    await this.chain;
    if (this.closed || this.failed) return;
    try {
      // Finalizing the output flushes the encoder: the last frame, padded, comes out.
      await this.output.finalize();
    } catch (e) {
      this.fail(e);
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.output.state !== 'finalized' && this.output.state !== 'canceled') {
      void this.output.cancel().catch(() => undefined);
    }
  }

  private fail(e: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.callbacks.error(e instanceof Error ? e : new Error(String(e)));
  }
}

/**
 * Starts the WASM AAC-LC encoder with `config` (sample rate, channels, bitrate), for audio
 * that begins at `startUs` in the file. Resolves once it has loaded and encoded a first
 * frame, so a failure to load shows here, at start, while another encoder can still be chosen.
 */
export async function openWasmAac(
  config: AudioEncoderConfig,
  callbacks: AudioEncoderCallbacks,
  startUs = 0,
): Promise<WasmAacEncoderHandle> {
  registerAacEncoder();
  const { sampleRate, numberOfChannels } = config;
  let encoder: WasmAacEncoder | null = null;
  const source = new AudioSampleSource({
    codec: 'aac',
    quality: new Quality({ bitrate: config.bitrate ?? 128_000 }),
    onEncodedPacket: (packet, meta) => encoder?.onPacket(packet, meta, sampleRate),
  });
  const output = new Output({ format: new AdtsOutputFormat(), target: new NullTarget() });
  output.addAudioTrack(source);
  await output.start();
  encoder = new WasmAacEncoder(output, source, callbacks, startUs);
  // One frame of silence just before the start loads the WASM now, not at the first sound, and
  // is what the encoder's delay pushes out first; its packets fall before the start and are
  // left out.
  const warmUp = new AudioSample({
    format: 'f32-planar',
    sampleRate,
    numberOfChannels,
    numberOfFrames: AAC_ENCODER_DELAY,
    timestamp: -AAC_ENCODER_DELAY / sampleRate,
    data: new Float32Array(AAC_ENCODER_DELAY * numberOfChannels),
  });
  try {
    await source.add(warmUp);
  } catch (e) {
    void output.cancel().catch(() => undefined);
    throw e;
  } finally {
    warmUp.close();
  }
  return encoder;
}
