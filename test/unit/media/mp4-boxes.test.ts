import { describe, expect, it } from 'vitest';
import {
  childBoxes,
  concatBytes,
  listBoxes,
  makeBox,
  makeFullBox,
  packUints,
  readBox,
  readU32,
  readU64,
  writeU64,
} from '../../../src/media/mp4/boxes.js';
import { findAll, findBox } from './mp4-fixtures.js';

const bytes = (...v: number[]) => new Uint8Array(v);

describe('mp4 boxes', () => {
  it('builds a box with its size and type, and reads it back', () => {
    const b = makeBox('free', bytes(1, 2, 3));
    expect(b.length).toBe(11);
    expect(readU32(b, 0)).toBe(11);
    expect(readBox(b, 0)).toEqual({ type: 'free', offset: 0, size: 11, headerSize: 8 });
  });

  it('builds a full box with version and flags', () => {
    const b = makeFullBox('mehd', 1, 0x20001, packUints([[8, 5]]));
    expect(b.length).toBe(20);
    expect(b[8]).toBe(1);
    expect(readU32(b, 8) & 0xffffff).toBe(0x20001);
    expect(readU64(b, 12)).toBe(5);
  });

  it('reads a 64-bit box size and a size 0 (to the end)', () => {
    const large = concatBytes([
      packUints([[4, 1]]),
      new TextEncoder().encode('mdat'),
      packUints([[8, 20]]),
      bytes(9, 9, 9, 9),
    ]);
    expect(readBox(large, 0)).toEqual({ type: 'mdat', offset: 0, size: 20, headerSize: 16 });
    const toEnd = concatBytes([packUints([[4, 0]]), new TextEncoder().encode('mdat'), bytes(1, 2)]);
    expect(readBox(toEnd, 0).size).toBe(10);
  });

  it('refuses a box that claims more bytes than there are', () => {
    const b = makeBox('free', bytes(1, 2, 3));
    expect(() => readBox(b.subarray(0, 10), 0)).toThrow(/bad size/);
    expect(() => readBox(b, 5)).toThrow(/truncated/);
  });

  it('lists, finds by path and finds all children', () => {
    const file = concatBytes([
      makeBox('ftyp', bytes(0, 0, 0, 0)),
      makeBox(
        'moov',
        makeBox('trak', makeBox('tkhd')),
        makeBox('trak'),
        makeBox('mvex', makeBox('trex')),
      ),
    ]);
    expect(listBoxes(file).map((b) => b.type)).toEqual(['ftyp', 'moov']);
    const moov = findBox(file, ['moov'])!;
    expect(childBoxes(file, moov).map((b) => b.type)).toEqual(['trak', 'trak', 'mvex']);
    expect(findAll(file, 'trak', moov)).toHaveLength(2);
    expect(findBox(file, ['moov', 'mvex', 'trex'])?.size).toBe(8);
    expect(findBox(file, ['moov', 'mvex', 'mehd'])).toBeUndefined();
  });

  it('packs integers big-endian and rejects values that do not fit', () => {
    expect([
      ...packUints([
        [2, 0x0102],
        [4, 0x03040506],
      ]),
    ]).toEqual([1, 2, 3, 4, 5, 6]);
    const b = new Uint8Array(8);
    writeU64(b, 0, 2 ** 40 + 7);
    expect(readU64(b, 0)).toBe(2 ** 40 + 7);
    expect(() => packUints([[2, 70000]])).toThrow(RangeError);
    expect(() => packUints([[4, 2 ** 32]])).toThrow(RangeError);
    expect(() => packUints([[4, -1]])).toThrow(RangeError);
  });
});
