import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // A timeout catches a hang, never a slow machine: generous, so a loaded CI runner passes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The AWS SDK warns on Node 20 (it wants 22 from 2027) each time an S3 client is made;
    // the package supports Node 20, so the warning is noise in a passing run.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
