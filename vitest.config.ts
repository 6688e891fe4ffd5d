import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // The AWS SDK warns on Node 20 (it wants 22 from 2027) each time an S3 client is made;
    // the package supports Node 20, so the warning is noise in a passing run.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
