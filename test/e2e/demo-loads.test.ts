import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './browser.js';

describe('the demo server', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('serves the demo room page, which runs its script in Chromium', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${inject('demoUrl')}?role=host&user=host-1`);
    await expect(page.title()).resolves.toBe('Room Recorder demo');
    await page.waitForFunction(() => document.body.dataset.ready === 'true');
    expect(errors).toEqual([]);
    // No storage credential reaches the page: it only talks to the presigning endpoints.
    const scripts = await page.evaluate(async () => {
      const urls = [...document.querySelectorAll('script[src]')].map(
        (s) => (s as HTMLScriptElement).src,
      );
      return Promise.all(urls.map(async (u) => (await fetch(u)).text()));
    });
    expect(scripts.length).toBeGreaterThan(0);
    for (const text of scripts) expect(text).not.toContain('S3RVER');
    const secure = await page.evaluate(
      () => window.isSecureContext && typeof VideoEncoder === 'function',
    );
    expect(secure, 'the demo origin is a secure context with WebCodecs').toBe(true);
  });
});
