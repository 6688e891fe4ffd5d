/**
 * Binds an element to a `RecorderControllerApi`: the controller's view becomes the host's
 * state and its notices are handed to the host, and both subscriptions end when the
 * controller is replaced or the element leaves the page.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { RecorderControllerApi, RecorderView } from '../../recorder/controller-types.js';
import type { Notice } from '../../session/types.js';

export interface RecorderBindingHost extends ReactiveControllerHost {
  onView(view: RecorderView | null): void;
  onNotice(notice: Notice): void;
}

export class RecorderBinding implements ReactiveController {
  private bound: RecorderControllerApi | null = null;
  private unsubscribe: Array<() => void> = [];
  private connected = false;

  constructor(private readonly host: RecorderBindingHost) {
    host.addController(this);
  }

  get controller(): RecorderControllerApi | null {
    return this.bound;
  }

  /** Switches to `controller` (null unbinds); a no-op when it is already bound. */
  bind(controller: RecorderControllerApi | null): void {
    if (controller === this.bound) return;
    this.release();
    this.bound = controller;
    if (this.connected) this.attach();
  }

  hostConnected(): void {
    this.connected = true;
    this.attach();
  }

  hostDisconnected(): void {
    this.connected = false;
    this.detach();
  }

  private attach(): void {
    const c = this.bound;
    if (!c || this.unsubscribe.length > 0) return;
    this.unsubscribe = [
      c.subscribe((view) => this.host.onView(view)),
      c.onNotice((notice) => this.host.onNotice(notice)),
    ];
    // A late joiner renders the current state at once (B5), not after the next change.
    this.host.onView(c.view);
  }

  private detach(): void {
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
  }

  private release(): void {
    this.detach();
    this.bound = null;
    this.host.onView(null);
  }
}
