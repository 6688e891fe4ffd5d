import { rmSync } from 'node:fs';
import { describe, it } from 'vitest';
import { expectAtMost2sLost, killAndRecover } from './kill-recover.js';

describe('X1: a browser killed mid-recording', () => {
  it(
    'is recovered by --recover into a playable file at most 2 s shorter than what was recorded',
    { timeout: 480_000 },
    async () => {
      const outcome = await killAndRecover({ afterSec: 10 });
      expectAtMost2sLost(outcome);
      rmSync(outcome.dir, { recursive: true, force: true });
    },
  );
});
