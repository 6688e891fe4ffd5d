/**
 * Issue 13's "done when", on the file a user gets: `npm run demo -- --headless --seconds 30
 * --handoff-at 10` (the host's browser closed at 10 s, the moderator's page continuing) stores
 * one object of the room's span that ffmpeg decodes cleanly, that Chromium seeks across the
 * switch over an emulated 20 Mb/s link, and that Firefox plays through the switch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { afterAll, describe, expect, it } from 'vitest';
import { emulateLink, launchBrowser } from './browser.js';
import { decodeErrors, runHeadless } from './headless-run.js';
import { serve } from './range-server.js';

const firefoxPath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';

interface HandoffResult {
  durationSec: number;
  handoff: { atSec: number; continuedAtSec: number; gapSec: number; by: string };
}

/**
 * In the page: the stored file in a `<video>`: its duration at `loadedmetadata`, a seek to 2 s
 * past where the recording resumed, then a play at double speed through the switch.
 */
async function watch({ switchSec, resumeSec }: { switchSec: number; resumeSec: number }) {
  const v = document.createElement('video');
  v.muted = true;
  document.body.append(v);
  let error: string | null = null;
  v.onerror = () => (error = `${v.error?.code} ${v.error?.message}`);
  const t0 = performance.now();
  v.src = '/handoff.mp4';
  await new Promise((r) => (v.onloadedmetadata = r));
  const metadataMs = performance.now() - t0;
  const duration = v.duration;
  const seekTo = async (sec: number) => {
    const t = performance.now();
    const seeked = new Promise((r) => (v.onseeked = r));
    v.currentTime = sec;
    await seeked;
    return { target: sec, ms: performance.now() - t, landed: v.currentTime };
  };
  const seek = await seekTo(resumeSec + 2);
  // Played at double speed from a second before the switch to a second after it resumed.
  await seekTo(switchSec - 1);
  v.playbackRate = 2;
  await v.play();
  const t = performance.now();
  while (v.currentTime < resumeSec + 1 && !error && !v.ended && performance.now() - t < 30_000) {
    await new Promise((r) => setTimeout(r, 50));
  }
  v.pause();
  return { metadataMs, duration, seek, reached: v.currentTime, error };
}

describe('the headless handoff run: its file in ffmpeg, Chromium at 20 Mb/s and Firefox (X9)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-handoff-file-'));
  let server: Server | undefined;
  afterAll(async () => {
    await new Promise((r) => (server ? server.close(r) : r(null)));
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    'one file of the span, a clean decode, a seek past the switch over 20 Mb/s, played in Firefox',
    { timeout: 480_000 },
    async () => {
      const room = `handoff-file-${crypto.randomUUID().slice(0, 8)}`;
      const out = join(dir, 'handoff.mp4');
      const stdout = await runHeadless(dir, [
        '--seconds',
        '30',
        '--handoff-at',
        '10',
        '--room',
        room,
        '--out',
        out,
      ]);
      const result = JSON.parse(stdout.trim().split('\n').pop()!) as HandoffResult;
      const { atSec, continuedAtSec, gapSec } = result.handoff;
      console.log(
        `[e2e] headless handoff run: ${JSON.stringify({ durationSec: result.durationSec, handoff: result.handoff })}`,
      );
      expect(Math.abs(result.durationSec - 30)).toBeLessThanOrEqual(0.5);
      expect(await decodeErrors(out)).toBe('');

      writeFileSync(join(dir, 'blank.html'), '<!doctype html><title>player</title>');
      server = await serve(dir);
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

      const marks = { switchSec: atSec, resumeSec: continuedAtSec };
      const chromium = await launchBrowser();
      let inChromium: Awaited<ReturnType<typeof watch>>;
      try {
        const page = await chromium.newPage();
        await page.goto(`${origin}/blank.html`);
        await emulateLink(page, { downloadMbps: 20, uploadMbps: 20 });
        inChromium = await page.evaluate(watch, marks);
      } finally {
        await chromium.close();
      }
      const firefox = await puppeteer.launch({
        browser: 'firefox',
        executablePath: firefoxPath,
        headless: true,
      });
      let inFirefox: Awaited<ReturnType<typeof watch>>;
      try {
        const page = await firefox.newPage();
        await page.goto(`${origin}/blank.html`);
        inFirefox = await page.evaluate(watch, marks);
      } finally {
        await firefox.close();
      }
      console.log(
        `[e2e] handoff at ${atSec} s, continued at ${continuedAtSec} s (held ${gapSec} s); file ${result.durationSec} s. ` +
          `Chromium at 20 Mb/s: loadedmetadata ${inChromium.metadataMs.toFixed(0)} ms (${inChromium.duration} s), ` +
          `seek to ${inChromium.seek.target} s in ${inChromium.seek.ms.toFixed(0)} ms; ` +
          `Firefox: ${inFirefox.duration} s, seek ${inFirefox.seek.ms.toFixed(0)} ms, played to ${inFirefox.reached.toFixed(2)} s`,
      );
      for (const [name, seen] of [
        ['Chromium', inChromium],
        ['Firefox', inFirefox],
      ] as const) {
        expect(seen.error, name).toBeNull();
        expect(seen.duration, name).toBeCloseTo(result.durationSec, 1);
        expect(Math.abs(seen.seek.landed - seen.seek.target), name).toBeLessThan(0.5);
        expect(seen.reached, name).toBeGreaterThanOrEqual(continuedAtSec + 1);
      }
    },
  );
});
