/**
 * X11: the upload never stops a recording. When storage is slow or down, the journal keeps
 * everything, and what limits the recording is this device's space. The budget follows how
 * fast the journal grows (what the upload has not taken) against the space left, warns the
 * host while there are still minutes to act, and says when to stop gracefully: before the
 * browser refuses a write, so everything recorded is kept.
 */
import type { HealthWarning } from './engine.js';

/** How the budget judges; the defaults suit a 6 Mb/s recording. */
export interface StorageBudgetOptions {
  /** Warn when fewer minutes than this are left at the current rate. */
  warnMinutes?: number;
  /** Stop when less than this many bytes are left (room for the header rewrite and IndexedDB's own overhead). */
  stopBelowBytes?: number;
  /** Stop when fewer minutes than this are left, whatever the bytes. */
  stopMinutes?: number;
  /** The window the growth rate is measured over. */
  windowMs?: number;
}

const DEFAULTS: Required<StorageBudgetOptions> = {
  warnMinutes: 30,
  stopBelowBytes: 64 * 1024 * 1024,
  stopMinutes: 2,
  windowMs: 60_000,
};

/** What the budget says now. */
export interface BudgetVerdict {
  /** Null while the journal does not grow or the space left is unknown. */
  minutesLeft: number | null;
  warning: HealthWarning | null;
  /** Stop now, gracefully: the reason for the host, or null. */
  stop: string | null;
}

export class StorageBudget {
  readonly #o: Required<StorageBudgetOptions>;
  /** [monotonic ms, bytes held by the journal] samples within the window. */
  #samples: Array<[number, number]> = [];

  constructor(options: StorageBudgetOptions = {}) {
    this.#o = { ...DEFAULTS, ...options };
  }

  /**
   * A new reading: `heldBytes` the journal keeps for this recording now, `availableBytes`
   * the origin may still store (null: unknown), at monotonic time `now`.
   */
  update(now: number, heldBytes: number, availableBytes: number | null): BudgetVerdict {
    this.#samples.push([now, heldBytes]);
    while (this.#samples.length > 2 && this.#samples[0]![0] < now - this.#o.windowMs) {
      this.#samples.shift();
    }
    const [t0, b0] = this.#samples[0]!;
    const seconds = (now - t0) / 1000;
    const growth = seconds >= 5 ? (heldBytes - b0) / seconds : 0;
    if (availableBytes === null) return { minutesLeft: null, warning: null, stop: null };
    const spare = availableBytes - this.#o.stopBelowBytes;
    const minutesLeft = growth > 0 ? Math.max(0, spare / growth / 60) : null;
    if (spare <= 0 || (minutesLeft !== null && minutesLeft < this.#o.stopMinutes)) {
      const mb = Math.round(availableBytes / 1024 / 1024);
      return {
        minutesLeft,
        warning: 'storage-low',
        stop:
          `This device is almost out of storage (${mb} MB left) and the upload is not keeping ` +
          'up: the recording stopped to keep everything recorded so far. It is uploaded as ' +
          'soon as storage can be reached; free space before recording again.',
      };
    }
    const warn = minutesLeft !== null && minutesLeft < this.#o.warnMinutes;
    return { minutesLeft, warning: warn ? 'storage-low' : null, stop: null };
  }
}
