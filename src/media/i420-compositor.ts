/**
 * Composes the sources' pictures into one reused 1920x1080 I420 buffer, in the worker, and
 * hands the encoder a `VideoFrame` built from it. It only ever sees decoded frames of the
 * sources (never the page's DOM), so names and UI drawn over the tiles are not in the
 * recording (B4).
 *
 * Why I420 and not a canvas: camera frames are I420 already, and drawing them into an RGB
 * canvas (YUV to RGB in software), then reading the canvas back into a new VideoFrame for the
 * encoder to convert back to YUV, took 90 % of the worker's time in a profile of the demo
 * (`new VideoFrame(canvas)` 55 %, `drawImage` 30 %), and the fresh 8 MB frame buffers cost as
 * much again in page faults (kernel time). Here a camera frame's planes are scaled straight into
 * its tile, a canvas is converted once to I420 (the rows that changed only), and only tiles
 * with a new picture are touched; the rest of the composite stays as it was.
 */
import { computeLayout, STAGE_ID, type Layout, type Rect, type Tile } from './layout.js';
import { COMPOSITE_COLOR_SPACE, createI420, evenRect, fillI420, type I420Image } from './i420.js';
import type { SourceDesc } from './protocol.js';
import { TileSource, type Picture, type TilePath, type TileSourceOptions } from './tile-source.js';

export type { Picture } from './tile-source.js';

interface SourceState {
  desc: SourceDesc;
  /** Layout size: the page's hint until a picture tells the real one. */
  width: number;
  height: number;
  tile: TileSource;
  /** Push sources: a picture was asked for and not yet read. */
  awaiting: boolean;
}

/** What one compose did. */
export interface ComposeReport {
  /** Tiles written in this frame. */
  draws: number;
  /** Whether the layout changed (and the frame was cleared). */
  relayout: boolean;
  /** Whether the composite differs from the previous one (false: the last frame can be sent again). */
  changed: boolean;
}

export class I420Compositor {
  /** The composite; the encoder's frames are copies of it. */
  readonly image: I420Image;
  private readonly sources = new Map<string, SourceState>();
  private layout: Layout = { stage: null, webcams: [] };
  private layoutDirty = true;
  /** Nothing drawn yet: the first frame is a black one, which is a change. */
  private first = true;

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly tileOptions: TileSourceOptions = {},
  ) {
    this.image = createI420(width, height);
  }

  /** Replaces the set of sources; pictures of removed sources are dropped. */
  setSources(descs: SourceDesc[]): void {
    const keep = new Set(descs.map((d) => d.id));
    for (const id of [...this.sources.keys()]) if (!keep.has(id)) this.remove(id);
    for (const desc of descs) {
      const s = this.sources.get(desc.id);
      if (s) {
        if (s.desc.role !== desc.role) this.layoutDirty = true;
        s.desc = desc;
        // A page hint only fills in a size the pictures have not told yet.
        if (!s.tile.hasPicture && (s.width !== desc.width || s.height !== desc.height)) {
          s.width = desc.width;
          s.height = desc.height;
          this.layoutDirty = true;
        }
      } else {
        this.sources.set(desc.id, {
          desc,
          width: desc.width,
          height: desc.height,
          tile: new TileSource(this.tileOptions),
          awaiting: false,
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

  /** Whether every source has given a picture (true without sources). */
  get allPictured(): boolean {
    for (const s of this.sources.values()) if (!s.tile.hasPicture) return false;
    return true;
  }

  /** A source ended or left: it is taken out of the layout. */
  remove(id: string): void {
    const s = this.sources.get(id);
    if (!s) return;
    s.tile.close();
    this.sources.delete(id);
    this.layoutDirty = true;
  }

  /**
   * A new picture of a source; the compositor reads and closes it. Resolves once read, so a
   * compose after it shows the picture.
   */
  async offer(id: string, picture: Picture): Promise<void> {
    const s = this.sources.get(id);
    if (!s) {
      picture.close();
      return;
    }
    await s.tile.ingest(picture);
    s.awaiting = false;
    const { width: w, height: h } = s.tile;
    // Only the aspect ratio matters to the layout; cameras sized to their tile keep it.
    if (
      this.sources.get(id) === s &&
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
   * Push sources the page should send a picture of now; `onlyIdle`: only those whose last
   * picture was read (so a slow page is not asked twice). They count as asked until one comes.
   */
  pushSourceIds(onlyIdle = false): string[] {
    const ids: string[] = [];
    for (const s of this.sources.values()) {
      if (s.desc.kind !== 'push' || (onlyIdle && s.awaiting)) continue;
      s.awaiting = true;
      ids.push(s.desc.id);
    }
    return ids;
  }

  /** A push source's request went unanswered (the page had nothing new). */
  unanswered(ids: readonly string[]): void {
    for (const id of ids) {
      const s = this.sources.get(id);
      if (s) s.awaiting = false;
    }
  }

  /** Whether the page sends this source's pictures on request now. */
  isPush(id: string): boolean {
    return this.sources.get(id)?.desc.kind === 'push';
  }

  /** How a source's last picture was read (null before the first). */
  pathOf(id: string): TilePath | null {
    return this.sources.get(id)?.tile.path ?? null;
  }

  /** The current layout (recomputed on the next compose when sources changed). */
  currentLayout(): Layout {
    if (this.layoutDirty) this.relayout();
    return this.layout;
  }

  /** Brings the composite up to date: new pictures written, the rest kept. */
  compose(): ComposeReport {
    const relayout = this.layoutDirty;
    if (relayout) {
      this.relayout();
      fillI420(this.image, { x: 0, y: 0, width: this.width, height: this.height });
    }
    let draws = 0;
    const stageId = this.stageId();
    for (const tile of [
      ...(this.layout.stage ? [this.layout.stage] : []),
      ...this.layout.webcams,
    ]) {
      const s = this.sources.get(tile.id === STAGE_ID ? (stageId ?? '') : tile.id);
      if (!s || !(s.tile.fresh || relayout)) continue;
      if (this.draw(s, tile, relayout)) draws++;
    }
    const changed = relayout || draws > 0 || this.first;
    this.first = false;
    return { draws, relayout, changed };
  }

  /** A frame of the composite as it is now (the caller closes it). */
  frame(timestamp: number, duration: number): VideoFrame {
    const img = this.image;
    return new VideoFrame(img.data, {
      format: 'I420',
      codedWidth: img.width,
      codedHeight: img.height,
      timestamp,
      duration,
      colorSpace: COMPOSITE_COLOR_SPACE,
    });
  }

  /** Drops every source. */
  close(): void {
    for (const id of [...this.sources.keys()]) this.remove(id);
  }

  private draw(s: SourceState, tile: Tile, full: boolean): boolean {
    // A picture whose aspect changed since the layout still lands letterboxed in its slot.
    const { width: fw, height: fh } = s.tile;
    let r: Rect = tile.draw;
    if (fw > 0 && fh > 0 && Math.abs(fw / fh - r.width / r.height) > 0.02) {
      const slot = tile.slot;
      const scale = Math.min(slot.width / fw, slot.height / fh);
      const w = Math.round(fw * scale);
      const h = Math.round(fh * scale);
      r = {
        x: slot.x + ((slot.width - w) >> 1),
        y: slot.y + ((slot.height - h) >> 1),
        width: w,
        height: h,
      };
      fillI420(this.image, slot);
      full = true;
    }
    return s.tile.render(this.image, evenRect(r, this.image), full);
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
