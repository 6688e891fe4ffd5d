/**
 * X1 as a user meets it: the headless demo records, its browser is SIGKILLed, and the same
 * profile opened again (`--recover`) finds the recording and stores it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import {
  decodeErrors,
  freePort,
  killChromium,
  resultOf,
  runDemo,
  spawnHeadless,
  type HeadlessResult,
} from './headless-run.js';

/** When to kill: seconds into the recording, or as soon as the page uploads after Stop. */
export type KillPoint = { afterSec: number } | { whileUploadingAfterSec: number };

export interface KillOutcome {
  dir: string;
  /** Seconds the page had recorded when its browser was killed (by the page's start time). */
  recordedSec: number;
  recovered: HeadlessResult;
}

/**
 * Records in the demo with a kept profile, kills the browser at `when`, runs `--recover` on the
 * same profile, port and S3 folder, and checks the recovered file is the product's file
 * (H.264 High 1920x1080, the room's key, a clean decode). `extra` goes to the recording run.
 */
export async function killAndRecover(when: KillPoint, extra: string[] = []): Promise<KillOutcome> {
  const dir = mkdtempSync(join(tmpdir(), 'rr-kill-'));
  const profile = join(dir, 'profile');
  const room = `kill-${crypto.randomUUID().slice(0, 8)}`;
  // The same origin for both runs: IndexedDB, so the journal, belongs to it.
  const port = await freePort();
  const cli = (args: string[]) => [
    '--headless',
    '--skip-build',
    '--port',
    String(port),
    '--s3-port',
    '0',
    '--s3-dir',
    join(dir, 's3'),
    '--profile',
    profile,
    '--room',
    room,
    ...args,
  ];
  const stopAt = 'whileUploadingAfterSec' in when ? when.whileUploadingAfterSec : 600;
  const recording = spawnHeadless(
    cli(['--seconds', String(stopAt), '--out', join(dir, 'never.mp4'), ...extra]),
  );
  const started = await recording.waitFor(/recording started at (\d+)/, 180_000);
  const startedAt = Number(started[1]);
  if ('afterSec' in when) {
    await new Promise((r) => setTimeout(r, startedAt + when.afterSec * 1000 - Date.now()));
  } else {
    // The page confirmed Stop, flushed and is uploading what storage lacks.
    await recording.waitFor(/uploading at \d+/, (stopAt + 120) * 1000);
  }
  const killedAt = Date.now();
  killChromium(profile);
  const code = await recording.exited;
  expect(
    code,
    `the interrupted run reports failure (stderr: ${recording.stderr().slice(-300)})`,
  ).not.toBe(0);
  const recordedSec =
    'afterSec' in when ? (killedAt - startedAt) / 1000 : when.whileUploadingAfterSec;

  const recovered = resultOf(
    await runDemo(cli(['--recover', '--out', join(dir, 'recovered.mp4')])),
  );
  expect(recovered.key).toContain(`/${room}/Recordings/Rec - `);
  expect(recovered.video).toMatchObject({
    codec: 'h264',
    profile: 'High',
    width: 1920,
    height: 1080,
  });
  expect(await decodeErrors(recovered.file)).toBe('');
  return { dir, recordedSec, recovered };
}

/** X1's bound on a kill mid-recording: at most the open fragment (1 s) and its write lost. */
export function expectAtMost2sLost({ recordedSec, recovered }: KillOutcome): void {
  console.log(
    `[e2e] killed after ${recordedSec.toFixed(2)} s of recording; recovered ${recovered.durationSec} s ` +
      `(lost ${(recordedSec - recovered.durationSec).toFixed(2)} s)`,
  );
  expect(recovered.durationSec).toBeGreaterThan(recordedSec - 2);
  expect(recovered.durationSec).toBeLessThanOrEqual(recordedSec + 0.5);
}
