/**
 * Where each part of a recording's stream begins and ends. With a plan's `alignParts` (every
 * recording since handoff), a part ends at the first fragment end at least its planned size
 * after its start: no fragment is ever split between two parts, so the bytes storage has
 * confirmed always end on a fragment boundary, and a page that takes a recording over after
 * the recording page died continues a valid file from there (X9). Parts are then a little
 * longer than planned (by under a fragment), which only lowers the part count.
 *
 * Without it (recordings journaled before), parts are the plan's fixed ranges.
 */
import type { ByteRange, PartPlan } from './part-plan.js';

export class PartLayout {
  /** Aligned: where parts 1..n begin, then where the open part begins. */
  readonly #starts: number[] = [0];
  #end = 0;

  constructor(readonly plan: PartPlan) {}

  /** Whether parts end on fragment boundaries. */
  get aligned(): boolean {
    return this.plan.alignParts;
  }

  /**
   * The stream now ends at `end` (the header, then each fragment, in order): a part whose
   * planned size is reached closes here.
   */
  addEnd(end: number): void {
    if (end <= this.#end) return;
    this.#end = end;
    if (!this.aligned) return;
    const open = this.#starts.length;
    const start = this.#starts[open - 1]!;
    if (end - start >= this.plan.sizeOf(open)) this.#starts.push(end);
  }

  /** Bytes of the stream known so far. */
  get end(): number {
    return this.#end;
  }

  /** Parts whose every byte is known: they may be sent before the stream ends. */
  completeParts(): number {
    return this.aligned ? this.#starts.length - 1 : this.plan.completeParts(this.#end);
  }

  /** Parts a stream ending at `totalBytes` (at least the bytes known) has in all. */
  count(totalBytes = this.#end): number {
    if (!this.aligned) return this.plan.count(totalBytes);
    const complete = this.#starts.length - 1;
    return totalBytes > this.#starts[complete]! || complete === 0 ? complete + 1 : complete;
  }

  /**
   * The bytes part `n` covers in a stream of `totalBytes` (default: as known now); the last
   * part ends with the stream.
   */
  range(n: number, totalBytes = this.#end): ByteRange {
    if (!this.aligned) return this.plan.range(n, totalBytes);
    const start = this.#starts[n - 1];
    if (start === undefined) return { start: totalBytes, end: totalBytes };
    return { start, end: this.#starts[n] ?? totalBytes };
  }
}
