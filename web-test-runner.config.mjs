// Browser tests in Debian's Chromium: real WebCodecs, IndexedDB, workers and DOM.
import { defaultReporter } from '@web/test-runner';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, chromiumPath } from './scripts/lib/chromium.mjs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { fileMiddleware, serverCommandsPlugin } from './test/browser/server-commands.mjs';
import { mswWorkerMiddleware } from './test/browser/msw-middleware.mjs';
import { prebundlePlugin } from './test/browser/prebundle-plugin.mjs';
import { timingReporter } from './test/browser/timing-reporter.mjs';
import { LONG_BROWSER, suite } from './test/long-tests.mjs';

// RR_BROWSER_FILES picks files; otherwise RR_SUITE says which (test/long-tests.mjs).
const every = ['test/browser/**/*.test.ts', 'src/**/*.test.ts'];
const files = process.env.RR_BROWSER_FILES
  ? process.env.RR_BROWSER_FILES.split(',')
  : ({ long: LONG_BROWSER, core: [...every, ...LONG_BROWSER.map((f) => `!${f}`)] }[suite()] ??
    every);

// `nodeResolve.browser` maps Node-only modules (mediabunny's node:fs/promises, parts of the AWS
// SDK) to rollup's empty module, which the dev server does not serve by itself.
const emptyModule = {
  name: 'rr-empty-module',
  serve(ctx) {
    if (ctx.path.endsWith('node-resolve:empty.js'))
      return { body: 'export default {};', type: 'js' };
    return undefined;
  },
};

export default {
  files,
  // `browser: true` honours package.json "browser" maps (mediabunny maps its node: imports away).
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  hostname: '127.0.0.1',
  // WebCodecs tests are CPU-bound: one file at a time on a 2-core machine.
  concurrency: 1,
  concurrentBrowsers: 1,
  testsFinishTimeout: 10 * 60_000,
  browserStartTimeout: 60_000,
  testFramework: { config: { timeout: 120_000 } },
  reporters: [defaultReporter(), timingReporter()],
  middleware: [mswWorkerMiddleware, fileMiddleware()],
  plugins: [
    prebundlePlugin(),
    emptyModule,
    esbuildPlugin({ ts: true, json: true, target: 'es2022', tsconfig: './tsconfig.json' }),
    serverCommandsPlugin(),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath,
        headless: true,
        args: [
          ...CHROMIUM_ARGS,
          // Page timers at full rate in a background tab, for tests that drive sources from them.
          '--disable-background-timer-throttling',
          '--disable-renderer-backgrounding',
          '--disable-backgrounding-occluded-windows',
        ],
      },
    }),
  ],
};
