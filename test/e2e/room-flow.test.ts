import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';
import './demo-window.js';

const STARTING = 'Recording will start momentarily, please wait.';
const STARTED = 'This session is being recorded.';
const ENDED_HOST = 'Recording ended, starting upload';
const COMPLETED = 'The recording has completed.';
const AVAILABLE = 'The recording is available.';

describe('the demo room, host and participants in tabs of one browser (?channel=tabs)', () => {
  let browser: Browser;
  let context: BrowserContext;
  const room = `e2e-${crypto.randomUUID().slice(0, 8)}`;
  const title = 'E2E class: "quotes" & accents é';
  const open = async (query: Record<string, string>): Promise<Page> => {
    const page = await context.newPage();
    const url = new URL(inject('demoUrl'));
    // The tabs of one browser, on a BroadcastChannel (the demo's default is the WebSocket room,
    // tested with several browsers in room-webrtc.test.ts).
    url.search = new URLSearchParams({ room, title, channel: 'tabs', ...query }).toString();
    await page.goto(url.href);
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    return page;
  };
  const notices = (page: Page) => page.evaluate(() => window.__rr.notices);
  const phase = (page: Page) => page.evaluate(() => window.__rr.controller.view.phase);

  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('B1: a participant and a mobile host have no Record in the menu', async () => {
    const queries: Record<string, string>[] = [
      { role: 'participant', user: 'p-menu' },
      { role: 'host', user: 'host-mobile', mobile: '1' },
    ];
    for (const query of queries) {
      const page = await open(query);
      await page.getByRole('button', { name: 'More options' }).click();
      await expect(
        page.getByRole('menuitem', { name: 'Media and Files' }).isVisible(),
      ).resolves.toBe(true);
      expect(await page.getByRole('menuitem', { name: 'Record' }).count()).toBe(0);
      await page.close();
    }
  });

  it('B2-B8, B5 late join: the whole flow with the exact notices on both pages', async () => {
    const host = await open({ role: 'host', user: 'host-1' });
    const guest = await open({ role: 'participant', user: 'guest-1' });
    await host.waitForFunction(() => window.__rr.controller.view.canStart.ok, null, {
      timeout: 60_000,
    });

    await host.getByRole('button', { name: 'More options' }).click();
    await host.getByRole('menuitem', { name: 'Record' }).click();
    const startDialog = host.getByRole('dialog');
    await expect(
      startDialog.getByText('Do you want to start recording?').isVisible(),
    ).resolves.toBe(true);
    await startDialog.getByRole('button', { name: 'Start Recording' }).click();
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'recording', null, {
      timeout: 60_000,
    });
    await guest.waitForFunction(() => window.__rr.controller.view.phase === 'recording');

    // B3 on both pages, in order, and shown in the toasts.
    for (const page of [host, guest]) {
      await page.waitForFunction((n) => window.__rr.notices.length >= n, 2);
      expect((await notices(page)).slice(0, 2)).toEqual([STARTING, STARTED]);
      // Toasts are queued: the second shows after the first.
      await page
        .locator('rr-toasts')
        .getByText(STARTED)
        .waitFor({ state: 'visible', timeout: 15_000 });
    }
    // B5: the indicator for everyone; the counter and the square only for the host.
    await expect(host.getByRole('timer').isVisible()).resolves.toBe(true);
    await expect(
      host.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).isVisible(),
    ).resolves.toBe(true);
    await expect(guest.locator('rr-indicator[active]').count()).resolves.toBe(1);
    expect(await guest.getByRole('timer').count()).toBe(0);
    expect(await guest.locator('rr-indicator').getByRole('button').count()).toBe(0);

    // B5: a participant who joins now sees the indicator at once, with the right start time.
    // It comes 5 s into the recording (by the host's own clock), so a page that counted from
    // its own arrival would be 5 s off, far more than a message takes on a busy machine.
    await host.waitForFunction(
      () => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= 5000;
      },
      null,
      { timeout: 60_000 },
    );
    const late = await open({ role: 'participant', user: 'late-1' });
    const readyAt = Date.now();
    await late.waitForSelector('rr-indicator[active]', { timeout: 15_000 });
    console.log(
      `[e2e] the late page showed the indicator ${Date.now() - readyAt} ms after it was ready`,
    );
    // Each page counts on its own monotonic clock; read as wall time (the pages share one
    // browser, so one wall clock) both starts are the same moment, give or take a message.
    const [hostStart, lateStart] = await Promise.all(
      [host, late].map((p) =>
        p.evaluate(() => {
          const c = window.__rr.controller;
          return Date.now() - (c.monotonicNow() - c.view.startedAtMonotonic!);
        }),
      ),
    );
    const skew = Math.abs(lateStart! - hostStart!);
    console.log(`[e2e] the late page's start and the host's are ${skew.toFixed(0)} ms apart`);
    expect(skew).toBeLessThan(2500);
    expect(await notices(late)).toEqual([STARTED]);

    await host.waitForTimeout(3000);
    // B6: the square opens a confirm with a red Stop recording.
    await host.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
    const stop = host.getByRole('dialog').getByRole('button', { name: 'Stop recording' });
    await stop.waitFor();
    const bg = await stop.evaluate((b) => getComputedStyle(b).backgroundColor);
    const [r, g, b] = bg.match(/\d+/g)!.map(Number);
    expect(r, `the stop button is red (${bg})`).toBeGreaterThan(150);
    expect(g).toBeLessThan(100);
    expect(b).toBeLessThan(100);
    await stop.click();

    // B7 and B8.
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'available', null, {
      timeout: 60_000,
    });
    expect(await notices(host)).toEqual([STARTING, STARTED, ENDED_HOST, AVAILABLE]);
    await guest.waitForFunction((n) => window.__rr.notices.length >= n, 3);
    expect(await notices(guest)).toEqual([STARTING, STARTED, COMPLETED]);
    expect(await notices(late)).toEqual([STARTED, COMPLETED]);
    await host
      .locator('rr-toasts')
      .getByText(AVAILABLE)
      .waitFor({ state: 'visible', timeout: 15_000 });
    expect(await phase(guest)).not.toBe('recording');

    // B12/B13: it is in the Recordings panel under its B12 name, and plays.
    const row = host.locator('rr-recordings tr[data-key]');
    await row.first().waitFor({ timeout: 20_000 });
    const name = await row.first().locator('td.name').textContent();
    // The title's double quotes become single ones in a name (a file name on Windows may not
    // hold them); the colon stays.
    expect(name).toMatch(
      /^Rec - \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} - E2E class: 'quotes' & accents é\.mp4$/,
    );
    await row.first().getByRole('button', { name: /Play/ }).click();
    const video = host.locator('rr-recordings video');
    await video.waitFor();
    const duration = await video.evaluate(
      (v: HTMLVideoElement) =>
        new Promise<number>((resolve, reject) => {
          if (v.readyState >= 1) resolve(v.duration);
          v.addEventListener('loadedmetadata', () => resolve(v.duration), { once: true });
          v.addEventListener('error', () => reject(new Error(`video error ${v.error?.code}`)), {
            once: true,
          });
        }),
    );
    expect(duration).toBeGreaterThan(2);
    expect(Number.isFinite(duration)).toBe(true);
  });
});
