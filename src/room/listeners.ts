import type { RoomListener } from './channel.js';
import type { RoomMessage, SenderInfo } from './messages.js';

/**
 * The subscriber list every adapter shares. A listener that throws is reported and the
 * others still run: one buggy subscriber must not silence the room for the rest.
 */
export class ListenerSet {
  readonly #listeners = new Set<RoomListener>();

  /** Adds a listener; the returned function removes it (calling it twice is harmless). */
  add(listener: RoomListener): () => void {
    if (typeof listener !== 'function') {
      throw new TypeError('RoomChannel.subscribe needs a function (message, sender) => void.');
    }
    // Wrap so the same function subscribed twice gets two independent subscriptions.
    const entry: RoomListener = (message, sender) => listener(message, sender);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  /** Calls every listener with a message. */
  emit(message: RoomMessage, sender: SenderInfo): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(message, sender);
      } catch (error) {
        console.error('[room-recorder] a room listener threw:', error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
