// `npm run bench`: the benchmark (bench/run.mjs; figures, not pass/fail), about an hour;
// `npm run bench -- --quick` for a short run (under 3 minutes). It measures real time and CPU
// on this machine: run it when the machine is quiet (`--wait-load=1.5` waits for that).
// Every run writes a new file in bench/results/; see BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureAll, root } from './lib/ensure.mjs';

ensureAll({ ffmpeg: true });
const r = spawnSync(process.execPath, [join(root, 'bench', 'run.mjs'), ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
