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
import { computeLayout, STAGE_ID, type Layout, type Rect, type Tile } from './layout.js';
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

/** More than the 26 tiles a layout can hold: no budget. */
const MAX_DRAWS = 32;

interface SourceState {
  desc: SourceDesc;
  /** The compose tick it was last drawn in (0: never). */
  lastDrawn: number;
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
  /** Sources with a new picture left for a later frame (draw budget). */
  waiting: number;
}

export class Compositor {
  readonly canvas: OffscreenCanvas;
  private readonly ctx: OffscreenCanvasRenderingContext2D;
  private readonly sources = new Map<string, SourceState>();
  private layout: Layout = { stage: null, webcams: [] };
  private layoutDirty = true;
  private ticks = 0;
  private maxDraws = MAX_DRAWS;
  private lastDraws = 0;

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
          lastDrawn: 0,
        });
        this.layoutDirty = true;
      }
    }
    // The page's order is the layout's order (webcams in the strip, stage first).
    const order = descs.map((d) => d.id);
    const before = [...this.sources.keys()];
    if (order.some((id, n) => before[n] !== id)) {
      const entries = order.map((id) => [id, this.sources.get(id)!] as const);
      this.sources.clear();
      for (const [id, st] of entries) this.sources.set(id, st);
      this.layoutDirty = true;
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

  /**
   * Sources the page sends pictures for on request; `onlyIdle`: only those whose last picture
   * was drawn (under a draw budget, capturing more would be wasted work on the page).
   */
  pushSourceIds(onlyIdle = false): string[] {
    return [...this.sources.values()]
      .filter((s) => s.desc.kind === 'push' && !(onlyIdle && s.pending))
      .map((s) => s.desc.id);
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
    this.ticks++;
    if (relayout) {
      this.relayout();
      this.ctx.fillStyle = '#000';
      this.ctx.fillRect(0, 0, this.width, this.height);
    }
    const due: Array<{ s: SourceState; tile: Tile }> = [];
    for (const tile of [
      ...(this.layout.stage ? [this.layout.stage] : []),
      ...this.layout.webcams,
    ]) {
      const s = this.sources.get(tile.id === STAGE_ID ? (this.stageId() ?? '') : tile.id);
      if (s && (s.pending || (relayout && s.shown))) due.push({ s, tile });
    }
    // Longest-waiting first, so that under a draw budget every tile keeps moving.
    due.sort((a, b) => a.s.lastDrawn - b.s.lastDrawn);
    const budget = relayout ? Infinity : this.maxDraws;
    let draws = 0;
    for (const { s, tile } of due) {
      if (draws >= budget) break;
      if (s.pending) {
        s.shown?.close();
        s.shown = s.pending;
        s.pending = null;
      }
      this.draw(s.shown!, tile.draw, tile.slot);
      s.lastDrawn = this.ticks;
      draws++;
      if (s.desc.kind === 'stream') {
        // Camera frames come from the capture's small buffer pool, shared by every clone of
        // the device: holding them stalls all of its tracks. Such sources send a new frame
        // every 33-50 ms anyway, so after a relayout their tile waits for the next one.
        s.shown!.close();
        s.shown = null;
      }
    }
    this.lastDraws = draws;
    return { draws, relayout, waiting: due.length - draws };
  }

  /**
   * Adapts the draw budget to the machine: after a compose that took longer than `targetMs`
   * one source fewer is drawn per frame (the others keep their picture a frame longer), and
   * after a quick one, one more. So on a busy machine tiles update less often, rather than
   * the recording dropping frames.
   */
  adapt(composeMs: number, targetMs: number): void {
    if (composeMs > targetMs) {
      this.maxDraws = Math.max(1, Math.min(this.maxDraws, this.lastDraws) - 1);
    } else if (composeMs < targetMs * 0.6) {
      this.maxDraws = Math.min(MAX_DRAWS, this.maxDraws + 1);
    }
  }

  /** Sources drawn per frame at most, now. */
  get drawBudget(): number {
    return this.maxDraws;
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
