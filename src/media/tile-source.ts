/**
 * One source's pixels, kept between frames, and how they reach its tile of the composite.
 *
 * A picture is read once, when it arrives ({@link TileSource.ingest}): its planes are copied
 * into buffers this source reuses, and the picture is closed at once (camera frames come from a
 * small pool shared by every clone of the device). At compose time ({@link TileSource.render})
 * the kept pixels are scaled into the tile. Three paths, by what the picture is:
 *
 * - `yuv`: I420 / I420A / NV12 frames (cameras, shares, WebRTC, video files): planes scaled as
 *   they are; converted only when their colour space is not the composite's.
 * - `rgb`: BGRA / RGBA frames (canvases, ImageBitmaps): converted to I420, only the row pairs
 *   that changed since the previous frame.
 * - `canvas`: anything else (other pixel formats, a `copyTo` that fails): drawn with canvas 2D,
 *   read back as RGBA, then as `rgb`.
 */
import type { Rect } from './layout.js';
import type { I420Image } from './i420.js';
import { createI420 } from './i420.js';
import { PlaneScaler, type Plane } from './plane-scaler.js';
import { changedRowPairs, rgbToI420, rgbToI420Half, type RgbPixels } from './rgb-to-i420.js';
import { applyYuvTransform, transformFor, type YuvTransform } from './yuv-colour.js';

/** A source's picture: a VideoFrame (tracks, videos) or an ImageBitmap (canvas snapshots). */
export type Picture = VideoFrame | ImageBitmap;

/** How a source's last picture was read. */
export type TilePath = 'yuv' | 'rgb' | 'canvas';

const YUV_FORMATS = new Set(['I420', 'I420A', 'NV12']);
const RGB_ORDER: Record<string, 'bgra' | 'rgba'> = {
  BGRA: 'bgra',
  BGRX: 'bgra',
  RGBA: 'rgba',
  RGBX: 'rgba',
};

/** A picture's size in display pixels. */
export function pictureSize(p: Picture): { width: number; height: number } {
  return p instanceof ImageBitmap
    ? { width: p.width, height: p.height }
    : { width: p.displayWidth, height: p.displayHeight };
}

interface YuvHeld {
  kind: 'yuv';
  nv12: boolean;
  y: Plane;
  /** NV12: the interleaved UV plane (width in samples pairs). */
  u: Plane;
  v: Plane;
  transform: YuvTransform | null;
}

interface RgbHeld {
  kind: 'rgb';
  px: RgbPixels;
}

export interface TileSourceOptions {
  /** Test hook: read every picture through the canvas-2D path. */
  canvasOnly?: boolean;
}

export class TileSource {
  /** Display size of the newest picture (0 until one arrives). */
  width = 0;
  height = 0;
  /** How the newest picture was read. */
  path: TilePath | null = null;
  /** A picture arrived since the last render. */
  fresh = false;

  private held: YuvHeld | RgbHeld | null = null;
  private incoming: ArrayBuffer | null = null;
  private ready: ArrayBuffer | null = null;
  private reading: Promise<void> = Promise.resolve();
  private closed = false;
  private readonly scaler = new PlaneScaler();
  /** rgb: the last converted pixels (to find changed rows) and their I420. */
  private prev: Uint32Array | null = null;
  private prevBuffer: ArrayBuffer | null = null;
  private conv: I420Image | null = null;
  private pairs = new Uint8Array(0);
  private rows = new Uint8Array(0);
  private chromaRows = new Uint8Array(0);
  private chromaU: Uint8Array | null = null;
  private chromaV: Uint8Array | null = null;
  private fallback: OffscreenCanvas | null = null;

  constructor(private readonly options: TileSourceOptions = {}) {}

  /**
   * Reads a picture into this source's buffers and closes it. Pictures are read in the order
   * given; the promise settles once this one is read (or found unreadable).
   */
  ingest(p: Picture): Promise<void> {
    const next = this.reading.then(() => this.read(p));
    this.reading = next.catch(() => undefined);
    return this.reading;
  }

  private async read(p: Picture): Promise<void> {
    let own: VideoFrame | null = null;
    try {
      if (this.closed) return;
      const size = pictureSize(p);
      if (!(size.width > 0 && size.height > 0)) return;
      let frame: VideoFrame;
      if (p instanceof ImageBitmap) {
        own = new VideoFrame(p, { timestamp: 0 });
        frame = own;
      } else frame = p;
      const format = frame.format ?? '';
      let ok = false;
      if (!this.options.canvasOnly) {
        try {
          if (YUV_FORMATS.has(format)) ok = await this.readYuv(frame, format === 'NV12');
          else if (RGB_ORDER[format]) ok = await this.readRgb(frame, RGB_ORDER[format]!);
        } catch {
          // copyTo refused (a texture it cannot map, a closed frame): the canvas path below.
        }
      }
      if (!ok) ok = this.readCanvas(p, size);
      if (ok && !this.closed) {
        this.width = size.width;
        this.height = size.height;
        this.fresh = true;
      }
    } finally {
      own?.close();
      p.close();
    }
  }

  private buffer(size: number): ArrayBuffer {
    if (!this.incoming || this.incoming.byteLength < size) this.incoming = new ArrayBuffer(size);
    return this.incoming;
  }

  /** The buffer just written becomes the ready one; the old ready one takes the next copy. */
  private swap(): ArrayBuffer {
    const r = this.incoming!;
    this.incoming = this.ready;
    this.ready = r;
    return r;
  }

  private async readYuv(frame: VideoFrame, nv12: boolean): Promise<boolean> {
    const vr = frame.visibleRect;
    const w = vr?.width ?? frame.codedWidth;
    const h = vr?.height ?? frame.codedHeight;
    const buf = this.buffer(frame.allocationSize());
    const layout = await frame.copyTo(buf);
    if (this.closed) return false;
    const data = new Uint8Array(this.swap());
    const cw = (w + 1) >> 1;
    const ch = (h + 1) >> 1;
    const y: Plane = {
      data,
      offset: layout[0]!.offset,
      stride: layout[0]!.stride,
      width: w,
      height: h,
    };
    const u: Plane = {
      data,
      offset: layout[1]!.offset,
      stride: layout[1]!.stride,
      width: nv12 ? 2 * cw : cw,
      height: ch,
    };
    const v: Plane = nv12
      ? u
      : { data, offset: layout[2]!.offset, stride: layout[2]!.stride, width: cw, height: ch };
    this.held = {
      kind: 'yuv',
      nv12,
      y,
      u,
      v,
      transform: transformFor(frame.colorSpace?.toJSON?.() ?? null),
    };
    this.path = 'yuv';
    return true;
  }

  private async readRgb(frame: VideoFrame, order: 'bgra' | 'rgba'): Promise<boolean> {
    const vr = frame.visibleRect;
    const w = vr?.width ?? frame.codedWidth;
    const h = vr?.height ?? frame.codedHeight;
    const buf = this.buffer(frame.allocationSize());
    const layout = await frame.copyTo(buf);
    if (this.closed) return false;
    const { offset, stride } = layout[0]!;
    if (offset % 4 !== 0 || stride % 4 !== 0) return false;
    const data = new Uint32Array(this.swap(), offset, (stride / 4) * h);
    this.held = { kind: 'rgb', px: { data, stride: stride / 4, width: w, height: h, order } };
    this.path = 'rgb';
    return true;
  }

  /** The fallback: canvas 2D draws what no buffer path reads, and is read back as RGBA. */
  private readCanvas(p: Picture, size: { width: number; height: number }): boolean {
    try {
      const w = Math.min(size.width, 3840);
      const h = Math.min(size.height, 2160);
      if (!this.fallback || this.fallback.width !== w || this.fallback.height !== h) {
        this.fallback = new OffscreenCanvas(w, h);
      }
      const ctx = this.fallback.getContext('2d', { willReadFrequently: true });
      if (!ctx) return false;
      ctx.drawImage(p, 0, 0, w, h);
      const img = ctx.getImageData(0, 0, w, h);
      const data = new Uint32Array(img.data.buffer, img.data.byteOffset, w * h);
      this.held = { kind: 'rgb', px: { data, stride: w, width: w, height: h, order: 'rgba' } };
      this.ready = null;
      this.path = 'canvas';
      return true;
    } catch {
      return false;
    }
  }

  /** Whether a picture was ever read. */
  get hasPicture(): boolean {
    return this.held !== null || this.conv !== null;
  }

  /**
   * Writes the source into `rect` (even-aligned) of `dst`: the new picture, or with `full` the
   * kept one again (after a relayout cleared the frame). Returns whether anything was written.
   */
  render(dst: I420Image, rect: Rect, full: boolean): boolean {
    if (rect.width <= 0 || rect.height <= 0) return false;
    if (!this.fresh && !full) return false;
    const fresh = this.fresh;
    this.fresh = false;
    const held = this.held;
    if (held?.kind === 'yuv') {
      this.renderYuv(held, dst, rect);
      return true;
    }
    if (held?.kind === 'rgb' && fresh) return this.renderRgb(held.px, dst, rect, full);
    if (this.conv && full) {
      this.scaleI420(this.conv, dst, rect, null);
      return true;
    }
    return false;
  }

  private renderYuv(h: YuvHeld, dst: I420Image, rect: Rect): void {
    const y = tilePlane(dst, rect, 0);
    this.scaler.scale(h.y, y);
    let u = h.u;
    let v = h.v;
    if (h.nv12) [u, v] = this.deinterleave(h.u);
    this.scaler.scale(u, tilePlane(dst, rect, 1));
    this.scaler.scale(v, tilePlane(dst, rect, 2));
    if (h.transform) applyYuvTransform(dst, rect, h.transform);
  }

  private deinterleave(uv: Plane): [Plane, Plane] {
    const w = uv.width >> 1;
    const size = w * uv.height;
    if (!this.chromaU || this.chromaU.length < size) {
      this.chromaU = new Uint8Array(size);
      this.chromaV = new Uint8Array(size);
    }
    const cu = this.chromaU;
    const cv = this.chromaV!;
    const s = uv.data;
    for (let row = 0; row < uv.height; row++) {
      let i = uv.offset + row * uv.stride;
      let o = row * w;
      for (let x = 0; x < w; x++) {
        cu[o] = s[i]!;
        cv[o++] = s[i + 1]!;
        i += 2;
      }
    }
    return [
      { data: cu, offset: 0, stride: w, width: w, height: uv.height },
      { data: cv, offset: 0, stride: w, width: w, height: uv.height },
    ];
  }

  private renderRgb(px: RgbPixels, dst: I420Image, rect: Rect, full: boolean): boolean {
    // A source over twice its tile is converted at half size: the same result as converting
    // and then halving, for a quarter of the writes.
    const half = px.width >= 2 * rect.width + 4 && px.height >= 2 * rect.height + 4;
    const w = half ? (px.width & ~3) >> 1 : px.width & ~1;
    const h = half ? (px.height & ~3) >> 1 : px.height & ~1;
    if (w === 0 || h === 0) return false;
    let conv = this.conv;
    let pairs: Uint8Array | null = null;
    const prev = this.prev;
    const pairCount = px.height >> 1;
    if (!conv || conv.width !== w || conv.height !== h || !prev || prev.length !== px.data.length) {
      conv = createI420(w, h);
      this.conv = conv;
    } else {
      if (this.pairs.length !== pairCount) this.pairs = new Uint8Array(pairCount);
      const n = changedRowPairs(px, prev, this.pairs);
      if (n === 0 && !full) {
        this.keep(px);
        return false;
      }
      pairs = this.pairs;
    }
    if (half) rgbToI420Half(px, conv, 0, 0, pairs);
    else rgbToI420(px, conv, 0, 0, pairs);
    this.keep(px);
    let lumaRows: Uint8Array | null = null;
    let chromaRows: Uint8Array | null = null;
    if (pairs && !full) {
      // Rows of `conv` whose source rows changed: a pair per luma row (half) or per two.
      if (this.rows.length !== h) this.rows = new Uint8Array(h);
      if (this.chromaRows.length !== h >> 1) this.chromaRows = new Uint8Array(h >> 1);
      for (let r = 0; r < h; r++) this.rows[r] = half ? pairs[r]! : pairs[r >> 1]!;
      for (let c = 0; c < h >> 1; c++) {
        this.chromaRows[c] = half ? pairs[2 * c]! | pairs[2 * c + 1]! : pairs[c]!;
      }
      lumaRows = this.rows;
      chromaRows = this.chromaRows;
    }
    this.scaleI420(conv, dst, rect, chromaRows, lumaRows);
    return true;
  }

  /**
   * Keeps `px` as the previous frame to compare the next one with: its buffer leaves the
   * ingest rotation (no 8 MB copy a frame), and the buffer it replaces joins it.
   */
  private keep(px: RgbPixels): void {
    if (this.ready && px.data.buffer === this.ready) {
      const spare = this.prevBuffer;
      this.prevBuffer = this.ready;
      this.ready = spare;
    }
    this.prev = px.data;
  }

  private scaleI420(
    src: I420Image,
    dst: I420Image,
    rect: Rect,
    chromaRows: Uint8Array | null,
    lumaRows: Uint8Array | null = null,
  ): void {
    this.scaler.scale(imagePlane(src, 0), tilePlane(dst, rect, 0), lumaRows);
    this.scaler.scale(imagePlane(src, 1), tilePlane(dst, rect, 1), chromaRows);
    this.scaler.scale(imagePlane(src, 2), tilePlane(dst, rect, 2), chromaRows);
  }

  close(): void {
    this.closed = true;
    this.held = null;
    this.conv = null;
    this.prev = null;
    this.prevBuffer = null;
    this.incoming = null;
    this.ready = null;
  }
}

/** Plane `n` (0 Y, 1 U, 2 V) of a whole I420 image. */
function imagePlane(img: I420Image, n: 0 | 1 | 2): Plane {
  if (n === 0) {
    return { data: img.data, offset: 0, stride: img.yStride, width: img.width, height: img.height };
  }
  return {
    data: img.data,
    offset: n === 1 ? img.uOffset : img.vOffset,
    stride: img.cStride,
    width: img.width >> 1,
    height: img.height >> 1,
  };
}

/** Plane `n` of the even-aligned `rect` of an I420 image. */
function tilePlane(img: I420Image, rect: Rect, n: 0 | 1 | 2): Plane {
  if (n === 0) {
    return {
      data: img.data,
      offset: rect.y * img.yStride + rect.x,
      stride: img.yStride,
      width: rect.width,
      height: rect.height,
    };
  }
  return {
    data: img.data,
    offset: (n === 1 ? img.uOffset : img.vOffset) + (rect.y >> 1) * img.cStride + (rect.x >> 1),
    stride: img.cStride,
    width: rect.width >> 1,
    height: rect.height >> 1,
  };
}
