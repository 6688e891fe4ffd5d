/** Small figures kept by the pipeline for its health report and the benchmark. */

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
