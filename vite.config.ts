import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const root = import.meta.dirname;

/**
 * Three builds, chosen by `--mode`:
 * - `lib`: the package's ES modules (dependencies external), for `import 'room-recorder'`;
 * - `bundle`: `dist/room-recorder.js`, one `<script type="module">` that defines every element
 *   (dependencies inside; the S3 client and the media worker load lazily beside it);
 * - anything else: the demo, served by `npm run demo`.
 */
export default defineConfig(({ mode }) => {
  if (mode === 'lib') {
    return {
      // Relative, so the worker and lazy chunks load beside the module wherever it is served.
      base: './',
      build: {
        outDir: 'dist/lib',
        emptyOutDir: true,
        sourcemap: true,
        target: 'es2022',
        minify: false,
        lib: { entry: resolve(root, 'src/index.ts'), formats: ['es'], fileName: () => 'index.js' },
        rolldownOptions: {
          external: [/^lit/, /^@lit\//, 'mediabunny', 'idb', /^@aws-sdk\//],
          output: {
            preserveModules: true,
            preserveModulesRoot: 'src',
            entryFileNames: '[name].js',
          },
        },
      },
      worker: {
        format: 'es',
        // One file: an app's bundler copies the worker as an asset, without the chunks it
        // would import (the WASM AAC encoder, lazy in the one-tag bundle, is inlined here).
        rolldownOptions: { output: { codeSplitting: false } },
      },
    };
  }
  if (mode === 'bundle') {
    return {
      base: './',
      build: {
        outDir: 'dist',
        emptyOutDir: false,
        sourcemap: true,
        target: 'es2022',
        lib: {
          entry: resolve(root, 'src/index.ts'),
          formats: ['es'],
          fileName: () => 'room-recorder.js',
        },
        rolldownOptions: {
          output: { chunkFileNames: 'chunks/[name]-[hash].js' },
        },
      },
      worker: { format: 'es' },
    };
  }
  return {
    root: resolve(root, 'demo'),
    publicDir: false,
    server: { host: '127.0.0.1', strictPort: true },
    build: { outDir: resolve(root, 'dist/demo'), emptyOutDir: true, target: 'es2022' },
    worker: { format: 'es' },
  };
});
