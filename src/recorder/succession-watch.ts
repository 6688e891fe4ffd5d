/**
 * X9 in the room: the page that records beats every second; every other page that could
 * continue the recording listens, and when the beats stop (the page died) or the page says
 * it is leaving, each runs the same succession rule on the room it sees. The one chosen
 * claims the recording and, unless a better-placed page claims it within a moment (two pages
 * that saw the room differently), continues it.
 */
import type { RoomChannel, RoomMessage, SenderInfo } from '../room/index.js';
import type { RoomSync } from '../room/room-sync.js';
import type { Clock, TimerHandle } from '../session/clock.js';
import {
  chooseSuccessor,
  type RecorderCandidate,
  type SuccessionPolicy,
} from '../session/succession.js';

/** How often the recording page beats. */
export const HEARTBEAT_MS = 1_000;
/** Beats missed for this long mean the recording page is gone. */
export const SILENCE_MS = 4_000;
/**
 * Silence after which a page that finds no page able to continue the recording says it ended
 * where it was kept. Longer than SILENCE_MS: such a verdict starts nothing, only a notice, and
 * under load a recording page's beats can stall for several seconds (a page that hears them
 * again takes the verdict back, but the room has been told something untrue meanwhile).
 */
export const ORPHAN_SILENCE_MS = 10_000;
/**
 * Silence after which a recording page the room reported gone (`presence` 'left': its page
 * said so, or the room server saw its connection close, as when the browser was killed) is
 * taken for gone. Not at once: a page that only lost its connection for a moment reconnects
 * (half a second) and beats again before this.
 */
export const GONE_SILENCE_MS = 1_500;
/** A claim waits this long for a better-placed one before the recording continues here. */
export const CLAIM_WINDOW_MS = 750;
/** A tick this late means this page itself stood still (a starved or frozen main thread). */
export const STALL_MS = 1_000;

/** What the watch needs of the page it runs on. */
export interface SuccessionWatchDeps {
  clock: Clock;
  sync: RoomSync;
  channel: RoomChannel;
  self: () => SenderInfo;
  policy: SuccessionPolicy;
  /** This page's name for others ("Recording continues on Ada's device"). */
  name: () => string;
  /** The recording the room is making now, and whether this page makes it. */
  recording: () => { recordingId: string; recordsHere: boolean } | null;
  /**
   * This page continues `recordingId`: engine and rules. Rejects when it cannot. `checkpoint`:
   * the handoff document a leaving page named.
   */
  takeOver: (recordingId: string, checkpoint?: number) => Promise<void>;
  /** Another page continues the recording (for the notice). */
  continuedBy: (recordingId: string, name: string) => void;
  /** On the recording page, once a second: whether another page could continue it now. */
  successorPresent?: (present: boolean) => void;
  /** The recording page is gone and no page can continue: it ends where it was kept (X1). */
  orphaned: (recordingId: string) => void;
  /**
   * A recording this page judged orphaned beats again: its page was only starved or cut off
   * for a while, and this page must mirror it again (so the stop's notice is the true one).
   */
  heardAgain?: (recordingId: string) => void;
  /**
   * On the recording page: another page beats for the same recording (it took it over while
   * this page was frozen or cut off). `name`: what that page called itself when it claimed it.
   */
  rival?: (recordingId: string, page: string, name: string | null) => void;
}

export class SuccessionWatch {
  readonly #d: SuccessionWatchDeps;
  /** When each recording was last heard of (monotonic ms). */
  #lastBeat = new Map<string, { at: number; page: string }>();
  #timer: TimerHandle | null = null;
  /** When the next tick is due (monotonic ms). */
  #due = 0;
  /** A verdict of silence put off by one tick, because this page had stood still. */
  #deferred = false;
  #claim: { recordingId: string; better: boolean } | null = null;
  /** The names pages gave when they claimed a recording, by page. */
  readonly #claimants = new Map<string, string>();
  /** Recordings this page judged orphaned (a later beat takes the verdict back). */
  readonly #orphaned = new Set<string>();
  /** Pages the room said left: their silence counts against GONE_SILENCE_MS. */
  readonly #gone = new Set<string>();
  #disposed = false;

  constructor(deps: SuccessionWatchDeps) {
    this.#d = deps;
    this.#tick();
  }

  /** A room message: beats, leavings and claims. */
  onMessage(message: RoomMessage, sender: SenderInfo): void {
    const now = this.#d.clock.monotonicMs();
    switch (message.kind) {
      case 'heartbeat': {
        const rec = this.#d.recording();
        if (
          rec?.recordsHere &&
          rec.recordingId === message.recordingId &&
          message.page !== this.#d.sync.pageId
        ) {
          this.#d.rival?.(
            message.recordingId,
            message.page,
            this.#claimants.get(message.page) ?? null,
          );
          return;
        }
        this.#lastBeat.set(message.recordingId, { at: now, page: message.page });
        this.#gone.delete(message.page);
        // The recording page is alive after all (only its beats were lost): no second writer.
        if (this.#claim?.recordingId === message.recordingId) this.#claim.better = true;
        if (this.#orphaned.delete(message.recordingId)) this.#d.heardAgain?.(message.recordingId);
        return;
      }
      case 'state':
        // A state from the recording page is as good as a beat (it also starts the watch).
        if (message.snapshot.recordingId !== null) {
          this.#lastBeat.set(message.snapshot.recordingId, { at: now, page: message.source });
        }
        return;
      case 'presence':
        if (message.status === 'left' && message.page !== undefined) {
          this.#pageLeft(message.page, now);
        }
        return;
      case 'leaving':
        this.#lastBeat.delete(message.recordingId);
        if (message.next === undefined) this.#succeed(message.recordingId, message.page);
        // Named by the page that records: no one else claims, so no claim window to wait.
        else if (message.next === this.#d.sync.pageId) {
          this.#continueNamed(message.recordingId, message.checkpoint);
        }
        return;
      case 'takeover': {
        this.#claimants.set(message.page, message.name);
        const rec = this.#d.recording();
        if (rec?.recordsHere && rec.recordingId === message.recordingId) {
          // Someone thinks this page is gone: a beat at once ends their claim.
          this.#beat(rec.recordingId);
          return;
        }
        this.#lastBeat.set(message.recordingId, { at: now, page: message.page });
        const claim = this.#claim;
        if (claim?.recordingId === message.recordingId && message.page !== this.#d.sync.pageId) {
          // Two claims: the rule decides between the two claimants.
          const me = this.#me();
          const other = this.#d.sync.pages.find((p) => p.page === message.page);
          const them: RecorderCandidate = other
            ? { ...other, canRecord: true }
            : { userId: sender.userId, role: sender.role, page: message.page, canRecord: true };
          if (me && chooseSuccessor([me, them], this.#d.policy)?.page === them.page) {
            claim.better = true;
          }
        }
        if (message.page !== this.#d.sync.pageId) {
          this.#d.continuedBy(message.recordingId, message.name);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Whether another page of the room could continue a recording made here (X9). */
  hasSuccessor(): boolean {
    return this.successor() !== null;
  }

  /** The page that would continue a recording made here, by the rule on this page's view. */
  successor(): string | null {
    const others = this.#d.sync.pages.filter((p) => p.page !== this.#d.sync.pageId);
    return chooseSuccessor(others, this.#d.policy)?.page ?? null;
  }

  /** Stops the beats and the watch. */
  dispose(): void {
    this.#disposed = true;
    if (this.#timer !== null) this.#d.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Once a second: beat if this page records, else look for silence. */
  #tick(): void {
    if (this.#disposed) return;
    const now = this.#d.clock.monotonicMs();
    const stood = this.#due > 0 && now - this.#due >= STALL_MS;
    this.#due = now + HEARTBEAT_MS;
    this.#timer = this.#d.clock.setTimeout(() => this.#tick(), HEARTBEAT_MS);
    const rec = this.#d.recording();
    if (!rec) return;
    if (rec.recordsHere) {
      this.#beat(rec.recordingId);
      this.#d.successorPresent?.(this.hasSuccessor());
      return;
    }
    const beat = this.#lastBeat.get(rec.recordingId);
    if (!beat) {
      // Heard of through a state answer only: start counting from now.
      this.#lastBeat.set(rec.recordingId, { at: now, page: '' });
      return;
    }
    this.#judge(rec.recordingId, beat, now, stood);
  }

  /**
   * The room says `page` left. When it is the page that records, its silence is judged
   * GONE_SILENCE_MS after its last beat rather than at the next ticks.
   */
  #pageLeft(page: string, now: number): void {
    const rec = this.#d.recording();
    const beat = rec ? this.#lastBeat.get(rec.recordingId) : undefined;
    if (!rec || rec.recordsHere || beat?.page !== page) return;
    this.#gone.add(page);
    this.#d.clock.setTimeout(
      () => {
        const again = this.#lastBeat.get(rec.recordingId);
        if (!this.#disposed && again === beat) {
          this.#judge(rec.recordingId, beat, this.#d.clock.monotonicMs(), false);
        }
      },
      Math.max(0, beat.at + GONE_SILENCE_MS - now),
    );
  }

  /** Whether the silence of `beat`'s page means it is gone; if so, the succession starts. */
  #judge(
    recordingId: string,
    beat: { at: number; page: string },
    now: number,
    stood: boolean,
  ): void {
    const silence = now - beat.at;
    const limit = this.#gone.has(beat.page) ? GONE_SILENCE_MS : SILENCE_MS;
    if (
      silence < limit ||
      (silence < ORPHAN_SILENCE_MS && this.#successorFor(beat.page) === null)
    ) {
      this.#deferred = false;
      return;
    }
    // A page that stood still has the beats (or the stop) it missed still queued, and a timer
    // can run before them: judge on the next tick, once they are in. Only once, so a page
    // whose every timer runs late (a throttled background tab) still judges.
    if (stood && !this.#deferred) {
      this.#deferred = true;
      return;
    }
    this.#deferred = false;
    this.#lastBeat.delete(recordingId);
    this.#gone.delete(beat.page);
    this.#succeed(recordingId, beat.page);
  }

  /** The page the rule picks to continue a recording whose page `gone` left or died. */
  #successorFor(gone: string): RecorderCandidate | null {
    const candidates = this.#d.sync.pages.filter((p) => p.page !== gone);
    return chooseSuccessor(candidates, this.#d.policy);
  }

  #beat(recordingId: string): void {
    this.#d.channel.publish({ v: 1, kind: 'heartbeat', recordingId, page: this.#d.sync.pageId });
  }

  /** This page as a candidate, when it could continue a recording. */
  #me(): RecorderCandidate | null {
    return this.#d.sync.pages.find((p) => p.page === this.#d.sync.pageId && p.canRecord) ?? null;
  }

  /** The leaving recording page named this one to continue. */
  #continueNamed(recordingId: string, checkpoint?: number): void {
    const rec = this.#d.recording();
    if (!rec || rec.recordingId !== recordingId || rec.recordsHere || this.#claim) return;
    void this.#claimAndContinue(recordingId, 0, checkpoint);
  }

  /** The recording page `gone` left or died: the rule picks who continues. */
  #succeed(recordingId: string, gone: string): void {
    const rec = this.#d.recording();
    if (!rec || rec.recordingId !== recordingId || rec.recordsHere || this.#claim) return;
    const chosen = this.#successorFor(gone);
    if (!chosen) {
      this.#orphaned.add(recordingId);
      this.#d.orphaned(recordingId);
      return;
    }
    if (chosen.page !== this.#d.sync.pageId) return;
    void this.#claimAndContinue(recordingId);
  }

  async #claimAndContinue(
    recordingId: string,
    windowMs = CLAIM_WINDOW_MS,
    checkpoint?: number,
  ): Promise<void> {
    const claim = { recordingId, better: false };
    this.#claim = claim;
    this.#d.channel.publish({
      v: 1,
      kind: 'takeover',
      recordingId,
      page: this.#d.sync.pageId,
      name: this.#d.name(),
    });
    if (windowMs > 0) {
      await new Promise<void>((resolve) => this.#d.clock.setTimeout(resolve, windowMs));
    }
    try {
      if (claim.better || this.#disposed) return;
      await this.#d.takeOver(recordingId, checkpoint);
    } catch (e) {
      console.error('[room-recorder] could not continue the recording here', e);
    } finally {
      if (this.#claim === claim) this.#claim = null;
    }
  }
}
