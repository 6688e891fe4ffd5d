import { describe, expect, it } from 'vitest';
import {
  MAX_CHUNK_BYTES,
  assemble,
  isEvictable,
  splitIntoChunks,
} from '../../../src/journal/chunks.js';
import { DEFAULT_PART_PLAN, PartPlan } from '../../../src/journal/part-plan.js';

const MiB = 1024 * 1024;
/** Fixed parts (recordings journaled before aligned parts): chunks are cut at their edges. */
const plan = new PartPlan({ ...DEFAULT_PART_PLAN, alignParts: false });
const PART = plan.sizeOf(1);

describe('splitIntoChunks', () => {
  it('keeps a small fragment whole, as a copy', () => {
    const buffer = new Uint8Array(3 * MiB);
    const view = buffer.subarray(MiB, MiB + 1000);
    const [only, ...rest] = splitIntoChunks(500, view, plan);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ offset: 500, end: 1500 });
    // A copy with a buffer of its own: IndexedDB would clone a view's whole buffer.
    expect(only!.bytes.buffer.byteLength).toBe(1000);
  });

  it('cuts a large fragment into equal pieces of at most 4 MiB', () => {
    const bytes = new Uint8Array(9 * MiB);
    const pieces = splitIntoChunks(0, bytes, new PartPlan({ baseBytes: 64 * MiB, growEvery: 10 }));
    expect(pieces.length).toBe(3);
    expect(pieces.every((p) => p.bytes.byteLength <= MAX_CHUNK_BYTES)).toBe(true);
    expect(pieces.every((p) => p.bytes.byteLength >= MiB)).toBe(true);
    expect(pieces.map((p) => p.end - p.offset).reduce((a, b) => a + b)).toBe(9 * MiB);
  });

  it('aligned parts never split a fragment, so its chunks are cut by size only', () => {
    const aligned = new PartPlan(DEFAULT_PART_PLAN);
    const bytes = new Uint8Array(1.5 * MiB);
    const pieces = splitIntoChunks(PART - MiB, bytes, aligned);
    expect(pieces.map((p) => [p.offset, p.end])).toEqual([[PART - MiB, PART + 0.5 * MiB]]);
  });

  it('cuts at fixed part boundaries so each chunk lies in one part', () => {
    const bytes = new Uint8Array(1.5 * MiB);
    for (let i = 0; i < bytes.length; i++) bytes[i] = i & 0xff;
    const offset = PART - MiB;
    const pieces = splitIntoChunks(offset, bytes, plan);
    expect(pieces.map((p) => [p.offset, p.end])).toEqual([
      [offset, PART],
      [PART, offset + 1.5 * MiB],
    ]);
    expect(pieces[1]!.bytes[0]).toBe(MiB & 0xff);
    expect(pieces.every((p) => plan.partOf(p.offset) === plan.partOf(p.end - 1))).toBe(true);
  });
});

describe('isEvictable', () => {
  it('needs every part it touches confirmed, and never part 1', () => {
    const inPart2 = { offset: PART + 10, end: PART + 20 };
    expect(isEvictable(inPart2, new Set([2]), plan)).toBe(true);
    expect(isEvictable(inPart2, new Set([3]), plan)).toBe(false);
    const straddling = { offset: 2 * PART - 5, end: 2 * PART + 5 };
    expect(isEvictable(straddling, new Set([2]), plan)).toBe(false);
    expect(isEvictable(straddling, new Set([2, 3]), plan)).toBe(true);
    const touchingPart1 = { offset: PART - 5, end: PART + 5 };
    expect(isEvictable(touchingPart1, new Set([1, 2]), plan)).toBe(false);
    expect(isEvictable({ offset: 0, end: 10 }, new Set([1]), plan)).toBe(false);
  });
});

describe('assemble', () => {
  const piece = (offset: number, values: number[]) => ({
    offset,
    end: offset + values.length,
    bytes: Uint8Array.from(values),
  });

  it('copies overlapping pieces in place, in any order', () => {
    const { bytes, missing } = assemble(2, 7, [piece(5, [5, 6, 7]), piece(0, [0, 1, 2, 3, 4])]);
    expect(missing).toBeNull();
    expect([...bytes]).toEqual([2, 3, 4, 5, 6]);
  });

  it('reports the first gap', () => {
    expect(assemble(0, 10, [piece(0, [0, 1]), piece(6, [6, 7, 8, 9])]).missing).toEqual({
      offset: 2,
      end: 6,
    });
    expect(assemble(0, 4, [piece(0, [0, 1])]).missing).toEqual({ offset: 2, end: 4 });
    expect(assemble(3, 4, []).missing).toEqual({ offset: 3, end: 4 });
  });
});
