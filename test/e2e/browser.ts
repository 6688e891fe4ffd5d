import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { Browser as FirefoxBrowser } from 'puppeteer-core';

// @ts-expect-error: plain ESM script without types
import { CHROMIUM_ARGS as ARGS, chromiumPath } from '../../scripts/lib/chromium.mjs';
// @ts-expect-error: plain ESM script without types
import { launchFirefox as launchFirefoxImpl } from '../../scripts/lib/firefox.mjs';

export const CHROMIUM_ARGS = ARGS as string[];
export const executablePath = chromiumPath as string;

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
export function launchFirefox(): Promise<FirefoxBrowser> {
  return launchFirefoxImpl() as Promise<FirefoxBrowser>;
}
