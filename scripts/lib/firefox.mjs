// How the project launches Debian's Firefox ESR: puppeteer-core over WebDriver BiDi (no
// patched build, no downloaded browser), with a fake camera and microphone.
export { firefoxPath } from './ensure.mjs';
import { firefoxPath } from './ensure.mjs';

/**
 * The fake devices, granted without a prompt; media that plays with sound without a click;
 * and host candidates with their addresses (not mDNS names), so pages on one machine connect
 * without resolving `.local` names.
 */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
};

/** Debian's Firefox, headless, through puppeteer-core. */
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: firefoxPath,
    headless: true,
    extraPrefsFirefox: FIREFOX_PREFS,
  });
}
