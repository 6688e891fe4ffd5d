/**
 * Timestamps for the mixed audio, on the pipeline's one clock (the worker's, from the
 * recording's start), so audio and video stay in sync over hours.
 *
 * Audio is laid sample by sample from its first chunk, which has no jitter. The sound card's
 * clock and the system's drift apart (0.1 % is 3.6 s a day), and chunks get lost, so the laid
 * time is held within `toleranceUs` behind and `aheadUs` ahead of the arrival time: audio that
 * falls behind moves forward (a short gap), and a chunk that runs ahead is left out.
 * Timestamps only ever go forward.
 */
export class AudioClock {
  private baseUs: number | null = null;
  private samples = 0;

  /**
   * @param toleranceUs how far the laid time may fall behind arrival (late chunks: jitter, a
   *   busy worker) before it jumps forward.
   * @param aheadUs how far it may run ahead of a chunk's arrival before chunks are left out.
   *   Kept small: an arrival is never early, so laid time ahead of it means the clock's base
   *   came from chunks that waited in a queue (the backlog read at the start, while the
   *   encoders were set up), and every sound after would be that late against the picture
   *   (124 ms measured by the A/V bench before this bound).
   */
  constructor(
    readonly toleranceUs = 150_000,
    readonly aheadUs = 20_000,
  ) {}

  /**
   * The timestamp of a chunk of `frames` samples that arrived at `arrivalUs` (on the
   * recording's clock), or null to leave it out (before the start, or ahead of the clock).
   */
  stamp(arrivalUs: number, frames: number, sampleRate: number): number | null {
    const captureUs = arrivalUs - (frames / sampleRate) * 1e6;
    if (captureUs < 0) return null;
    if (this.baseUs === null) this.reset(captureUs);
    let ts = this.baseUs! + (this.samples / sampleRate) * 1e6;
    if (captureUs - ts > this.toleranceUs) {
      this.reset(captureUs);
      ts = captureUs;
    } else if (ts - captureUs > this.aheadUs) {
      return null;
    }
    this.samples += frames;
    return Math.round(ts);
  }

  private reset(baseUs: number): void {
    this.baseUs = baseUs;
    this.samples = 0;
  }
}

/**
 * For the deterministic clock: audio laid from 0 by its sample count, cut at `endUs` (where
 * the synthetic video ends), so the file is as long as its frames say.
 */
export class CountedAudioClock {
  private samples = 0;

  constructor(readonly endUs: number) {}

  stamp(frames: number, sampleRate: number): number | null {
    const ts = (this.samples / sampleRate) * 1e6;
    if (ts >= this.endUs) return null;
    this.samples += frames;
    return Math.round(ts);
  }
}
