import { describe, expect, it } from 'vitest';
import { continuationOf, continuationOriginUs } from '../../../src/media/continuation.js';
import {
  boxPayload,
  childBoxes,
  listBoxes,
  readU32,
  readU64,
} from '../../../src/media/mp4/boxes.js';
import { rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import { readTracks, trackMismatch } from '../../../src/media/mp4/tracks.js';
import { type Mp4WriterResult, Mp4FragmentWriter } from '../../../src/media/mp4/writer.js';
import { fakeChunk, findBox, MemorySink, OPUS_META, VIDEO_META } from './mp4-fixtures.js';

const VIDEO = { width: 1920, height: 1080, framerate: 30 };
const OPUS = { codec: 'opus' as const, sampleRate: 48000, numberOfChannels: 2 };

/** Another encoder's avcC: other profile (Constrained Baseline), other SPS. */
const OTHER_AVCC = new Uint8Array([
  1, 66, 0xe0, 40, 0xff, 0xe1, 0, 5, 0x67, 66, 0xe0, 40, 9, 0, 2, 0x68, 0xcb,
]);
const OTHER_META: EncodedVideoChunkMetadata = {
  decoderConfig: {
    codec: 'avc1.42e028',
    codedWidth: 1920,
    codedHeight: 1080,
    description: OTHER_AVCC,
  },
};

/**
 * `frames` frames at 30 fps from `startUs` (a keyframe each second) and 20-ms audio packets
 * alongside, the first of each carrying `meta`.
 */
async function feed(
  w: Mp4FragmentWriter,
  startUs: number,
  frames: number,
  meta: EncodedVideoChunkMetadata,
  audio = true,
): Promise<Mp4WriterResult> {
  let audioUs = startUs;
  for (let i = 0; i < frames; i++) {
    const t = startUs + Math.round((i * 1e6) / 30);
    await w.addVideoChunk(
      fakeChunk(i % 30 === 0 ? 'key' : 'delta', t, 300),
      i === 0 ? meta : undefined,
    );
    while (audio && audioUs <= t) {
      await w.addAudioChunk(
        fakeChunk('key', audioUs, 60, 20_000),
        audioUs === startUs ? OPUS_META : undefined,
      );
      audioUs += 20_000;
    }
  }
  return w.finish();
}

/** Each moof's mfhd sequence number and its video traf's tfdt (timescale 30). */
function moofs(bytes: Uint8Array): Array<{ sequence: number; videoTfdt: number }> {
  return listBoxes(bytes)
    .filter((b) => b.type === 'moof')
    .map((moof) => {
      const kids = childBoxes(bytes, moof);
      const mfhd = boxPayload(
        bytes,
        kids.find((b) => b.type === 'mfhd')!,
      );
      const traf = kids.find((b) => b.type === 'traf')!;
      const tfdt = boxPayload(
        bytes,
        childBoxes(bytes, traf).find((b) => b.type === 'tfdt')!,
      );
      return {
        sequence: readU32(mfhd, 4),
        videoTfdt: tfdt[0] === 1 ? readU64(tfdt, 4) : readU32(tfdt, 4),
      };
    });
}

/** A 3-s file, then a writer continuing it 2 s after its end with another encoder. */
async function twoWriters(gapUs = 2_000_000) {
  const sinkA = new MemorySink();
  const a = await feed(
    new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink: sinkA }),
    0,
    90,
    VIDEO_META,
  );
  const c = continuationOf(
    {
      header: a.header,
      fragments: a.fragments,
      streamBytes: a.bytesWritten,
      nextSequence: a.nextSequence,
    },
    a.durationUs + gapUs,
  );
  const sinkB = new MemorySink();
  const b = await feed(
    new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink: sinkB, continuation: c }),
    c.timelineStartUs,
    90,
    OTHER_META,
  );
  return { a, b, c, sinkA, sinkB };
}

describe('Mp4FragmentWriter continuing a file', () => {
  it('writes no header and goes on with the index, the byte offset and the moof sequence', async () => {
    const { a, b, c, sinkA, sinkB } = await twoWriters();
    expect(sinkB.headerCalls).toBe(0);
    expect(b.header).toBe(a.header);
    expect(c.nextFragmentIndex).toBe(3);
    const all = [...sinkA.fragments, ...sinkB.fragments];
    let offset = a.header.length;
    all.forEach((f, i) => {
      expect(f.index).toBe(i);
      expect(f.offset).toBe(offset);
      offset += f.bytes.length;
      expect(moofs(f.bytes).map((m) => m.sequence)).toEqual([i + 1]);
    });
    expect(b.bytesWritten).toBe(offset);
    expect(b.nextSequence).toBe(all.length + 1);
    // The timeline goes on from the caller's timestamps: tfdt is absolute.
    expect(moofs(sinkB.fragments[0]!.bytes)[0]!.videoTfdt).toBe(150);
    expect(b.fragments.map((f) => f.startUs)).toEqual([5, 6, 7].map((s) => s * 1e6));
  });

  it('puts each encoder’s own SPS and PPS in front of its keyframes, under one avc3 entry', async () => {
    const { a, sinkA, sinkB } = await twoWriters();
    expect(readTracks(a.header).map((t) => t.sampleEntry)).toEqual(['avc3', 'Opus']);
    const firstVideo = (bytes: Uint8Array) => {
      const moof = listBoxes(bytes)[0]!;
      const trun = boxPayload(
        bytes,
        childBoxes(
          bytes,
          childBoxes(bytes, moof).find((x) => x.type === 'traf')!,
        ).find((x) => x.type === 'trun')!,
      );
      return bytes.subarray(readU32(trun, 8), readU32(trun, 8) + 20);
    };
    // 4-byte length, then the NAL unit: A's SPS is 4 bytes, B's 5.
    expect([...firstVideo(sinkA.fragments[1]!.bytes).subarray(0, 8)]).toEqual([
      0, 0, 0, 4, 0x67, 100, 0, 40,
    ]);
    expect([...firstVideo(sinkB.fragments[1]!.bytes).subarray(0, 9)]).toEqual([
      0, 0, 0, 5, 0x67, 66, 0xe0, 40, 9,
    ]);
  });

  it('reports where each fragment’s audio ends, which the continuation takes up', async () => {
    const { a, c } = await twoWriters();
    for (const f of a.fragments) {
      expect(f.audioEndUs).toBeGreaterThan(f.startUs);
      expect(Math.abs(f.audioEndUs! - (f.startUs + f.durationUs))).toBeLessThanOrEqual(20_000);
    }
    expect(c.audioResumeAtUs).toBe(a.fragments.at(-1)!.audioEndUs);
    expect(c.resumeAtUs).toBe(a.durationUs);
    expect(continuationOriginUs(c)).toBe(c.timelineStartUs);
    // A room clock behind the file's end cannot make time go back.
    expect(continuationOriginUs({ ...c, timelineStartUs: 0 })).toBe(
      Math.max(c.resumeAtUs, c.audioResumeAtUs!),
    );
  });

  it('refuses to write fragments the file’s header does not describe', async () => {
    const sinkA = new MemorySink();
    const a = await feed(
      new Mp4FragmentWriter({ video: VIDEO, audio: null, sink: sinkA }),
      0,
      60,
      VIDEO_META,
      false,
    );
    const c = continuationOf(
      { header: a.header, fragments: a.fragments, streamBytes: a.bytesWritten },
      3e6,
    );
    // Audio where the file has none.
    const withAudio = new Mp4FragmentWriter({
      video: VIDEO,
      audio: OPUS,
      sink: new MemorySink(),
      continuation: c,
    });
    await expect(feed(withAudio, 3e6, 60, OTHER_META)).rejects.toThrow(/no track 2/);
    // Another frame rate: another video timescale.
    const at25 = new Mp4FragmentWriter({
      video: { ...VIDEO, framerate: 25 },
      audio: null,
      sink: new MemorySink(),
      continuation: c,
    });
    await expect(feed(at25, 3e6, 60, OTHER_META, false)).rejects.toThrow(/timescale/);
    expect(
      () =>
        new Mp4FragmentWriter({
          video: VIDEO,
          audio: null,
          sink: new MemorySink(),
          continuation: { ...c, startOffsetBytes: 10 },
        }),
    ).toThrow(/inside the header/);
  });

  it('makes a file rewriteHeader indexes whole: the sidx spans both writers and the gap', async () => {
    const { a, b, sinkA, sinkB } = await twoWriters();
    const fragments = [...a.fragments, ...b.fragments];
    const header = rewriteHeader(a.header, fragments, { streamBytes: b.bytesWritten });
    const mehd = boxPayload(header, findBox(header, ['moov', 'mvex', 'mehd'])!);
    const mvhd = boxPayload(header, findBox(header, ['moov', 'mvhd'])!);
    expect(readU32(mehd, 4) / readU32(mvhd, 12)).toBeCloseTo(8, 3);
    const sidx = boxPayload(
      header,
      listBoxes(header).find((x) => x.type === 'sidx')!,
    );
    const count = (sidx[30]! << 8) | sidx[31]!;
    expect(count).toBe(6);
    const refs = Array.from({ length: count }, (_, i) => ({
      size: readU32(sidx, 32 + i * 12) & 0x7fffffff,
      ticks: readU32(sidx, 36 + i * 12),
    }));
    expect(refs.map((r) => r.size)).toEqual(
      [...sinkA.fragments, ...sinkB.fragments].map((f) => f.bytes.length),
    );
    // 30 ticks a second: A's last reference runs to B's first, over the gap; all add up to 8 s.
    expect(refs.map((r) => r.ticks)).toEqual([30, 30, 90, 30, 30, 30]);
    expect(readU64(sidx, 12)).toBe(0);
  });
});

describe('readTracks and trackMismatch', () => {
  it('read what a fragment depends on, and name the first difference', async () => {
    const a = await feed(
      new Mp4FragmentWriter({ video: VIDEO, audio: OPUS, sink: new MemorySink() }),
      0,
      30,
      VIDEO_META,
    );
    const tracks = readTracks(a.header);
    expect(tracks).toEqual([
      { id: 1, handler: 'vide', timescale: 30, sampleEntry: 'avc3', channels: 0, sampleRate: 0 },
      {
        id: 2,
        handler: 'soun',
        timescale: 48000,
        sampleEntry: 'Opus',
        channels: 2,
        sampleRate: 48000,
      },
    ]);
    expect(trackMismatch(tracks, tracks)).toBeNull();
    expect(trackMismatch(tracks.slice(0, 1), tracks)).toBeNull();
    expect(trackMismatch(tracks, [{ ...tracks[0]!, sampleEntry: 'avc1' }, tracks[1]!])).toMatch(
      /sampleEntry is avc1 in the file, avc3 here/,
    );
    expect(() => readTracks(new Uint8Array(8))).toThrow();
  });
});
