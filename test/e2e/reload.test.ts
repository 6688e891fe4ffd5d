/**
 * Issue 11: the recording page reloaded, mid-recording and mid-upload, in the demo room. The
 * browser asks first (X10: part of the recording is only in memory); once the user confirms,
 * the reloaded page finds the journal and stores the recording without a question (X1).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { emulateLink, launchBrowser } from './browser.js';
import './demo-window.js';
import { decodeErrors } from './headless-run.js';
import { downloadStored } from './stored-file.js';

describe('a page reloaded mid-recording and mid-upload (X1, X10)', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'rr-reload-'));

  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * A host page of a fresh room (its uploads at `uplinkMbps` by CDP, when given) that has
   * recorded for `forSec` seconds by its own clock.
   */
  async function record(
    room: string,
    { forSec, uplinkMbps }: { forSec: number; uplinkMbps?: number },
  ): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    if (uplinkMbps !== undefined) await emulateLink(page, { uploadMbps: uplinkMbps });
    const url = new URL(inject('demoUrl'));
    url.search = new URLSearchParams({
      room,
      role: 'host',
      user: 'host-1',
      title: 'Reload',
    }).toString();
    await page.goto(url.href);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    await page.waitForFunction(() => window.__rr.controller.view.canStart.ok, null, {
      timeout: 60_000,
    });
    await page.getByRole('button', { name: 'More options' }).click();
    await page.getByRole('menuitem', { name: 'Record' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();
    await page.waitForFunction(() => window.__rr.controller.view.phase === 'recording', null, {
      timeout: 60_000,
    });
    await page.waitForFunction(
      (ms) => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= ms;
      },
      forSec * 1000,
      { timeout: 60_000 },
    );
    return page;
  }

  /** Seconds recorded so far, by the page's own clock. */
  const recorded = (page: Page) =>
    page.evaluate(() => {
      const c = window.__rr.controller;
      return (c.monotonicNow() - c.view.startedAtMonotonic!) / 1000;
    });

  /**
   * Reloads as a user would, answering the browser's "Leave site?" with Leave; returns the
   * kinds of dialog the browser showed, the wall time of the answer (or of the reload's start
   * when nothing was asked) and of the new page's load: the old page went between the two.
   * The reloaded page is ready when it returns.
   */
  async function reload(
    page: Page,
  ): Promise<{ shown: string[]; leftAt: number; loadedAt: number }> {
    const shown: string[] = [];
    let leftAt = Date.now();
    page.on('dialog', (d) => {
      shown.push(d.type());
      leftAt = Date.now();
      void d.accept();
    });
    await page.reload({ waitUntil: 'load' });
    const loadedAt = Date.now();
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    return { shown, leftAt, loadedAt };
  }

  /** What the reloaded page stored, downloaded and checked; the room's stored keys. */
  async function storedAfterReload(page: Page, room: string) {
    await page.waitForFunction(() => window.__rr.controller.view.lastRecording !== null, null, {
      timeout: 120_000,
      polling: 250,
    });
    const stored = await page.evaluate(() => window.__rr.controller.view.lastRecording!);
    const { durationSec, packets, file, keys } = await downloadStored(stored, room, dir);
    return { durationSec, frames: packets, file, keys };
  }

  it(
    'mid-recording: the browser asks first; confirmed, the reloaded page stores the recording, at most 2 s lost',
    { timeout: 240_000 },
    async () => {
      const room = `reload-rec-${crypto.randomUUID().slice(0, 8)}`;
      const page = await record(room, { forSec: 6 });
      const before = await recorded(page);
      const beforeAt = Date.now();
      const { shown, leftAt, loadedAt } = await reload(page);
      expect(shown).toEqual(['beforeunload']);
      // It records until the user answers the prompt and the page goes, before the new one
      // has loaded.
      const left = before + (leftAt - beforeAt) / 1000;
      const gone = before + (loadedAt - beforeAt) / 1000;
      const { durationSec, frames, file, keys } = await storedAfterReload(page, room);
      console.log(
        `[e2e] reloaded after ${left.toFixed(2)} s of recording (the new page loaded at ${gone.toFixed(2)} s): ` +
          `stored ${durationSec} s, ${frames} frames (lost ${(left - durationSec).toFixed(2)} s)`,
      );
      expect(durationSec).toBeGreaterThan(left - 2);
      expect(durationSec).toBeLessThanOrEqual(gone + 0.5);
      expect(await decodeErrors(file)).toBe('');
      expect(keys).toHaveLength(1);
    },
  );

  it(
    'mid-upload: reloaded while the upload after Stop runs (a 4 Mb/s uplink); the reloaded page finishes it: one object, nothing lost',
    { timeout: 240_000 },
    async () => {
      const room = `reload-up-${crypto.randomUUID().slice(0, 8)}`;
      const page = await record(room, { forSec: 8, uplinkMbps: 4 });
      await page.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
      const confirm = page.getByRole('dialog').getByRole('button', { name: 'Stop recording' });
      await confirm.waitFor();
      // Confirmed inside the page, so the recording's length is read at the click itself.
      const length = await confirm.evaluate((button: HTMLElement) => {
        const c = window.__rr.controller;
        const sec = (c.monotonicNow() - c.view.startedAtMonotonic!) / 1000;
        button.click();
        return sec;
      });
      await page.waitForFunction(() => window.__rr.controller.view.phase === 'uploading', null, {
        timeout: 60_000,
        polling: 50,
      });
      // Everything is journaled by now: closing loses nothing, so the browser does not ask (X10).
      expect((await reload(page)).shown).toEqual([]);
      const { durationSec, file, keys } = await storedAfterReload(page, room);
      console.log(
        `[e2e] reloaded while uploading a ${length.toFixed(2)} s recording: stored ${durationSec} s`,
      );
      expect(Math.abs(durationSec - length)).toBeLessThanOrEqual(0.5);
      expect(await decodeErrors(file)).toBe('');
      expect(keys).toHaveLength(1);
    },
  );
});
