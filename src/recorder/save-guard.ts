/**
 * X10: the host always knows whether closing the page loses anything. The guard keeps the
 * newest {@link SaveState} of this page's recording and, while part of it exists only in
 * memory, asks the browser to confirm before the page closes (`beforeunload`).
 */
import type { SaveState } from './engine.js';

export class SaveGuard {
  #state: SaveState | null = null;
  #armed = false;
  readonly #onChange: (state: SaveState) => void;

  constructor(onChange: (state: SaveState) => void) {
    this.#onChange = onChange;
  }

  /** The newest state; null before a recording started on this page. */
  get state(): SaveState | null {
    return this.#state;
  }

  /** Reports where the recording is now; a change is passed on. */
  set(state: SaveState): void {
    const prev = this.#state;
    this.#state = state;
    this.#arm(state.where === 'in-memory');
    if (prev?.where !== state.where || prev.unsavedBytes !== state.unsavedBytes) {
      this.#onChange(state);
    }
  }

  /** Stops guarding (the page's engine is going away). */
  dispose(): void {
    this.#arm(false);
  }

  #arm(on: boolean): void {
    if (on === this.#armed || typeof window === 'undefined') return;
    this.#armed = on;
    if (on) window.addEventListener('beforeunload', this.#onBeforeUnload);
    else window.removeEventListener('beforeunload', this.#onBeforeUnload);
  }

  /** The browser shows its own "Leave site?" prompt; the text is not ours to choose. */
  readonly #onBeforeUnload = (event: BeforeUnloadEvent): void => {
    event.preventDefault();
    // Older Chromium and Firefox builds prompt only when returnValue is set.
    event.returnValue = '';
  };
}
