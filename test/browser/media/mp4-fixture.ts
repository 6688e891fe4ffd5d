/**
 * Real WebCodecs packets for MP4 writer tests, and a <video> to judge the file with: shared by
 * the writer's tests and the 10-minute X3 file (a long figure, run by `npm run test:long`).
 */
import { expect } from '@esm-bundle/chai';
import { boxPayload, listBoxes, readU32 } from '../../../src/media/mp4/boxes.js';
import type { Fragment, FragmentSink } from '../../../src/media/types.js';

// mediabunny maps its Node-only module (node:fs/promises) away through package.json's
// "browser" field, which this runner's nodeResolve does not apply (it needs
// `browser: true`); until it does, an import map stands in for that module, and the
// writer is imported after it.
const importMap = document.createElement('script');
importMap.type = 'importmap';
importMap.textContent = JSON.stringify({
  imports: { 'node:fs/promises': 'data:text/javascript,export{}' },
});
document.head.append(importMap);
export const { Mp4FragmentWriter } = await import('../../../src/media/mp4/writer.js');
export type Mp4FragmentWriter = InstanceType<typeof Mp4FragmentWriter>;

export const WIDTH = 1920;
export const HEIGHT = 1080;
export const FPS = 30;
export const VIDEO_CONFIG: VideoEncoderConfig = {
  codec: 'avc1.640028',
  width: WIDTH,
  height: HEIGHT,
  bitrate: 6_000_000,
  framerate: FPS,
  avc: { format: 'avc' },
  latencyMode: 'realtime',
};

export class MemorySink implements FragmentSink {
  header: Uint8Array | null = null;
  fragments: Fragment[] = [];
  writeHeader(header: Uint8Array): Promise<void> {
    this.header = header;
    return Promise.resolve();
  }
  writeFragment(fragment: Fragment): Promise<void> {
    this.fragments.push(fragment);
    return Promise.resolve();
  }
}

export interface Encoded {
  video: { chunk: EncodedVideoChunk; meta?: EncodedVideoChunkMetadata }[];
  audio: { chunk: EncodedAudioChunk; meta?: EncodedAudioChunkMetadata }[];
  audioCodec: 'aac' | 'opus';
}

export async function audioConfig(): Promise<{
  config: AudioEncoderConfig;
  codec: 'aac' | 'opus';
}> {
  const base = { sampleRate: 48000, numberOfChannels: 2, bitrate: 128_000 };
  const aac = { ...base, codec: 'mp4a.40.2' };
  if ((await AudioEncoder.isConfigSupported(aac)).supported) return { config: aac, codec: 'aac' };
  const opus = { ...base, codec: 'opus' };
  expect((await AudioEncoder.isConfigSupported(opus)).supported, 'Opus encoding').to.equal(true);
  return { config: opus, codec: 'opus' };
}

/** Encodes `seconds` of busy 1080p canvas frames (keyframe every 2 s) and a 440-Hz tone. */
export async function encode(seconds: number, bitrate = 6_000_000): Promise<Encoded> {
  const support = await VideoEncoder.isConfigSupported(VIDEO_CONFIG);
  expect(support.supported, 'VideoEncoder avc1.640028 1920x1080 must be supported').to.equal(true);
  const { config: aConfig, codec: audioCodec } = await audioConfig();
  const out: Encoded = { video: [], audio: [], audioCodec };
  const fail = (e: unknown): void => {
    throw e;
  };
  const venc = new VideoEncoder({
    output: (chunk, meta) => out.video.push({ chunk, meta }),
    error: fail,
  });
  venc.configure({ ...VIDEO_CONFIG, bitrate });
  const aenc = new AudioEncoder({
    output: (chunk, meta) => out.audio.push({ chunk, meta }),
    error: fail,
  });
  aenc.configure(aConfig);

  const canvas = new OffscreenCanvas(WIDTH, HEIGHT);
  const ctx = canvas.getContext('2d')!;
  const frames = seconds * FPS;
  for (let i = 0; i < frames; i++) {
    const g = ctx.createLinearGradient(0, 0, WIDTH, HEIGHT);
    g.addColorStop(0, `hsl(${(i * 3) % 360}, 70%, 45%)`);
    g.addColorStop(1, `hsl(${(i * 3 + 180) % 360}, 70%, 35%)`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    // Moving shapes and text give the encoder real motion to code.
    for (let k = 0; k < 12; k++) {
      ctx.fillStyle = `hsl(${k * 30}, 80%, 60%)`;
      ctx.fillRect((i * (7 + k) + k * 150) % WIDTH, (k * 90 + i * 3) % HEIGHT, 160, 90);
    }
    ctx.fillStyle = '#fff';
    ctx.font = 'bold 96px sans-serif';
    ctx.fillText(`frame ${i}`, 80, 160);
    const frame = new VideoFrame(canvas, {
      timestamp: Math.round((i * 1e6) / FPS),
      duration: Math.round(1e6 / FPS),
    });
    while (venc.encodeQueueSize > 4) await new Promise((r) => setTimeout(r, 2));
    venc.encode(frame, { keyFrame: i % (2 * FPS) === 0 });
    frame.close();
  }
  const chunkFrames = 960; // 20 ms at 48 kHz
  for (let n = 0; n * chunkFrames < seconds * 48000; n++) {
    const data = new Float32Array(chunkFrames * 2);
    for (let j = 0; j < chunkFrames; j++) {
      const v = 0.3 * Math.sin((2 * Math.PI * 440 * (n * chunkFrames + j)) / 48000);
      data[j] = v;
      data[chunkFrames + j] = v;
    }
    const audio = new AudioData({
      format: 'f32-planar',
      sampleRate: 48000,
      numberOfChannels: 2,
      numberOfFrames: chunkFrames,
      timestamp: Math.round((n * chunkFrames * 1e6) / 48000),
      data,
    });
    aenc.encode(audio);
    audio.close();
  }
  await Promise.all([venc.flush(), aenc.flush()]);
  venc.close();
  aenc.close();
  return out;
}

export function newWriter(sink: FragmentSink, audioCodec: 'aac' | 'opus'): Mp4FragmentWriter {
  return new Mp4FragmentWriter({
    video: { width: WIDTH, height: HEIGHT, framerate: FPS },
    audio: { codec: audioCodec, sampleRate: 48000, numberOfChannels: 2 },
    sink,
  });
}

/** Loads `url` in a <video>: ms to loadedmetadata (or null after `timeoutMs`) and its duration. */
export async function openVideo(url: string, timeoutMs: number) {
  const video = document.createElement('video');
  video.muted = true;
  video.preload = 'metadata';
  document.body.append(video);
  const t0 = performance.now();
  const loaded = await new Promise<boolean>((resolve, reject) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    video.addEventListener('loadedmetadata', () => (clearTimeout(timer), resolve(true)), {
      once: true,
    });
    video.addEventListener(
      'error',
      () => reject(new Error(`video error ${video.error?.code} ${video.error?.message}`)),
      {
        once: true,
      },
    );
    video.src = url;
  });
  return { video, loaded, ms: performance.now() - t0, duration: video.duration };
}

export async function seek(video: HTMLVideoElement, to: number): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    video.addEventListener('seeked', () => resolve(), { once: true });
    video.currentTime = to;
  });
  return performance.now() - t0;
}

export function closeVideo(video: HTMLVideoElement): void {
  video.removeAttribute('src');
  video.load();
  video.remove();
}

export function sidxOf(header: Uint8Array) {
  const top = listBoxes(header);
  const sidx = top.find((b) => b.type === 'sidx');
  expect(sidx, 'sidx in the rewritten header').to.not.equal(undefined);
  const p = boxPayload(header, sidx!);
  const count = (p[30]! << 8) | p[31]!;
  const sizes: number[] = [];
  for (let i = 0; i < count; i++) sizes.push(readU32(p, 32 + i * 12) & 0x7fffffff);
  return { isLast: top.at(-1) === sidx, timescale: readU32(p, 8), sizes };
}
