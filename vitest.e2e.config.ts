import { defineConfig } from 'vitest/config';
// @ts-expect-error: plain ESM module without types
import { BY_HAND_E2E, LONG_E2E, RELIABILITY_E2E, suite } from './test/long-tests.mjs';

// The e2e suite drives Debian's Chromium against the demo server; one file at a time,
// since each launches browsers on a 2-core machine.
export default defineConfig({
  test: {
    // `npm test` runs all but the long and fault-suite files, `npm run test:long` and
    // `npm run test:reliability` those only (RR_SUITE).
    include: { long: LONG_E2E, reliability: RELIABILITY_E2E }[suite() as string] ?? [
      'test/e2e/**/*.test.ts',
    ],
    exclude: suite() === 'core' ? [...LONG_E2E, ...RELIABILITY_E2E, ...BY_HAND_E2E] : [],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
