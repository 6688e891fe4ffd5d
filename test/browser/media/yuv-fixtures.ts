/** YUV pictures and measurements for the I420 compositor's tests. */
import type { Rect } from '../../../src/media/layout.js';
import type { I420Image } from '../../../src/media/i420.js';

export type Yuv = [number, number, number];

/** BT.601 limited range of an sRGB colour (0-255 each), unrounded. */
export function bt601(r: number, g: number, b: number): Yuv {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  return [
    16 + 65.481 * R + 128.553 * G + 24.966 * B,
    128 - 37.797 * R - 74.203 * G + 112 * B,
    128 + 112 * R - 93.786 * G - 18.214 * B,
  ];
}

/** BT.709 limited range of an sRGB colour. */
export function bt709(r: number, g: number, b: number): Yuv {
  const [R, G, B] = [r / 255, g / 255, b / 255];
  const y = 0.2126 * R + 0.7152 * G + 0.0722 * B;
  return [16 + 219 * y, 128 + 224 * ((B - y) / 1.8556), 128 + 224 * ((R - y) / 1.5748)];
}

const SD: VideoColorSpaceInit = {
  matrix: 'smpte170m',
  primaries: 'smpte170m',
  transfer: 'smpte170m',
  fullRange: false,
};

/** A solid I420 (or NV12) frame. */
export function solidYuvFrame(
  yuv: Yuv,
  width: number,
  height: number,
  format: 'I420' | 'NV12' | 'I444' = 'I420',
  colorSpace: VideoColorSpaceInit = SD,
): VideoFrame {
  const [y, u, v] = yuv.map(Math.round) as Yuv;
  const ySize = width * height;
  if (format === 'I444') {
    const data = new Uint8Array(3 * ySize);
    data.fill(y, 0, ySize);
    data.fill(u, ySize, 2 * ySize);
    data.fill(v, 2 * ySize);
    return new VideoFrame(data, {
      format,
      codedWidth: width,
      codedHeight: height,
      timestamp: 0,
      colorSpace,
    });
  }
  const cSize = (width >> 1) * (height >> 1);
  const data = new Uint8Array(ySize + 2 * cSize);
  data.fill(y, 0, ySize);
  if (format === 'I420') {
    data.fill(u, ySize, ySize + cSize);
    data.fill(v, ySize + cSize);
  } else {
    for (let i = ySize; i < data.length; i += 2) {
      data[i] = u;
      data[i + 1] = v;
    }
  }
  return new VideoFrame(data, {
    format,
    codedWidth: width,
    codedHeight: height,
    timestamp: 0,
    colorSpace,
  });
}

/** A canvas picture of one colour, as the page's capture track gives it (BGRA). */
export function solidRgbFrame(css: string, width: number, height: number): VideoFrame {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, width, height);
  return new VideoFrame(c, { timestamp: 0 });
}

/** A bitmap of one colour (what a hidden page pushes). */
export function solidBitmap(css: string, width: number, height: number): ImageBitmap {
  const c = new OffscreenCanvas(width, height);
  const ctx = c.getContext('2d')!;
  ctx.fillStyle = css;
  ctx.fillRect(0, 0, width, height);
  return c.transferToImageBitmap();
}

/** The middle half of a rectangle (away from edges that filters blend with neighbours). */
export function inner(r: Rect): Rect {
  return {
    x: r.x + Math.floor(r.width / 4),
    y: r.y + Math.floor(r.height / 4),
    width: Math.max(2, Math.floor(r.width / 2)),
    height: Math.max(2, Math.floor(r.height / 2)),
  };
}

/** Mean Y, U, V over a rectangle of planes laid out as I420 with these strides. */
export function meanYuv(
  planes: { data: Uint8Array; yStride: number; cStride: number; uOffset: number; vOffset: number },
  r: Rect,
): Yuv {
  let y = 0;
  let n = 0;
  for (let row = r.y; row < r.y + r.height; row++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      y += planes.data[row * planes.yStride + x]!;
      n++;
    }
  }
  let u = 0;
  let v = 0;
  let m = 0;
  for (let row = r.y >> 1; row < (r.y + r.height) >> 1; row++) {
    for (let x = r.x >> 1; x < (r.x + r.width) >> 1; x++) {
      u += planes.data[planes.uOffset + row * planes.cStride + x]!;
      v += planes.data[planes.vOffset + row * planes.cStride + x]!;
      m++;
    }
  }
  return [y / n, u / m, v / m];
}

/** Mean Y, U, V of a rectangle of the composite. */
export function meanOf(img: I420Image, r: Rect): Yuv {
  return meanYuv(img, r);
}

/** Whether each component is within `tol` of the expected. */
export function closeYuv(got: Yuv, want: Yuv, tol = 2): boolean {
  return got.every((v, i) => Math.abs(v - want[i]!) <= tol);
}

export const fmt = (v: Yuv): string => v.map((x) => x.toFixed(1)).join('/');
