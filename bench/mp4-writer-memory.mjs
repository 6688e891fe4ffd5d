#!/usr/bin/env node
// Retained heap of the MP4 writer over a long recording, before and after its design:
//
//   before: one mediabunny Output for the whole recording (fragmented, StreamTarget), which
//           keeps every sample's metadata for its final mfra (IsobmffMuxer.finalizedChunks);
//   after:  Mp4FragmentWriter, one short-lived Output per fragment.
//
// Both are fed the same synthetic packets of a 30-fps H.264 track (keyframe every 2 s) and a
// 20-ms Opus track (the packet rate is what matters: payload bytes are released once
// written in both cases, so payloads are small to keep the run short). The heap is measured
// after a forced GC every 10 simulated minutes.
//
//   node bench/mp4-writer-memory.mjs [hours=1]
//
// Prints the figures and writes them to a new bench/results/mp4-writer-memory-<date>.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { WritableStream } from 'node:stream/web';

if (typeof globalThis.gc !== 'function') {
  // Re-run with --expose-gc: retained memory is only meaningful after a full collection.
  const r = spawnSync(
    process.execPath,
    ['--expose-gc', fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
    },
  );
  process.exit(r.status ?? 1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const hours = Number(process.argv[2] ?? 1);
const FPS = 30;
const AUDIO_US = 20_000;
const SAMPLE_EVERY_US = 10 * 60 * 1e6;

// The writer is TypeScript: bundle it for Node with esbuild (mediabunny stays external).
const esbuild = await import('esbuild');
const outDir = mkdtempSync(join(tmpdir(), 'rr-mp4-bench-'));
const outFile = join(outDir, 'writer.mjs');
await esbuild.build({
  entryPoints: [join(root, 'src/media/mp4/writer.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outfile: outFile,
  external: ['mediabunny'],
  nodePaths: [join(root, 'node_modules')],
  logLevel: 'error',
});
// Resolve mediabunny from the project for the bundled file.
writeFileSync(join(outDir, 'package.json'), '{"type":"module"}');
const mb = await import(
  pathToFileURL(join(root, 'node_modules/mediabunny/dist/modules/src/index.js')).href
);
const bundled = (await import('node:fs'))
  .readFileSync(outFile, 'utf8')
  .replaceAll(
    /from\s*["']mediabunny["']/g,
    `from ${JSON.stringify(pathToFileURL(join(root, 'node_modules/mediabunny/dist/modules/src/index.js')).href)}`,
  );
writeFileSync(outFile, bundled);
const { Mp4FragmentWriter } = await import(pathToFileURL(outFile).href);

const AVCC = new Uint8Array([
  1, 100, 0, 40, 0xff, 0xe1, 0, 4, 0x67, 100, 0, 40, 1, 0, 2, 0x68, 0xce,
]);
const VIDEO_CONFIG = {
  codec: 'avc1.640028',
  codedWidth: 1920,
  codedHeight: 1080,
  description: AVCC,
};
const AUDIO_CONFIG = { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 };
const videoPayload = new Uint8Array(200).fill(1);
const audioPayload = new Uint8Array(40).fill(2);

/** Packets in the order two encoders would deliver them, for `seconds`. */
function* packets(seconds) {
  let audioUs = 0;
  for (let i = 0; i < seconds * FPS; i++) {
    const t = Math.floor((i * 1e6) / FPS);
    yield { kind: 'video', key: i % (2 * FPS) === 0, t, first: i === 0 };
    for (; audioUs <= t; audioUs += AUDIO_US)
      yield { kind: 'audio', t: audioUs, first: audioUs === 0 };
  }
}

function heap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function run(name, feed, finish) {
  const samples = [];
  const base = heap();
  let nextSample = SAMPLE_EVERY_US;
  let count = 0;
  const t0 = performance.now();
  for (const p of packets(hours * 3600)) {
    await feed(p);
    count++;
    if (p.kind === 'video' && p.t >= nextSample) {
      samples.push({
        minutes: Math.round(p.t / 60e6),
        packets: count,
        retainedBytes: heap() - base,
      });
      nextSample += SAMPLE_EVERY_US;
    }
  }
  const end = { minutes: hours * 60, packets: count, retainedBytes: heap() - base };
  await finish();
  const seconds = (performance.now() - t0) / 1000;
  // Growth per packet from the first sample to the end (past start-up allocations).
  const first = samples[0] ?? end;
  const perPacket =
    (end.retainedBytes - first.retainedBytes) / Math.max(1, end.packets - first.packets);
  const perHour =
    (end.retainedBytes - first.retainedBytes) / ((end.minutes - first.minutes) / 60 || 1);
  const result = {
    name,
    packets: count,
    seconds: Number(seconds.toFixed(1)),
    samples,
    retainedBytesAtEnd: end.retainedBytes,
    bytesPerPacket: Number(perPacket.toFixed(1)),
    mibPerHour: Number((perHour / 2 ** 20).toFixed(2)),
    mibPer24h: Number(((perHour * 24) / 2 ** 20).toFixed(0)),
  };
  console.log(
    `${name.padEnd(8)} ${count} packets in ${result.seconds} s: retained ${(end.retainedBytes / 2 ** 20).toFixed(1)} MiB ` +
      `after ${hours} h; growth ${result.bytesPerPacket} B/packet, ${result.mibPerHour} MiB/h, ~${result.mibPer24h} MiB/24 h`,
  );
  for (const s of samples)
    console.log(
      `         ${String(s.minutes).padStart(4)} min  ${(s.retainedBytes / 2 ** 20).toFixed(2)} MiB`,
    );
  return result;
}

// before: one Output for the whole recording.
async function before() {
  const output = new mb.Output({
    format: new mb.Mp4OutputFormat({ fastStart: 'fragmented', minimumFragmentDuration: 1 }),
    target: new mb.StreamTarget(new WritableStream({ write() {} })),
  });
  const video = new mb.EncodedVideoPacketSource('avc');
  const audio = new mb.EncodedAudioPacketSource('opus');
  output.addVideoTrack(video, { frameRate: FPS });
  output.addAudioTrack(audio);
  await output.start();
  return run(
    'before',
    (p) =>
      p.kind === 'video'
        ? video.add(
            new mb.EncodedPacket(videoPayload, p.key ? 'key' : 'delta', p.t / 1e6, 1 / FPS),
            p.first ? { decoderConfig: VIDEO_CONFIG } : undefined,
          )
        : audio.add(
            new mb.EncodedPacket(audioPayload, 'key', p.t / 1e6, AUDIO_US / 1e6),
            p.first ? { decoderConfig: AUDIO_CONFIG } : undefined,
          ),
    () => output.finalize(),
  );
}

// after: Mp4FragmentWriter, with a sink that keeps nothing (the journal's job).
async function after() {
  let fragments = 0;
  const sink = { writeHeader: async () => {}, writeFragment: async () => void fragments++ };
  const writer = new Mp4FragmentWriter({
    video: { width: 1920, height: 1080, framerate: FPS },
    audio: { codec: 'opus', sampleRate: 48000, numberOfChannels: 2 },
    sink,
  });
  const chunk = (type, timestamp, duration, data) => ({
    type,
    timestamp,
    duration,
    byteLength: data.length,
    copyTo: (d) => new Uint8Array(d.buffer ?? d, d.byteOffset ?? 0, data.length).set(data),
  });
  const r = await run(
    'after',
    (p) =>
      p.kind === 'video'
        ? writer.addVideoChunk(
            chunk(p.key ? 'key' : 'delta', p.t, null, videoPayload),
            p.first ? { decoderConfig: VIDEO_CONFIG } : undefined,
          )
        : writer.addAudioChunk(
            chunk('key', p.t, AUDIO_US, audioPayload),
            p.first ? { decoderConfig: AUDIO_CONFIG } : undefined,
          ),
    () => writer.finish(),
  );
  return { ...r, fragments };
}

const results = {
  hours,
  date: new Date().toISOString(),
  node: process.version,
  before: await before(),
  after: await after(),
};
mkdirSync(join(root, 'bench/results'), { recursive: true });
// A new file each run: a run never overwrites committed figures.
const name = `bench/results/mp4-writer-memory-${results.date.replace(/[:]/g, '-').replace(/\..*/, '')}.json`;
writeFileSync(join(root, name), JSON.stringify(results, null, 2) + '\n');
console.log(`written ${name}`);
