/** Runs `npm run demo -- --headless` as a user would, with its own ports and S3 folder. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/**
 * The headless demo with `args` after the fixed ones (the build already made, free ports, S3
 * data under `dir`); resolves to its stdout, whose last line is the JSON result.
 */
export async function runHeadless(dir: string, args: string[]): Promise<string> {
  const fixed = ['--headless', '--skip-build', '--port', '0', '--s3-port', '0'];
  const { stdout } = await run(
    process.execPath,
    ['scripts/demo.mjs', ...fixed, '--s3-dir', join(dir, 's3'), ...args],
    { cwd: root, timeout: 240_000 },
  );
  return stdout;
}
