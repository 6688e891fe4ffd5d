/** Runs `npm run demo -- --headless` as a user would, with its own ports and S3 folder. */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

/** The JSON line a headless run prints (the fields the e2e tests read). */
export interface HeadlessResult {
  key: string;
  bytes: number;
  durationSec: number;
  /** Seconds recorded when Stop was confirmed (null for --recover). */
  stoppedAtSec: number | null;
  video: { codec: string; profile: string; width: number; height: number; fps: number };
  audio: { codec: string | null };
  framesEncoded: number | null;
  framesDropped: number | null;
  maxFrameGapMs: number;
  cfr: boolean;
  stopToAvailableMs: number | null;
  notices: string[];
  fault?: {
    kind: string;
    atSec: number;
    seconds: number;
    unsavedBytesBefore: number;
    maxUnsavedBytes: number;
    saveTextsDuring: string[];
    warningsDuring: string[];
    phasesDuring: string[];
  };
  file: string;
}

/** The last line of a headless run's stdout, parsed. */
export function resultOf(stdout: string): HeadlessResult {
  return JSON.parse(stdout.trim().split('\n').pop()!) as HeadlessResult;
}

/**
 * The headless demo with `args` after the fixed ones (the build already made, free ports, S3
 * data under `dir`); resolves to its stdout, whose last line is the JSON result.
 */
export async function runHeadless(dir: string, args: string[]): Promise<string> {
  const fixed = ['--headless', '--skip-build', '--port', '0', '--s3-port', '0'];
  return runDemo([...fixed, '--s3-dir', join(dir, 's3'), ...args]);
}

/** `scripts/demo.mjs` with exactly `args`; resolves to its stdout once it exits with 0. */
export async function runDemo(args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['scripts/demo.mjs', ...args], {
    cwd: root,
    timeout: 300_000,
  });
  return stdout;
}

/** A TCP port free on 127.0.0.1 now. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** SIGKILLs every Chromium process using `profile`, as a crash would end them. */
export function killChromium(profile: string): void {
  let pids: number[] = [];
  try {
    pids = execFileSync('pgrep', ['-f', `user-data-dir=${profile}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    // none left
  }
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** A headless run in the background, whose progress lines (stderr) a test can wait for. */
export interface RunningHeadless {
  child: ChildProcess;
  /** Resolves with the first match of `pattern` in stderr; rejects if the run ends first. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  stderr(): string;
}

/** Starts `scripts/demo.mjs` with `args` (all of them: nothing is added) in the background. */
export function spawnHeadless(args: string[]): RunningHeadless {
  const child = spawn(process.execPath, ['scripts/demo.mjs', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    exited,
    stderr: () => stderr,
    waitFor: (pattern, timeoutMs) =>
      new Promise((resolve, reject) => {
        const look = () => {
          const m = pattern.exec(stderr);
          if (!m) return false;
          clearTimeout(timer);
          child.stderr!.off('data', look);
          resolve(m);
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} within ${timeoutMs} ms: ${stderr.slice(-500)}`)),
          timeoutMs,
        );
        if (look()) return;
        child.stderr!.on('data', look);
        void exited.then(() => {
          if (!look()) {
            clearTimeout(timer);
            reject(new Error(`the run ended before ${pattern}: ${stderr.slice(-800)}`));
          }
        });
      }),
  };
}

/** ffmpeg's errors decoding the whole file ('' when it decodes cleanly). */
export async function decodeErrors(file: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-']);
  return stderr;
}
