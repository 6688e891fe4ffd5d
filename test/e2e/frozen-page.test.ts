/**
 * Issue 11: the recording page frozen, as a browser freezes a page it keeps in the background
 * (CDP `Page.setWebLifecycleState`: its timers, tasks and workers stop; only a hidden page can
 * be frozen). When it wakes, the recording goes on: the file spans the wall clock, the time
 * it was frozen held as its last frame.
 *
 * The host's browser is driven by puppeteer-core: its tabs share one window, so the one
 * behind is really hidden (Playwright emulates focus and keeps every page visible).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import puppeteer, { type Browser as TabsBrowser, type Page as Tab } from 'puppeteer-core';
import { CHROMIUM_ARGS, executablePath } from './browser.js';
import { downloadStored } from './stored-file.js';
import './demo-window.js';

const run = promisify(execFile);
/** How long the page stays frozen: longer than the room's 4-s silence before a takeover. */
const FROZEN_MS = 8_000;

describe('the recording page frozen in the background', () => {
  let tabs: TabsBrowser;
  const dir = mkdtempSync(join(tmpdir(), 'rr-frozen-'));
  const room = `frozen-${crypto.randomUUID().slice(0, 8)}`;
  const link = (query: Record<string, string>) => {
    const url = new URL(inject('demoUrl'));
    url.search = new URLSearchParams({ room, title: 'Frozen', ...query }).toString();
    return url.href;
  };
  const ready = () => document.body.dataset.ready === 'true';
  /** Milliseconds since the recording started, by the host page's clock. */
  const elapsed = (page: Tab) =>
    page.evaluate(() => {
      const c = window.__rr.controller;
      return c.monotonicNow() - c.view.startedAtMonotonic!;
    });

  beforeAll(async () => {
    tabs = await puppeteer.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await tabs?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('goes on recording when it wakes: the file spans the wall clock, the frozen time held', async () => {
    const t0 = Date.now();
    const step = (what: string) =>
      console.log(`[e2e] ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);
    const host = await tabs.newPage();
    await host.goto(link({ role: 'host', user: 'host-1' }));
    await host.waitForFunction(ready, { timeout: 60_000 });
    await host.waitForFunction(() => window.__rr.controller.view.canStart.ok, { timeout: 60_000 });
    await host.evaluate(async () => {
      window.__rr.controller.requestStart();
      await window.__rr.controller.confirmStart();
    });
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'recording', {
      timeout: 60_000,
    });
    const front = await tabs.newPage();
    await front.goto('about:blank');
    await front.bringToFront();
    expect(await host.evaluate(() => document.visibilityState)).toBe('hidden');
    await host.waitForFunction(
      () => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= 4000;
      },
      { timeout: 60_000, polling: 250 },
    );

    step('recording in the background');
    // Frozen: the page's own events say so.
    const cdp = await host.createCDPSession();
    await host.evaluate(() => {
      window.__frozen = [];
      document.addEventListener('freeze', () => window.__frozen!.push('freeze'));
      document.addEventListener('resume', () => window.__frozen!.push('resume'));
    });
    const frozenAt = await elapsed(host);
    await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
    step('frozen');
    // The fault itself lasts this long; the page is not asked anything meanwhile (a frozen
    // page's answers may wait for its wake).
    await new Promise((r) => setTimeout(r, FROZEN_MS));
    step('waking');
    await cdp.send('Page.setWebLifecycleState', { state: 'active' });
    await host.waitForFunction(() => window.__frozen!.includes('resume'), { timeout: 30_000 });
    step('woken');
    expect(await host.evaluate(() => window.__frozen)).toEqual(['freeze', 'resume']);
    const wokeAt = await elapsed(host);

    // It records on for 5 s more, and stops (from its own page, still in the background).
    await host.waitForFunction(
      (at) => {
        const c = window.__rr.controller;
        return c.monotonicNow() - c.view.startedAtMonotonic! >= at;
      },
      { timeout: 60_000, polling: 250 },
      wokeAt + 5000,
    );
    expect(await host.evaluate(() => window.__rr.controller.view.phase)).toBe('recording');
    step('stopping');
    const stoppedAt = await host.evaluate(async () => {
      const c = window.__rr.controller;
      c.requestStop();
      await c.confirmStop();
      return c.monotonicNow() - c.view.startedAtMonotonic!;
    });
    await host.waitForFunction(() => window.__rr.controller.view.phase === 'available', {
      timeout: 120_000,
      polling: 500,
    });
    step('stored');
    const stored = await host.evaluate(() => window.__rr.controller.view.lastRecording!);
    const file = await downloadStored(stored, room, dir);
    const { stderr } = await run('ffmpeg', ['-v', 'error', '-i', file.file, '-f', 'null', '-']);
    console.log(
      `[e2e] frozen from ${(frozenAt / 1000).toFixed(2)} s to ${(wokeAt / 1000).toFixed(2)} s, stopped at ${(stoppedAt / 1000).toFixed(2)} s: ` +
        `the file lasts ${file.durationSec} s, ${file.packets} video packets, ${stored.framesEncoded} encoded, ${stored.framesDropped} dropped; ` +
        `notices ${JSON.stringify(await host.evaluate(() => window.__rr.notices))}`,
    );
    expect(wokeAt - frozenAt).toBeGreaterThanOrEqual(FROZEN_MS);
    expect(stderr.trim(), 'ffmpeg decodes it without an error').toBe('');
    expect(file.keys).toHaveLength(1);
    // The wall clock's span, the frozen seconds included (held), at a constant 30 fps.
    expect(Math.abs(file.durationSec - stoppedAt / 1000)).toBeLessThan(0.5);
    // A frame for every tick, or a drop counted.
    const ticks = Math.round(file.durationSec * 30);
    expect(Math.abs(file.packets + (stored.framesDropped ?? 0) - ticks)).toBeLessThanOrEqual(2);

    // The frozen seconds show one picture, held (a repeat decodes to nearly the same pixels: the
    // encoder refines a still picture); after the wake the picture moves again.
    const W = 64;
    const H = 36;
    const { stdout: raw } = await run(
      'ffmpeg',
      ['-v', 'error', '-i', file.file, '-vf', `scale=${W}:${H},format=gray`, '-f', 'rawvideo', '-'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const count = raw.length / (W * H);
    /** Mean absolute difference of frame n from frame n - 1, in grey levels. */
    const change = (n: number) => {
      let sum = 0;
      for (let i = 0; i < W * H; i++)
        sum += Math.abs(raw[n * W * H + i]! - raw[(n - 1) * W * H + i]!);
      return sum / (W * H);
    };
    const changes = (fromSec: number, toSec: number) =>
      Array.from({ length: count - 1 }, (_, k) => k + 1)
        .filter((n) => n / 30 > fromSec && n / 30 < toSec)
        .map(change);
    const during = changes(frozenAt / 1000 + 0.5, wokeAt / 1000 - 0.5);
    const after = changes(wokeAt / 1000 + 1, stoppedAt / 1000 - 0.2);
    const most = (list: number[]) => Math.max(...list);
    const moving = (list: number[]) => list.filter((d) => d > 2 * most(during) + 0.5).length;
    console.log(
      `[e2e] frame-to-frame change (grey levels): while frozen at most ${most(during).toFixed(2)} over ${during.length} frames; after the wake at most ${most(after).toFixed(2)}, ${moving(after)} of ${after.length} frames moving`,
    );
    expect(during.length).toBeGreaterThan(150);
    // New pictures come back at once, every half second at least while the encoder works
    // through the held seconds (pacer.ts), then every frame: more than a few in 5 s.
    expect(moving(after), 'the picture moves again after the wake').toBeGreaterThanOrEqual(3);
  });
});

declare global {
  interface Window {
    __frozen?: string[];
  }
}
