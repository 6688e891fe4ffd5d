/**
 * Constant frame rate: which frame each tick of the clock puts in the file. Every tick at
 * `index / framerate` gets a frame; what varies is whether it is a new composite, the previous
 * one sent again, or (only when the encoder has stopped keeping up for a whole second) nothing.
 *
 * A repeat costs next to nothing to make (a `VideoFrame` wrapping the previous one's memory)
 * and about half a new frame to encode (measured here: 9 ms against 20-38 ms for a busy 1080p
 * frame), so sending repeats while the encoder is behind lets it catch up without a gap in the
 * file; the queue stays bounded because new composites wait for it to drain below
 * {@link PacerLimits.fresh} and repeats stop at {@link PacerLimits.total}. An encoder slower
 * than real time still gets a new composite every {@link PacerLimits.stale} ticks: the file's
 * picture stays current at a lower rate of change rather than freezing.
 */

/** What a tick does. */
export type TickAction =
  /** Compose a new frame and encode it. */
  | 'compose'
  /** Encode the previous composite again with this tick's timestamp. */
  | 'repeat'
  /** Nothing can be produced: the encoder (or the sink) is a second behind. */
  | 'drop';

/**
 * Why a tick repeats the previous frame (`late`: the thread woke after it; `asleep`: the
 * thread woke a second or more after it, from a frozen page or a long pause; `busy`: the
 * encoder still held new frames) or is dropped (`sink`: the writer is behind).
 */
export type TickCause = 'late' | 'asleep' | 'busy' | 'sink';

export interface TickPlan {
  index: number;
  /** Microseconds: `round(index * 1e6 / framerate)`, so the file's frame durations are exact. */
  timestampUs: number;
  action: TickAction;
  cause?: TickCause;
}

export interface PacerLimits {
  /** Frames in the encoder's queue below which a new composite is made. */
  fresh: number;
  /** Frames in the encoder's queue beyond which nothing more is queued (a real drop). */
  total: number;
  /**
   * Ticks after which a new composite goes in even though the encoder is busy (default half a
   * second). An encoder slower than real time never drains below {@link fresh} while repeats
   * keep it fed, so without this bound the file would show one picture (the first, black, when
   * it fell behind at once) for as long as the machine stays overloaded.
   */
  stale?: number;
  /**
   * Ticks a thread that woke a second or more late fills with repeats whatever the encoder's
   * queue (default 10 s): the file holds its last picture over a frozen page's time at its
   * frame rate, as a continuation holds a handoff's gap. A longer sleep's earlier ticks are
   * dropped: the frame before them then lasts until the held ones begin.
   */
  wake?: number;
}

/** The encoder's (and the sink's) state at a tick. */
export interface EncoderState {
  queue: number;
  /** The writer is too far behind to take more packets. */
  sinkBusy: boolean;
}

/** The timestamp of frame `index` at `framerate`, in microseconds. */
export function frameTimestampUs(index: number, framerate: number): number {
  return Math.round((index * 1e6) / framerate);
}

export class Pacer {
  private next = 0;
  /** The index of the newest tick planned as a new composite (-Infinity before the first). */
  private lastCompose = -Infinity;
  private readonly stale: number;
  private readonly wake: number;

  constructor(
    readonly framerate: number,
    readonly limits: PacerLimits = { fresh: 3, total: 30 },
  ) {
    this.stale = limits.stale ?? Math.max(1, Math.round(framerate / 2));
    this.wake = limits.wake ?? framerate * 10;
  }

  /** The index of the next tick to plan. */
  get nextIndex(): number {
    return this.next;
  }

  /** When the next tick is due, in microseconds from the start. */
  get nextDueUs(): number {
    return (this.next * 1e6) / this.framerate;
  }

  /**
   * Plans every tick due by `elapsedUs` (oldest first): ticks the thread woke too late for are
   * repeats; the newest is a new composite when the encoder has room for one.
   */
  plan(elapsedUs: number, state: EncoderState): TickPlan[] {
    const last = Math.floor((elapsedUs * this.framerate) / 1e6 + 1e-9);
    const out: TickPlan[] = [];
    let queue = state.queue;
    // Woke a second or more late: the last `wake` ticks missed are held (see PacerLimits).
    // Not at the first plan: a continuation's starts late by design, its gap filled apart.
    const asleep = this.next > 0 && last - this.next >= this.framerate;
    for (let index = this.next; index <= last; index++) {
      const timestampUs = frameTimestampUs(index, this.framerate);
      let action: TickAction;
      let cause: TickCause | undefined;
      if (state.sinkBusy) {
        action = 'drop';
        cause = 'sink';
      } else if (asleep && index < last) {
        if (index >= last - this.wake) {
          action = 'repeat';
          cause = 'asleep';
        } else action = 'drop';
      } else if (queue >= this.limits.total) action = 'drop';
      else if (index < last) {
        action = 'repeat';
        cause = 'late';
      } else if (queue < this.limits.fresh || index - this.lastCompose >= this.stale) {
        action = 'compose';
        this.lastCompose = index;
      } else {
        action = 'repeat';
        cause = 'busy';
      }
      // Held ticks are a fill the encoder works through at its own pace, not a backlog.
      if (action !== 'drop' && cause !== 'asleep') queue++;
      out.push(cause ? { index, timestampUs, action, cause } : { index, timestampUs, action });
    }
    this.next = Math.max(this.next, last + 1);
    return out;
  }
}
