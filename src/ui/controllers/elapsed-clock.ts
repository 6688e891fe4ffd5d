/**
 * The elapsed counter's clock. The value is always `now - startedAt`, never a count of
 * ticks, so it cannot drift and a late joiner sees the right time at once (B5). It
 * re-renders just after each whole second of the recording, not on the page's own seconds.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** `H:MM:SS`, hours unpadded (a recording lasts at most 24 hours). */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}

export class ElapsedClock implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private connected = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The start (on the `now` clock) while the clock should run, else null. */
    private readonly startedAt: () => number | null,
    /** A monotonic clock: a wall-clock change must not move the counter. */
    private readonly now: () => number = () => performance.now(),
  ) {
    host.addController(this);
  }

  /** Milliseconds since the start, or 0 when stopped. */
  get elapsedMs(): number {
    const start = this.startedAt();
    return start === null ? 0 : Math.max(0, this.now() - start);
  }

  get text(): string {
    return formatElapsed(this.elapsedMs);
  }

  hostConnected(): void {
    this.connected = true;
  }

  hostDisconnected(): void {
    this.connected = false;
    this.clear();
  }

  /** Each render schedules the next one, only while running. */
  hostUpdated(): void {
    this.clear();
    const start = this.startedAt();
    if (!this.connected || start === null) return;
    const intoSecond = this.elapsedMs % 1000;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.host.requestUpdate();
      },
      1000 - intoSecond + 5,
    );
  }

  private clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
