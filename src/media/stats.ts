/** Small figures kept by the pipeline for its health report and the benchmark. */
import type { TickCause } from './pacer.js';

/** The `p`-th percentile (0-100) of `values` (nearest rank); 0 for no values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))]!;
}

/**
 * Samples kept in a fixed-size ring, so a day-long recording keeps a bounded amount:
 * percentiles over the newest `capacity` samples.
 */
export class SampleRing {
  private readonly buf: Float64Array;
  private next = 0;
  private filled = 0;

  constructor(readonly capacity: number) {
    this.buf = new Float64Array(capacity);
  }

  push(v: number): void {
    this.buf[this.next] = v;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.capacity, this.filled + 1);
  }

  get size(): number {
    return this.filled;
  }

  /** The kept samples, oldest first. */
  values(): number[] {
    const out: number[] = [];
    const start = this.filled < this.capacity ? 0 : this.next;
    for (let i = 0; i < this.filled; i++) out.push(this.buf[(start + i) % this.capacity]!);
    return out;
  }

  /** The newest `n` samples. */
  latest(n: number): number[] {
    const all = this.values();
    return all.slice(Math.max(0, all.length - n));
  }
}

/** This thread's JS heap in MiB, where Chromium tells (`performance.memory`). */
export function heapMB(): number | null {
  const m = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
  return m ? m.usedJSHeapSize / 2 ** 20 : null;
}

/** The frame figures of one recording: what each tick did, and how long composing took. */
export class FrameCounts {
  /** New composites made. */
  composed = 0;
  /** Frames out of the encoder (new and repeated). */
  encoded = 0;
  /** Ticks with no frame in the file at all (the encoder a second behind, or the sink). */
  dropped = 0;
  /** Of the dropped: ticks the thread woke too late for while the encoder was full. */
  droppedLate = 0;
  /** Of the dropped: ticks while the encoder was a second behind (backpressure). */
  droppedBusy = 0;
  /** Of the dropped: ticks while the sink was behind. */
  droppedSink = 0;
  /** Ticks that sent the previous composite again (the file stays at a constant rate). */
  repeated = 0;
  /** Of the repeats: ticks the thread woke too late for. */
  repeatedLate = 0;
  /** Of the repeats: ticks while the encoder still held new frames. */
  repeatedBusy = 0;
  /** Tiles written, over all composites. */
  draws = 0;
  /** Compose time per new composite, in ms. */
  readonly composeMs = new SampleRing(10_000);
  private encodedAtLastSecond = 0;

  /** A tick with no frame in the file. */
  drop(cause: TickCause): void {
    this.dropped++;
    if (cause === 'sink') this.droppedSink++;
    else if (cause === 'late') this.droppedLate++;
    else this.droppedBusy++;
  }

  /** A repeat; `cause` says why when the tick could not compose (none: nothing changed). */
  repeat(cause: TickCause | undefined): void {
    this.repeated++;
    if (cause === 'late' || cause === 'asleep') this.repeatedLate++;
    else if (cause === 'busy') this.repeatedBusy++;
  }

  /** A new composite that took `ms` and wrote `draws` tiles. */
  compose(ms: number, draws: number): void {
    this.composed++;
    this.draws += draws;
    this.composeMs.push(ms);
  }

  /** Frames encoded since the last call: the fps of a once-a-second report. */
  encodedSinceLast(): number {
    const n = this.encoded - this.encodedAtLastSecond;
    this.encodedAtLastSecond = this.encoded;
    return n;
  }
}
