// How every part of the project launches Debian's Chromium (tests, demo, benchmarks).
export { chromiumPath } from './ensure.mjs';

/**
 * Root needs --no-sandbox; the network flags keep Chromium from calling out of this closed
 * machine; the fake devices give a camera and a microphone.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
  // Extra flags for a measurement (bench/profile-demo.sh adds V8's perf map), space-separated.
  ...(process.env.RR_CHROMIUM_EXTRA_ARGS?.split(/\s+/).filter(Boolean) ?? []),
];
