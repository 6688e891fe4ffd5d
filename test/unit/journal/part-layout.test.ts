import { describe, expect, it } from 'vitest';
import { PartLayout } from '../../../src/journal/part-layout.js';
import { PartPlan } from '../../../src/journal/part-plan.js';

const aligned = new PartPlan({ baseBytes: 100, growEvery: 2, alignParts: true });

describe('PartLayout', () => {
  it('ends each aligned part at the first fragment end at least its planned size in', () => {
    const layout = new PartLayout(aligned);
    // Header 30, then fragments of 45 bytes.
    const ends = [30, 75, 120, 165, 210, 255, 300, 345, 390, 435, 480, 525];
    for (const end of ends) layout.addEnd(end);
    // Planned sizes 100, 100, 200, 200, 300...: parts close at 120, 255, 480.
    expect([1, 2, 3].map((n) => layout.range(n))).toEqual([
      { start: 0, end: 120 },
      { start: 120, end: 255 },
      { start: 255, end: 480 },
    ]);
    expect(layout.completeParts()).toBe(3);
    // The stream as it stands has a fourth, unfinished part; a stream ending on a boundary does not.
    expect(layout.count()).toBe(4);
    expect(layout.range(4)).toEqual({ start: 480, end: 525 });
    expect(layout.count(480)).toBe(3);
    // Every boundary is a fragment end: no fragment is split between parts.
    for (let n = 1; n <= 4; n++) expect(ends).toContain(layout.range(n).end);
  });

  it('lays out the same parts from the same ends, however they arrive (a reload)', () => {
    const once = new PartLayout(aligned);
    const again = new PartLayout(aligned);
    for (const end of [30, 75, 120, 165, 210, 255, 300]) once.addEnd(end);
    for (const end of [30, 75, 75, 120, 50, 165, 210, 255, 300]) again.addEnd(end);
    expect([1, 2, 3].map((n) => again.range(n))).toEqual([1, 2, 3].map((n) => once.range(n)));
  });

  it('a short recording is one part', () => {
    const layout = new PartLayout(aligned);
    layout.addEnd(40);
    expect(layout.completeParts()).toBe(0);
    expect(layout.count()).toBe(1);
    expect(layout.range(1)).toEqual({ start: 0, end: 40 });
  });

  it('recordings journaled before keep the plan’s fixed ranges', () => {
    const layout = new PartLayout(new PartPlan({ baseBytes: 100, growEvery: Infinity }));
    for (const end of [30, 75, 120, 165, 210, 255]) layout.addEnd(end);
    expect(layout.range(2)).toEqual({ start: 100, end: 200 });
    expect(layout.completeParts()).toBe(2);
  });
});
