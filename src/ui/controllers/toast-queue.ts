/**
 * The toast queue as a reactive controller: at most `max` toasts show at once, the rest
 * wait their turn, and each shown toast leaves after its own time unless the pointer or
 * focus is on it (a reader must not lose a notice mid-sentence).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Notice } from '../../session/types.js';
import type { RrStringKey } from '../strings.js';

export type DismissReason = 'user' | 'timeout' | 'superseded';

export interface ToastItem {
  toastId: number;
  key: RrStringKey;
  params?: Record<string, string>;
  notice: Notice | null;
  /** A safe link to show with the text (the available notice). */
  url: string | null;
  /** Milliseconds on screen; 0 keeps it until dismissed. */
  duration: number;
}

export interface ToastQueueOptions {
  max: () => number;
  onShow: (item: ToastItem) => void;
  onDismiss: (item: ToastItem, reason: DismissReason) => void;
}

export class ToastQueueController implements ReactiveController {
  private nextId = 1;
  private waiting: ToastItem[] = [];
  private shown: ToastItem[] = [];
  private readonly timers = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly held = new Set<number>();

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: ToastQueueOptions,
  ) {
    host.addController(this);
  }

  get visible(): readonly ToastItem[] {
    return this.shown;
  }

  get pending(): readonly ToastItem[] {
    return this.waiting;
  }

  hostConnected(): void {
    for (const item of this.shown) this.arm(item);
  }

  hostDisconnected(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  add(item: Omit<ToastItem, 'toastId'>): number {
    const toastId = this.nextId++;
    this.waiting.push({ ...item, toastId });
    this.promote();
    return toastId;
  }

  dismiss(toastId: number, reason: DismissReason = 'user'): void {
    const item = this.shown.find((i) => i.toastId === toastId);
    if (!item) {
      // A waiting toast was never shown, so it leaves without an event.
      this.waiting = this.waiting.filter((i) => i.toastId !== toastId);
      return;
    }
    this.disarm(toastId);
    this.held.delete(toastId);
    this.shown = this.shown.filter((i) => i !== item);
    this.options.onDismiss(item, reason);
    this.promote();
  }

  clear(): void {
    for (const item of [...this.shown]) this.dismiss(item.toastId);
    this.waiting = [];
    this.host.requestUpdate();
  }

  /** Pointer or focus on a toast: its time stops until released. */
  hold(toastId: number): void {
    this.held.add(toastId);
    this.disarm(toastId);
  }

  release(toastId: number): void {
    this.held.delete(toastId);
    const item = this.shown.find((i) => i.toastId === toastId);
    if (item) this.arm(item);
  }

  private promote(): void {
    while (this.shown.length < Math.max(1, this.options.max()) && this.waiting.length > 0) {
      const item = this.waiting.shift()!;
      this.shown = [...this.shown, item];
      this.arm(item);
      this.options.onShow(item);
    }
    this.host.requestUpdate();
  }

  private arm(item: ToastItem): void {
    if (item.duration <= 0 || this.held.has(item.toastId) || this.timers.has(item.toastId)) return;
    this.timers.set(
      item.toastId,
      setTimeout(() => {
        this.timers.delete(item.toastId);
        this.dismiss(item.toastId, 'timeout');
      }, item.duration),
    );
  }

  private disarm(toastId: number): void {
    const t = this.timers.get(toastId);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(toastId);
  }
}
