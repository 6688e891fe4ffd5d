/** Synthetic room sources, an in-memory sink and file checks for the pipeline's tests. */
import { ALL_FORMATS, AudioBufferSink, BufferSource, Input } from 'mediabunny';
import { rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import type { PipelineResult } from '../../../src/media/pipeline.js';
import type { Fragment, FragmentSink } from '../../../src/media/types.js';

/** Solid colours of the synthetic sources: far from each other and from the label colour. */
export const COLOURS = {
  stage: [30, 60, 200],
  cam0: [220, 40, 40],
  cam1: [40, 200, 60],
  cam2: [230, 200, 30],
} as const;
export type Rgb = readonly [number, number, number];

/** The colour of the names drawn in the DOM over the webcams: must never be recorded. */
export const LABEL_RGB: Rgb = [255, 0, 255];

const timers: Array<ReturnType<typeof setInterval>> = [];

/** A canvas filled with `rgb` and a small moving bar, redrawn 30 times a second. */
export function syntheticCanvas(width: number, height: number, rgb: Rgb): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  const ctx = c.getContext('2d')!;
  let i = 0;
  const draw = (): void => {
    ctx.fillStyle = `rgb(${rgb.join(',')})`;
    ctx.fillRect(0, 0, width, height);
    // A darker bar along the bottom edge moves, so frames differ; tile centres stay solid.
    // It wraps at the right edge, so all of it is always in the picture (a bar half off the
    // edge would vanish from a test's view of the tile's inner pixels).
    ctx.fillStyle = 'rgb(0,0,0)';
    const x = (i * 7) % width;
    const [y, w, h] = [
      height - Math.ceil(height / 12),
      Math.ceil(width / 10),
      Math.ceil(height / 12),
    ];
    ctx.fillRect(x, y, w, h);
    if (x + w > width) ctx.fillRect(x - width, y, w, h);
    i++;
  };
  draw();
  timers.push(setInterval(draw, 33));
  return c;
}

/** A tile in the page: the webcam canvas with its participant's name over it, as rooms do. */
export function webcamTile(canvas: HTMLCanvasElement, name: string): HTMLElement {
  const tile = document.createElement('div');
  tile.style.cssText = 'position:relative;display:inline-block;width:320px;height:180px';
  canvas.style.cssText = 'width:100%;height:100%';
  const label = document.createElement('div');
  label.textContent = name;
  label.style.cssText = `position:absolute;left:0;top:0;right:0;bottom:0;background:rgb(${LABEL_RGB.join(',')});color:rgb(${LABEL_RGB.join(',')});font:bold 40px sans-serif`;
  tile.append(canvas, label);
  document.body.append(tile);
  return tile;
}

/** A tone (440 Hz by default) as an audio track. */
export function toneTrack(frequency = 440): {
  track: MediaStreamTrack;
  /**
   * Resolves once the tone sounds: until its context runs, the track carries silence (50-70 ms
   * with Chromium 156 here), which a test timing the tone's onset would blame on the recorder.
   */
  sounding: Promise<void>;
  close: () => Promise<void>;
} {
  const ctx = new AudioContext({ sampleRate: 48_000 });
  const osc = ctx.createOscillator();
  osc.frequency.value = frequency;
  const gain = ctx.createGain();
  gain.gain.value = 0.5;
  const dest = ctx.createMediaStreamDestination();
  osc.connect(gain).connect(dest);
  osc.start();
  const sounding = ctx.resume().then(async () => {
    while (ctx.currentTime < 0.1) await new Promise((r) => setTimeout(r, 10));
  });
  return { track: dest.stream.getAudioTracks()[0]!, sounding, close: () => ctx.close() };
}

/**
 * Waits until the audio has caught up with frames a deterministic clock made faster than real
 * time: the audio comes in real time, and its clock cuts it where the frames end, so a test
 * that stops at once gets as much audio as the machine was fast. `drift` reads the newest
 * health report's `avDriftMs` (-Infinity before one counts).
 */
export async function audioCaughtUp(drift: () => number, timeoutMs = 20_000): Promise<void> {
  const from = performance.now();
  while (drift() < -100) {
    if (performance.now() - from > timeoutMs) {
      throw new Error(`The audio did not catch up with the video within ${timeoutMs} ms.`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function stopSynthetic(): void {
  for (const t of timers.splice(0)) clearInterval(t);
  document.body.replaceChildren();
}

/** A sink in memory: the header and the fragments, in the order they came. */
export class MemorySink implements FragmentSink {
  header: Uint8Array | null = null;
  readonly fragments: Fragment[] = [];
  headerWrites = 0;
  async writeHeader(header: Uint8Array): Promise<void> {
    this.header = header.slice();
    this.headerWrites++;
  }
  async writeFragment(fragment: Fragment): Promise<void> {
    this.fragments.push({ ...fragment, bytes: fragment.bytes.slice() });
  }
  /** The stream as written: header then fragments. */
  streamBytes(): number {
    return (this.header?.length ?? 0) + this.fragments.reduce((n, f) => n + f.bytes.length, 0);
  }
}

/** The file a player gets: the rewritten header, then the fragments the sink received, in order. */
export function buildFile(sink: MemorySink, result: PipelineResult): Uint8Array {
  const header = rewriteHeader(result.header, result.fragments, {
    streamBytes: result.bytesWritten,
  });
  const parts = [header, ...sink.fragments.map((f) => f.bytes)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** RMS of the decoded audio of an MP4 (0 when it has no audio track). */
export async function audioRms(file: Uint8Array): Promise<{ rms: number; seconds: number }> {
  const input = new Input({ source: new BufferSource(file), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  if (!track) return { rms: 0, seconds: 0 };
  let sum = 0;
  let n = 0;
  let seconds = 0;
  for await (const { buffer } of new AudioBufferSink(track).buffers()) {
    seconds += buffer.duration;
    for (let ch = 0; ch < buffer.numberOfChannels; ch++) {
      for (const v of buffer.getChannelData(ch)) {
        sum += v * v;
        n++;
      }
    }
  }
  return { rms: n ? Math.sqrt(sum / n) : 0, seconds };
}

/** The boxes at the top level of an MP4 (type and size). */
export function topBoxes(file: Uint8Array): Array<{ type: string; offset: number; size: number }> {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Array<{ type: string; offset: number; size: number }> = [];
  let o = 0;
  while (o + 8 <= file.length) {
    let size = view.getUint32(o);
    const type = String.fromCharCode(...file.subarray(o + 4, o + 8));
    if (size === 1) size = Number(view.getBigUint64(o + 8));
    if (size < 8) break;
    out.push({ type, offset: o, size });
    o += size;
  }
  return out;
}

/** The sidx references' sizes (version 0 or 1). */
export function sidxSizes(file: Uint8Array): number[] {
  const box = topBoxes(file).find((b) => b.type === 'sidx');
  if (!box) return [];
  const view = new DataView(file.buffer, file.byteOffset + box.offset, box.size);
  const version = view.getUint8(8);
  let o = 12 + 8 + (version === 0 ? 8 : 16) + 2;
  const count = view.getUint16(o);
  o += 2;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) sizes.push(view.getUint32(o + i * 12) & 0x7fffffff);
  return sizes;
}

/** Plays a served file in a <video>: duration at loadedmetadata, and where a seek lands. */
export async function playIn(
  url: string,
  seekTo: number,
): Promise<{ duration: number; landed: number; seekMs: number }> {
  const v = document.createElement('video');
  v.muted = true;
  v.preload = 'metadata';
  document.body.append(v);
  const loaded = new Promise<void>((resolve, reject) => {
    v.onloadedmetadata = () => resolve();
    v.onerror = () => reject(new Error(`video error ${v.error?.code} ${v.error?.message}`));
  });
  v.src = url;
  await loaded;
  const duration = v.duration;
  const t = performance.now();
  const seeked = new Promise<void>((resolve) => (v.onseeked = () => resolve()));
  v.currentTime = seekTo;
  await seeked;
  const out = { duration, landed: v.currentTime, seekMs: performance.now() - t };
  v.remove();
  return out;
}

/** Pixels of a PNG data URL. */
export async function pixels(dataUrl: string): Promise<ImageData> {
  const img = new Image();
  img.src = dataUrl;
  await img.decode();
  const c = new OffscreenCanvas(img.width, img.height);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(img, 0, 0);
  return ctx.getImageData(0, 0, img.width, img.height);
}

/** The colour at (x, y). */
export function at(img: ImageData, x: number, y: number): Rgb {
  const i = (Math.round(y) * img.width + Math.round(x)) * 4;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

export function near(a: Rgb, b: Rgb, tolerance = 40): boolean {
  return (
    Math.abs(a[0] - b[0]) <= tolerance &&
    Math.abs(a[1] - b[1]) <= tolerance &&
    Math.abs(a[2] - b[2]) <= tolerance
  );
}

/** Pixels close to `rgb` in the image. */
export function countNear(img: ImageData, rgb: Rgb, tolerance = 60): number {
  let n = 0;
  const d = img.data;
  for (let i = 0; i < d.length; i += 4) {
    if (
      Math.abs(d[i]! - rgb[0]) <= tolerance &&
      Math.abs(d[i + 1]! - rgb[1]) <= tolerance &&
      Math.abs(d[i + 2]! - rgb[2]) <= tolerance
    )
      n++;
  }
  return n;
}

export async function h264Supported(): Promise<boolean> {
  const s = await VideoEncoder.isConfigSupported({
    codec: 'avc1.640028',
    width: 1920,
    height: 1080,
    bitrate: 6e6,
    framerate: 30,
  });
  return s.supported === true;
}
