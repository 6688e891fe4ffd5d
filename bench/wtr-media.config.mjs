// Runner config for the media tests until the project's config can load mediabunny:
// `nodeResolve.browser: true` maps mediabunny's './node.js' (node:fs/promises) to
// `/__web-dev-server__/rollup/node-resolve:empty.js`, which the dev server does not serve
// (ENOENT, "Failed to fetch dynamically imported module"), in the page and in the worker.
// This config keeps the project's and instead stubs `node:` imports with an empty module.
//
//   RR_BROWSER_FILES=test/browser/media/pipeline.test.ts \
//     npx web-test-runner --config bench/wtr-media.config.mjs
import base from '../web-test-runner.config.mjs';

const nodeStubs = {
  name: 'rr-node-stubs',
  resolveImport({ source }) {
    if (source.startsWith('node:')) return '/__rr-node-stub.js';
    return undefined;
  },
  serve(ctx) {
    if (ctx.path === '/__rr-node-stub.js') return { body: 'export default {};', type: 'js' };
    return undefined;
  },
};

export default {
  ...base,
  nodeResolve: { ...base.nodeResolve, browser: false },
  plugins: [nodeStubs, ...base.plugins],
};
