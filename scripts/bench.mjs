// `npm run bench`: the benchmarks (figures, not pass/fail), one after the other, each writing
// its figures to bench/results/. Run on a quiet machine: they measure real time.
//   npm run bench [-- --duration=60]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureAll, root } from './lib/ensure.mjs';

ensureAll({ ffmpeg: false });
const extra = process.argv.slice(2);
for (const [label, args] of [
  ['recording pipeline, real time (bench/run-pipeline.mjs)', ['bench/run-pipeline.mjs', ...extra]],
  [
    'MP4 writer memory over 2 hours of packets (bench/mp4-writer-memory.mjs)',
    ['bench/mp4-writer-memory.mjs', '2'],
  ],
]) {
  console.log(`\n=== ${label} ===`);
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log(`\nFigures written to ${join('bench', 'results')}/`);
