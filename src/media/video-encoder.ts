/**
 * The recording's H.264 encoder: WebCodecs' `VideoEncoder` with the shared config
 * (encoder-config.ts) and a keyframe on the recording's interval, so each fragment starts
 * with one and a crash loses at most an interval.
 */
import { videoEncoderConfig } from './encoder-config.js';
import type { VideoSettings } from './protocol.js';

/** Where the encoder's packets, failures and freed queue slots go. */
export interface VideoEncoderCallbacks {
  output(chunk: EncodedVideoChunk, meta?: EncodedVideoChunkMetadata): void;
  error(error: Error): void;
  /** A frame left the queue: a waiting tick may go on. */
  dequeue(): void;
}

/** WebCodecs' `VideoEncoder`, configured for the recording, with its keyframe schedule. */
export class RecordingVideoEncoder {
  private readonly encoder: VideoEncoder;
  private readonly config: VideoEncoderConfig;
  private nextKeyUs = 0;

  /**
   * @param breakAtFrame test-only fault injection: at this frame index the encoder is given a
   * config it cannot take, so it fails through its error callback as a real failure would.
   */
  constructor(
    private readonly settings: VideoSettings,
    callbacks: VideoEncoderCallbacks,
    private readonly breakAtFrame?: number,
  ) {
    this.config = videoEncoderConfig(settings);
    this.encoder = new VideoEncoder({
      output: (chunk, meta) => callbacks.output(chunk, meta),
      error: (e) => callbacks.error(e),
    });
    this.encoder.configure(this.config);
    this.encoder.addEventListener('dequeue', () => callbacks.dequeue());
  }

  /** Whether it takes frames (not failed, not closed). */
  get open(): boolean {
    return this.encoder.state === 'configured';
  }

  /** Frames handed over and not encoded yet. */
  get queueSize(): number {
    return this.encoder.encodeQueueSize;
  }

  /**
   * Encodes `frame` (frame `index` of the file), a keyframe once the interval has passed.
   * The caller still owns `frame`.
   *
   * @throws what `VideoEncoder.encode` throws when it refuses the frame.
   */
  encode(frame: VideoFrame, index: number): void {
    const keyFrame = frame.timestamp >= this.nextKeyUs;
    if (keyFrame) {
      // Half a frame early, so rounding never pushes a keyframe to the frame after.
      const halfFrameUs = 1e6 / this.settings.framerate / 2;
      this.nextKeyUs = frame.timestamp + this.settings.keyFrameIntervalSec * 1e6 - halfFrameUs;
    }
    if (this.breakAtFrame === index) {
      this.encoder.configure({ ...this.config, width: 16384, height: 16384 });
    }
    this.encoder.encode(frame, { keyFrame });
  }

  /** Resolves once every frame handed over is out as packets. */
  async flush(): Promise<void> {
    if (this.open) await this.encoder.flush();
  }

  /** Idempotent. */
  close(): void {
    if (this.encoder.state !== 'closed') this.encoder.close();
  }
}
