import { describe, expect, it } from 'vitest';
import { StorageBudget } from '../../../src/recorder/storage-budget.js';

const MB = 1024 * 1024;
const S = 1000;

describe('StorageBudget (X11: the upload never stops a recording; the device space does)', () => {
  it('says nothing while the upload keeps up: the journal does not grow', () => {
    const b = new StorageBudget();
    for (let t = 0; t <= 60 * S; t += 5 * S) {
      expect(b.update(t, 10 * MB, 2000 * MB)).toEqual({
        minutesLeft: null,
        warning: null,
        stop: null,
      });
    }
  });

  it('counts the minutes left at the rate the journal grows, warns under 30, stops under 2', () => {
    const b = new StorageBudget();
    // The upload is down: the journal grows by 1 MB a second (8 Mb/s).
    let held = 0;
    let available = 2064 * MB; // 2000 MB above the 64 MB kept free
    let last = b.update(0, held, available);
    const verdicts: Array<{ t: number; minutes: number | null; warning: string | null }> = [];
    for (let t = 5 * S; t <= 2100 * S; t += 5 * S) {
      held += 5 * MB;
      available -= 5 * MB;
      last = b.update(t, held, available);
      verdicts.push({ t, minutes: last.minutesLeft, warning: last.warning });
      if (last.stop) break;
    }
    const first = verdicts[0]!;
    expect(first.minutes).toBeCloseTo(1995 / 60, 1);
    const warnedAt = verdicts.find((v) => v.warning === 'storage-low')!;
    expect(warnedAt.minutes).toBeLessThan(30);
    expect(warnedAt.t).toBeGreaterThan(190 * S);
    expect(last.stop).toMatch(/almost out of storage .* the recording stopped to keep everything/);
    expect(last.minutesLeft).toBeLessThan(2);
    // Stopped with minutes to spare: the browser never had to refuse a write.
    expect(available).toBeGreaterThan(64 * MB);
  });

  it('stops when the space left is under the reserve, whatever the rate', () => {
    const b = new StorageBudget({ stopBelowBytes: 100 * MB });
    expect(b.update(0, 0, 99 * MB).stop).toMatch(/99 MB left/);
  });

  it('knows nothing when the browser does not say how much space is left', () => {
    expect(new StorageBudget().update(0, 5 * MB, null)).toEqual({
      minutesLeft: null,
      warning: null,
      stop: null,
    });
  });
});
