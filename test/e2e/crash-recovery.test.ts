import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

interface HeadlessResult {
  key: string;
  bytes: number;
  durationSec: number;
  video: { codec: string; profile: string; width: number; height: number; fps: number };
  audio: { codec: string | null };
  file: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** PIDs of the Chromium processes using this profile. */
function chromiumPids(profile: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', `user-data-dir=${profile}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

describe('X1: a browser killed mid-recording', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-crash-'));
  const profile = join(dir, 'profile');
  const s3dir = join(dir, 's3');
  const room = `crash-${crypto.randomUUID().slice(0, 8)}`;
  let port = 0;
  const cli = (extra: string[]) => [
    'scripts/demo.mjs',
    '--headless',
    '--skip-build',
    // The same origin for both runs: IndexedDB, so the journal, belongs to it.
    '--port',
    String(port),
    '--s3-port',
    '0',
    '--s3-dir',
    s3dir,
    '--profile',
    profile,
    '--room',
    room,
    ...extra,
  ];
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'is recovered by --recover into a playable file at most 2 s shorter than what was recorded',
    { timeout: 480_000 },
    async () => {
      port = await freePort();
      // A long recording, killed with SIGKILL once it has recorded for a while.
      const child = spawn(
        process.execPath,
        cli(['--seconds', '120', '--out', join(dir, 'never.mp4')]),
        {
          cwd: root,
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );

      // Wait until it records (the run says so on stderr), then let it record for 10 s.
      const startedAt = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no recording started: ${stderr.slice(-500)}`)),
          180_000,
        );
        child.on('exit', () =>
          reject(new Error(`the run ended before recording: ${stderr.slice(-800)}`)),
        );
        child.stderr.on('data', () => {
          const m = /recording started at (\d+)/.exec(stderr);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
      });
      await new Promise((r) => setTimeout(r, 10_000));
      const killedAt = Date.now();
      for (const pid of chromiumPids(profile)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const code = await exited;
      expect(code, `the interrupted run reports failure (stderr: ${stderr.slice(-300)})`).not.toBe(
        0,
      );

      const { stdout } = await run(
        process.execPath,
        cli(['--recover', '--out', join(dir, 'recovered.mp4')]),
        {
          cwd: root,
          timeout: 240_000,
        },
      );
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as HeadlessResult;
      expect(result.key).toContain(`/${room}/Recordings/Rec - `);
      expect(result.video).toMatchObject({
        codec: 'h264',
        profile: 'High',
        width: 1920,
        height: 1080,
      });
      expect(result.durationSec).toBeGreaterThan(2);
      // Decodes cleanly from start to end.
      const { stderr: decodeErrors } = await run('ffmpeg', [
        '-v',
        'error',
        '-i',
        result.file,
        '-f',
        'null',
        '-',
      ]);
      expect(decodeErrors).toBe('');

      // How long it had recorded when killed, by the page's own start time.
      const recordedSec = (killedAt - startedAt) / 1000;
      console.log(
        `[e2e] killed after ${recordedSec.toFixed(2)} s of recording; recovered ${result.durationSec} s (lost ${(recordedSec - result.durationSec).toFixed(2)} s)`,
      );
      // X1: a kill loses at most the open fragment (1 s) and its write.
      expect(result.durationSec).toBeGreaterThan(recordedSec - 2);
      expect(result.durationSec).toBeLessThanOrEqual(recordedSec + 0.5);
    },
  );
});
