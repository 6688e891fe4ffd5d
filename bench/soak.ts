/**
 * The 24-hour soak (not a test), driven by bench/run.mjs in Debian's Chromium: synthetic
 * encoded packets at the real packet rates (30 video packets a second, a keyframe every
 * second; audio packets at the codec's rate), with real timestamps, through the real MP4
 * writer (src/media/mp4), the real IndexedDB journal and the real multipart upload into the
 * local S3 server, as fast as the machine allows; then the header rewrite and the upload's
 * finish, as at Stop.
 *
 * The packets are real H.264 (encoded here once: one second of 1080p, IDR then 29 P frames,
 * sent again and again) padded with filler NAL units to the sizes asked for, so ffmpeg
 * decodes the file; audio packets are real AAC or Opus packets, sent again and again.
 */
import { IndexedDbJournal, MultipartUpload, PresignedTarget } from '../src/index.js';
import { PartPlan } from '../src/journal/part-plan.js';
import { rewriteHeader } from '../src/media/mp4/header-rewrite.js';
import { Mp4FragmentWriter } from '../src/media/mp4/writer.js';
import type { EncodedChunkLike } from '../src/media/mp4/writer.js';
import type { Fragment } from '../src/media/types.js';

export interface SoakConfig {
  hours: number;
  /** Bytes of a keyframe and of a delta frame (the recording's own sizes over the scale). */
  keyBytes: number;
  deltaBytes: number;
  /** The part plan (the product's). */
  partPlan: { baseBytes: number; growEvery: number };
  /** Simulated seconds between reports to the driver (heap, bytes held). */
  reportEverySec: number;
  audio:
    | { codec: 'aac'; packets: string[]; config: string; sampleRate: number; channels: number }
    | { codec: 'opus'; bitrate: number };
  /** Most upload backlog allowed before the writer waits (as real time would let it). */
  maxBacklogParts: number;
}

interface Packet {
  bytes: Uint8Array;
  key: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fromBase64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** One second of H.264 High 1080p: an IDR and 29 P frames (avc format) and its config. */
async function encodeGop(): Promise<{ packets: Packet[]; config: VideoDecoderConfig }> {
  const canvas = new OffscreenCanvas(1920, 1080);
  const ctx = canvas.getContext('2d')!;
  const packets: Packet[] = [];
  let config: VideoDecoderConfig | null = null;
  const encoder = new VideoEncoder({
    output: (chunk, meta) => {
      const bytes = new Uint8Array(chunk.byteLength);
      chunk.copyTo(bytes);
      packets.push({ bytes, key: chunk.type === 'key' });
      if (meta?.decoderConfig) config = meta.decoderConfig;
    },
    error: (e) => console.error(e),
  });
  encoder.configure({
    codec: 'avc1.640028',
    width: 1920,
    height: 1080,
    framerate: 30,
    bitrate: 1_000_000,
    avc: { format: 'avc' },
  });
  for (let i = 0; i < 30; i++) {
    ctx.fillStyle = '#203040';
    ctx.fillRect(0, 0, 1920, 1080);
    ctx.fillStyle = '#f5a623';
    ctx.fillRect(100 + i * 50, 500, 80, 80);
    const frame = new VideoFrame(canvas, { timestamp: Math.round((i * 1e6) / 30) });
    encoder.encode(frame, { keyFrame: i === 0 });
    frame.close();
  }
  await encoder.flush();
  encoder.close();
  if (!config || packets.length !== 30 || !packets[0]!.key) {
    throw new Error(`encoding the GOP gave ${packets.length} packets`);
  }
  return { packets, config };
}

/** Real Opus packets (one second) at `bitrate`. */
async function encodeOpus(
  bitrate: number,
): Promise<{ packets: Uint8Array[]; config: AudioDecoderConfig }> {
  const packets: Uint8Array[] = [];
  let config: AudioDecoderConfig | null = null;
  const encoder = new AudioEncoder({
    output: (chunk, meta) => {
      const b = new Uint8Array(chunk.byteLength);
      chunk.copyTo(b);
      packets.push(b);
      if (meta?.decoderConfig) config = meta.decoderConfig;
    },
    error: (e) => console.error(e),
  });
  encoder.configure({ codec: 'opus', sampleRate: 48_000, numberOfChannels: 2, bitrate });
  const frames = 48_000;
  const data = new Float32Array(frames * 2);
  for (let i = 0; i < frames; i++)
    data[i] = data[frames + i] = 0.2 * Math.sin((i * 2 * Math.PI * 440) / 48_000);
  encoder.encode(
    new AudioData({
      format: 'f32-planar',
      sampleRate: 48_000,
      numberOfChannels: 2,
      numberOfFrames: frames,
      timestamp: 0,
      data,
    }),
  );
  await encoder.flush();
  encoder.close();
  return { packets, config: config ?? { codec: 'opus', sampleRate: 48_000, numberOfChannels: 2 } };
}

/** `bytes` followed by a filler NAL unit (type 12) so the packet has `size` bytes. */
function padded(bytes: Uint8Array, size: number): Uint8Array {
  const extra = size - bytes.byteLength;
  if (extra < 6) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes);
  const nal = extra - 4;
  new DataView(out.buffer).setUint32(bytes.byteLength, nal);
  out[bytes.byteLength + 4] = 0x0c;
  out.fill(0xff, bytes.byteLength + 5, size - 1);
  out[size - 1] = 0x80;
  return out;
}

function chunk(
  type: 'key' | 'delta',
  timestamp: number,
  duration: number,
  data: Uint8Array,
): EncodedChunkLike {
  return {
    type,
    timestamp,
    duration,
    byteLength: data.byteLength,
    copyTo: (dest: AllowSharedBufferSource) => {
      const view = ArrayBuffer.isView(dest)
        ? new Uint8Array(dest.buffer, dest.byteOffset, dest.byteLength)
        : new Uint8Array(dest);
      view.set(data);
    },
  };
}

type HourReport = (report: Record<string, number>) => Promise<void>;

/** Runs the soak; calls `window.soakHour` after each simulated hour (the driver measures heap). */
async function soak(config: SoakConfig) {
  const hourReport = (window as unknown as { soakHour?: HourReport }).soakHour;
  const gop = await encodeGop();
  const video = gop.packets.map((p, i) =>
    padded(p.bytes, i === 0 ? config.keyBytes : config.deltaBytes),
  );
  let audioPackets: Uint8Array[];
  let audioConfig: AudioDecoderConfig;
  let audioUs: number;
  if (config.audio.codec === 'aac') {
    audioPackets = config.audio.packets.map(fromBase64);
    audioConfig = {
      codec: 'mp4a.40.2',
      sampleRate: config.audio.sampleRate,
      numberOfChannels: config.audio.channels,
      description: fromBase64(config.audio.config),
    };
    audioUs = (1024 * 1e6) / config.audio.sampleRate;
  } else {
    const opus = await encodeOpus(config.audio.bitrate);
    audioPackets = opus.packets;
    audioConfig = opus.config;
    audioUs = 20_000;
  }

  const journal = new IndexedDbJournal({ name: `rr-soak-${Date.now()}` });
  const id = crypto.randomUUID();
  const key = `rooms/bench/soak-${id}.mp4`;
  await journal.create({
    id,
    roomId: 'bench-soak',
    roomType: 'single',
    title: 'Soak',
    fileName: `soak-${id}.mp4`,
    objectKey: key,
    ownerId: 'bench',
    initiatorId: 'bench',
    startedAt: Date.now(),
    partPlan: config.partPlan,
  });
  const plan = new PartPlan(config.partPlan);
  const upload = new MultipartUpload({
    journal,
    target: new PresignedTarget({ baseUrl: '/api/s3' }),
    recordingId: id,
  });
  let parts = 0;
  let partWaiter: (() => void) | null = null;
  upload.on('part', () => {
    parts++;
    partWaiter?.();
  });
  let uploadError: string | null = null;
  upload.on('error', (e) => (uploadError = e.message));
  await upload.start({});
  const inner = journal.sink(id);
  let fragments = 0;
  let streamBytes = 0;
  let waitedMs = 0;
  let maxHeld = 0;
  let sinkMs = 0;
  const sink = {
    writeHeader: (h: Uint8Array) => inner.writeHeader(h),
    writeFragment: async (f: Fragment) => {
      const w0 = performance.now();
      await inner.writeFragment(f);
      sinkMs += performance.now() - w0;
      fragments++;
      streamBytes = f.offset + f.bytes.byteLength;
      upload.notifyBytes(streamBytes);
    },
  };
  const writer = new Mp4FragmentWriter({
    video: { width: 1920, height: 1080, framerate: 30 },
    audio: {
      codec: config.audio.codec,
      sampleRate: audioConfig.sampleRate,
      numberOfChannels: audioConfig.numberOfChannels,
    },
    sink,
  });

  const t0 = performance.now();
  const hourly: Array<Record<string, number>> = [];
  const frames = Math.round(config.hours * 3600 * 30);
  let nextAudio = 0;
  let audioIndex = 0;
  for (let i = 0; i < frames; i++) {
    const ts = Math.round((i * 1e6) / 30);
    const k = i % 30;
    await writer.addVideoChunk(
      chunk(k === 0 ? 'key' : 'delta', ts, Math.round(1e6 / 30), video[k]!),
      i === 0 ? { decoderConfig: gop.config } : undefined,
    );
    for (; nextAudio * audioUs <= ts; nextAudio++) {
      await writer.addAudioChunk(
        chunk(
          'key',
          Math.round(nextAudio * audioUs),
          Math.round(audioUs),
          audioPackets[audioIndex]!,
        ),
        nextAudio === 0 ? { decoderConfig: audioConfig } : undefined,
      );
      audioIndex = (audioIndex + 1) % audioPackets.length;
    }
    if (k === 29) {
      // In real time a part has seconds to go while the next fills: wait for the upload
      // whenever it is further behind than that.
      const limit = config.maxBacklogParts * plan.sizeOf(plan.partOf(Math.max(0, streamBytes - 1)));
      if (upload.backlogBytes > limit) {
        const w0 = performance.now();
        while (upload.backlogBytes > limit && !uploadError) {
          await Promise.race([new Promise<void>((r) => (partWaiter = r)), sleep(1000)]);
        }
        waitedMs += performance.now() - w0;
      }
      if (uploadError) throw new Error(`upload failed: ${uploadError}`);
    }
    if ((i + 1) % (config.reportEverySec * 30) === 0) {
      const held = await journal.heldBytes(id);
      maxHeld = Math.max(maxHeld, held);
      const report = {
        hour: (i + 1) / (3600 * 30),
        elapsedSec: (performance.now() - t0) / 1000,
        journalWriteSec: sinkMs / 1000,
        waitedForUploadSec: waitedMs / 1000,
        fragments,
        streamBytes,
        parts,
        heldBytes: held,
        backlogBytes: upload.backlogBytes,
      };
      hourly.push(report);
      if (hourReport) await hourReport(report);
    }
  }
  const fedSec = (performance.now() - t0) / 1000;
  const s0 = performance.now();
  const result = await writer.finish();
  const finishWriterMs = performance.now() - s0;
  const heldAtStop = await journal.heldBytes(id);
  const r0 = performance.now();
  const header = rewriteHeader(result.header, result.fragments, {
    streamBytes: result.bytesWritten,
    durationUs: result.durationUs,
  });
  const rewriteMs = performance.now() - r0;
  await journal.update(id, { state: 'uploading', durationUs: result.durationUs });
  const u0 = performance.now();
  const uploaded = await upload.finish(header, result.bytesWritten);
  const finishUploadMs = performance.now() - u0;
  const heldAtEnd = await journal.heldBytes(id);
  const record = await journal.get(id);
  await journal.remove(id);
  await journal.close();
  return {
    key,
    fedSec,
    waitedForUploadSec: waitedMs / 1000,
    journalWriteSec: sinkMs / 1000,
    finishWriterMs,
    rewriteMs,
    finishUploadMs,
    stopToStoredMs: performance.now() - s0,
    fragments: result.fragments.length,
    durationUs: result.durationUs,
    streamBytes: result.bytesWritten,
    storedBytes: uploaded.bytes,
    headerBytes: header.byteLength,
    parts: uploaded.parts.length,
    maxPartBytes: plan.sizeOf(uploaded.parts.length),
    heldAtStop,
    heldAtEnd,
    maxHeldHourly: maxHeld,
    audioCodec: config.audio.codec,
    audioPacketsPerSecond: 1e6 / audioUs,
    gopBytes: gop.packets.map((p) => p.bytes.byteLength),
    recordState: record?.state ?? null,
    hourly,
  };
}

(window as unknown as { soak: typeof soak }).soak = soak;
document.body.dataset.ready = 'true';
