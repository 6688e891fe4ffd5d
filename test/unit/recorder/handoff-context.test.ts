import { describe, expect, it } from 'vitest';
import {
  HANDOFF_PART_GAP,
  HandoffKeys,
  decodeContext,
  encodeContext,
  newestContext,
  successorPartShift,
} from '../../../src/recorder/handoff-context.js';
import { sampleContext } from './handoff-fixture.js';

const context = sampleContext;

describe('the handoff document (X9)', () => {
  it('reads back what was written', () => {
    expect(decodeContext(encodeContext(context))).toEqual(context);
  });

  it('reads the single tail of a page of the earlier release, so a mixed room loses no tail', () => {
    const { tails, ...rest } = context;
    const older = new TextEncoder().encode(JSON.stringify({ ...rest, tail: tails[0] }));
    expect(decodeContext(older).tails).toEqual(tails);
  });

  it('reads a version-2 document, whose confirmed parts are all in it', () => {
    const { partBlocks: _, ...rest } = context;
    const older = new TextEncoder().encode(JSON.stringify({ ...rest, v: 2, partBlocks: 9 }));
    expect(decodeContext(older)).toMatchObject({ v: 2, partBlocks: 0 });
  });

  it('refuses a version-3 document that does not say how many part blocks it has', () => {
    const { partBlocks: _, ...rest } = context;
    const without = new TextEncoder().encode(JSON.stringify(rest));
    expect(() => decodeContext(without)).toThrow(/how many part blocks/);
  });

  it('reads a version-1 document, whose whole index is in it', () => {
    const { indexBlocks: _, ...rest } = context;
    const older = new TextEncoder().encode(JSON.stringify({ ...rest, v: 1 }));
    expect(decodeContext(older)).toMatchObject({ v: 1, indexBlocks: 0 });
  });

  it("numbers a successor's parts past every page before it, also after an earlier release", () => {
    expect(successorPartShift(context)).toBe(64 + HANDOFF_PART_GAP);
    const { partShift: _, ...older } = context;
    const read = decodeContext(new TextEncoder().encode(JSON.stringify(older)));
    expect(read.partShift).toBe(0);
    expect(successorPartShift(read)).toBe(HANDOFF_PART_GAP);
  });

  it('refuses another version and a document mid-write, saying which', () => {
    const other = new TextEncoder().encode(JSON.stringify({ ...context, v: 4 }));
    expect(() => decodeContext(other)).toThrow(/version 4; this page reads 3/);
    const cut = encodeContext(context).subarray(0, 40);
    expect(() => decodeContext(cut)).toThrow(/not JSON/);
  });

  it('alternates between two slots, so a write cut short leaves the other whole', () => {
    const keys = new HandoffKeys('rooms', context.meta);
    expect(keys.contextFor(6)).toBe('rooms/room-1/.recorder/rec-1/context-0.json');
    expect(keys.contextFor(7)).toBe('rooms/room-1/.recorder/rec-1/context-1.json');
    expect(keys.contexts).toEqual([
      keys.contextFor(0),
      keys.contextFor(1),
      'rooms/room-1/.recorder/rec-1/context.json',
    ]);
    const at = (seq: number, generation = context.generation) =>
      encodeContext({ ...context, seq, generation });
    const cut = at(8).subarray(0, 200);
    // The page died writing number 8 into slot 0: number 7 in slot 1 is read.
    expect(newestContext([cut, at(7), null])?.seq).toBe(7);
    // Both whole: the higher number; a later page's before an earlier page's higher number.
    expect(newestContext([at(8), at(7), null])?.seq).toBe(8);
    expect(newestContext([at(40, 1), at(3, 2), null])?.generation).toBe(2);
    // An earlier release's single slot, read when it is all there is.
    const { seq: _, ...older } = context;
    const legacy = new TextEncoder().encode(JSON.stringify(older));
    expect(newestContext([null, null, legacy])?.seq).toBe(0);
    expect(newestContext([null, null, null])).toBeNull();
    expect(() => newestContext([cut, null, null])).toThrow(/not JSON/);
  });
});
