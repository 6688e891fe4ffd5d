/**
 * How a recording's byte stream is cut into multipart parts. The journal keeps bytes by part
 * (a part's bytes leave IndexedDB once storage confirmed it) and the uploader sends them by
 * part, so both read the same plan, journaled with each recording: a reload or a recovery
 * cuts the stream exactly as the page that recorded it did.
 *
 * Parts grow with the recording. The first `growEvery` parts have `baseBytes` each, the next
 * `growEvery` twice that, and so on. Small parts early keep what is left to send at Stop
 * small (the header part and the unsent tail, at most two parts); growing parts keep a
 * 24-hour recording inside S3's 10,000 parts. With the defaults (5 MiB, growing every 2,000
 * parts) the first 9.8 GiB (about 3.5 hours at 6.3 Mb/s) go in 5 MiB parts, and 10,000 parts
 * hold 146 GiB, where 24 hours at 6.3 Mb/s is about 63 GiB.
 */

/** S3 allows at most 10,000 parts. */
export const MAX_PARTS = 10_000;

/** The numbers that define a plan; journaled with each recording. */
export interface PartPlanSpec {
  /** Size of the first parts (and the step by which later ones grow). */
  baseBytes: number;
  /** Parts per size band; `Infinity` keeps every part at `baseBytes`. */
  growEvery: number;
  /**
   * Parts end on fragment boundaries (see part-layout.ts): the sizes are then the least a
   * part holds. Absent in recordings journaled before handoff: fixed ranges.
   */
  alignParts?: boolean;
}

/** The product's plan. */
export const DEFAULT_PART_PLAN: PartPlanSpec = Object.freeze({
  baseBytes: 5 * 1024 * 1024,
  growEvery: 2_000,
  alignParts: true,
});

/** The plan of recordings journaled before plans were journaled: 16 MiB parts. */
export const LEGACY_PART_PLAN: PartPlanSpec = Object.freeze({
  baseBytes: 16 * 1024 * 1024,
  growEvery: Infinity,
});

/** Bytes [start, end) of the original stream. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One plan: pure arithmetic over part numbers (1-based) and stream offsets. */
export class PartPlan {
  readonly baseBytes: number;
  readonly growEvery: number;
  readonly alignParts: boolean;

  /** @throws RangeError for a size that is not a whole positive number of bytes. */
  constructor(spec: PartPlanSpec = DEFAULT_PART_PLAN) {
    const { baseBytes, growEvery } = spec;
    if (!Number.isSafeInteger(baseBytes) || baseBytes < 1) {
      throw new RangeError(`Invalid part size ${baseBytes}: expected a whole number of bytes.`);
    }
    if (!(growEvery === Infinity || (Number.isSafeInteger(growEvery) && growEvery >= 1))) {
      throw new RangeError(
        `Invalid part growth ${growEvery}: expected a whole number of parts or Infinity.`,
      );
    }
    this.baseBytes = baseBytes;
    this.growEvery = growEvery;
    this.alignParts = spec.alignParts === true;
  }

  /** The plan's numbers, to journal. */
  get spec(): PartPlanSpec {
    return { baseBytes: this.baseBytes, growEvery: this.growEvery, alignParts: this.alignParts };
  }

  /** Bytes of a full part `n`. */
  sizeOf(partNumber: number): number {
    return this.baseBytes * (Math.floor((partNumber - 1) / this.growEvery) + 1);
  }

  /** The stream offset where part `n` begins. */
  startOf(partNumber: number): number {
    const before = partNumber - 1;
    if (this.growEvery === Infinity) return before * this.baseBytes;
    // Whole bands hold G, 2G, 3G... base sizes; then the parts of the band begun.
    const bands = Math.floor(before / this.growEvery);
    const rest = before - bands * this.growEvery;
    return this.baseBytes * ((this.growEvery * bands * (bands + 1)) / 2 + rest * (bands + 1));
  }

  /** The full extent of part `n`, whatever the stream's length. */
  fullRange(partNumber: number): ByteRange {
    return { start: this.startOf(partNumber), end: this.startOf(partNumber + 1) };
  }

  /** The bytes part `n` covers in a stream of `totalBytes` (the last part may be short). */
  range(partNumber: number, totalBytes: number): ByteRange {
    const full = this.fullRange(partNumber);
    return { start: full.start, end: Math.min(full.end, totalBytes) };
  }

  /** The part holding byte `offset`. */
  partOf(offset: number): number {
    if (this.growEvery === Infinity) return Math.floor(offset / this.baseBytes) + 1;
    let band = 0;
    let bandStart = 0;
    for (;;) {
      const bandBytes = this.growEvery * this.baseBytes * (band + 1);
      if (offset < bandStart + bandBytes) {
        const inBand = Math.floor((offset - bandStart) / (this.baseBytes * (band + 1)));
        return band * this.growEvery + inBand + 1;
      }
      bandStart += bandBytes;
      band++;
    }
  }

  /** Parts a stream of `totalBytes` needs (at least one, even when empty). */
  count(totalBytes: number): number {
    return totalBytes <= 0 ? 1 : this.partOf(totalBytes - 1);
  }

  /** Parts wholly inside the first `totalBytes` (they may be sent before the stream ends). */
  completeParts(totalBytes: number): number {
    // Every part before the one that byte `totalBytes` would fall in.
    return this.partOf(totalBytes) - 1;
  }

  /** The longest stream `maxParts` parts can hold. */
  capacity(maxParts = MAX_PARTS): number {
    return this.startOf(maxParts + 1);
  }
}

/** The plan a recording was journaled with (16 MiB parts for records from before plans). */
export function partPlanOf(record: { partPlan?: PartPlanSpec | undefined }): PartPlan {
  return new PartPlan(record.partPlan ?? LEGACY_PART_PLAN);
}
