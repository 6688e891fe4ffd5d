import { describe, expect, it } from 'vitest';
import { FadeIn } from '../../../src/media/audio-timing.js';

/** `n` samples of a full-scale square wave (the worst click if it started at once). */
const loud = (n: number) => Float32Array.from({ length: n }, (_, i) => (i % 2 ? 1 : -1));

describe('FadeIn', () => {
  it('raises the first sound from silence over its length, across chunks', () => {
    const fade = new FadeIn(240);
    const a = loud(160);
    const b = loud(160);
    fade.apply([a], 160);
    expect(fade.finished).toBe(false);
    fade.apply([b], 160);
    expect(fade.finished).toBe(true);
    const gains = [...a, ...b].map(Math.abs);
    expect(gains[0]).toBe(0);
    for (let i = 1; i < 240; i++) expect(gains[i]!).toBeGreaterThanOrEqual(gains[i - 1]!);
    expect(gains[120]).toBeCloseTo(0.5, 2);
    expect(gains.slice(240).every((g) => g === 1)).toBe(true);
  });

  it('waits for sound: silent chunks before it, and the silence at its start, stay as they are', () => {
    const fade = new FadeIn(100);
    const quiet = new Float32Array(480);
    fade.apply([quiet, quiet], 480);
    expect(fade.finished).toBe(false);
    const chunk = loud(480);
    chunk.fill(0, 0, 200);
    const right = loud(480);
    right.fill(0, 0, 200);
    fade.apply([chunk, right], 480);
    expect(Math.abs(chunk[200]!)).toBe(0);
    expect(Math.abs(chunk[250]!)).toBeCloseTo(0.5, 1);
    expect(Math.abs(chunk[300]!)).toBe(1);
    // Both channels get the same gain.
    expect(right[250]).toBe(chunk[250]);
    expect(fade.finished).toBe(true);
  });
});
