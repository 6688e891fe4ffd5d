/**
 * `npm run demo -- --headless --participants 1`: a participant in its own browser joins the
 * host over WebRTC and is recorded (a long file: `npm run test:long`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runHeadless } from './headless-run.js';

describe('npm run demo -- --headless --participants 1', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-headless-guest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    '--participants 1: a participant in its own browser joins over WebRTC and is recorded',
    { timeout: 300_000 },
    async () => {
      const out = join(dir, 'with-guest.mp4');
      const stdout = await runHeadless(dir, [
        '--seconds',
        '5',
        '--participants',
        '1',
        '--out',
        out,
      ]);
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!);
      const sources = result.sources as Array<{ kind: string; user: string; fps: number }>;
      console.log(
        `[e2e] headless with 1 participant: ${JSON.stringify(sources)}, participants took ${result.participantCores} cores, the machine ${result.machineCores}`,
      );
      expect(result.participants).toBe(1);
      // The host's camera, the participant's, and two stand-ins in the empty seats.
      expect(result.webcams).toBe(4);
      const remote = sources.filter((s) => s.kind === 'remote');
      expect(remote.map((s) => s.user)).toEqual(['guest-1']);
      // Its camera reached the host: WebRTC decoded its frames while the host recorded.
      expect(remote[0]!.fps).toBeGreaterThan(0);
      expect(result.participantCores).toBeGreaterThan(0);
      expect(result.video).toMatchObject({ codec: 'h264', width: 1920, height: 1080, fps: 30 });
      expect(result.notices.at(-1)).toBe('The recording is available.');
    },
  );
});
