import { defineConfig } from 'vitest/config';

// The e2e suite drives Debian's Chromium against the demo server; one file at a time,
// since each launches browsers on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
