/**
 * Time for every part of the recorder, injected so tests can run 24 hours in a millisecond
 * and so no rule reaches for a global on its own.
 *
 * Two readings, for two jobs. Durations (the 24-hour cap, the 15-minute host-away timer, the
 * 72-hour room limit, the elapsed counter) use `monotonicMs`, which a change of the system
 * clock (a time-zone trip, an NTP step, a user setting the date) cannot move. Wall time
 * (`epochMs`) names files and dates recordings, nothing else.
 */

/** An opaque timer id, whatever the host's `setTimeout` returns. */
export type TimerHandle = unknown;

/** The clock and timers the recorder uses. */
export interface Clock {
  /** Milliseconds on a clock that only moves forward, at real speed; its zero means nothing. */
  monotonicMs(): number;
  /** Epoch milliseconds of the wall clock: for names and dates only, never for a duration. */
  epochMs(): number;
  /** Runs `fn` after `ms` milliseconds of monotonic time. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The host's own clock: `performance.now()`, `Date.now()` and the global timers (which run on
 * monotonic time in browsers and Node). The globals are looked up at each call, not captured,
 * so fake timers installed later still apply.
 */
export const systemClock: Clock = {
  monotonicMs: () => performance.now(),
  epochMs: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
};
