/**
 * RGB pixels (what a canvas gives) to BT.601 limited-range I420, the composite's colour space.
 * Only canvases and the canvas-2D fallback come this way; camera frames are YUV already.
 *
 * Slides and shared screens change a few rows at a time, so the rows of a frame are first
 * compared with the previous frame's: converting costs about 2.5 ns a pixel in JS here, and
 * comparing a row that did not change about a tenth of that.
 */
import type { I420Image } from './i420.js';

/** Byte order of a pixel in memory: `bgra` for BGRA/BGRX frames, `rgba` for RGBA/RGBX. */
export type RgbOrder = 'bgra' | 'rgba';

/** RGB pixels as 32-bit words (little-endian, as every browser platform is). */
export interface RgbPixels {
  data: Uint32Array;
  /** Words per row. */
  stride: number;
  width: number;
  height: number;
  order: RgbOrder;
}

/**
 * Flags in `out` (one byte per pair of rows) the row pairs of `cur` that differ from `prev`;
 * returns how many did.
 */
export function changedRowPairs(cur: RgbPixels, prev: Uint32Array, out: Uint8Array): number {
  const c = cur.data;
  const w = cur.width;
  let n = 0;
  for (let pair = 0; pair < cur.height >> 1; pair++) {
    let changed = 0;
    for (let row = 2 * pair; row < 2 * pair + 2 && !changed; row++) {
      const start = row * cur.stride;
      const end = start + w;
      for (let i = start; i < end; i++) {
        if (c[i] !== prev[i]) {
          changed = 1;
          break;
        }
      }
    }
    out[pair] = changed;
    n += changed;
  }
  return n;
}

/**
 * Converts `src` (its even width and height; a last odd column or row is left out) into `dst`
 * at (`dx`, `dy`), both even. With `pairs`, only the row pairs flagged are converted.
 * Chroma is taken from the mean of each 2x2 block.
 */
export function rgbToI420(
  src: RgbPixels,
  dst: I420Image,
  dx: number,
  dy: number,
  pairs: Uint8Array | null = null,
): void {
  const s = src.data;
  const d = dst.data;
  const w = src.width & ~1;
  const h = src.height & ~1;
  // Red and blue swap places between the two orders; green is in the middle of both.
  const rShift = src.order === 'bgra' ? 16 : 0;
  const bShift = src.order === 'bgra' ? 0 : 16;
  const ys = dst.yStride;
  for (let y = 0; y < h; y += 2) {
    if (pairs && !pairs[y >> 1]) continue;
    let i0 = y * src.stride;
    let i1 = i0 + src.stride;
    let o0 = (dy + y) * ys + dx;
    let o1 = o0 + ys;
    let co = ((dy + y) >> 1) * dst.cStride + (dx >> 1);
    const uo = dst.uOffset;
    const vo = dst.vOffset;
    for (let x = 0; x < w; x += 2) {
      const p0 = s[i0]!;
      const p1 = s[i0 + 1]!;
      const p2 = s[i1]!;
      const p3 = s[i1 + 1]!;
      const r0 = (p0 >>> rShift) & 255;
      const g0 = (p0 >>> 8) & 255;
      const b0 = (p0 >>> bShift) & 255;
      const r1 = (p1 >>> rShift) & 255;
      const g1 = (p1 >>> 8) & 255;
      const b1 = (p1 >>> bShift) & 255;
      const r2 = (p2 >>> rShift) & 255;
      const g2 = (p2 >>> 8) & 255;
      const b2 = (p2 >>> bShift) & 255;
      const r3 = (p3 >>> rShift) & 255;
      const g3 = (p3 >>> 8) & 255;
      const b3 = (p3 >>> bShift) & 255;
      // BT.601 limited range, 8 fractional bits: Y = 16 + (66 R + 129 G + 25 B) / 256.
      d[o0] = (66 * r0 + 129 * g0 + 25 * b0 + 4224) >> 8;
      d[o0 + 1] = (66 * r1 + 129 * g1 + 25 * b1 + 4224) >> 8;
      d[o1] = (66 * r2 + 129 * g2 + 25 * b2 + 4224) >> 8;
      d[o1 + 1] = (66 * r3 + 129 * g3 + 25 * b3 + 4224) >> 8;
      const r = r0 + r1 + r2 + r3;
      const g = g0 + g1 + g2 + g3;
      const b = b0 + b1 + b2 + b3;
      // Sums of four: 10 fractional bits; 128 << 10 plus rounding.
      d[uo + co] = (-38 * r - 74 * g + 112 * b + 131584) >> 10;
      d[vo + co] = (112 * r - 94 * g - 18 * b + 131584) >> 10;
      i0 += 2;
      i1 += 2;
      o0 += 2;
      o1 += 2;
      co++;
    }
  }
}

/**
 * As {@link rgbToI420}, at half the size: each output pixel is the mean of a 2x2 block (and
 * each chroma sample of a 4x4 one). For a source over twice its tile (a 720p canvas in a
 * webcam tile), this reads every pixel once and writes a quarter, where converting at full
 * size and then halving wrote four times as much. `pairs` flags row pairs of the source; the
 * output covers `width & ~3` by `height & ~3` source pixels.
 */
export function rgbToI420Half(
  src: RgbPixels,
  dst: I420Image,
  dx: number,
  dy: number,
  pairs: Uint8Array | null = null,
): void {
  const s = src.data;
  const d = dst.data;
  const w = src.width & ~3;
  const h = src.height & ~3;
  const rShift = src.order === 'bgra' ? 16 : 0;
  const bShift = src.order === 'bgra' ? 0 : 16;
  const ys = dst.yStride;
  const uo = dst.uOffset;
  const vo = dst.vOffset;
  const st = src.stride;
  for (let y = 0; y < h; y += 4) {
    if (pairs && !pairs[y >> 1] && !pairs[(y >> 1) + 1]) continue;
    let i0 = y * st;
    let o0 = (dy + (y >> 1)) * ys + dx;
    let co = ((dy + (y >> 1)) >> 1) * dst.cStride + (dx >> 1);
    for (let x = 0; x < w; x += 4) {
      // Four output pixels (2x2), each the mean of a 2x2 block of the source.
      let rs = 0;
      let gs = 0;
      let bs = 0;
      for (let q = 0; q < 4; q++) {
        const base = i0 + (q >> 1) * 2 * st + (q & 1) * 2;
        const p0 = s[base]!;
        const p1 = s[base + 1]!;
        const p2 = s[base + st]!;
        const p3 = s[base + st + 1]!;
        const r =
          ((p0 >>> rShift) & 255) +
          ((p1 >>> rShift) & 255) +
          ((p2 >>> rShift) & 255) +
          ((p3 >>> rShift) & 255);
        const g = ((p0 >>> 8) & 255) + ((p1 >>> 8) & 255) + ((p2 >>> 8) & 255) + ((p3 >>> 8) & 255);
        const b =
          ((p0 >>> bShift) & 255) +
          ((p1 >>> bShift) & 255) +
          ((p2 >>> bShift) & 255) +
          ((p3 >>> bShift) & 255);
        // Sums of four: 10 fractional bits.
        d[o0 + (q >> 1) * ys + (q & 1)] = (66 * r + 129 * g + 25 * b + 16896) >> 10;
        rs += r;
        gs += g;
        bs += b;
      }
      // Sums of sixteen: 12 fractional bits.
      d[uo + co] = (-38 * rs - 74 * gs + 112 * bs + 526336) >> 12;
      d[vo + co] = (112 * rs - 94 * gs - 18 * bs + 526336) >> 12;
      i0 += 4;
      o0 += 2;
      co++;
    }
  }
}
