/**
 * The recording rules of one page: a state machine over the recording phases. Every page has
 * one. The page that starts a recording drives it (its controller reports the engine's
 * progress with the `mark*` methods) and enforces the host-away timer (B9), the 24-hour cap
 * (B11) and the room's end (B15); every other page mirrors it from snapshots (B5).
 *
 * A refused action returns a `Decision` with the reason and changes nothing; only input that
 * could never be right (a bad id, a time that is not a number) throws a TypeError.
 */
import { systemClock } from './clock.js';
import type { Clock, TimerHandle } from './clock.js';
import { Emitter } from '../shared/emitter.js';
import { noticesFor } from './notices.js';
import {
  describeValue,
  parseLocalUser,
  parseRole,
  parseSnapshot,
  parseStopCause,
  parseUserId,
} from './parse.js';
import {
  ACTIVE_PHASES,
  RECORDING_PHASES,
  RESTING_PHASES,
  ROOM_SESSION_MAX_MS,
  hostAwayTimeoutMs,
  mayControl,
  recordingCapMs,
} from './rules.js';
import type {
  Decision,
  LocalUser,
  Notice,
  RecordingPhase,
  RefusalReason,
  Role,
  SessionEvent,
  SessionSnapshot,
  StopCause,
} from './types.js';

/** How a page's session machine is set up. */
export interface SessionMachineOptions {
  /** This page's user. */
  user: LocalUser;
  /** Clock and timers; default the host's own ({@link systemClock}). */
  clock?: Clock;
  /**
   * Epoch ms the room session opened (a server's wall time). With it, no recording may start
   * once the room session has lasted `roomSessionMaxMs` (72 h): refused as 'cap-reached'. It is
   * read against the wall clock once, here; from then on the limit runs on monotonic time.
   */
  roomOpenedAt?: number;
  /** B9 delay; default and longest 15 minutes (see `hostAwayTimeoutMs` in rules.ts). */
  hostAwayTimeoutMs?: number;
  /** B11 cap of one recording; default and longest 24 hours (see `recordingCapMs` in rules.ts). */
  recordingCapMs?: number;
  /** B11 limit of a room session; default 72 hours. */
  roomSessionMaxMs?: number;
  /**
   * Where an error thrown by a listener goes; default: rethrown in a microtask, so it reaches
   * the host's error reporting without breaking the machine half-way through a change.
   */
  reportError?: (error: unknown) => void;
}

/** Everything a page knows of the session; what `onChange` listeners receive. */
export interface SessionState extends SessionSnapshot {
  /** This page's phase, including the local confirm steps. */
  phase: RecordingPhase;
  stopCause: StopCause | null;
  stoppedBy: string | null;
  failure: string | null;
  /** The stored file's link, on the page that recorded it (B8). */
  url: string | null;
  /** When the recording's time zero was, on the clock's monotonic time (the elapsed counter). */
  startedAtMonotonic: number | null;
  /** When the cap will stop the recording (B11), on the clock's monotonic time. */
  capDeadline: number | null;
  /** When the host-away countdown will stop it (B9), on the clock's monotonic time. */
  hostAwayDeadline: number | null;
  /** Whether this page runs the recording (and so its timers). */
  recordsHere: boolean;
  /** Hosts and moderators in the room as last reported; null until reported. */
  hostsPresent: number | null;
  /** Whether the room has ended (B15): no recording may start any more. */
  roomEnded: boolean;
}

/** Someone who asks, through the room, for the recording to stop. */
export interface RemoteActor {
  id: string;
  role: Role;
  /** A mobile device may not stop (B1); absent means not mobile. */
  mobile?: boolean;
}

/** What a machine tells its listeners. */
interface MachineEvents {
  change: (state: SessionState) => void;
  notice: (notice: Notice) => void;
  event: (event: SessionEvent) => void;
}

/** Causes of a stop that no person asked for. */
export type AutomaticStopCause = Exclude<StopCause, 'user'>;

const OK: Decision = Object.freeze({ ok: true });
const refuse = (reason: RefusalReason): Decision => ({ ok: false, reason });

/** setTimeout's longest delay; longer waits are re-armed when they fire. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positiveMs(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Invalid ${name} ${describeValue(value)}: expected milliseconds above 0.`);
  }
  return value;
}

function epochMs(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`Invalid ${name} ${describeValue(value)}: expected epoch milliseconds.`);
  }
  return value;
}

/** One page's recording rules. See the module comment. */
export class SessionMachine {
  private user: LocalUser;
  private readonly clock: Clock;
  /** On monotonic time. */
  private readonly roomOpenedAt: number | null;
  private readonly hostAwayTimeoutMs: number;
  private readonly recordingCapMs: number;
  private readonly roomSessionMaxMs: number;
  private readonly reportError: (error: unknown) => void;

  private phase: RecordingPhase = 'idle';
  /** The phase a cancelled start confirm returns to. */
  private resting: RecordingPhase = 'idle';
  private recordingId: string | null = null;
  private startedAt: number | null = null;
  private startedAtMonotonic: number | null = null;
  private initiatorId: string | null = null;
  private stopCause: StopCause | null = null;
  private stoppedBy: string | null = null;
  /** The limit behind a stop by a timer (B9, B11), as the recording page had it. */
  private stopLimitMs: number | null = null;
  private failure: string | null = null;
  private url: string | null = null;
  private hostAwayDeadline: number | null = null;
  private capDeadline: number | null = null;
  private recordsHere = false;
  private hostsPresent: number | null = null;
  private ended = false;
  private disposed = false;

  private hostAwayTimer: TimerHandle | null = null;
  private capTimer: TimerHandle | null = null;
  /** Recordings whose start and stop notices were given, so repeated snapshots stay quiet. */
  private readonly startedNoticed = new Set<string>();
  private readonly stoppedNoticed = new Set<string>();

  private readonly events: Emitter<MachineEvents>;

  /** @throws TypeError for a bad user or option. */
  constructor(options: SessionMachineOptions) {
    this.user = parseLocalUser(options.user);
    this.clock = options.clock ?? systemClock;
    this.reportError = options.reportError ?? rethrowLater;
    this.events = new Emitter<MachineEvents>(this.reportError);
    this.roomOpenedAt =
      options.roomOpenedAt === undefined
        ? null
        : this.clock.monotonicMs() -
          (this.clock.epochMs() - epochMs('roomOpenedAt', options.roomOpenedAt));
    this.hostAwayTimeoutMs = hostAwayTimeoutMs(options.hostAwayTimeoutMs, 'hostAwayTimeoutMs');
    this.recordingCapMs = recordingCapMs(options.recordingCapMs, 'recordingCapMs');
    this.roomSessionMaxMs = positiveMs(
      'roomSessionMaxMs',
      options.roomSessionMaxMs,
      ROOM_SESSION_MAX_MS,
    );
  }

  // ---- reading ---------------------------------------------------------------------------

  /** A copy of everything this page knows, with its local phase. */
  get state(): SessionState {
    return {
      phase: this.phase,
      recordingId: this.recordingId,
      startedAt: this.startedAt,
      elapsedMs: this.elapsedMs(),
      initiatorId: this.initiatorId,
      hostAwayRemainingMs: this.hostAwayRemainingMs(),
      stopCause: this.stopCause,
      stoppedBy: this.stoppedBy,
      stopLimitMs: this.stopLimitMs,
      failure: this.failure,
      url: this.url,
      startedAtMonotonic: this.startedAtMonotonic,
      capDeadline: this.capDeadline,
      hostAwayDeadline: this.hostAwayDeadline,
      recordsHere: this.recordsHere,
      hostsPresent: this.hostsPresent,
      roomEnded: this.ended,
    };
  }

  /** The local user. */
  get localUser(): LocalUser {
    return { ...this.user };
  }

  /**
   * What the other pages should see (B5): the local confirm steps are not shared, so
   * 'confirming-start' reads as the phase before it and 'confirming-stop' as 'recording'.
   * The link is not shared either: only the owner may see the file (B13).
   */
  snapshot(): SessionSnapshot {
    return {
      phase: this.sharedPhase(),
      recordingId: this.recordingId,
      startedAt: this.startedAt,
      elapsedMs: this.elapsedMs(),
      initiatorId: this.initiatorId,
      hostAwayRemainingMs: this.hostAwayRemainingMs(),
      stopCause: this.stopCause,
      stoppedBy: this.stoppedBy,
      ...(this.stopLimitMs !== null ? { stopLimitMs: this.stopLimitMs } : {}),
      failure: this.failure,
    };
  }

  /**
   * Whether Record may be offered now, and why not (B1, B11): hosts and moderators not on a
   * mobile device, with nothing recording or finishing, in a room that has not ended nor
   * outlived its 72 hours.
   */
  canStart(): Decision {
    const may = mayControl(this.user);
    if (!may.ok) return may;
    if (this.phase === 'confirming-start') return refuse('busy');
    return this.startRefusal(this.phase) ?? OK;
  }

  /** Whether Stop may be offered now, and why not (B1). */
  canStop(): Decision {
    const may = mayControl(this.user);
    if (!may.ok) return may;
    if (this.phase === 'recording') return OK;
    if (this.phase === 'confirming-stop') return refuse('busy');
    return refuse('not-recording');
  }

  // ---- the local user's actions -----------------------------------------------------------

  /** Record chosen: opens the start confirm (B2), or says why not. */
  requestStart(): Decision {
    const decision = this.canStart();
    if (!decision.ok) return decision;
    this.resting = this.phase;
    this.phase = 'confirming-start';
    this.emitChange();
    return OK;
  }

  /** Cancel in either confirm: back to where it was. */
  cancel(): Decision {
    if (this.phase === 'confirming-start') this.phase = this.resting;
    else if (this.phase === 'confirming-stop') this.phase = 'recording';
    else return refuse('not-confirming');
    this.emitChange();
    return OK;
  }

  /**
   * Start Recording pressed: this page now drives a recording, phase 'starting', and
   * everyone is told it will start (B3). The controller then starts the engine and calls
   * {@link markRecording}.
   */
  confirmStart(): Decision {
    if (this.phase !== 'confirming-start') {
      return refuse(ACTIVE_PHASES.has(this.phase) ? 'already-recording' : 'not-confirming');
    }
    // The rules are asked again: the role, the room or the clock may have changed while the
    // dialog was open.
    const may = mayControl(this.user);
    const refusal = may.ok ? this.startRefusal(this.resting) : may;
    if (refusal) {
      this.phase = this.resting;
      this.emitChange();
      return refusal;
    }
    this.clearTimers();
    this.phase = 'starting';
    this.recordsHere = true;
    this.recordingId = null;
    this.startedAt = null;
    this.startedAtMonotonic = null;
    this.initiatorId = this.user.id;
    this.stopCause = null;
    this.stoppedBy = null;
    this.stopLimitMs = null;
    this.failure = null;
    this.url = null;
    this.emitChange();
    this.emitEvent({ type: 'starting', initiatorId: this.user.id });
    return OK;
  }

  /** The square or the menu's Stop recording: opens the stop confirm (B6), or says why not. */
  requestStop(): Decision {
    const decision = this.canStop();
    if (!decision.ok) return decision;
    this.phase = 'confirming-stop';
    this.emitChange();
    return OK;
  }

  /**
   * The red Stop recording pressed: the recording stops and is kept (B7). On the page that
   * records, the controller then stops the engine; on another page, it sends the stop to the
   * recording page, which calls {@link acceptRemoteStop}.
   */
  confirmStop(): Decision {
    if (this.phase !== 'confirming-stop') {
      return refuse(this.phase === 'recording' ? 'not-confirming' : 'not-recording');
    }
    const may = mayControl(this.user);
    if (!may.ok) {
      this.phase = 'recording';
      this.emitChange();
      return may;
    }
    this.stopNow('user', this.user.id);
    return OK;
  }

  // ---- the recording page: commands from the room and the engine's progress ---------------

  /**
   * A stop asked by another page's host or moderator (B7), as the room channel reports the
   * sender. Honoured only on the page that records, and only from someone allowed (B1).
   * @throws TypeError for an actor without a valid id or role.
   */
  acceptRemoteStop(actor: RemoteActor): Decision {
    const id = parseUserId(actor?.id, 'actor id');
    const role = parseRole(actor.role);
    const may = mayControl({ role, mobile: actor.mobile === true });
    if (!may.ok) return may;
    if (!this.recordsHere) return refuse('not-recording');
    if (this.phase === 'starting') return refuse('busy');
    if (this.phase !== 'recording' && this.phase !== 'confirming-stop') {
      return refuse('not-recording');
    }
    this.stopNow('user', id);
    return OK;
  }

  /**
   * The engine is recording: phase 'recording', everyone is told (B3), the 24-hour cap
   * (B11) and, with no host present, the host-away timer (B9) start counting.
   * @param startedAt epoch ms of the first frame, for dates and names only.
   * @param elapsedMs how long ago, now, the file's time zero was (the engine's start took
   *   time): the cap and the elapsed counter count from there, on monotonic time.
   * @throws TypeError for a start time that is not a number, a negative elapsed time or an
   *   empty id.
   */
  markRecording(startedAt: number, recordingId: string, elapsedMs = 0): Decision {
    const at = epochMs('recording start time', startedAt);
    const id = parseUserId(recordingId, 'recording id');
    if (typeof elapsedMs !== 'number' || !Number.isFinite(elapsedMs) || elapsedMs < 0) {
      throw new TypeError(
        `Invalid elapsed time ${describeValue(elapsedMs)}: expected milliseconds of 0 or more.`,
      );
    }
    if (!this.recordsHere || this.phase !== 'starting') {
      return refuse(ACTIVE_PHASES.has(this.phase) ? 'already-recording' : 'not-recording');
    }
    this.phase = 'recording';
    this.startedAt = at;
    this.startedAtMonotonic = this.clock.monotonicMs() - elapsedMs;
    this.recordingId = id;
    this.capDeadline = this.startedAtMonotonic + this.recordingCapMs;
    this.capTimer = this.arm(this.capDeadline);
    this.updateHostAway();
    this.emitChange();
    this.startedNoticed.add(id);
    this.emitEvent({
      type: 'started',
      initiatorId: this.initiatorId ?? this.user.id,
      recordingId: id,
      startedAt: at,
    });
    return OK;
  }

  /**
   * X9: this page continues the recording another page was making (it left or died), as the
   * succession rule chose. The recording keeps its id, start and elapsed time (the counter
   * goes on from the original start); this page now records it, runs its timers (the cap
   * counts from the original start, the host-away rule goes on) and is its initiator for the
   * notices that follow. Only from a mirrored recording.
   */
  takeOver(recordingId: string): Decision {
    const id = parseUserId(recordingId, 'recording id');
    if (this.recordsHere) return refuse('already-recording');
    if (this.recordingId !== id || !RECORDING_PHASES.has(this.phase)) {
      return refuse('not-recording');
    }
    if (this.startedAtMonotonic === null) return refuse('not-recording');
    this.phase = 'recording';
    this.recordsHere = true;
    this.initiatorId = this.user.id;
    this.capDeadline = this.startedAtMonotonic + this.recordingCapMs;
    this.capTimer = this.arm(this.capDeadline);
    // B9 goes on where it was: a countdown the room was already in keeps its deadline.
    if (this.hostAwayDeadline !== null) this.hostAwayTimer = this.arm(this.hostAwayDeadline);
    this.updateHostAway();
    this.emitChange();
    return OK;
  }

  /**
   * X9: this page handed its recording over (a clean leave): it goes on elsewhere, so this
   * page mirrors it from now on, as every other page does, and runs no timer for it.
   */
  release(): Decision {
    if (!this.recordsHere || !RECORDING_PHASES.has(this.phase)) return refuse('not-recording');
    this.recordsHere = false;
    if (this.capTimer !== null) this.clock.clearTimeout(this.capTimer);
    if (this.hostAwayTimer !== null) this.clock.clearTimeout(this.hostAwayTimer);
    this.capTimer = null;
    this.hostAwayTimer = null;
    if (this.phase === 'confirming-stop') this.phase = 'recording';
    this.emitChange();
    return OK;
  }

  /**
   * X9: the page recording `recordingId` is gone and no page can continue it. It ends here as
   * it ends there: what was recorded is kept by that device (X1); this page stops showing it.
   */
  forget(recordingId: string): Decision {
    if (this.recordsHere || this.recordingId !== recordingId || !RECORDING_PHASES.has(this.phase)) {
      return refuse('not-recording');
    }
    this.phase = 'idle';
    this.resting = 'idle';
    this.startedAtMonotonic = null;
    this.capDeadline = null;
    this.hostAwayDeadline = null;
    // Should the recording turn out alive after all, this page is told again that it records.
    this.startedNoticed.delete(recordingId);
    this.emitChange();
    return OK;
  }

  /**
   * A stop no person asked for, on the page that records: the engine's fault ('error',
   * 'storage-full'), or the timers' own causes. What was written is kept and uploaded.
   * @throws TypeError for 'user' (use {@link confirmStop} or {@link acceptRemoteStop}) or an
   *   unknown cause.
   */
  autoStop(cause: AutomaticStopCause): Decision {
    if (parseStopCause(cause) === 'user') {
      throw new TypeError(
        'autoStop("user") is not a stop cause: a person stops through confirmStop or acceptRemoteStop.',
      );
    }
    if (!this.recordsHere || !ACTIVE_PHASES.has(this.phase)) return refuse('not-recording');
    this.stopNow(cause, null);
    return OK;
  }

  /** The file is being finished and uploaded (after a stop). */
  markUploading(): Decision {
    if (this.phase === 'uploading') return OK;
    if (this.phase !== 'stopping') return refuse('not-recording');
    this.phase = 'uploading';
    this.emitChange();
    return OK;
  }

  /**
   * The file is stored (B8): the initiator is told, with its link.
   * @throws TypeError for an empty link.
   */
  markAvailable(url: string): Decision {
    if (typeof url !== 'string' || url.trim() === '') {
      throw new TypeError(`Invalid recording link ${describeValue(url)}: expected a URL string.`);
    }
    if (this.phase !== 'stopping' && this.phase !== 'uploading') return refuse('not-recording');
    this.phase = 'available';
    this.url = url;
    this.recordsHere = false;
    this.emitChange();
    this.emitEvent({ type: 'available', initiatorId: this.initiatorId ?? this.user.id, url });
    return OK;
  }

  /**
   * The recording could not be made or stored. Hosts, moderators and the initiator are told.
   * @throws TypeError when the reason is not a string.
   */
  markFailed(reason: string): Decision {
    if (typeof reason !== 'string') {
      throw new TypeError(`Invalid failure reason ${describeValue(reason)}: expected a string.`);
    }
    if (!ACTIVE_PHASES.has(this.phase) && this.phase !== 'stopping' && this.phase !== 'uploading') {
      return refuse('not-recording');
    }
    this.clearTimers();
    this.phase = 'failed';
    this.failure = reason.trim() === '' ? 'unknown error' : reason;
    this.recordsHere = false;
    this.emitChange();
    this.emitEvent({
      type: 'failed',
      initiatorId: this.initiatorId ?? this.user.id,
      reason: this.failure,
    });
    return OK;
  }

  // ---- the room -------------------------------------------------------------------------

  /**
   * Hosts and moderators now in the room (B9), as user ids or a count. Whoever reports it
   * counts only people in the room: a host whose page records but who has left the room does
   * not count. When the count drops to zero while this page records, the recording goes on
   * and stops by itself after 15 minutes ('host-away'), unless one comes back. Until first
   * reported, hosts count as present.
   * @throws TypeError for a negative or fractional count, or ids that are not strings.
   */
  setPresence(hosts: number | Iterable<string>): void {
    let count: number;
    if (typeof hosts === 'number') {
      if (!Number.isInteger(hosts) || hosts < 0) {
        throw new TypeError(
          `Invalid host count ${describeValue(hosts)}: expected a whole number of 0 or more.`,
        );
      }
      count = hosts;
    } else {
      const ids = new Set<string>();
      for (const id of hosts) ids.add(parseUserId(id, 'host id'));
      count = ids.size;
    }
    const before = this.hostAwayDeadline;
    const changed = count !== this.hostsPresent;
    this.hostsPresent = count;
    this.updateHostAway();
    if (changed || before !== this.hostAwayDeadline) this.emitChange();
  }

  /**
   * The room has ended (B15): a recording made here stops and is kept ('room-ended'), and no
   * new one may start. Returns `not-recording` when there was nothing to stop here.
   */
  roomEnded(): Decision {
    const wasEnded = this.ended;
    this.ended = true;
    if (this.recordsHere && ACTIVE_PHASES.has(this.phase)) {
      this.stopNow('room-ended', null);
      return OK;
    }
    if (this.phase === 'confirming-start') this.phase = this.resting;
    if (!wasEnded) this.emitChange();
    return refuse('not-recording');
  }

  /** The host application changed this page's user (a promotion, a demotion). */
  setLocalUser(user: LocalUser): void {
    this.user = parseLocalUser(user);
    // A confirm the user may no longer answer closes.
    if (!mayControl(this.user).ok) {
      if (this.phase === 'confirming-start') this.phase = this.resting;
      if (this.phase === 'confirming-stop') this.phase = 'recording';
    }
    this.emitChange();
  }

  /**
   * Mirror the recording page (B5): a late joiner sees the phase, the start time (for the
   * elapsed counter) and the host-away deadline at once, and every page derives the same
   * notices from the change. A local confirm stays open while the shared phase allows it.
   * The page that records refuses ('busy'): it is the source of the snapshots.
   * @throws TypeError for a malformed snapshot (see `parseSnapshot`).
   */
  applyRemote(snapshot: SessionSnapshot): Decision {
    const next = parseSnapshot(snapshot);
    if (this.recordsHere) return refuse('busy');
    const before = this.sharedPhase();
    const sameRecording = next.recordingId === this.recordingId;

    const now = this.clock.monotonicMs();
    this.recordingId = next.recordingId;
    this.startedAt = next.startedAt;
    this.startedAtMonotonic = this.mirroredStart(next, sameRecording, now);
    this.initiatorId = next.initiatorId;
    this.hostAwayDeadline =
      next.hostAwayRemainingMs === null ? null : now + next.hostAwayRemainingMs;
    this.stopCause = next.stopCause ?? null;
    this.stoppedBy = next.stoppedBy ?? null;
    this.stopLimitMs = next.stopLimitMs ?? null;
    this.failure = next.failure ?? null;
    this.capDeadline =
      this.startedAtMonotonic === null ? null : this.startedAtMonotonic + this.recordingCapMs;
    if (next.phase !== 'available') this.url = null;

    if (this.phase === 'confirming-start' && RESTING_PHASES.has(next.phase)) {
      this.resting = next.phase;
    } else if (this.phase === 'confirming-stop' && next.phase === 'recording' && sameRecording) {
      // The stop confirm stays open over a repeated snapshot of the same recording.
    } else {
      this.phase = next.phase;
      if (RESTING_PHASES.has(next.phase)) this.resting = next.phase;
    }
    this.emitChange();
    this.deriveEvents(before, next);
    return OK;
  }

  // ---- listeners ------------------------------------------------------------------------

  /** Called with the new state after every change; returns an unsubscribe function. */
  onChange(listener: (state: SessionState) => void): () => void {
    return this.events.on('change', listener);
  }

  /** Called with every notice this page's user should see; returns an unsubscribe function. */
  onNotice(listener: (notice: Notice) => void): () => void {
    return this.events.on('notice', listener);
  }

  /**
   * Called with every step of the recording as this page sees it (for the room channel, or
   * for notices to other viewers via `noticesFor`); returns an unsubscribe function.
   */
  onEvent(listener: (event: SessionEvent) => void): () => void {
    return this.events.on('event', listener);
  }

  /**
   * Applies any deadline that has passed. The timers call it; a controller may call it too
   * (when a throttled background tab wakes up, for instance), since a timer can fire late.
   */
  checkDeadlines(): void {
    if (!this.recordsHere || !ACTIVE_PHASES.has(this.phase)) return;
    const now = this.clock.monotonicMs();
    if (this.capDeadline !== null && now >= this.capDeadline) {
      this.stopNow('cap', null);
    } else if (this.hostAwayDeadline !== null && now >= this.hostAwayDeadline) {
      this.stopNow('host-away', null);
    }
  }

  /** Stops the timers and drops every listener; the machine does nothing afterwards. */
  dispose(): void {
    this.disposed = true;
    this.clearTimers();
    this.events.clear();
  }

  // ---- internals --------------------------------------------------------------------------

  /** How long the recording has run, on monotonic time; null when it is not running. */
  private elapsedMs(): number | null {
    if (this.startedAtMonotonic === null || !ACTIVE_PHASES.has(this.phase)) return null;
    return Math.max(0, Math.round(this.clock.monotonicMs() - this.startedAtMonotonic));
  }

  private hostAwayRemainingMs(): number | null {
    if (this.hostAwayDeadline === null) return null;
    return Math.max(0, Math.round(this.hostAwayDeadline - this.clock.monotonicMs()));
  }

  /**
   * The recording's time zero on this page's monotonic clock, from a snapshot. Repeated
   * snapshots of one recording differ only by their delivery time, so a start already known
   * moves only when the new one disagrees by more than a quarter second (a recording page
   * that came back, a late first snapshot): the counter does not flicker.
   */
  private mirroredStart(next: SessionSnapshot, sameRecording: boolean, now: number): number | null {
    if (next.elapsedMs === null) return null;
    const start = now - next.elapsedMs;
    const known = sameRecording ? this.startedAtMonotonic : null;
    return known !== null && Math.abs(known - start) <= 250 ? known : start;
  }

  private sharedPhase(): RecordingPhase {
    if (this.phase === 'confirming-start') return this.resting;
    if (this.phase === 'confirming-stop') return 'recording';
    return this.phase;
  }

  /** Why a start from `from` is refused, not counting the user's role; null when it may. */
  private startRefusal(from: RecordingPhase): Decision | null {
    if (this.ended) return refuse('not-allowed');
    if (ACTIVE_PHASES.has(from)) return refuse('already-recording');
    if (!RESTING_PHASES.has(from)) return refuse('busy');
    if (
      this.roomOpenedAt !== null &&
      this.clock.monotonicMs() >= this.roomOpenedAt + this.roomSessionMaxMs
    ) {
      return refuse('cap-reached');
    }
    return null;
  }

  private stopNow(cause: StopCause, stoppedBy: string | null): void {
    this.clearTimers();
    this.phase = 'stopping';
    this.stopCause = cause;
    this.stoppedBy = stoppedBy;
    this.stopLimitMs =
      cause === 'cap' ? this.recordingCapMs : cause === 'host-away' ? this.hostAwayTimeoutMs : null;
    this.emitChange();
    this.stoppedNoticed.add(this.recordingId ?? '');
    this.emitEvent({
      type: 'stopped',
      initiatorId: this.initiatorId ?? '',
      cause,
      stoppedBy,
      ...(this.stopLimitMs !== null ? { limitMs: this.stopLimitMs } : {}),
    });
  }

  /** Starts or cancels the B9 countdown to match presence and phase. */
  private updateHostAway(): void {
    const away =
      this.recordsHere &&
      (this.phase === 'recording' || this.phase === 'confirming-stop') &&
      this.hostsPresent === 0;
    if (away && this.hostAwayDeadline === null) {
      this.hostAwayDeadline = this.clock.monotonicMs() + this.hostAwayTimeoutMs;
      this.hostAwayTimer = this.arm(this.hostAwayDeadline);
    } else if (!away && this.hostAwayDeadline !== null) {
      if (this.hostAwayTimer !== null) this.clock.clearTimeout(this.hostAwayTimer);
      this.hostAwayTimer = null;
      this.hostAwayDeadline = null;
    }
  }

  /**
   * A timer for `deadline` that checks the clock when it fires and waits again if it fired
   * early (a delay beyond setTimeout's range, a clock that moved). Whichever field holds the
   * handle is kept up to date.
   */
  private arm(deadline: number): TimerHandle {
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, deadline - this.clock.monotonicMs()));
    const handle: TimerHandle = this.clock.setTimeout(() => {
      if (this.disposed) return;
      const again = this.clock.monotonicMs() < deadline ? this.arm(deadline) : null;
      if (this.capTimer === handle) this.capTimer = again;
      if (this.hostAwayTimer === handle) this.hostAwayTimer = again;
      if (again === null) this.checkDeadlines();
    }, delay);
    return handle;
  }

  private clearTimers(): void {
    if (this.capTimer !== null) this.clock.clearTimeout(this.capTimer);
    if (this.hostAwayTimer !== null) this.clock.clearTimeout(this.hostAwayTimer);
    this.capTimer = null;
    this.hostAwayTimer = null;
    this.capDeadline = null;
    this.hostAwayDeadline = null;
  }

  /** The events a mirrored change means, each recording's start and stop told once. */
  private deriveEvents(before: RecordingPhase, next: SessionSnapshot): void {
    const initiatorId = next.initiatorId ?? '';
    const key = next.recordingId ?? '';
    if (next.phase === 'starting' && before !== 'starting') {
      this.emitEvent({ type: 'starting', initiatorId });
    }
    if (
      next.phase === 'recording' &&
      next.recordingId !== null &&
      next.startedAt !== null &&
      !this.startedNoticed.has(key)
    ) {
      this.startedNoticed.add(key);
      this.emitEvent({
        type: 'started',
        initiatorId,
        recordingId: next.recordingId,
        startedAt: next.startedAt,
      });
    }
    const finishing =
      next.phase === 'stopping' || next.phase === 'uploading' || next.phase === 'available';
    if (
      finishing &&
      (before === 'starting' || before === 'recording') &&
      !this.stoppedNoticed.has(key)
    ) {
      this.stoppedNoticed.add(key);
      this.emitEvent({
        type: 'stopped',
        initiatorId,
        cause: next.stopCause ?? 'user',
        stoppedBy: next.stoppedBy ?? null,
        // The recording page's limit, which may not be this page's (B9, B11).
        ...(typeof next.stopLimitMs === 'number' ? { limitMs: next.stopLimitMs } : {}),
      });
    }
    if (next.phase === 'failed' && before !== 'failed' && !RESTING_PHASES.has(before)) {
      this.emitEvent({ type: 'failed', initiatorId, reason: next.failure ?? 'unknown error' });
    }
  }

  private emitChange(): void {
    if (this.disposed) return;
    const state = this.state;
    this.events.emit('change', state);
  }

  private emitEvent(event: SessionEvent): void {
    if (this.disposed) return;
    this.events.emit('event', event);
    const limits = {
      recordingCapMs: this.recordingCapMs,
      hostAwayTimeoutMs: this.hostAwayTimeoutMs,
    };
    for (const notice of noticesFor(event, this.user, limits)) {
      this.events.emit('notice', notice);
    }
  }
}

function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}
