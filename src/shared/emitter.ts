/**
 * Typed events for every part of the recorder: one listener list per event name. A listener
 * that throws is reported and the others still run, so one buggy subscriber cannot silence
 * the rest or break the change that emitted.
 */

/** Event names to listener signatures (an interface of methods qualifies). */
export type EventMap<E> = { [K in keyof E]: (...args: never[]) => void };

export class Emitter<E extends EventMap<E>> {
  readonly #listeners = new Map<keyof E, Set<E[keyof E]>>();
  readonly #report: (error: unknown) => void;

  /** @param report where a listener's error goes; default the console. */
  constructor(report: (error: unknown) => void = defaultReport) {
    this.#report = report;
  }

  /**
   * Listens to `event`; returns the function that stops (calling it twice is harmless). The
   * same function added twice is two subscriptions.
   */
  on<K extends keyof E>(event: K, listener: E[K]): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError(`A listener of "${String(event)}" must be a function.`);
    }
    const entry = ((...args: Parameters<E[K]>) => listener(...args)) as E[K];
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  /** Calls every listener of `event`, in the order they were added. */
  emit<K extends keyof E>(event: K, ...args: Parameters<E[K]>): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (...a: Parameters<E[K]>) => void)(...args);
      } catch (error) {
        this.#report(error);
      }
    }
  }

  /** Listeners of `event` now. */
  count(event: keyof E): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

function defaultReport(error: unknown): void {
  console.error('[room-recorder] a listener threw:', error);
}
