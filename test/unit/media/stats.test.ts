import { describe, expect, it } from 'vitest';
import { percentile, SampleRing } from '../../../src/media/stats.js';

describe('percentile', () => {
  it('is 0 for no values', () => {
    expect(percentile([], 50)).toBe(0);
  });
  it('takes the nearest rank', () => {
    const v = [5, 1, 4, 2, 3];
    expect(percentile(v, 50)).toBe(3);
    expect(percentile(v, 95)).toBe(5);
    expect(percentile(v, 0)).toBe(1);
    expect(v).toEqual([5, 1, 4, 2, 3]);
  });
});

describe('SampleRing', () => {
  it('keeps only the newest samples, oldest first', () => {
    const r = new SampleRing(3);
    for (const v of [1, 2, 3, 4, 5]) r.push(v);
    expect(r.size).toBe(3);
    expect(r.values()).toEqual([3, 4, 5]);
    expect(r.latest(2)).toEqual([4, 5]);
  });
  it('reports partial fills in order', () => {
    const r = new SampleRing(4);
    r.push(7);
    r.push(8);
    expect(r.values()).toEqual([7, 8]);
  });
});
