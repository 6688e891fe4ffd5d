import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { StoredRecording } from '../../../src/recorder/engine.js';
import {
  STORE_PATIENCE_MS,
  storeWhenStorageAnswers,
} from '../../../src/recorder/store-recording.js';
import { systemClock } from '../../../src/session/clock.js';
import { UploadError } from '../../../src/upload/types.js';

const stored = {
  recordingId: 'r',
  objectKey: 'k',
  fileName: 'f',
  bytes: 1,
  durationSec: 1,
  url: 'u',
} as StoredRecording;

describe('storing a stopped recording while storage is down (X11)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('tries again, waiting longer each time, until storage takes it', async () => {
    const store = vi
      .fn<() => Promise<StoredRecording>>()
      .mockRejectedValueOnce(new UploadError('down', true))
      .mockRejectedValueOnce(new UploadError('down', true))
      .mockResolvedValueOnce(stored);
    const waits: number[] = [];
    const done = storeWhenStorageAnswers(store, systemClock, (_e, ms) => waits.push(ms));
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe(stored);
    expect(waits).toEqual([2_000, 4_000]);
    expect(store).toHaveBeenCalledTimes(3);
  });

  it('stops at once on an error retrying cannot mend', async () => {
    const refused = new UploadError('AccessDenied', false);
    const store = vi.fn<() => Promise<StoredRecording>>().mockRejectedValue(refused);
    const done = storeWhenStorageAnswers(store, systemClock, () => {});
    await expect(done).rejects.toBe(refused);
    expect(store).toHaveBeenCalledTimes(1);
  });

  it('gives up with storage’s own error once its patience is spent', async () => {
    const down = new UploadError('down', true);
    const store = vi.fn<() => Promise<StoredRecording>>().mockRejectedValue(down);
    const waits: number[] = [];
    const done = storeWhenStorageAnswers(store, systemClock, (_e, ms) => waits.push(ms));
    const verdict = done.catch((e: unknown) => e);
    await vi.runAllTimersAsync();
    expect(await verdict).toBe(down);
    const waited = waits.reduce((n, w) => n + w, 0);
    expect(waited).toBeLessThanOrEqual(STORE_PATIENCE_MS);
    expect(waited).toBeGreaterThan(STORE_PATIENCE_MS - 30_000);
    expect(Math.max(...waits)).toBe(30_000);
  });
});
