import { rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { killAndRecover } from './kill-recover.js';

describe('X1: a browser killed mid-recording', () => {
  it(
    'is recovered by --recover into a playable file at most 2 s shorter than what was recorded',
    { timeout: 480_000 },
    async () => {
      const { dir, recordedSec, recovered } = await killAndRecover({ afterSec: 10 });
      console.log(
        `[e2e] killed after ${recordedSec.toFixed(2)} s of recording; recovered ${recovered.durationSec} s (lost ${(recordedSec - recovered.durationSec).toFixed(2)} s)`,
      );
      // X1: a kill loses at most the open fragment (1 s) and its write.
      expect(recovered.durationSec).toBeGreaterThan(recordedSec - 2);
      expect(recovered.durationSec).toBeLessThanOrEqual(recordedSec + 0.5);
      rmSync(dir, { recursive: true, force: true });
    },
  );
});
