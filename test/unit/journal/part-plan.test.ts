import { describe, expect, it } from 'vitest';
import {
  DEFAULT_PART_PLAN,
  LEGACY_PART_PLAN,
  MAX_PARTS,
  PartPlan,
  partPlanOf,
} from '../../../src/journal/part-plan.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The product's video and audio rate, with the MP4's own overhead rounded up. */
const BYTES_PER_SECOND = 6_300_000 / 8;

describe('PartPlan', () => {
  it('cuts 5 MiB parts first and grows them every 2,000 parts', () => {
    const plan = new PartPlan();
    expect(plan.sizeOf(1)).toBe(5 * MiB);
    expect(plan.sizeOf(2000)).toBe(5 * MiB);
    expect(plan.sizeOf(2001)).toBe(10 * MiB);
    expect(plan.sizeOf(4001)).toBe(15 * MiB);
    expect(plan.startOf(1)).toBe(0);
    expect(plan.startOf(2001)).toBe(2000 * 5 * MiB);
    expect(plan.startOf(4001)).toBe(2000 * 5 * MiB + 2000 * 10 * MiB);
    expect(plan.capacity()).toBe(2000 * 5 * MiB * (1 + 2 + 3 + 4 + 5));
    expect(plan.capacity()).toBeGreaterThan(146 * GiB);
  });

  it('agrees with itself: every offset lies in the part whose range holds it', () => {
    for (const spec of [DEFAULT_PART_PLAN, LEGACY_PART_PLAN, { baseBytes: 7, growEvery: 3 }]) {
      const plan = new PartPlan(spec);
      for (let n = 1; n <= 40; n++) {
        const { start, end } = plan.fullRange(n);
        expect(end - start).toBe(plan.sizeOf(n));
        expect(plan.partOf(start)).toBe(n);
        expect(plan.partOf(end - 1)).toBe(n);
      }
      for (const n of [1999, 2000, 2001, 4000, 9999, 10_000]) {
        expect(plan.partOf(plan.startOf(n))).toBe(n);
        expect(plan.partOf(plan.startOf(n + 1) - 1)).toBe(n);
      }
    }
  });

  it('counts parts and the complete ones of a stream still growing', () => {
    const plan = new PartPlan({ baseBytes: 10, growEvery: 2 });
    // Parts: 10, 10, 20, 20, 30...
    expect(plan.count(0)).toBe(1);
    expect(plan.count(10)).toBe(1);
    expect(plan.count(11)).toBe(2);
    expect(plan.count(40)).toBe(3);
    expect(plan.completeParts(9)).toBe(0);
    expect(plan.completeParts(10)).toBe(1);
    expect(plan.completeParts(39)).toBe(2);
    expect(plan.completeParts(40)).toBe(3);
    expect(plan.range(3, 35)).toEqual({ start: 20, end: 35 });
  });

  it('holds 24 hours in 10,000 parts, and leaves at most two small parts for Stop in the first hours', () => {
    const plan = new PartPlan();
    expect(plan.count(24 * 3600 * BYTES_PER_SECOND)).toBeLessThan(MAX_PARTS);
    // What Stop still sends: the header part and the part being filled.
    for (const minutes of [1, 10, 60, 180]) {
      const bytes = minutes * 60 * BYTES_PER_SECOND;
      expect(plan.sizeOf(1) + plan.sizeOf(plan.count(bytes))).toBe(10 * MiB);
    }
  });

  it('reads a recording journaled before plans with 16 MiB parts', () => {
    expect(partPlanOf({}).spec).toEqual({
      baseBytes: 16 * MiB,
      growEvery: Infinity,
      alignParts: false,
    });
    expect(partPlanOf({ partPlan: DEFAULT_PART_PLAN }).sizeOf(1)).toBe(5 * MiB);
  });

  it('refuses sizes that are not whole positive numbers', () => {
    expect(() => new PartPlan({ baseBytes: 0, growEvery: 1 })).toThrow(/Invalid part size 0/);
    expect(() => new PartPlan({ baseBytes: 1.5, growEvery: 1 })).toThrow(/Invalid part size/);
    expect(() => new PartPlan({ baseBytes: 5, growEvery: 0 })).toThrow(/Invalid part growth 0/);
  });
});
