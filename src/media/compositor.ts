/**
 * Draws the sources' pictures into one frame, in the worker. It only ever sees decoded frames
 * of the sources (never the page's DOM), so names and UI drawn over the tiles are not in the
 * recording (B4).
 *
 * Converting a camera frame to RGB is the costly part of a draw (DESIGN.md: 36-52 ms a frame
 * for five 720p cameras drawn naively), so a source is drawn only when it has a new frame; the
 * rest of the composite stays as it was. A layout change clears the frame and redraws every
 * source from its last frame.
 */
import { computeLayout, STAGE_ID, type Layout, type Rect } from './layout.js';
import type { SourceDesc } from './protocol.js';

/**
 * A source's picture: a VideoFrame (cameras, videos, shares) or an ImageBitmap (canvases:
 * drawing a VideoFrame made from a canvas costs ~28 ms in software, a bitmap next to nothing).
 */
export type Picture = VideoFrame | ImageBitmap;

/** A picture's size in display pixels. */
export function pictureSize(p: Picture): { width: number; height: number } {
  return p instanceof ImageBitmap
    ? { width: p.width, height: p.height }
    : { width: p.displayWidth, height: p.displayHeight };
}

interface SourceState {
  desc: SourceDesc;
  width: number;
  height: number;
  /** The picture drawn last, kept to redraw after a layout change (push sources only). */
  shown: Picture | null;
  /** A frame not drawn yet; a newer one replaces (and closes) it. */
  pending: Picture | null;
}

/** What one compose did. */
export interface ComposeReport {
  /** Sources drawn in this frame. */
  draws: number;
  /** Whether the layout changed (and the frame was cleared). */
  relayout: boolean;
}

export class Compositor {
  readonly canvas: OffscreenCanvas;
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  private readonly sources = new Map<string, SourceState>();
  private layout: Layout = { stage: null, webcams: [] };
  private layoutDirty = true;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.canvas = new OffscreenCanvas(width, height);
    const ctx = this.canvas.getContext('2d', { alpha: false, desynchronized: true });
    if (!ctx) throw new Error('OffscreenCanvas 2D context unavailable');
    this.ctx = ctx;
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, width, height);
  }

  /** Replaces the set of sources; frames of removed sources are closed. */
  setSources(descs: SourceDesc[]): void {
    const keep = new Set(descs.map((d) => d.id));
    for (const id of [...this.sources.keys()]) if (!keep.has(id)) this.remove(id);
    for (const desc of descs) {
      const s = this.sources.get(desc.id);
      if (s) {
        if (s.desc.role !== desc.role) this.layoutDirty = true;
        s.desc = desc;
        // A page hint only fills in a size the frames have not told yet.
        if (!s.shown && !s.pending && (s.width !== desc.width || s.height !== desc.height)) {
          s.width = desc.width;
          s.height = desc.height;
          this.layoutDirty = true;
        }
      } else {
        this.sources.set(desc.id, {
          desc,
          width: desc.width,
          height: desc.height,
          shown: null,
          pending: null,
        });
        this.layoutDirty = true;
      }
    }
  }

  /** A source ended or left: it is taken out of the layout. */
  remove(id: string): void {
    const s = this.sources.get(id);
    if (!s) return;
    s.shown?.close();
    s.pending?.close();
    this.sources.delete(id);
    this.layoutDirty = true;
  }

  /** A new picture of a source; the compositor owns (and will close) it. */
  offer(id: string, frame: Picture): void {
    const s = this.sources.get(id);
    if (!s) {
      frame.close();
      return;
    }
    s.pending?.close();
    s.pending = frame;
    const { width: w, height: h } = pictureSize(frame);
    // Only the aspect ratio matters to the layout; cameras resized to their tile keep it.
    if (
      w > 0 &&
      h > 0 &&
      (s.width === 0 || s.height === 0 || Math.abs(w / h - s.width / s.height) > 0.01)
    ) {
      s.width = w;
      s.height = h;
      this.layoutDirty = true;
    }
  }

  /** Sources the page sends frames for on request. */
  pushSourceIds(): string[] {
    return [...this.sources.values()].filter((s) => s.desc.kind === 'push').map((s) => s.desc.id);
  }

  has(id: string): boolean {
    return this.sources.has(id);
  }

  /** The current layout (recomputed on the next compose when sources changed). */
  currentLayout(): Layout {
    if (this.layoutDirty) this.relayout();
    return this.layout;
  }

  /** Brings the canvas up to date: new frames drawn, the rest kept. */
  compose(): ComposeReport {
    const relayout = this.layoutDirty;
    if (relayout) {
      this.relayout();
      this.ctx.fillStyle = '#000';
      this.ctx.fillRect(0, 0, this.width, this.height);
    }
    let draws = 0;
    const tiles = [...(this.layout.stage ? [this.layout.stage] : []), ...this.layout.webcams];
    for (const tile of tiles) {
      const s = this.sources.get(tile.id === STAGE_ID ? (this.stageId() ?? '') : tile.id);
      if (!s) continue;
      if (s.pending) {
        s.shown?.close();
        s.shown = s.pending;
        s.pending = null;
        this.draw(s.shown, tile.draw, tile.slot);
        draws++;
        if (s.desc.kind === 'stream') {
          // Camera frames come from the capture's small buffer pool, shared by every clone of
          // the device: holding them stalls all of its tracks. Such sources send a new frame
          // every 33-50 ms anyway, so after a relayout their tile waits for the next one.
          s.shown.close();
          s.shown = null;
        }
      } else if (relayout && s.shown) {
        this.draw(s.shown, tile.draw, tile.slot);
        draws++;
      }
    }
    return { draws, relayout };
  }

  /** Closes every frame held. */
  close(): void {
    for (const id of [...this.sources.keys()]) this.remove(id);
  }

  private draw(frame: Picture, rect: Rect, slot: Rect): void {
    // A source whose aspect changed since the layout still lands letterboxed in its slot.
    const { width: fw, height: fh } = pictureSize(frame);
    let r = rect;
    if (fw > 0 && fh > 0 && Math.abs(fw / fh - rect.width / rect.height) > 0.02) {
      const scale = Math.min(slot.width / fw, slot.height / fh);
      const w = Math.round(fw * scale);
      const h = Math.round(fh * scale);
      r = {
        x: slot.x + ((slot.width - w) >> 1),
        y: slot.y + ((slot.height - h) >> 1),
        width: w,
        height: h,
      };
      this.ctx.fillStyle = '#000';
      this.ctx.fillRect(slot.x, slot.y, slot.width, slot.height);
    }
    this.ctx.drawImage(frame, r.x, r.y, r.width, r.height);
  }

  private stageId(): string | null {
    for (const s of this.sources.values()) if (s.desc.role === 'stage') return s.desc.id;
    return null;
  }

  private relayout(): void {
    const stageId = this.stageId();
    const stage = stageId ? this.sources.get(stageId)! : null;
    const webcams = [...this.sources.values()].filter((s) => s.desc.role === 'webcam');
    this.layout = computeLayout(
      {
        stage: stage ? { width: stage.width, height: stage.height } : null,
        webcams: webcams.map((s) => ({ id: s.desc.id, width: s.width, height: s.height })),
      },
      { width: this.width, height: this.height },
    );
    this.layoutDirty = false;
  }
}
