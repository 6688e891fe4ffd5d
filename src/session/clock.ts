/**
 * Time for the session rules, injected so tests can run 24 hours in a millisecond and so the
 * rules never reach for a global on their own.
 */

/** An opaque timer id, whatever the host's `setTimeout` returns. */
export type TimerHandle = unknown;

/** The clock and timers the session rules use. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The host's own clock: `Date.now` and the global timers. The globals are looked up at each
 * call, not captured, so test fake timers installed later still apply.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
