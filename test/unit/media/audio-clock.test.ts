import { describe, expect, it } from 'vitest';
import { AudioClock, CountedAudioClock } from '../../../src/media/audio-clock.js';

const RATE = 48_000;
const CHUNK = 480; // 10 ms

describe('AudioClock', () => {
  it('lays chunks sample by sample, free of arrival jitter', () => {
    const c = new AudioClock();
    const out: number[] = [];
    for (let i = 0; i < 100; i++) {
      const jitter = (i % 3) * 7_000; // up to 14 ms late
      out.push(c.stamp(1_000_000 + (i + 1) * 10_000 + jitter, CHUNK, RATE)!);
    }
    expect(out[0]).toBe(1_000_000);
    out.forEach((t, i) => expect(t).toBe(1_000_000 + i * 10_000));
  });

  it('leaves out audio captured before the recording started', () => {
    expect(new AudioClock().stamp(5_000, CHUNK, RATE)).toBeNull();
  });

  it('stays within its tolerance of the clock over 2 hours with a 0.1 % fast sound card', () => {
    const c = new AudioClock(150_000);
    let last = -1;
    let worst = 0;
    let dropped = 0;
    // The card makes 48,048 samples per system second: chunks arrive 0.1 % more often.
    const period = 10_000 / 1.001;
    const chunks = 2 * 3600 * 100;
    let backwards = 0;
    for (let i = 0; i < chunks; i += 1) {
      const arrival = 100_000 + (i + 1) * period;
      const t = c.stamp(arrival, CHUNK, RATE);
      if (t === null) {
        dropped++;
        continue;
      }
      if (t <= last) backwards++;
      last = t;
      worst = Math.max(worst, Math.abs(t - (arrival - 10_000)));
    }
    expect(backwards).toBe(0);
    expect(worst).toBeLessThanOrEqual(150_000 + 10_000);
    // About 0.1 % of the chunks are left out to stay in line.
    expect(dropped / chunks).toBeCloseTo(0.001, 3);
  });

  it('a backlog read at the start does not make every later sound late', () => {
    // 120 ms of audio queued while the encoders were set up, read at once at 200 ms; then
    // chunks on time. The laid time settles within 20 ms of when sound was captured.
    const c = new AudioClock();
    const laid: Array<{ t: number | null; capture: number }> = [];
    for (let i = 0; i < 12; i++)
      laid.push({ t: c.stamp(200_000, CHUNK, RATE), capture: 200_000 - 120_000 + i * 10_000 });
    for (let i = 1; i <= 100; i++) {
      const arrival = 200_000 + i * 10_000;
      laid.push({ t: c.stamp(arrival, CHUNK, RATE), capture: arrival - 10_000 });
    }
    const late = laid.slice(-50).map(({ t, capture }) => t! - capture);
    expect(Math.max(...late)).toBeLessThanOrEqual(20_000);
    expect(Math.min(...late)).toBeGreaterThanOrEqual(0);
    const times = laid.flatMap(({ t }) => (t === null ? [] : [t]));
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
  });

  it('moves forward over lost audio (a gap) once the lag lasts, never back', () => {
    const c = new AudioClock(150_000, 20_000, 500_000);
    expect(c.stamp(10_000, CHUNK, RATE)).toBe(0);
    expect(c.stamp(20_000, CHUNK, RATE)).toBe(10_000);
    // 1 s of audio lost, then chunks on time again: within half a second of steady lag the
    // audio lands where it was captured, and stays there.
    const laid: Array<[number, number]> = [];
    for (let i = 0; i < 100; i++) {
      const arrival = 1_030_000 + i * 10_000;
      laid.push([c.stamp(arrival, CHUNK, RATE)!, arrival - 10_000]);
    }
    const times = laid.map(([t]) => t);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    for (const [t, capture] of laid.slice(-40)) expect(t).toBe(capture);
  });

  it('a burst read late after a stall keeps every chunk, in place', () => {
    // On time for 0.5 s, then the worker stalls 600 ms and reads 60 chunks at once.
    const c = new AudioClock();
    const laid: Array<number | null> = [];
    for (let i = 0; i < 50; i++) laid.push(c.stamp(10_000 + i * 10_000, CHUNK, RATE));
    for (let i = 50; i < 110; i++) laid.push(c.stamp(1_100_000, CHUNK, RATE));
    for (let i = 110; i < 200; i++) laid.push(c.stamp(10_000 + i * 10_000, CHUNK, RATE));
    expect(laid.every((t, i) => t === i * 10_000)).toBe(true);
  });
});

describe('CountedAudioClock', () => {
  it('counts samples from 0 and cuts where the video ends', () => {
    const c = new CountedAudioClock(30_000);
    expect([0, 1, 2, 3].map(() => c.stamp(CHUNK, RATE))).toEqual([0, 10_000, 20_000, null]);
  });
});
