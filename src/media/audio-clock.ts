/**
 * Timestamps for the mixed audio, on the pipeline's one clock (the worker's, from the
 * recording's start), so audio and video stay in sync over hours.
 *
 * Audio is laid sample by sample from its first chunk, which has no jitter. A chunk's arrival
 * is never early, only late (a busy worker reads a burst of chunks at once), so the laid time
 * follows the lower edge of the arrivals: it may run at most `aheadUs` ahead of one (else the
 * chunk is left out: the clock started from audio that had waited in a queue, or the sound
 * card runs fast), and it moves forward (a gap) only when every chunk over `windowUs` arrived
 * more than `toleranceUs` after it (audio was lost, or the card runs slow). Timestamps only
 * ever go forward.
 */
export class AudioClock {
  private baseUs: number | null = null;
  private samples = 0;
  /** The smallest lag (arrival minus laid time) since `windowFromUs`. */
  private minLagUs = Infinity;
  private windowFromUs = 0;

  /**
   * @param toleranceUs how far the laid time may stay behind arrival before it jumps forward.
   * @param aheadUs how far it may run ahead of a chunk's arrival. Kept small: laid time ahead
   *   of an arrival means every sound is that late against the picture (124 ms measured by the
   *   A/V bench when the clock started from the backlog read at the start).
   * @param windowUs how long a lag must last to be lost audio rather than a late burst.
   */
  constructor(
    readonly toleranceUs = 150_000,
    readonly aheadUs = 20_000,
    readonly windowUs = 500_000,
  ) {}

  /**
   * The timestamp of a chunk of `frames` samples that arrived at `arrivalUs` (on the
   * recording's clock), or null to leave it out (before the start, or ahead of the clock).
   */
  stamp(arrivalUs: number, frames: number, sampleRate: number): number | null {
    const captureUs = arrivalUs - (frames / sampleRate) * 1e6;
    if (captureUs < 0) return null;
    if (this.baseUs === null) {
      this.reset(captureUs);
      this.windowFromUs = arrivalUs;
    }
    let ts = this.baseUs! + (this.samples / sampleRate) * 1e6;
    const lag = captureUs - ts;
    if (lag < -this.aheadUs) return null;
    this.minLagUs = Math.min(this.minLagUs, lag);
    if (arrivalUs - this.windowFromUs >= this.windowUs) {
      if (this.minLagUs > this.toleranceUs) {
        // Behind for a whole window: what is missing was lost; the rest lands where captured.
        this.baseUs! += this.minLagUs;
        ts += this.minLagUs;
      }
      this.minLagUs = Infinity;
      this.windowFromUs = arrivalUs;
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
