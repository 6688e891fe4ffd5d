/**
 * X9 in the demo, as people use it: the host records, a moderator is in the room; the host
 * presses Leave (or closes the tab) and the recording goes on on the moderator's page, into
 * the same file, which the moderator stops. Two pages of one Chromium in the WebSocket room.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { newestContext, type HandoffContext } from '../../src/recorder/handoff-context.js';
import { launchBrowser } from './browser.js';
import { durationOf, frameFromEnd, regionStats } from './recording-checks.js';
import './demo-window.js';

const POLL = 250;
const CONTINUES_HERE =
  'The recording continues on this device now. Keep this page open until the recording is stopped.';

describe('handoff in the demo room (X9): the recording page leaves, a moderator continues', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'rr-handoff-'));

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(room: string, query: Record<string, string>): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    // The pages' own account (checkpoints, takeover) goes with the test's output.
    page.on('console', (m) => {
      if (!m.text().includes('[room-recorder]')) return;
      console.log(`[${query['user']}] ${m.text()}`);
      const kept = /from ([\d.]+) s in storage/.exec(m.text());
      if (kept) keptSec = Number(kept[1]);
    });
    const url = new URL(inject('demoUrl'));
    url.search = new URLSearchParams({ room, title: 'Handoff class', ...query }).toString();
    await page.goto(url.href);
    await page.waitForFunction(() => document.body.dataset.ready === 'true', null, {
      timeout: 60_000,
      polling: POLL,
    });
    return page;
  }

  /** What the page that continued found in storage (seconds of the file), from its log. */
  let keptSec = NaN;

  /**
   * Seconds of the room's recording its handoff document in storage names (0 before there is
   * one), read from the local S3 server as it is, anonymously.
   */
  async function secondsInStorage(room: string): Promise<number> {
    const bucket = `${inject('s3Endpoint')}/room-recorder`;
    const list = await (await fetch(`${bucket}?list-type=2&prefix=rooms/`)).text();
    // Both slots of the document (context-0.json, context-1.json), read as a successor does.
    const keys = [
      ...list.matchAll(
        new RegExp(`<Key>([^<]*/${room}/\\.recorder/[^<]*/context-[01]\\.json)</Key>`, 'g'),
      ),
    ].map((m) => m[1]!);
    const stored = await Promise.all(
      keys.map(async (key) => {
        const res = await fetch(`${bucket}/${key}`);
        return res.ok ? new Uint8Array(await res.arrayBuffer()) : null;
      }),
    );
    let newest: HandoffContext | null = null;
    try {
      newest = newestContext(stored);
    } catch {
      // s3rver writes in place: both slots read mid-write are read again on the next poll.
    }
    const last = newest?.fragments?.at(-1);
    return last ? (last[2] + last[3]) / 1e6 : 0;
  }

  /** The room's time on `page`: ms since the recording started, by its own clock. */
  const elapsedOn = (page: Page) =>
    page.evaluate(() => {
      const c = window.__rr.controller;
      return c.monotonicNow() - c.view.startedAtMonotonic!;
    });

  for (const how of ['presses Leave', 'closes the tab'] as const) {
    it(
      `the host ${how}: the moderator's page continues into the same file`,
      { timeout: 300_000 },
      async () => {
        const room = `handoff-${crypto.randomUUID().slice(0, 8)}`;
        const host = await open(room, { role: 'host', user: 'host-1' });
        const mod = await open(room, { role: 'moderator', user: 'mod-1' });
        for (const page of [host, mod]) {
          await page.waitForFunction(() => window.__rr.controller.view.canStart.ok, null, {
            timeout: 60_000,
            polling: POLL,
          });
        }
        await host.getByRole('button', { name: 'More options' }).click();
        await host.getByRole('menuitem', { name: 'Record' }).click();
        await host.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
        await mod.waitForFunction(() => window.__rr.controller.view.phase === 'recording', null, {
          timeout: 60_000,
          polling: POLL,
        });
        // Some of it in storage: a part confirmed, so the moderator continues from there.
        await host.waitForFunction(
          () => (window.__rr.controller.view.health?.bytesWritten ?? 0) > 0,
          null,
          { timeout: 60_000, polling: POLL },
        );
        await host.waitForFunction(
          () => {
            const c = window.__rr.controller;
            return c.monotonicNow() - c.view.startedAtMonotonic! > 6000;
          },
          null,
          { timeout: 60_000, polling: POLL },
        );
        // And 3 s of it in storage (an event, not a time: a slow machine gets there later).
        let storedAtLeave = 0;
        for (
          const until = performance.now() + 120_000;
          storedAtLeave < 3 && performance.now() < until;
        ) {
          storedAtLeave = await secondsInStorage(room).catch(() => 0);
          if (storedAtLeave < 3) await new Promise((r) => setTimeout(r, POLL));
        }
        expect(storedAtLeave, 'seconds of the host’s recording in storage').toBeGreaterThanOrEqual(
          3,
        );

        const leftAt = (await elapsedOn(host)) / 1000;
        // How far behind the room the host's encoder was then: media not yet in a fragment.
        const hostHealth = await host.evaluate(() => {
          const h = window.__rr.controller.view.health;
          return h
            ? { fps: h.fps, encoderQueue: h.encoderQueue, framesDropped: h.framesDropped }
            : null;
        });
        if (how === 'presses Leave') {
          await host.getByRole('button', { name: 'Leave' }).click();
          await host.getByText('You left the room.').waitFor({ timeout: 60_000 });
        } else {
          await host.close({ runBeforeUnload: false });
        }

        // The moderator's page records now, and its user is told to keep it open.
        await mod.waitForFunction((text) => window.__rr.notices.includes(text), CONTINUES_HERE, {
          timeout: 120_000,
          polling: POLL,
        });
        await mod.locator('rr-toasts').getByText(CONTINUES_HERE).waitFor({ timeout: 10_000 });
        expect(await mod.evaluate(() => window.__rr.controller.view.indicator.stop)).toBe(true);
        const handedAt = await elapsedOn(mod);
        await mod.waitForFunction(
          (at) => {
            const c = window.__rr.controller;
            return c.monotonicNow() - c.view.startedAtMonotonic! > at + 4000;
          },
          handedAt,
          { timeout: 60_000, polling: POLL },
        );

        // The moderator stops with the square and the confirm.
        await mod.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
        await mod.getByRole('dialog').getByRole('button', { name: 'Stop recording' }).click();
        const span = (await elapsedOn(mod)) / 1000;
        await mod.waitForFunction(() => window.__rr.controller.view.lastRecording !== null, null, {
          timeout: 120_000,
          polling: POLL,
        });
        const stored = await mod.evaluate(() => window.__rr.controller.view.lastRecording!);
        const res = await fetch(stored.url);
        expect(res.ok).toBe(true);
        const file = join(dir, `${room}.mp4`);
        writeFileSync(file, Buffer.from(await res.arrayBuffer()));

        // One file over the room's whole time (the host's part and the moderator's), which
        // decodes without an error.
        const duration = durationOf(file);
        console.log(
          `[e2e] handoff (${how}): file ${duration.toFixed(2)} s, room ${span.toFixed(2)} s; the host left at ${leftAt.toFixed(2)} s with ${storedAtLeave.toFixed(2)} s in storage then and ${keptSec.toFixed(2)} s found (its health then: ${JSON.stringify(hostHealth)})`,
        );
        expect(duration).toBeGreaterThan(span - 2);
        expect(duration).toBeLessThan(span + 1);
        const decode = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
          encoding: 'utf8',
        });
        expect(decode.stderr).toBe('');
        // What the host's page recorded before it went is in the file (3 s or more, above; the
        // loss at close is printed): its slides fill
        // the stage (dark blue; the moderator's page has no slides, only its green camera).
        // At least what storage held when the host went (it may have put more on its way out).
        expect(
          keptSec,
          'seconds of the host’s recording the moderator found in storage',
        ).toBeGreaterThanOrEqual(storedAtLeave - 0.01); // the log rounds to 0.01 s
        const early = regionStats(frameFromEnd(file, duration - 1.5), {
          x: 200,
          y: 300,
          width: 1000,
          height: 500,
        });
        console.log(`[e2e] handoff (${how}): the stage at 1.5 s ${JSON.stringify(early.mean)}`);
        expect(early.mean[2], 'the host’s slides at 1.5 s').toBeGreaterThan(early.mean[1]);
        // The file the host started: its name, in the room's Recordings folder.
        expect(stored.objectKey).toMatch(
          new RegExp(`/${room}/Recordings/Rec - .* - Handoff class\\.mp4$`),
        );
        await mod.close();
        if (!host.isClosed()) await host.close();
      },
    );
  }
});
