/**
 * Issue 11: the recording page in the background. The host's tab records, then another tab
 * of the same browser comes to the front, so the host's page is hidden: its rendering stops
 * and its timers slow down. A stop from a moderator (in another browser, over the WebSocket
 * room) must still finish there: the host's page stops, stores and says so, and the moderator
 * hears it, with nothing waiting for a frame to be drawn.
 *
 * The host's browser is driven by puppeteer-core: its tabs share one window, so the one
 * behind is really hidden (Playwright emulates focus and keeps every page visible), and it
 * runs without the flags puppeteer adds to keep background pages unthrottled, so the hidden
 * page's timers wake at most once a second, as in a host's browser.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Browser as TabsBrowser, Page as Tab } from 'puppeteer-core';
import { launchBrowser, launchTabs } from './browser.js';
import './demo-window.js';

describe('the recording page in the background', () => {
  let tabs: TabsBrowser;
  let browser: Browser;
  const room = `bg-${crypto.randomUUID().slice(0, 8)}`;
  const link = (query: Record<string, string>) => {
    const url = new URL(inject('demoUrl'));
    url.search = new URLSearchParams({ room, title: 'Background', ...query }).toString();
    return url.href;
  };
  const ready = () => document.body.dataset.ready === 'true';
  const hidden = (page: Tab) => page.evaluate(() => document.visibilityState === 'hidden');

  beforeAll(async () => {
    // Puppeteer turns Chromium's background throttling off; a user's browser has it on.
    tabs = await launchTabs({ throttled: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await tabs?.close();
    await browser?.close();
  });

  it("a moderator's stop finishes on the hidden recording page: stored, and every page told", async () => {
    const host = await tabs.newPage();
    await host.goto(link({ role: 'host', user: 'host-1' }));
    await host.waitForFunction(ready, { timeout: 60_000 });
    await host.waitForFunction(() => window.__rr.controller.view.canStart.ok, { timeout: 60_000 });
    // ARIA queries reach into the components' shadow roots, as a screen reader would.
    await host.locator('::-p-aria([name="More options"][role="button"])').click();
    await host.locator('::-p-aria([name="Record"][role="menuitem"])').click();
    await host.locator('::-p-aria([name="Start Recording"][role="button"])').click();
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'recording', {
      timeout: 60_000,
    });

    const moderator: Page = await browser.newPage();
    await moderator.goto(link({ role: 'moderator', user: 'mod-1' }));
    await moderator.waitForFunction(ready, null, { timeout: 60_000 });
    await moderator.waitForFunction(() => window.__rr.controller.view.phase === 'recording', null, {
      timeout: 30_000,
    });

    // Another tab of the host's browser comes to the front: the host's page is behind it.
    const front = await tabs.newPage();
    await front.goto('about:blank');
    await front.bringToFront();
    expect(await hidden(host), "the host's page is in the background").toBe(true);

    // Six seconds of recording, most of them in the background, by the host's own clock.
    await host.waitForFunction(
      () => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= 6000;
      },
      { timeout: 60_000, polling: 500 },
    );

    await moderator.getByRole('button', { name: 'More options' }).click();
    await moderator.getByRole('menuitem', { name: 'Stop recording' }).click();
    const askedAt = Date.now();
    await moderator.getByRole('dialog').getByRole('button', { name: 'Stop recording' }).click();

    // The host's page finishes while still hidden; the moderator hears it.
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'available', {
      timeout: 60_000,
      polling: 500,
    });
    const storedAfterMs = Date.now() - askedAt;
    expect(await hidden(host), 'the host page stayed in the background').toBe(true);
    // Whoever stopped it hears that the upload started (B7); the host's page, still hidden,
    // says the recording is available (B8).
    await moderator.waitForFunction(
      () => window.__rr.notices.includes('Recording ended, starting upload'),
      null,
      { timeout: 30_000 },
    );
    expect(await moderator.evaluate(() => window.__rr.controller.view.phase)).not.toBe('recording');
    expect((await host.evaluate(() => window.__rr.notices)).slice(-2)).toEqual([
      'Recording ended, starting upload',
      'The recording is available.',
    ]);
    const stored = await host.evaluate(() => window.__rr.controller.view.lastRecording!);
    console.log(
      `[e2e] stopped from the moderator's page with the host's page hidden: stored ${storedAfterMs} ms after the confirm, ` +
        `${stored.durationSec} s, ${stored.framesEncoded} frames encoded, ${stored.framesDropped} dropped`,
    );
    expect(stored.durationSec).toBeGreaterThan(5);
    // Constant rate in the background too: a frame for every tick, or a drop counted.
    expect((stored.framesEncoded ?? 0) + (stored.framesDropped ?? 0)).toBeGreaterThanOrEqual(
      Math.floor(stored.durationSec * 30) - 2,
    );
  });
});
