/**
 * Brings YUV planes of another colour space (BT.709 screen captures, full-range MJPEG webcams)
 * to the composite's BT.601 limited range, in place, inside one tile. Frames already in it
 * (cameras, WebRTC) skip this entirely.
 */
import type { Rect } from './layout.js';
import type { I420Image } from './i420.js';

/** Luma weights of red and blue per matrix. */
const K: Record<string, { r: number; b: number }> = {
  bt709: { r: 0.2126, b: 0.0722 },
  smpte170m: { r: 0.299, b: 0.114 },
  bt470bg: { r: 0.299, b: 0.114 },
  smpte240m: { r: 0.212, b: 0.087 },
  bt2020: { r: 0.2627, b: 0.0593 },
};

/** A 3x3 map of (Y - yOff, U - 128, V - 128) to the composite's values, 10 fractional bits. */
export interface YuvTransform {
  m: Int32Array;
  yOff: number;
}

/**
 * The transform from a source colour space to BT.601 limited range, or null when the source is
 * in it already (or does not say: Chromium tags camera frames, so unspecified is rare and is
 * taken as BT.601).
 */
export function transformFor(cs: VideoColorSpaceInit | null | undefined): YuvTransform | null {
  const matrix = cs?.matrix ?? 'smpte170m';
  const full = cs?.fullRange === true;
  const from = K[matrix] ?? K['smpte170m']!;
  const to = K['smpte170m']!;
  if (!full && from.r === to.r && from.b === to.b) return null;
  // Normalised source: y in 0..1, cb/cr in -0.5..0.5.
  const yScale = full ? 255 : 219;
  const cScale = full ? 255 : 224;
  const toRgb = (y: number, cb: number, cr: number): [number, number, number] => {
    const r = y + 2 * (1 - from.r) * cr;
    const b = y + 2 * (1 - from.b) * cb;
    const g = (y - from.r * r - from.b * b) / (1 - from.r - from.b);
    return [r, g, b];
  };
  const fromRgb = ([r, g, b]: [number, number, number]): [number, number, number] => {
    const y = to.r * r + (1 - to.r - to.b) * g + to.b * b;
    return [y, (b - y) / (2 * (1 - to.b)), (r - y) / (2 * (1 - to.r))];
  };
  const m = new Int32Array(9);
  const basis: Array<[number, number, number]> = [
    [1 / yScale, 0, 0],
    [0, 1 / cScale, 0],
    [0, 0, 1 / cScale],
  ];
  basis.forEach((v, col) => {
    const [y, cb, cr] = fromRgb(toRgb(...v));
    m[col] = Math.round(y * 219 * 1024);
    m[3 + col] = Math.round(cb * 224 * 1024);
    m[6 + col] = Math.round(cr * 224 * 1024);
  });
  return { m, yOff: full ? 0 : 16 };
}

/** Applies `t` to the even-aligned `rect` of `img`. */
export function applyYuvTransform(img: I420Image, rect: Rect, t: YuvTransform): void {
  const d = new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  const m = t.m;
  // Luma never feeds chroma (m[3], m[6] are 0): a grey stays grey in every matrix.
  const [m0, m1, m2, m4, m5, m7, m8] = [m[0]!, m[1]!, m[2]!, m[4]!, m[5]!, m[7]!, m[8]!];
  const cw = rect.width >> 1;
  const ch = rect.height >> 1;
  for (let cy = 0; cy < ch; cy++) {
    const crow = ((rect.y >> 1) + cy) * img.cStride + (rect.x >> 1);
    const y0 = (rect.y + 2 * cy) * img.yStride + rect.x;
    const y1 = y0 + img.yStride;
    for (let cx = 0; cx < cw; cx++) {
      const ui = img.uOffset + crow + cx;
      const vi = img.vOffset + crow + cx;
      const u = d[ui]! - 128;
      const v = d[vi]! - 128;
      const yc = m1 * u + m2 * v + (16 << 10) + 512;
      const a = y0 + 2 * cx;
      const b = y1 + 2 * cx;
      d[a] = (m0 * (d[a]! - t.yOff) + yc) >> 10;
      d[a + 1] = (m0 * (d[a + 1]! - t.yOff) + yc) >> 10;
      d[b] = (m0 * (d[b]! - t.yOff) + yc) >> 10;
      d[b + 1] = (m0 * (d[b + 1]! - t.yOff) + yc) >> 10;
      d[ui] = (m4 * u + m5 * v + (128 << 10) + 512) >> 10;
      d[vi] = (m7 * u + m8 * v + (128 << 10) + 512) >> 10;
    }
  }
}
