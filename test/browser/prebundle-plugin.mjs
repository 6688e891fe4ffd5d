// Serves the largest dependencies to browser test pages (and their workers) as one prebundled
// module each. Served file by file, the AWS SDK's several hundred modules and mediabunny's and
// msw's many cost each test page seconds of start-up, not product (the storage-outage test
// printed "start took 19688 ms" for its first engine start at a third of this machine's CPU).
import { build } from 'esbuild';

/** Each bundle: the specifiers that resolve to it (one instance for all of them) and its entry. */
const BUNDLES = [
  {
    path: '/__prebundled/aws-sdk.js',
    // One bundle, so the presigner and the client share the SDK's classes.
    specifiers: ['@aws-sdk/client-s3', '@aws-sdk/s3-request-presigner'],
    entry: [
      "export * from '@aws-sdk/client-s3';",
      "export { getSignedUrl } from '@aws-sdk/s3-request-presigner';",
    ].join('\n'),
  },
  {
    path: '/__prebundled/mediabunny.js',
    // @mediabunny/aac-encoder imports 'mediabunny' too, and so registers into this instance.
    specifiers: ['mediabunny'],
    entry: "export * from 'mediabunny';",
  },
  {
    path: '/__prebundled/msw.js',
    // One instance: handlers made with 'msw' are read by the worker from 'msw/browser'.
    specifiers: ['msw', 'msw/browser'],
    entry: "export * from 'msw';\nexport { setupWorker } from 'msw/browser';",
  },
];

/** @returns {import('@web/dev-server-core').Plugin} */
export function prebundlePlugin() {
  /** @type {Map<string, Promise<string>>} */
  const built = new Map();
  const code = (bundle) => {
    let text = built.get(bundle.path);
    if (!text) {
      text = build({
        stdin: { contents: bundle.entry, resolveDir: process.cwd(), loader: 'js' },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2022',
        write: false,
        logLevel: 'warning',
      }).then((r) => r.outputFiles[0].text);
      built.set(bundle.path, text);
    }
    return text;
  };
  return {
    name: 'rr-prebundle',
    resolveImport({ source }) {
      return BUNDLES.find((b) => b.specifiers.includes(source))?.path;
    },
    async serve(ctx) {
      const bundle = BUNDLES.find((b) => b.path === ctx.path);
      if (bundle) return { body: await code(bundle), type: 'js' };
      return undefined;
    },
  };
}
