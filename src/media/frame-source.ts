/**
 * A visual source as the page hands it to the worker. Tracks (and videos playing a
 * MediaStream) become a track processor's readable, transferred to the worker, which sees
 * each new frame as it comes, also in a hidden tab. A canvas too, through `captureStream()`:
 * Chromium captures it only when it was drawn, so a still canvas costs nothing, and the page
 * no longer snapshots it every tick. File-backed videos, and canvases while the page is hidden
 * (a hidden page may not paint, and canvas capture follows painting), are captured on the
 * worker's request, once a tick: a video only when its time has moved.
 */
import type { VisualSource } from './sources.js';
import type { SourceDesc } from './protocol.js';
import { hasTrackProcessor, videoFrames } from './track-processor.js';

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

/** Whether a hidden page is no place to rely on a canvas's capture track. */
function pageHidden(): boolean {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

export class FrameSource {
  /** The clone the worker reads (ours to stop), for `stream` sources. */
  private readonly clone: MediaStreamTrack | null = null;
  /** A canvas's capture track (ours to stop). */
  private readonly canvasTrack: MediaStreamTrack | null = null;
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
    if (!track && source instanceof HTMLCanvasElement) {
      this.canvasTrack = canvasTrack(source);
      if (this.canvasTrack) {
        const { readable, processor } = videoFrames(this.canvasTrack);
        this.readable = readable;
        this.processor = processor;
      }
    }
    if (track) {
      // A clone, so constraining it to its tile does not change what the room sees.
      this.clone = track.clone();
      const { readable, processor } = videoFrames(this.clone);
      this.readable = readable;
      this.processor = processor;
      // A clone outlives its original's stop(); the page stopping a share ends it here too.
      track.addEventListener('ended', () => this.clone?.stop(), { once: true });
    }
  }

  /**
   * `stream`: the worker reads a transferred track processor; `push`: the page sends pictures
   * when the worker asks. A canvas is `push` while the page is hidden (its stream stays open
   * and is read again once the page shows).
   */
  get kind(): 'stream' | 'push' {
    if (this.clone) return 'stream';
    if (this.canvasTrack && !pageHidden()) return 'stream';
    return 'push';
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
   * Asks the camera for frames no larger than the tile they are drawn in, at 30 fps at most.
   * Chromium crops to the tile's aspect and sets the frames' display size, but still delivers
   * the capture's pixels (measured: 1278x720 planes for a 440x248 tile), so the compositor
   * scales them itself; the crop and the frame-rate cap are what this buys. Best effort: a
   * track that refuses keeps its size.
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
        // A snapshot the worker reads as RGB (only while the page is hidden, see kind).
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
    this.canvasTrack?.stop();
    this.processor = null;
    void this.readable?.cancel().catch(() => undefined);
    this.readable = null;
  }
}

/**
 * A canvas's capture track: a frame each time it is drawn, none while it stays still. Null
 * where the browser cannot capture canvases or read tracks (the canvas is then pushed).
 */
function canvasTrack(canvas: HTMLCanvasElement): MediaStreamTrack | null {
  if (!hasTrackProcessor() || typeof canvas.captureStream !== 'function') return null;
  try {
    return canvas.captureStream().getVideoTracks()[0] ?? null;
  } catch {
    // A canvas that cannot be captured (tainted by another origin's image) is pushed instead.
    return null;
  }
}
