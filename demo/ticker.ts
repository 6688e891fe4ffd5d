/**
 * Repeating timers for the demo's drawn sources that keep their rate in a background tab.
 * Chromium runs a hidden page's own timers once a second, so a slide drawn on `setInterval`
 * gave the recording one new picture a second there (`bench/x6-background.mjs`: stage 1.01
 * frames a second hidden, 30.31 in front). The recorder's own clock for its deadlines keeps
 * time there (its timers also run in a small worker), so the sources tick on it.
 */
import { backgroundClock } from '../src/recorder/background-clock.js';
import { systemClock, type TimerHandle } from '../src/session/clock.js';

const clock = backgroundClock(systemClock);

/** Runs `fn` every `ms`, in front or behind; returns the function that stops it. */
export function every(ms: number, fn: () => void): () => void {
  let handle: TimerHandle;
  const tick = () => {
    handle = clock.setTimeout(tick, ms);
    fn();
  };
  handle = clock.setTimeout(tick, ms);
  return () => clock.clearTimeout(handle);
}
