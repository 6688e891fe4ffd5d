/**
 * A clock the test moves by hand: `advance` runs monotonic time forward and fires the timers
 * that fall due, in order; `setWall` moves only the wall clock, as a user changing the
 * system's date or an NTP step would.
 */
import type { Clock, TimerHandle } from '../../src/session/clock.js';

interface Timer {
  id: number;
  at: number;
  fn: () => void;
}

export class ManualClock implements Clock {
  #mono: number;
  #wallOffset: number;
  #nextId = 1;
  #timers: Timer[] = [];

  /** @param epochMs the wall clock's reading at monotonic time `monotonicMs`. */
  constructor(epochMs: number, monotonicMs = 1_000) {
    this.#mono = monotonicMs;
    this.#wallOffset = epochMs - monotonicMs;
  }

  monotonicMs(): number {
    return this.#mono;
  }

  epochMs(): number {
    return this.#mono + this.#wallOffset;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer = { id: this.#nextId++, at: this.#mono + Math.max(0, ms), fn };
    this.#timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** Timers waiting to fire. */
  get pending(): number {
    return this.#timers.length;
  }

  /** Runs time forward by `ms`, firing each timer at its own moment. */
  advance(ms: number): void {
    const end = this.#mono + ms;
    for (;;) {
      const due = this.#timers
        .filter((t) => t.at <= end)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers = this.#timers.filter((t) => t !== due);
      this.#mono = Math.max(this.#mono, due.at);
      due.fn();
    }
    this.#mono = end;
  }

  /** Sets the wall clock to `epochMs`; monotonic time and the timers do not move. */
  setWall(epochMs: number): void {
    this.#wallOffset = epochMs - this.#mono;
  }
}
