import {
  chromium,
  type Browser,
  type BrowserContext,
  type CDPSession,
  type Page,
} from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser } from 'puppeteer-core';

// @ts-expect-error: plain ESM script without types
import { CHROMIUM_ARGS as ARGS, chromiumPath } from '../../scripts/lib/chromium.mjs';
// @ts-expect-error: plain ESM script without types
import { launchFirefox as launchFirefoxImpl } from '../../scripts/lib/firefox.mjs';
// @ts-expect-error: plain ESM script without types
import { emulateLink as emulateLinkImpl } from '../../scripts/lib/network.mjs';

export const CHROMIUM_ARGS = ARGS as string[];
export const executablePath = chromiumPath as string;

/**
 * Flags puppeteer adds that keep a hidden page running as if in front: launched without them
 * (`ignoreDefaultArgs`), a hidden page's timers wake at most once a second, as in the browser
 * a host uses.
 */
const BACKGROUND_UNTHROTTLED = [
  '--disable-background-timer-throttling',
  '--disable-backgrounding-occluded-windows',
  '--disable-renderer-backgrounding',
];

/**
 * Debian's Chromium through puppeteer-core, whose tabs share one window, so the one behind is
 * really hidden (Playwright emulates focus and keeps every page visible). `throttled`: without
 * puppeteer's flags that keep background pages running, as in a host's browser.
 */
export function launchTabs({ throttled }: { throttled: boolean }): Promise<PuppeteerBrowser> {
  return puppeteer.launch({
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
    ...(throttled ? { ignoreDefaultArgs: BACKGROUND_UNTHROTTLED } : {}),
  });
}

/** Debian's Chromium, headless. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/** A browser with a kept profile (so IndexedDB survives a relaunch). */
export function launchPersistent(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args: CHROMIUM_ARGS,
  });
}

/** Debian's Firefox ESR, headless, through puppeteer-core over WebDriver BiDi (fake media). */
export function launchFirefox(): Promise<PuppeteerBrowser> {
  return launchFirefoxImpl() as Promise<PuppeteerBrowser>;
}

/** The page's link as CDP emulates it, in Mb/s (scripts/lib/network.mjs); absent: unlimited. */
export const emulateLink = emulateLinkImpl as (
  page: Page,
  link: { downloadMbps?: number; uploadMbps?: number },
) => Promise<CDPSession>;
