/**
 * The composite as the encoder takes it: one planar 4:2:0 buffer (Y, then U, then V), BT.601
 * limited range. It is what the camera and WebRTC frames of a room already are, so their
 * pixels are copied, never converted, and the encoder converts nothing either.
 */
import type { Rect } from './layout.js';

/** A planar 4:2:0 picture in one buffer, laid out as `VideoFrame` format `I420` expects. */
export interface I420Image {
  readonly data: Uint8Array;
  /** Even, so every chroma sample covers 2x2 luma samples. */
  readonly width: number;
  readonly height: number;
  readonly yStride: number;
  /** Stride of the U and V planes. */
  readonly cStride: number;
  readonly uOffset: number;
  readonly vOffset: number;
}

/** Black in BT.601 limited range. */
export const BLACK_YUV = { y: 16, u: 128, v: 128 } as const;

/**
 * The colour space every composite is tagged with (and written to the H.264 VUI): the camera's
 * own (Chromium tags camera and WebRTC frames so), so their planes need no conversion.
 */
export const COMPOSITE_COLOR_SPACE: VideoColorSpaceInit = {
  matrix: 'smpte170m',
  primaries: 'smpte170m',
  transfer: 'smpte170m',
  fullRange: false,
};

/** A black I420 picture of `width` x `height` (both rounded up to even). */
export function createI420(width: number, height: number): I420Image {
  const w = (width + 1) & ~1;
  const h = (height + 1) & ~1;
  const ySize = w * h;
  const cSize = (w >> 1) * (h >> 1);
  const img: I420Image = {
    data: new Uint8Array(ySize + 2 * cSize),
    width: w,
    height: h,
    yStride: w,
    cStride: w >> 1,
    uOffset: ySize,
    vOffset: ySize + cSize,
  };
  fillI420(img, { x: 0, y: 0, width: w, height: h });
  return img;
}

/**
 * `r` moved and shrunk to even coordinates inside the picture, so that it starts and ends on a
 * chroma sample; a tile one pixel narrower than planned is invisible, a chroma bleed is not.
 */
export function evenRect(r: Rect, bounds: { width: number; height: number }): Rect {
  const x = Math.max(0, r.x & ~1);
  const y = Math.max(0, r.y & ~1);
  const width = Math.max(0, Math.min(bounds.width - x, r.width) & ~1);
  const height = Math.max(0, Math.min(bounds.height - y, r.height) & ~1);
  return { x, y, width, height };
}

/** Fills an even-aligned rectangle with one colour (black by default). */
export function fillI420(
  img: I420Image,
  rect: Rect,
  colour: { y: number; u: number; v: number } = BLACK_YUV,
): void {
  const r = evenRect(rect, img);
  if (r.width === 0 || r.height === 0) return;
  const d = img.data;
  for (let row = r.y; row < r.y + r.height; row++) {
    const o = row * img.yStride + r.x;
    d.fill(colour.y, o, o + r.width);
  }
  const cx = r.x >> 1;
  const cw = r.width >> 1;
  for (let row = r.y >> 1; row < (r.y + r.height) >> 1; row++) {
    const o = row * img.cStride + cx;
    d.fill(colour.u, img.uOffset + o, img.uOffset + o + cw);
    d.fill(colour.v, img.vOffset + o, img.vOffset + o + cw);
  }
}
