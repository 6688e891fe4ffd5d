/**
 * Issue 11, X7: tabs of one browser (puppeteer-core, so they share one window and the tabs
 * behind are really hidden), each a host page of the demo.
 *
 * - Two tabs of the same room: the second sees the first's recording and offers only Stop; it
 *   cannot start a second one (the room's lock is held by the tab that records).
 * - Two tabs of two rooms: both record at once, each into its own room's Recordings folder.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CHROMIUM_ARGS, executablePath } from './browser.js';
import './demo-window.js';
import { decodeErrors } from './headless-run.js';
import { downloadStored } from './stored-file.js';

describe('tabs of one browser (X7)', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'rr-tabs-'));
  const link = (room: string, user: string) => {
    const url = new URL(inject('demoUrl'));
    url.search = new URLSearchParams({ room, title: 'Tabs', role: 'host', user }).toString();
    return url.href;
  };

  beforeAll(async () => {
    browser = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A host's page of `room`, loaded, its pre-flight done. */
  async function open(room: string, user: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(link(room, user));
    await page.waitForFunction(() => document.body.dataset.ready === 'true', { timeout: 60_000 });
    await page.waitForFunction(() => window.__rr.controller.view.preflight !== null, {
      timeout: 60_000,
    });
    return page;
  }

  /** Record, as a host does it: the menu, then the confirm. */
  async function record(page: Page): Promise<void> {
    await page.bringToFront();
    await page.waitForFunction(() => window.__rr.controller.view.canStart.ok, { timeout: 60_000 });
    await page.locator('::-p-aria([name="More options"][role="button"])').click();
    await page.locator('::-p-aria([name="Record"][role="menuitem"])').click();
    await page.locator('::-p-aria([name="Start Recording"][role="button"])').click();
    await page.waitForFunction(() => window.__rr.controller.view.phase === 'recording', {
      timeout: 60_000,
    });
  }

  /** Stop from the indicator's square and the confirm's red button, as a host does it. */
  async function stop(page: Page): Promise<void> {
    await page.bringToFront();
    await page.locator('::-p-aria([name="Stop recording"][role="button"])').click();
    // The open confirm's own button (the square has the same name).
    const confirm = await page.waitForFunction(
      () => {
        const dialogs = (root: Document | ShadowRoot): HTMLDialogElement[] => [
          ...root.querySelectorAll('dialog'),
          ...[...root.querySelectorAll('*')].flatMap((el) =>
            el.shadowRoot ? dialogs(el.shadowRoot) : [],
          ),
        ];
        const open = dialogs(document).find((d) => d.open);
        return [...(open?.querySelectorAll('button') ?? [])].find(
          (b) => b.textContent?.trim() === 'Stop recording',
        );
      },
      { timeout: 30_000, polling: 100 },
    );
    await (confirm as ElementHandle<HTMLButtonElement>).click();
  }

  /** The menu's items as a host sees them now. */
  async function menuItems(page: Page): Promise<string[]> {
    await page.bringToFront();
    await page.locator('::-p-aria([name="More options"][role="button"])').click();
    const items = await page.evaluate(() => {
      const find = (root: Document | ShadowRoot): Element[] => [
        ...root.querySelectorAll('[role="menuitem"]'),
        ...[...root.querySelectorAll('*')].flatMap((el) =>
          el.shadowRoot ? find(el.shadowRoot) : [],
        ),
      ];
      return find(document)
        .filter((el) => (el as HTMLElement).offsetParent !== null)
        .map((el) => el.textContent?.trim() ?? '');
    });
    await page.keyboard.press('Escape');
    return items;
  }

  /** Seconds of recording by the page's own clock. */
  const recordedFor = (page: Page, sec: number) =>
    page.waitForFunction(
      (ms: number) => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= ms;
      },
      { timeout: 60_000, polling: 250 },
      sec * 1000,
    );

  /** The stored file, downloaded and probed; the room's keys in storage. */
  async function stored(page: Page, room: string) {
    await page.waitForFunction(() => window.__rr.controller.view.phase === 'available', {
      timeout: 120_000,
      polling: 250,
    });
    const rec = await page.evaluate(() => window.__rr.controller.view.lastRecording!);
    const { file, durationSec, keys } = await downloadStored(rec, room, dir);
    return {
      objectKey: rec.objectKey,
      durationSec,
      frames: (rec.framesEncoded ?? 0) + (rec.framesDropped ?? 0),
      dropped: rec.framesDropped ?? 0,
      file,
      keys,
    };
  }

  it(
    'a second tab of the same room sees the recording and cannot start another',
    { timeout: 240_000 },
    async () => {
      const room = `tabs-same-${crypto.randomUUID().slice(0, 8)}`;
      const first = await open(room, 'host-1');
      const second = await open(room, 'host-1');
      await record(first);
      await second.waitForFunction(() => window.__rr.controller.view.phase === 'recording', {
        timeout: 30_000,
      });
      // Shown as recorded elsewhere: no health figures, which only the recording page has.
      expect(await second.evaluate(() => window.__rr.controller.view.health)).toBeNull();
      const items = await menuItems(second);
      expect(items).toContain('Stop recording');
      expect(items).not.toContain('Record');
      // Even asked directly, the second tab refuses to start a duplicate.
      expect(await second.evaluate(() => window.__rr.controller.requestStart())).toMatchObject({
        ok: false,
      });
      await recordedFor(first, 4);
      await stop(first);
      const file = await stored(first, room);
      expect(file.keys).toEqual([file.objectKey]);
      expect(await decodeErrors(file.file)).toBe('');
      await second.close();
      await first.close();
    },
  );

  it(
    'two rooms in two tabs record at once, each into its own folder',
    { timeout: 300_000 },
    async () => {
      const rooms = [1, 2].map((n) => `tabs-${n}-${crypto.randomUUID().slice(0, 8)}`);
      const pages = [await open(rooms[0]!, 'host-1'), await open(rooms[1]!, 'host-1')];
      await record(pages[0]!);
      await record(pages[1]!);
      // The first tab is behind the second now: both record.
      expect(await pages[0]!.evaluate(() => document.visibilityState)).toBe('hidden');
      await recordedFor(pages[1]!, 5);
      await stop(pages[0]!);
      await stop(pages[1]!);
      const files = [await stored(pages[0]!, rooms[0]!), await stored(pages[1]!, rooms[1]!)];
      for (const [i, file] of files.entries()) {
        console.log(
          `[e2e] room ${i + 1} of 2 in its own tab${i === 0 ? ' (behind the other)' : ''}: ${file.durationSec.toFixed(2)} s, ${file.dropped} of ${file.frames} frames dropped`,
        );
        // A frame for every tick, or a drop counted, in the hidden tab too (X6).
        expect(file.frames).toBeGreaterThanOrEqual(Math.floor(file.durationSec * 30) - 2);
        expect(file.keys).toEqual([file.objectKey]);
        expect(file.objectKey.startsWith(`rooms/${rooms[i]}/Recordings/`)).toBe(true);
        expect(file.durationSec).toBeGreaterThan(4);
        expect(await decodeErrors(file.file)).toBe('');
      }
    },
  );
});
