/**
 * A visual source as the page hands it to the worker. Tracks (and videos playing a
 * MediaStream) become a track processor's readable, transferred to the worker, which sees
 * each new frame as it comes, also in a hidden tab. Canvases and file-backed videos are
 * captured on the worker's request, once a tick: a canvas every tick as an ImageBitmap (cheap,
 * its pixels are already RGB), a video only when its time has moved.
 */
import type { VisualSource } from '../recorder/engine.js';
import type { SourceDesc } from './protocol.js';
import { videoFrames } from './track-processor.js';

/** The live video track a source plays, if it is one or plays one. */
export function liveTrackOf(source: VisualSource): MediaStreamTrack | null {
  if (source instanceof MediaStreamTrack) return source.readyState === 'live' ? source : null;
  if (source instanceof HTMLVideoElement && source.srcObject instanceof MediaStream) {
    return source.srcObject.getVideoTracks().find((t) => t.readyState === 'live') ?? null;
  }
  return null;
}

/** Whether a source has ended for good (its track ended), so it should not be recorded. */
export function hasEnded(source: VisualSource): boolean {
  if (source instanceof MediaStreamTrack) return source.readyState === 'ended';
  if (source instanceof HTMLVideoElement && source.srcObject instanceof MediaStream) {
    return liveTrackOf(source) === null;
  }
  return false;
}

export class FrameSource {
  readonly kind: 'stream' | 'push';
  /** The clone the worker reads (ours to stop), for `stream` sources. */
  private readonly clone: MediaStreamTrack | null = null;
  private readable: ReadableStream<VideoFrame> | null = null;
  /** Kept referenced while recording: a collected processor ends its stream. */
  private processor: object | null = null;
  private lastTime = -1;
  private fitted = '';

  constructor(
    readonly id: string,
    readonly role: 'stage' | 'webcam',
    readonly source: VisualSource,
  ) {
    const track = liveTrackOf(source);
    if (track) {
      this.kind = 'stream';
      // A clone, so resizing it to its tile does not change what the room sees.
      this.clone = track.clone();
      const { readable, processor } = videoFrames(this.clone);
      this.readable = readable;
      this.processor = processor;
      // A clone outlives its original's stop(); the page stopping a share ends it here too.
      track.addEventListener('ended', () => this.clone?.stop(), { once: true });
    } else {
      this.kind = 'push';
    }
  }

  /** The readable to transfer to the worker, once. */
  takeReadable(): ReadableStream<VideoFrame> | null {
    const r = this.readable;
    this.readable = null;
    return r;
  }

  /** Intrinsic size now; 0x0 when unknown (left out of the layout until known). */
  size(): { width: number; height: number } {
    const s = this.source;
    if (this.clone) {
      const set = this.clone.getSettings();
      // The un-resized size keeps the true aspect ratio.
      if (s instanceof HTMLVideoElement && s.videoWidth > 0) {
        return { width: s.videoWidth, height: s.videoHeight };
      }
      const orig = liveTrackOf(s)?.getSettings() ?? set;
      return { width: orig.width ?? 0, height: orig.height ?? 0 };
    }
    if (s instanceof HTMLVideoElement) return { width: s.videoWidth, height: s.videoHeight };
    if (s instanceof HTMLCanvasElement) return { width: s.width, height: s.height };
    return { width: 0, height: 0 };
  }

  desc(): SourceDesc {
    return { id: this.id, role: this.role, kind: this.kind, ...this.size() };
  }

  /**
   * Asks the camera for frames no larger than the tile they are drawn in: scaling in the
   * capture pipeline (YUV) is cheap, and the costly RGB conversion in the compositor then
   * works on a tile's pixels rather than 720p. Best effort: a track that refuses keeps its size.
   */
  fit(width: number, height: number): void {
    if (!this.clone) return;
    const key = `${width}x${height}`;
    if (key === this.fitted) return;
    this.fitted = key;
    void this.clone
      .applyConstraints({
        width: { max: Math.max(2, width) },
        height: { max: Math.max(2, height) },
        frameRate: { max: 30 },
        resizeMode: 'crop-and-scale',
      } as MediaTrackConstraints)
      .catch(() => undefined);
  }

  /** A picture of a `push` source, or null when it has nothing new or no size. */
  async capture(): Promise<VideoFrame | ImageBitmap | null> {
    const s = this.source;
    try {
      if (s instanceof HTMLCanvasElement) {
        if (s.width === 0 || s.height === 0) return null;
        // A bitmap snapshot: drawing it in the worker is a blit, where a VideoFrame made from a
        // canvas costs ~28 ms to draw in software (measured here).
        return await createImageBitmap(s);
      }
      if (s instanceof HTMLVideoElement) {
        if (s.readyState < 2 || s.videoWidth === 0 || s.videoHeight === 0) return null;
        // A paused or ended video keeps its last frame in the composite; no new copy needed.
        if (s.currentTime === this.lastTime) return null;
        this.lastTime = s.currentTime;
        return new VideoFrame(s, { timestamp: Math.round(s.currentTime * 1e6) });
      }
    } catch {
      // A canvas or video that cannot be read (tainted, not ready) gives no frame this tick.
    }
    return null;
  }

  dispose(): void {
    this.clone?.stop();
    this.processor = null;
    void this.readable?.cancel().catch(() => undefined);
    this.readable = null;
  }
}
