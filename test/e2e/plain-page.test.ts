import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser } from './browser.js';

/**
 * The README's plain-HTML example (examples/plain.html): a page that loads only
 * dist/room-recorder.js and holds `<rr-recorder>`, as a host and as a participant.
 */
describe('one script tag: examples/plain.html', () => {
  let browser: Browser;
  let context: BrowserContext;
  beforeAll(async () => {
    browser = await launchBrowser();
    context = await browser.newContext();
    // Every toast shown, in order, from the element's own event.
    await context.addInitScript(() => {
      const shown: string[] = [];
      Object.assign(window, { __shown: shown });
      document.addEventListener('rr-toast-show', (e) => {
        const detail = (e as CustomEvent<{ key: string }>).detail;
        shown.push(detail.key);
      });
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (query = ''): Promise<{ page: Page; scripts: string[] }> => {
    const page = await context.newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${inject('demoUrl')}examples/plain.html${query}`);
    await page.waitForFunction(() => customElements.get('rr-recorder') !== undefined);
    return { page, scripts };
  };
  const shown = (page: Page) =>
    page.evaluate(() => (window as unknown as { __shown: string[] }).__shown);

  it('records from a host page and tells a participant page, through the element alone', async () => {
    const { page: host, scripts } = await open();
    const { page: guest } = await open('?role=participant&user=guest-1');
    expect(scripts[0]).toBe('/dist/room-recorder.js');
    expect(
      scripts.every((s) => s.startsWith('/dist/')),
      scripts.join(', '),
    ).toBe(true);

    await host.getByRole('button', { name: 'More options' }).click();
    const record = host.getByRole('menuitem', { name: 'Record' });
    await host.waitForFunction(
      () =>
        !document
          .querySelector('rr-recorder')
          ?.shadowRoot?.querySelector('rr-menu')
          ?.shadowRoot?.querySelector('[role=menuitem][aria-disabled=true]'),
      null,
      { timeout: 60_000 },
    );
    await record.click();
    await host.getByRole('dialog').getByRole('button', { name: 'Start Recording' }).click();

    for (const page of [host, guest]) {
      await page.waitForFunction(
        () => (window as unknown as { __shown: string[] }).__shown.length >= 2,
        null,
        {
          timeout: 60_000,
        },
      );
      expect((await shown(page)).slice(0, 2)).toEqual([
        'notice.recording-starting',
        'notice.recording-started',
      ]);
      await page.locator('rr-indicator[active]').waitFor();
    }
    await expect(host.getByRole('timer').isVisible()).resolves.toBe(true);
    expect(await guest.getByRole('timer').count()).toBe(0);

    await host.waitForTimeout(2000);
    await host.locator('rr-indicator').getByRole('button', { name: 'Stop recording' }).click();
    await host.getByRole('dialog').getByRole('button', { name: 'Stop recording' }).click();

    await host.waitForFunction(
      () => (window as unknown as { __shown: string[] }).__shown.length >= 4,
      null,
      {
        timeout: 60_000,
      },
    );
    expect(await shown(host)).toEqual([
      'notice.recording-starting',
      'notice.recording-started',
      'notice.recording-ended-uploading',
      'notice.recording-available',
    ]);
    await guest.waitForFunction(
      () => (window as unknown as { __shown: string[] }).__shown.length >= 3,
    );
    expect((await shown(guest))[2]).toBe('notice.recording-completed');

    // B8: the available notice links to the stored file, which is a video.
    const link = host.locator('rr-toasts').getByRole('link');
    await link.first().waitFor();
    const href = await link.first().getAttribute('href');
    const res = await fetch(href!);
    expect(res.status).toBe(200);
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(10_000);
  });
});
