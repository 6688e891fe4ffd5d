import { describe, expect, it } from 'vitest';
import type { FragmentInfo } from '../../../src/media/types.js';
import {
  type BoxRef,
  boxPayload,
  childBoxes,
  concatBytes,
  listBoxes,
  makeBox,
  makeFullBox,
  packUints,
  readU32,
  readU64,
} from '../../../src/media/mp4/boxes.js';
import { MAX_SIDX_REFERENCES, rewriteHeader } from '../../../src/media/mp4/header-rewrite.js';
import { findBox } from './mp4-fixtures.js';

const ascii = (s: string) => new TextEncoder().encode(s);
const MOVIE_TS = 57600;

function trak(id: number, timescale: number, handler: 'vide' | 'soun'): Uint8Array {
  const tkhd = makeFullBox(
    'tkhd',
    0,
    3,
    packUints([
      [4, 7],
      [4, 7],
      [4, id],
      [4, 0],
      [4, 0],
    ]),
    new Uint8Array(60),
  );
  const mdhd = makeFullBox(
    'mdhd',
    0,
    0,
    packUints([
      [4, 7],
      [4, 7],
      [4, timescale],
      [4, 0],
      [2, 0x55c4],
      [2, 0],
    ]),
  );
  const hdlr = makeFullBox(
    'hdlr',
    0,
    0,
    packUints([[4, 0]]),
    ascii(handler),
    new Uint8Array(12),
    ascii('x\0'),
  );
  return makeBox('trak', tkhd, makeBox('mdia', mdhd, hdlr, makeBox('minf')));
}

/** ftyp + moov(mvhd, video trak 1 @30, audio trak 2 @48000, mvex) like mediabunny writes. */
function syntheticHeader(withMehd = false): Uint8Array {
  const mvhd = makeFullBox(
    'mvhd',
    0,
    0,
    packUints([
      [4, 7],
      [4, 7],
      [4, MOVIE_TS],
      [4, 0],
    ]),
    new Uint8Array(80),
  );
  const trex = (id: number) =>
    makeFullBox(
      'trex',
      0,
      0,
      packUints([
        [4, id],
        [4, 1],
        [4, 0],
        [4, 0],
        [4, 0],
      ]),
    );
  const mvexChildren = [trex(1), trex(2)];
  if (withMehd) mvexChildren.unshift(makeFullBox('mehd', 0, 0, packUints([[4, 123]])));
  return concatBytes([
    makeBox('ftyp', ascii('isom'), packUints([[4, 512]]), ascii('isomiso6mp41')),
    makeBox(
      'moov',
      mvhd,
      trak(1, 30, 'vide'),
      trak(2, 48000, 'soun'),
      makeBox('mvex', ...mvexChildren),
    ),
  ]);
}

/** `count` 2-s fragments of varied sizes right after a header of `headerBytes`. */
function table(headerBytes: number, count: number, lastUs = 2_000_000) {
  const fragments: FragmentInfo[] = [];
  let offset = headerBytes;
  for (let i = 0; i < count; i++) {
    fragments.push({
      index: i,
      offset,
      startUs: i * 2_000_000,
      durationUs: i === count - 1 ? lastUs : 2_000_000,
      startsWithKeyframe: true,
    });
    offset += 1000 + i * 7;
  }
  return { fragments, streamBytes: offset };
}

const payload = (h: Uint8Array, path: string[]) => boxPayload(h, findBox(h, path)!);
function tracks(h: Uint8Array): BoxRef[] {
  return childBoxes(h, findBox(h, ['moov'])!).filter((b) => b.type === 'trak');
}

function parseSidx(h: Uint8Array) {
  const top = listBoxes(h);
  const sidx = top.find((b) => b.type === 'sidx')!;
  const p = boxPayload(h, sidx);
  const count = (p[30]! << 8) | p[31]!;
  const refs = [];
  for (let i = 0; i < count; i++) {
    const o = 32 + i * 12;
    refs.push({
      size: readU32(p, o) & 0x7fffffff,
      duration: readU32(p, o + 4),
      sap: readU32(p, o + 8),
    });
  }
  return {
    box: sidx,
    isLast: top.at(-1) === sidx,
    version: p[0],
    trackId: readU32(p, 4),
    timescale: readU32(p, 8),
    ept: readU64(p, 12),
    firstOffset: readU64(p, 20),
    refs,
  };
}

describe('rewriteHeader', () => {
  const header = syntheticHeader();

  it('sets mvhd, mehd, tkhd and mdhd durations from the fragment table', () => {
    const { fragments, streamBytes } = table(header.length, 5, 1_500_000); // 9.5 s
    const out = rewriteHeader(header, fragments, { streamBytes });
    expect(readU32(payload(out, ['moov', 'mvhd']), 16)).toBe(9.5 * MOVIE_TS);
    const mehd = payload(out, ['moov', 'mvex', 'mehd']);
    expect(mehd[0]).toBe(0);
    expect(readU32(mehd, 4)).toBe(9.5 * MOVIE_TS);
    const [video, audio] = tracks(out);
    for (const t of [video!, audio!]) {
      const tkhd = boxPayload(
        out,
        childBoxes(out, t).find((b) => b.type === 'tkhd')!,
      );
      expect(readU32(tkhd, 20)).toBe(9.5 * MOVIE_TS);
    }
    const mdhdOf = (t: BoxRef) => {
      const mdia = childBoxes(out, t).find((b) => b.type === 'mdia')!;
      return boxPayload(
        out,
        childBoxes(out, mdia).find((b) => b.type === 'mdhd')!,
      );
    };
    expect(readU32(mdhdOf(video!), 16)).toBe(9.5 * 30);
    expect(readU32(mdhdOf(audio!), 16)).toBe(9.5 * 48000);
    // The other fields survive: timescales, language, track ids, trex.
    expect(readU32(mdhdOf(audio!), 12)).toBe(48000);
    expect(mdhdOf(audio!)[20]).toBe(0x55);
    expect(childBoxes(out, findBox(out, ['moov', 'mvex'])!).map((b) => b.type)).toEqual([
      'mehd',
      'trex',
      'trex',
    ]);
  });

  it('appends a sidx after moov whose sizes add up to the bytes of the fragments', () => {
    const { fragments, streamBytes } = table(header.length, 5, 1_500_000);
    const out = rewriteHeader(header, fragments, { streamBytes });
    const s = parseSidx(out);
    expect(listBoxes(out).map((b) => b.type)).toEqual(['ftyp', 'moov', 'sidx']);
    expect(s.isLast).toBe(true);
    expect(s.version).toBe(1);
    expect(s.trackId).toBe(1);
    expect(s.timescale).toBe(30);
    expect(s.ept).toBe(0);
    expect(s.firstOffset).toBe(0);
    expect(s.refs).toHaveLength(5);
    expect(s.refs.reduce((n, r) => n + r.size, 0)).toBe(streamBytes - header.length);
    expect(s.refs.map((r) => r.size)).toEqual(fragments.map((_, i) => 1000 + i * 7));
    expect(s.refs.map((r) => r.duration)).toEqual([60, 60, 60, 60, 45]);
    expect(s.refs.every((r) => r.sap === 0x90000000)).toBe(true);
    expect(s.box.size).toBe(12 + 28 + 12 * 5);
  });

  it('adds the header growth only before the first moof: the rest of the file is unchanged', () => {
    const { fragments, streamBytes } = table(header.length, 3);
    const out = rewriteHeader(header, fragments, { streamBytes });
    expect(out.length).toBeGreaterThan(header.length);
    // ftyp is byte-identical.
    const ftyp = listBoxes(header)[0]!;
    expect(out.subarray(0, ftyp.size)).toEqual(header.subarray(0, ftyp.size));
  });

  it('folds an audio-only trailing fragment into the reference before it', () => {
    const { fragments, streamBytes } = table(header.length, 3);
    fragments.push({
      index: 3,
      offset: streamBytes,
      startUs: 6_000_000,
      durationUs: 40_000,
      startsWithKeyframe: false,
    });
    const out = rewriteHeader(header, fragments, { streamBytes: streamBytes + 300 });
    const s = parseSidx(out);
    expect(s.refs).toHaveLength(3);
    expect(s.refs[2]!.size).toBe(1014 + 300);
    expect(s.refs.reduce((n, r) => n + r.size, 0)).toBe(streamBytes + 300 - header.length);
    expect(readU32(payload(out, ['moov', 'mvhd']), 16)).toBe(Math.round(6.04 * MOVIE_TS));
  });

  it('spans a gap in time (a continued file) with the reference before it, and refuses time going back', () => {
    const { fragments, streamBytes } = table(header.length, 4);
    // The last two fragments are a continuation's, 2.5 s after the first two end.
    for (const f of fragments.slice(2)) f.startUs += 2_500_000;
    const out = rewriteHeader(header, fragments, { streamBytes });
    const s = parseSidx(out);
    expect(s.refs.map((r) => r.duration)).toEqual([60, 135, 60, 60]);
    expect(s.refs.reduce((n, r) => n + r.duration, 0)).toBe((8 + 2.5) * 30);
    expect(readU32(payload(out, ['moov', 'mvex', 'mehd']), 4)).toBe(10.5 * MOVIE_TS);
    fragments[3]!.startUs = fragments[2]!.startUs - 1;
    expect(() => rewriteHeader(header, fragments, { streamBytes })).toThrow(/before the one/);
  });

  it('replaces an existing mehd and is idempotent', () => {
    const h = syntheticHeader(true);
    const { fragments, streamBytes } = table(h.length, 4);
    const once = rewriteHeader(h, fragments, { streamBytes });
    const mvex = childBoxes(once, findBox(once, ['moov', 'mvex'])!);
    expect(mvex.filter((b) => b.type === 'mehd')).toHaveLength(1);
    expect(readU32(payload(once, ['moov', 'mvex', 'mehd']), 4)).toBe(8 * MOVIE_TS);
    expect(rewriteHeader(once, fragments, { streamBytes })).toEqual(once);
  });

  it('moves to 64-bit durations past 2^32 ticks (24 h at 57,600 ticks/s)', () => {
    const hours24 = 24 * 3600 * 1_000_000;
    const { fragments, streamBytes } = table(header.length, 2);
    const out = rewriteHeader(header, fragments, { streamBytes, durationUs: hours24 });
    const mvhd = payload(out, ['moov', 'mvhd']);
    expect(mvhd[0]).toBe(1);
    expect(readU32(mvhd, 20)).toBe(MOVIE_TS); // timescale after two 64-bit times
    expect(readU64(mvhd, 24)).toBe(24 * 3600 * MOVIE_TS);
    expect(mvhd.length).toBe(4 + 8 + 8 + 4 + 8 + 80);
    const mehd = payload(out, ['moov', 'mvex', 'mehd']);
    expect(mehd[0]).toBe(1);
    expect(readU64(mehd, 4)).toBe(24 * 3600 * MOVIE_TS);
  });

  it('keeps at most 65,535 references, merging neighbours beyond that', () => {
    const { fragments, streamBytes } = table(header.length, MAX_SIDX_REFERENCES + 10);
    const out = rewriteHeader(header, fragments, { streamBytes });
    const s = parseSidx(out);
    expect(s.refs.length).toBeLessThanOrEqual(MAX_SIDX_REFERENCES);
    expect(s.refs.reduce((n, r) => n + r.size, 0)).toBe(streamBytes - header.length);
    expect(s.refs.reduce((n, r) => n + r.duration, 0)).toBe((MAX_SIDX_REFERENCES + 10) * 60);
  });

  it('rejects a table that does not match the header or the stream size', () => {
    const { fragments, streamBytes } = table(header.length, 3);
    const shifted = fragments.map((f) => ({ ...f, offset: f.offset + 1 }));
    expect(() => rewriteHeader(header, shifted, { streamBytes })).toThrow(/header has/);
    expect(() => rewriteHeader(header, fragments, { streamBytes: fragments[2]!.offset })).toThrow(
      /streamBytes/,
    );
    const backwards = [fragments[0]!, { ...fragments[1]!, offset: fragments[0]!.offset }];
    expect(() => rewriteHeader(header, backwards, { streamBytes })).toThrow(/forward/);
    expect(() => rewriteHeader(makeBox('ftyp'), [], { streamBytes: 8 })).toThrow(/moov/);
  });
});
