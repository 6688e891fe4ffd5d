/**
 * What a recording holds, decoded by ffmpeg: what a frame shows in a region (mean colour,
 * spread, saturation) and how strong a tone is in its sound.
 */
import { execFileSync } from 'node:child_process';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Frame {
  width: number;
  height: number;
  rgb: Buffer;
}

export interface RegionStats {
  /** Mean red, green, blue (0-255). */
  mean: [number, number, number];
  /** Mean luma (BT.709, 0-255). */
  luma: number;
  /** Standard deviation of luma: 0 for a flat colour. */
  lumaStd: number;
  /** Mean of max(r,g,b) - min(r,g,b): 0 for grey. */
  chroma: number;
}

/** The frame `secondsFromEnd` before the end of `file`, as 8-bit RGB. */
export function frameFromEnd(
  file: string,
  secondsFromEnd: number,
  width = 1920,
  height = 1080,
): Frame {
  const rgb = execFileSync(
    'ffmpeg',
    [
      '-v',
      'error',
      '-sseof',
      `-${secondsFromEnd}`,
      '-i',
      file,
      '-frames:v',
      '1',
      '-f',
      'rawvideo',
      '-pix_fmt',
      'rgb24',
      '-',
    ],
    { maxBuffer: width * height * 3 + 1024 },
  );
  if (rgb.length !== width * height * 3) {
    throw new Error(`expected one ${width}x${height} RGB frame, got ${rgb.length} bytes`);
  }
  return { width, height, rgb };
}

/** The middle of a rectangle (`share` of each side), clear of its edges and any letterbox. */
export function inner(r: Rect, share = 0.6): Rect {
  const width = Math.round(r.width * share);
  const height = Math.round(r.height * share);
  return {
    x: r.x + Math.round((r.width - width) / 2),
    y: r.y + Math.round((r.height - height) / 2),
    width,
    height,
  };
}

export function regionStats(frame: Frame, r: Rect): RegionStats {
  let sr = 0;
  let sg = 0;
  let sb = 0;
  let sl = 0;
  let sl2 = 0;
  let sc = 0;
  let n = 0;
  for (let y = r.y; y < r.y + r.height; y++) {
    for (let x = r.x; x < r.x + r.width; x++) {
      const i = (y * frame.width + x) * 3;
      const red = frame.rgb[i]!;
      const green = frame.rgb[i + 1]!;
      const blue = frame.rgb[i + 2]!;
      const l = 0.2126 * red + 0.7152 * green + 0.0722 * blue;
      sr += red;
      sg += green;
      sb += blue;
      sl += l;
      sl2 += l * l;
      sc += Math.max(red, green, blue) - Math.min(red, green, blue);
      n++;
    }
  }
  const luma = sl / n;
  const round = (v: number) => Math.round(v * 10) / 10;
  return {
    mean: [round(sr / n), round(sg / n), round(sb / n)],
    luma: round(luma),
    lumaStd: round(Math.sqrt(Math.max(0, sl2 / n - luma * luma))),
    chroma: round(sc / n),
  };
}

/** The file's duration in seconds, as ffprobe reads it. */
export function durationOf(file: string): number {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  return Number.parseFloat(out);
}

/**
 * How strong a pure tone of `hz` is in the last `seconds` of the file's sound (mixed to mono),
 * against the level at frequencies beside it where no source of the demo sounds (a ratio,
 * about 1 when the tone is absent), and the sound's RMS level (0 for silence).
 */
export function toneIn(file: string, hz: number, seconds: number): { ratio: number; rms: number } {
  const rate = 48_000;
  // The whole sound, then its end: `-sseof` seeks, and a seek into a fragmented file's audio
  // decoded under a second of it here (86 kB for 10 s asked).
  const raw = execFileSync(
    'ffmpeg',
    ['-v', 'error', '-i', file, '-vn', '-ac', '1', '-ar', String(rate), '-f', 'f32le', '-'],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  // A copy: the decoder's buffer need not be 4-byte aligned.
  const all = new Float32Array(new Uint8Array(raw).buffer);
  const samples = all.subarray(Math.max(0, all.length - Math.round(seconds * rate)));
  const level = (f: number) => {
    let re = 0;
    let im = 0;
    for (let i = 0; i < samples.length; i++) {
      const phase = (2 * Math.PI * f * i) / rate;
      re += samples[i]! * Math.cos(phase);
      im -= samples[i]! * Math.sin(phase);
    }
    return Math.hypot(re, im) / Math.max(1, samples.length);
  };
  const beside = [hz * 0.7, hz * 1.3, hz * 1.7].map(level);
  const floor = beside.reduce((a, b) => a + b, 0) / beside.length;
  let sum = 0;
  for (const v of samples) sum += v * v;
  return {
    ratio: floor > 0 ? level(hz) / floor : 0,
    rms: Math.sqrt(sum / Math.max(1, samples.length)),
  };
}
