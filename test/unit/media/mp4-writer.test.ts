import { describe, expect, it } from 'vitest';
import type { Fragment } from '../../../src/media/types.js';
import {
  boxPayload,
  childBoxes,
  concatBytes,
  listBoxes,
  readU32,
  readU64,
} from '../../../src/media/mp4/boxes.js';
import { Mp4FragmentWriter } from '../../../src/media/mp4/writer.js';
import { rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import { shiftFragmentsEarlier } from '../../../src/media/mp4/retime.js';
import { storedFragmentEnds } from '../../../src/media/mp4/stored-index.js';
import { readTracks } from '../../../src/media/mp4/tracks.js';
import { fakeChunk, findBox, MemorySink, OPUS_META, VIDEO_META } from './mp4-fixtures.js';

const VIDEO = { width: 1920, height: 1080, framerate: 30 };
const OPUS = { codec: 'opus' as const, sampleRate: 48000, numberOfChannels: 2 };
const frameUs = (i: number) => Math.floor((i * 1e6) / 30);
/** AVCC's SPS and PPS as 4-byte length-prefixed NAL units, as a keyframe carries them. */
const IN_BAND = new Uint8Array([0, 0, 0, 4, 0x67, 100, 0, 40, 0, 0, 0, 2, 0x68, 0xce]);

/** Each moof's mfhd sequence number and its trafs' track id and tfdt, of one fragment. */
function describeFragment(bytes: Uint8Array) {
  const top = listBoxes(bytes);
  const moofs = top
    .filter((b) => b.type === 'moof')
    .map((moof) => {
      const kids = childBoxes(bytes, moof);
      const mfhd = boxPayload(
        bytes,
        kids.find((b) => b.type === 'mfhd')!,
      );
      const trafs = kids
        .filter((b) => b.type === 'traf')
        .map((traf) => {
          const t = childBoxes(bytes, traf);
          const tfhd = boxPayload(
            bytes,
            t.find((b) => b.type === 'tfhd')!,
          );
          const tfdt = boxPayload(
            bytes,
            t.find((b) => b.type === 'tfdt')!,
          );
          const trun = boxPayload(
            bytes,
            t.find((b) => b.type === 'trun')!,
          );
          return {
            dataOffset: readU32(trun, 8),
            samples: readU32(trun, 4),
            trackId: readU32(tfhd, 4),
            baseIsMoof: (readU32(tfhd, 0) & 0x20000) !== 0,
            tfdt: tfdt[0] === 1 ? readU64(tfdt, 4) : readU32(tfdt, 4),
          };
        });
      return { sequence: readU32(mfhd, 4), trafs };
    });
  return { types: top.map((b) => b.type), moofs };
}

/** Feeds `seconds` of 30-fps video (keyframes at `keys` frame indexes) and 20-ms Opus. */
async function record(w: Mp4FragmentWriter, seconds: number, isKey: (i: number) => boolean) {
  let audioUs = 0;
  for (let i = 0; i < seconds * 30; i++) {
    const t = frameUs(i);
    await w.addVideoChunk(
      fakeChunk(isKey(i) ? 'key' : 'delta', t, 400 + (i % 7)),
      i === 0 ? VIDEO_META : undefined,
    );
    while (audioUs <= t) {
      await w.addAudioChunk(
        fakeChunk('key', audioUs, 80, 20_000),
        audioUs === 0 ? OPUS_META : undefined,
      );
      audioUs += 20_000;
    }
  }
}

describe('Mp4FragmentWriter', () => {
  it('writes the header once, then contiguous moof+mdat fragments starting at keyframes', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    await record(w, 10, (i) => i % 60 === 0);
    const result = await w.finish();

    expect(sink.headerCalls).toBe(1);
    expect(listBoxes(sink.header!).map((b) => b.type)).toEqual(['ftyp', 'moov']);
    expect(result.header).toBe(sink.header);
    expect(sink.fragments.map((f) => f.startUs)).toEqual(
      [0, 2, 4, 6, 8].map((s) => frameUs(s * 30)),
    );
    let offset = sink.header!.length;
    sink.fragments.forEach((f, i) => {
      expect(f.index).toBe(i);
      expect(f.offset).toBe(offset);
      expect(f.startsWithKeyframe).toBe(true);
      offset += f.bytes.length;
      const d = describeFragment(f.bytes);
      // One moof + mdat with both tracks (no moov, no mfra); the audio's data comes first.
      expect(d.types).toEqual(['moof', 'mdat']);
      expect(d.moofs.map((m) => m.sequence)).toEqual([i + 1]);
      const [video, audio] = d.moofs[0]!.trafs;
      expect([video!.trackId, audio!.trackId]).toEqual([1, 2]);
      expect(audio!.baseIsMoof && video!.baseIsMoof).toBe(true);
      const moofSize = listBoxes(f.bytes)[0]!.size;
      expect(audio!.dataOffset).toBe(moofSize + 8);
      expect(video!.dataOffset).toBe(moofSize + 8 + audio!.samples * 80);
      // The data offsets point at the right packets: first video frame, first audio packet.
      // The keyframe carries the avcC's SPS and PPS in front (avc3: parameter sets in band).
      const at = video!.dataOffset;
      expect([...f.bytes.subarray(at, at + IN_BAND.length)]).toEqual([...IN_BAND]);
      const firstAudioUs = Math.round((audio!.tfdt * 1e6) / 48000);
      for (let j = 0; j < 16; j++) {
        expect(f.bytes[at + IN_BAND.length + j]).toBe((f.startUs + j) & 0xff);
        expect(f.bytes[audio!.dataOffset + j]).toBe((firstAudioUs + j) & 0xff);
      }
      // Video tfdt (timescale 30) is the absolute start; audio (48 kHz) starts with it.
      expect(video!.tfdt).toBe(Math.round((f.startUs * 30) / 1e6));
      expect(Math.abs(audio!.tfdt / 48000 - f.startUs / 1e6)).toBeLessThan(0.021);
    });
    expect(result.bytesWritten).toBe(offset);
    expect(w.bytesWritten).toBe(offset);
    expect(result.fragments).toHaveLength(5);
    expect(sink.stream().length).toBe(offset);
    // Durations tile the timeline: each fragment ends where the next starts.
    for (let i = 0; i + 1 < sink.fragments.length; i++) {
      const f = sink.fragments[i]!;
      expect(f.startUs + f.durationUs).toBe(sink.fragments[i + 1]!.startUs);
    }
    expect(result.durationUs).toBeGreaterThanOrEqual(frameUs(300) - 1);
    expect(result.durationUs).toBeLessThan(frameUs(300) + 25_000);
    expect(result.fragments).toEqual(sink.fragments.map(({ bytes: _b, ...info }) => info));
  });

  it('keeps fragments at least 1 s long when the encoder adds scene-change keyframes', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: null, sink });
    // GOP keyframes every 2 s, plus unsolicited ones at 0.5 s, 3.2 s and 4.3 s.
    const extra = new Set([15, 96, 129]);
    await record2(w, 10, (i) => i % 60 === 0 || extra.has(i));
    await w.finish();
    const starts = sink.fragments.map((f) => f.startUs);
    expect(starts).toEqual([0, 60, 96, 129, 180, 240].map(frameUs));
    for (const f of sink.fragments.slice(0, -1)) expect(f.durationUs).toBeGreaterThanOrEqual(1e6);
  });

  it('waits for the audio of a fragment before writing it, but not forever', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    await w.addAudioChunk(fakeChunk('key', 0, 80, 20_000), OPUS_META);
    for (let i = 0; i <= 60; i++) {
      await w.addVideoChunk(
        fakeChunk(i % 60 === 0 ? 'key' : 'delta', frameUs(i), 100),
        i === 0 ? VIDEO_META : undefined,
      );
    }
    // The 0-2 s fragment is complete, but audio only reached 20 ms.
    expect(sink.fragments).toHaveLength(0);
    for (let t = 20_000; t < 2_100_000; t += 20_000)
      await w.addAudioChunk(fakeChunk('key', t, 80, 20_000));
    expect(sink.fragments).toHaveLength(1);
    const audioTraf = describeFragment(sink.fragments[0]!.bytes).moofs[0]!.trafs[1]!;
    expect(audioTraf.trackId).toBe(2);
    // Audio stalls: after a second complete fragment the first goes without waiting.
    for (let i = 61; i <= 180; i++)
      await w.addVideoChunk(fakeChunk(i % 60 === 0 ? 'key' : 'delta', frameUs(i), 100));
    expect(sink.fragments.length).toBeGreaterThanOrEqual(2);
    const r = await w.finish();
    expect(r.fragments.map((f) => f.startUs)).toEqual([0, 60, 120, 180].map(frameUs));
  });

  it('ends the file with its last frame: audio the encoder flushes past it is left out', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    for (let i = 0; i < 45; i++) {
      await w.addVideoChunk(
        fakeChunk(i === 0 ? 'key' : 'delta', frameUs(i), 100),
        i === 0 ? VIDEO_META : undefined,
      );
    }
    // Audio runs 300 ms past the last frame (which ends at 1.5 s).
    for (let t = 0; t < 1_800_000; t += 20_000) {
      await w.addAudioChunk(fakeChunk('key', t, 80, 20_000), t === 0 ? OPUS_META : undefined);
    }
    const r = await w.finish();
    expect(r.durationUs).toBe(frameUs(44) + Math.round(1e6 / 30));
    const audioTraf = describeFragment(sink.fragments.at(-1)!.bytes).moofs.at(-1)!.trafs[1]!;
    expect(audioTraf.trackId).toBe(2);
    // 1.5 s of 20-ms packets: 75 kept, the 15 past the last frame dropped.
    const audioSamples = sink.fragments
      .flatMap((f) => describeFragment(f.bytes).moofs)
      .flatMap((m) => m.trafs.filter((t) => t.trackId === 2))
      .reduce((n, t) => n + t.samples, 0);
    expect(audioSamples).toBe(75);
  });

  it('writes a header with the audio track even before any audio arrived', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({
      video: VIDEO,
      audio: { codec: 'aac', sampleRate: 48000, numberOfChannels: 2 },
      sink,
    });
    for (let i = 0; i < 150; i++) {
      await w.addVideoChunk(
        fakeChunk(i % 60 === 0 ? 'key' : 'delta', frameUs(i), 100),
        i === 0 ? VIDEO_META : undefined,
      );
    }
    await w.finish();
    const moov = listBoxes(sink.header!)[1]!;
    expect(childBoxes(sink.header!, moov).filter((b) => b.type === 'trak')).toHaveLength(2);
    const text = new TextDecoder('latin1').decode(sink.header!);
    expect(text).toContain('mp4a');
    expect(text).toContain('esds');
  });

  it('applies backpressure: a call that completes a fragment settles only once the sink has it', async () => {
    let release: () => void = () => undefined;
    const written: Fragment[] = [];
    const sink = {
      writeHeader: () => Promise.resolve(),
      writeFragment: (f: Fragment) =>
        new Promise<void>((resolve) => {
          release = () => {
            written.push(f);
            resolve();
          };
        }),
    };
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: null, sink });
    for (let i = 0; i < 60; i++) {
      await w.addVideoChunk(
        fakeChunk(i === 0 ? 'key' : 'delta', frameUs(i), 100),
        i === 0 ? VIDEO_META : undefined,
      );
    }
    let settled = false;
    const p = w.addVideoChunk(fakeChunk('key', frameUs(60), 100)).then(() => (settled = true));
    let nextSettled = false;
    const q = w
      .addVideoChunk(fakeChunk('delta', frameUs(61), 100))
      .then(() => (nextSettled = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    expect(nextSettled).toBe(false);
    expect(written).toHaveLength(0);
    release();
    await Promise.all([p, q]);
    expect(written).toHaveLength(1);
  });

  it('fails clearly without a decoder config, without video, and after finish', async () => {
    const w1 = new Mp4FragmentWriter({ video: VIDEO, audio: null, sink: new MemorySink() });
    await expect(w1.addVideoChunk(fakeChunk('key', 0, 10))).rejects.toThrow(/decoderConfig/);
    // A failed writer stays failed rather than writing a broken stream.
    await expect(w1.addVideoChunk(fakeChunk('key', 0, 10), VIDEO_META)).rejects.toThrow(
      /decoderConfig/,
    );

    const w2 = new Mp4FragmentWriter({ video: VIDEO, audio: null, sink: new MemorySink() });
    await expect(w2.finish()).rejects.toThrow(/no video/);
    await expect(w2.addAudioChunk(fakeChunk('key', 0, 10))).rejects.toThrow();

    const w3 = new Mp4FragmentWriter({ video: VIDEO, audio: null, sink: new MemorySink() });
    await expect(w3.addAudioChunk(fakeChunk('key', 0, 10), OPUS_META)).rejects.toThrow(
      /without an audio track/,
    );
    expect(
      () =>
        new Mp4FragmentWriter({
          video: { ...VIDEO, framerate: 0 },
          audio: null,
          sink: new MemorySink(),
        }),
    ).toThrow(RangeError);
  });

  it('skips video before the first keyframe and audio that goes back in time', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    await w.addVideoChunk(fakeChunk('delta', 0, 10), VIDEO_META);
    await w.addAudioChunk(fakeChunk('key', 40_000, 10, 20_000), OPUS_META);
    await w.addAudioChunk(fakeChunk('key', 20_000, 10, 20_000));
    for (let i = 1; i < 40; i++)
      await w.addVideoChunk(fakeChunk(i === 1 ? 'key' : 'delta', frameUs(i), 10));
    const r = await w.finish();
    expect(w.skippedPackets).toBe(2);
    expect(r.fragments[0]!.startUs).toBe(frameUs(1));
  });
});

/** Video only, 30 fps. */
async function record2(w: Mp4FragmentWriter, seconds: number, isKey: (i: number) => boolean) {
  for (let i = 0; i < seconds * 30; i++) {
    await w.addVideoChunk(
      fakeChunk(isKey(i) ? 'key' : 'delta', frameUs(i), 100),
      i === 0 ? VIDEO_META : undefined,
    );
  }
}

describe('Mp4FragmentWriter output through rewriteHeader', () => {
  it('gives a header whose mvhd/mehd/mdhd durations and sidx match the stream', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    await record(w, 7, (i) => i % 60 === 0);
    const r = await w.finish();
    const header = rewriteHeader(r.header, r.fragments, { streamBytes: r.bytesWritten });
    expect(listBoxes(header).map((b) => b.type)).toEqual(['ftyp', 'moov', 'sidx']);
    const mvhd = boxPayload(header, findBox(header, ['moov', 'mvhd'])!);
    const movieTimescale = readU32(mvhd, 12);
    expect(readU32(mvhd, 16) / movieTimescale).toBeCloseTo(r.durationUs / 1e6, 3);
    const mehd = boxPayload(header, findBox(header, ['moov', 'mvex', 'mehd'])!);
    expect(readU32(mehd, 4)).toBe(readU32(mvhd, 16));
    const sidx = boxPayload(header, listBoxes(header)[2]!);
    expect(readU32(sidx, 4)).toBe(1); // the video track
    expect(readU32(sidx, 8)).toBe(30); // its timescale
    const count = (sidx[30]! << 8) | sidx[31]!;
    expect(count).toBe(r.fragments.length);
    let sizes = 0;
    let ticks = 0;
    for (let i = 0; i < count; i++) {
      sizes += readU32(sidx, 32 + i * 12) & 0x7fffffff;
      ticks += readU32(sidx, 36 + i * 12);
      expect(readU32(sidx, 40 + i * 12) >>> 28).toBe(0b1001); // starts with SAP, type 1
    }
    expect(sizes).toBe(sink.fragments.reduce((n, f) => n + f.bytes.length, 0));
    expect(ticks / 30).toBeCloseTo(r.durationUs / 1e6, 1);
  });
});

describe('a finished file read back (X9: what a device kept that the file lacks)', () => {
  it('gives each fragment’s end from the stored head, and cut-out fragments start at 0', async () => {
    const sink = new MemorySink();
    const w = new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink });
    await record(w, 10, (i) => i % 60 === 0);
    const result = await w.finish();
    const header = sink.header!;
    const file = concatBytes([
      rewriteHeader(header, result.fragments, {
        streamBytes: result.bytesWritten,
        durationUs: result.durationUs,
      }),
      ...sink.fragments.map((f) => f.bytes),
    ]);
    const reads: Array<[number, number]> = [];
    const ends = await storedFragmentEnds((start, end) => {
      reads.push([start, end]);
      return Promise.resolve(file.subarray(start, end));
    }, header.length);
    expect(ends).toEqual(sink.fragments.map((f) => f.offset + f.bytes.length));
    expect(reads).toHaveLength(1);
    // A file without an index tells nothing; an absent one is null.
    expect(
      await storedFragmentEnds(
        (s, e) => Promise.resolve(sink.stream().subarray(s, e)),
        header.length,
      ),
    ).toEqual([]);
    expect(await storedFragmentEnds(() => Promise.resolve(null), header.length)).toBeNull();

    const [, , , fourth, fifth] = sink.fragments;
    const cut = concatBytes([fourth!.bytes, fifth!.bytes]);
    shiftFragmentsEarlier(cut, readTracks(header), fourth!.startUs);
    const fragments = listBoxes(cut).filter((b) => b.type === 'moof');
    const first = describeFragment(cut.subarray(0, fragments[1]!.offset)).moofs[0]!.trafs;
    expect(first[0]!.tfdt).toBe(0);
    expect(first[1]!.tfdt / 48000).toBeLessThan(0.021);
    const second = describeFragment(cut.subarray(fragments[1]!.offset)).moofs[0]!.trafs;
    expect(second[0]!.tfdt).toBe(Math.round(((fifth!.startUs - fourth!.startUs) * 30) / 1e6));
  });
});
