/**
 * One controller per page: it joins the session rules (session/), the room (room/) and the
 * engine (pipeline, journal, upload) and hands the UI a `RecorderView`. The page that starts
 * a recording owns it: it runs the engine, publishes the state every other page mirrors, and
 * honours stop requests from other hosts and moderators.
 */
import type { LibraryEntry } from '../library/types.js';
import { RoomSync, roomEndedMessage, stopRequestMessage } from '../room/index.js';
import type { RoomMessage, SenderInfo } from '../room/index.js';
import { systemClock, type Clock } from '../session/clock.js';
import { Emitter } from '../shared/emitter.js';
import { SessionMachine } from '../session/machine.js';
import { DEFAULT_KEY_PREFIX, objectKey, recordingFileName } from '../session/naming.js';
import { recordingOwner } from '../session/owner.js';
import {
  RECORDING_PHASES,
  hostAwayTimeoutMs,
  isHostRole,
  mayControl,
  recordOffer,
  recordingCapMs,
  seesElapsed,
  stopOffer,
} from '../session/rules.js';
import type {
  Decision,
  Notice,
  RecordingPhase,
  SessionEvent,
  StopCause,
} from '../session/types.js';
import type { LeaveOptions, RecorderControllerApi, RecorderView } from './controller-types.js';
import type {
  EngineHealth,
  PreflightResult,
  RecordingMeta,
  SaveState,
  StoredRecording,
} from './engine.js';
import type { RecorderOptions } from './options.js';
import { backgroundClock } from './background-clock.js';
import { SuccessionWatch } from './succession-watch.js';

const NOT_CONFIGURED: PreflightResult = { ok: false, problems: ['not-configured'] };
/** Phases after Stop on the page that recorded, until the file is stored or failed. */
const FINISHING: ReadonlySet<RecordingPhase> = new Set(['stopping', 'uploading']);

/** The recorder of one page. See the module comment. */
export class RecorderController implements RecorderControllerApi {
  readonly #options: RecorderOptions;
  readonly #machine: SessionMachine;
  readonly #sync: RoomSync;
  readonly #clock: Clock;
  readonly #events = new Emitter<{
    view: (view: RecorderView) => void;
    notice: (notice: Notice) => void;
  }>();
  readonly #cleanups: Array<() => void> = [];
  #preflight: PreflightResult | null = null;
  #health: EngineHealth | null = null;
  /** Where this page's recording is (X10); null until this page records. */
  #save: SaveState | null = null;
  #lastRecording: StoredRecording | null = null;
  /** True from Start Recording until this page has published the recording's last state. */
  #owning = false;
  #disposed = false;
  readonly #watch: SuccessionWatch;
  /** Whether this page said it could continue a recording, as last announced. */
  #announcedCapability = false;
  /** A takeover failed here (X9): this page no longer offers to continue recordings. */
  #continueFailed = false;
  /** X9: a look at storage for which of two recording pages goes on, while one is under way. */
  #rivalCheck: Promise<void> | null = null;
  #rivalQuietUntil = 0;
  /**
   * B9: this page's user left the room while the page goes on recording; the page stops
   * listening once the recording is stored.
   */
  #away = false;

  /** @throws TypeError for a time limit out of range (`maxRecordingMs`, `hostAwayTimeoutMs`). */
  constructor(options: RecorderOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#machine = new SessionMachine({
      user: { id: options.userId, role: options.role, mobile: options.mobile },
      // The cap and the host-away time must stop on time in a background tab too.
      clock: options.clock ?? backgroundClock(systemClock),
      // Checked here under the names the integrator used.
      recordingCapMs: recordingCapMs(options.maxRecordingMs, 'maxRecordingMs'),
      hostAwayTimeoutMs: hostAwayTimeoutMs(options.hostAwayTimeoutMs, 'hostAwayTimeoutMs'),
      reportError: (e) => console.error('[room-recorder]', e),
    });
    const self: SenderInfo = { userId: options.userId, role: options.role };
    this.#sync = new RoomSync({
      channel: options.channel,
      self,
      now: () => this.#clock.epochMs(),
      provider: () =>
        this.#owning ? { snapshot: this.#machine.snapshot(), title: options.meetingTitle } : null,
      capability: () => ({ canRecord: this.#canContinue(), name: this.#name() }),
    });
    this.#watch = new SuccessionWatch({
      clock: this.#clock,
      sync: this.#sync,
      channel: options.channel,
      self: () => self,
      policy: options.succession ?? {},
      name: () => this.#name(),
      recording: () => {
        const s = this.#machine.state;
        return s.recordingId !== null && RECORDING_PHASES.has(s.phase)
          ? { recordingId: s.recordingId, recordsHere: s.recordsHere }
          : null;
      },
      takeOver: (id, checkpoint) => this.#takeOver(id, checkpoint),
      successorPresent: (present) => options.engine?.handoffPossible?.(present),
      continuedBy: (_id, name) => {
        // X9: hosts and moderators are told where the recording now runs.
        if (isHostRole(options.role)) {
          this.#emitNotice({ id: 'recording-continues', audience: 'hosts', params: { name } });
        }
      },
      orphaned: (id) => {
        if (this.#machine.forget(id).ok) {
          this.#emitNotice({ id: 'recording-orphaned', audience: 'everyone' });
        }
      },
      // The recording page answers with its state as it is now (phase, elapsed time).
      heardAgain: () => this.#sync.requestState(),
      rival: (id, page, name) => void this.#checkRival(id, page, name),
    });

    this.#cleanups.push(
      this.#machine.onChange((state) => {
        if (this.#owning) {
          this.#sync.update();
          if (state.phase === 'available' || state.phase === 'failed') this.#owning = false;
        }
        this.#emitView();
        // After the notices of this change (the machine gives them next), not before.
        if (this.#away && !state.recordsHere) queueMicrotask(() => this.dispose());
      }),
      this.#machine.onNotice((notice) => this.#emitNotice(notice)),
      this.#machine.onEvent((event) => this.#onSessionEvent(event)),
      this.#sync.on('state', (state) => {
        if (!state.local) this.#machine.applyRemote(state.snapshot);
      }),
      this.#sync.on('presence', () => this.#reportPresence()),
      options.channel.subscribe((message, sender) => this.#onRoomMessage(message, sender)),
      () => this.#watch.dispose(),
    );

    const engine = options.engine;
    if (engine) {
      this.#cleanups.push(
        engine.on('health', (health) => {
          this.#health = health;
          this.#emitView();
        }),
        engine.on('fault', (cause, message) => {
          console.warn(`[room-recorder] recording stopped by itself (${cause}): ${message}`);
          this.#machine.autoStop(cause === 'user' ? 'error' : cause);
        }),
        engine.on('recovered', (stored) => this.#announceStored(stored)),
        engine.on('save', (save) => {
          this.#save = save;
          this.#emitView();
        }),
      );
    }
    this.#sync.start();
    void this.refreshPreflight();
    if (engine && isHostRole(options.role)) {
      // X1: recordings a crash left behind are finished without a question.
      engine.recover().catch((e: unknown) => console.error('[room-recorder] recovery failed', e));
    }
  }

  get view(): RecorderView {
    const state = this.#machine.state;
    const canStart = this.#startDecision();
    const canStop = this.#machine.canStop();
    const recording = RECORDING_PHASES.has(state.phase) && state.startedAtMonotonic !== null;
    const save = this.#save;
    // After Stop this page keeps saying where the recording is until storage holds it all.
    const saving =
      !recording && save !== null && save.where !== 'saved' && FINISHING.has(state.phase);
    const shown = recording || saving;
    return {
      phase: state.phase,
      recordsHere: state.recordsHere,
      role: this.#options.role,
      mobile: this.#options.mobile,
      canStart,
      canStop,
      record: recordOffer(canStart),
      stop: stopOffer(canStop),
      indicator: {
        shown,
        saving,
        save: shown ? save : null,
        elapsed: recording && seesElapsed(this.#options.role),
        stop: recording && (canStop.ok || state.phase === 'confirming-stop'),
      },
      mediaFiles: this.#options.library !== null,
      preflight: this.#preflight,
      startedAtMonotonic: state.startedAtMonotonic,
      health: this.#health,
      lastRecording: this.#lastRecording,
    };
  }

  /** The clock's monotonic time, which `view.startedAtMonotonic` is on. */
  monotonicNow(): number {
    return this.#clock.monotonicMs();
  }

  subscribe(listener: (view: RecorderView) => void): () => void {
    return this.#events.on('view', listener);
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    return this.#events.on('notice', listener);
  }

  /** Runs the pre-flight again (X4), e.g. after storage was freed or another tab closed. */
  async refreshPreflight(): Promise<PreflightResult | null> {
    if (!this.#machine.canStart().ok && this.#machine.state.phase === 'idle') {
      // Participants and mobile devices never record: nothing to check.
      this.#preflight = null;
    } else if (!this.#options.engine) {
      this.#preflight = NOT_CONFIGURED;
    } else {
      try {
        this.#preflight = await this.#options.engine.preflight();
        if (this.#preflight.uploadError) {
          console.warn(
            `[room-recorder] pre-flight: storage refused a test write: ${this.#preflight.uploadError}`,
          );
        }
      } catch (e) {
        console.warn('[room-recorder] pre-flight failed', e);
        this.#preflight = { ok: false, problems: ['upload-unreachable'] };
      }
    }
    // The room learns whether this page could continue a recording (X9).
    const capable = this.#canContinue();
    if (capable !== this.#announcedCapability) {
      this.#announcedCapability = capable;
      this.#sync.reannounce();
    }
    this.#emitView();
    return this.#preflight;
  }

  /**
   * This page's user leaves the room.
   *
   * - X9: a recording made here is handed over to another page (its unsent tail put in
   *   storage first) and goes on there, and this page stops listening (`dispose()`).
   * - B9, with `keepRecording`, when no page can continue it: the recording goes on on this
   *   page, which must stay open, but its user no longer counts as in the room. With no other
   *   host or moderator there, it stops by itself `hostAwayTimeoutMs` later, unless one is
   *   back. The page keeps telling the room about the recording until it is stored, then
   *   stops listening.
   *
   * Resolves false, doing nothing, when a recording made here cannot be handed over (an
   * engine without handoff, or no page in the room that could continue it) and
   * `keepRecording` is not set: it then goes on on this page, whose user stays in the room,
   * or is stopped first.
   */
  async leaveRoom(options: LeaveOptions = {}): Promise<boolean> {
    const state = this.#machine.state;
    const engine = this.#options.engine;
    const recordsHere = state.recordsHere && RECORDING_PHASES.has(state.phase);
    if (recordsHere && state.recordingId && engine?.leave && this.#watch.hasSuccessor()) {
      await engine.leave();
      this.#machine.release();
      this.#owning = false;
      this.#publishLeaving(state.recordingId);
    } else if (state.recordsHere && options.keepRecording === true) {
      this.#away = true;
      this.#reportPresence();
      return true;
    } else if (recordsHere) {
      return false;
    }
    this.dispose();
    return true;
  }

  /**
   * X9: another page beats for the recording made here. Storage decides which of the two goes
   * on (see `RecordingEngine.standDown`); asked once at a time, and again only 2 s later, since
   * the page that goes on hears the other's beats every second until it stops.
   */
  async #checkRival(recordingId: string, page: string, name: string | null): Promise<void> {
    const engine = this.#options.engine;
    const now = this.#clock.monotonicMs();
    if (!engine?.standDown || this.#rivalCheck !== null || now < this.#rivalQuietUntil) return;
    this.#rivalCheck = engine.standDown(recordingId).then(
      (stood) => {
        if (!stood || !this.#machine.release().ok) return;
        const { part } = stood;
        this.#owning = false;
        // Its user goes on seeing the recording, now mirrored from the page that makes it.
        this.#emitNotice({
          id: 'recording-taken-over',
          audience: 'hosts',
          params: {
            name:
              name ??
              this.#sync.pages.find((p) => p.page === page)?.userId ??
              'another participant',
          },
        });
        this.#sync.reannounce();
        if (part) this.#announceStored(part);
      },
      (e: unknown) => console.warn('[room-recorder] could not learn which page goes on', e),
    );
    await this.#rivalCheck;
    this.#rivalCheck = null;
    this.#rivalQuietUntil = this.#clock.monotonicMs() + 2_000;
  }

  /** B9: who counts as in the room for the host-away timer; this page once its user left. */
  #reportPresence(): void {
    const self = this.#sync.pageId;
    const hosts = this.#sync.pages
      .filter((p) => isHostRole(p.role) && !(this.#away && p.page === self))
      .map((p) => p.userId);
    this.#machine.setPresence(hosts);
  }

  /**
   * The page is going away with no time to hand anything over (pagehide): the room is told
   * at once, so a successor continues from what storage holds without waiting for silence.
   */
  pageHidden(): void {
    const state = this.#machine.state;
    if (!state.recordsHere || !state.recordingId || !RECORDING_PHASES.has(state.phase)) return;
    try {
      this.#publishLeaving(state.recordingId);
    } catch {
      // The channel may be closing with the page.
    }
  }

  /** Tells the room this page's recording goes, naming the page this one chose to continue it. */
  #publishLeaving(recordingId: string): void {
    const next = this.#watch.successor();
    const checkpoint = this.#options.engine?.checkpoint?.() ?? null;
    this.#options.channel.publish({
      v: 1,
      kind: 'leaving',
      recordingId,
      page: this.#sync.pageId,
      ...(next !== null ? { next } : {}),
      ...(checkpoint !== null ? { checkpoint } : {}),
    });
  }

  /** Whether this page could continue another's recording now (X9). */
  #canContinue(): boolean {
    const o = this.#options;
    const allowed =
      mayControl({ role: o.role, mobile: o.mobile }).ok ||
      (o.succession?.allowParticipants === true && !o.mobile);
    return (
      allowed &&
      !!o.engine?.continueRecording &&
      this.#preflight?.ok === true &&
      !this.#continueFailed
    );
  }

  #name(): string {
    return this.#options.userName ?? this.#options.userId;
  }

  /** X9: the succession chose this page: the engine continues the recording, the rules follow. */
  async #takeOver(recordingId: string, checkpoint?: number): Promise<void> {
    const engine = this.#options.engine;
    if (!engine?.continueRecording) throw new Error('This page cannot continue a recording.');
    const elapsed = this.#machine.snapshot().elapsedMs ?? 0;
    try {
      await engine.continueRecording(
        recordingId,
        elapsed,
        this.#options.sources(),
        checkpoint !== undefined ? { checkpoint } : undefined,
      );
    } catch (e) {
      // This page cannot after all: the room's rule must pick another next time, and this
      // page stops showing a recording no one makes (the engine stored what was kept).
      this.#continueFailed = true;
      this.#sync.reannounce();
      if (this.#machine.forget(recordingId).ok) {
        this.#emitNotice({ id: 'recording-orphaned', audience: 'everyone' });
      }
      throw e;
    }
    const decision = this.#machine.takeOver(recordingId);
    if (!decision.ok) throw new Error(`The rules refused the takeover: ${decision.reason}`);
    this.#owning = true;
    this.#sync.update();
    // This page now holds the room's recording: its user must know not to close it.
    this.#emitNotice({ id: 'recording-continues-here', audience: 'hosts' });
  }

  requestStart(): Decision {
    const decision = this.#startDecision();
    return decision.ok ? this.#machine.requestStart() : decision;
  }

  async confirmStart(): Promise<Decision> {
    const engine = this.#options.engine;
    if (!engine) return { ok: false, reason: 'preflight-failed' };
    const decision = this.#machine.confirmStart();
    if (!decision.ok) return decision;
    this.#owning = true;
    this.#sync.update();
    try {
      const meta = this.#newRecordingMeta();
      const { elapsedMs } = await engine.start(meta, this.#options.sources());
      this.#machine.markRecording(meta.startedAt, meta.recordingId, elapsedMs);
    } catch (e) {
      this.#machine.markFailed(errorText(e));
      void this.refreshPreflight();
    }
    return decision;
  }

  cancelConfirm(): void {
    this.#machine.cancel();
  }

  requestStop(): Decision {
    return this.#machine.requestStop();
  }

  async confirmStop(): Promise<Decision> {
    const recordsHere = this.#machine.state.recordsHere;
    const recordingId = this.#machine.state.recordingId;
    const decision = this.#machine.confirmStop();
    // Another host's or moderator's page asks the recording page to stop (B6).
    if (decision.ok && !recordsHere) this.#options.channel.publish(stopRequestMessage(recordingId));
    return decision;
  }

  /** Ends the room for everyone (B15): a recording in progress stops and is kept. */
  endRoom(): void {
    if (isHostRole(this.#options.role)) this.#options.channel.publish(roomEndedMessage());
    this.#machine.roomEnded();
  }

  /** Tells the recorder what to record now (a webcam joined or left, a share ended). */
  sourcesChanged(): void {
    if (this.#machine.state.recordsHere)
      this.#options.engine?.updateSources(this.#options.sources());
  }

  async listRecordings(): Promise<LibraryEntry[]> {
    return this.#options.library?.listRoom(this.#options.roomId, this.#options.userId) ?? [];
  }

  async linkTo(entry: LibraryEntry, purpose: 'play' | 'download' | 'share'): Promise<string> {
    if (!this.#options.library) throw new Error('No Recordings folder is configured.');
    return this.#options.library.link(entry, purpose);
  }

  /** Stops listening; a recording in progress goes on until the page closes (X1 keeps it). */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#sync.close();
    this.#machine.dispose();
    this.#events.clear();
  }

  #startDecision(): Decision {
    const decision = this.#machine.canStart();
    if (!decision.ok) return decision;
    const preflight = this.#preflight;
    if (!this.#options.engine) return { ok: false, reason: 'preflight-failed' };
    if (preflight && !preflight.ok) {
      return {
        ok: false,
        reason: preflight.problems.includes('locked-elsewhere')
          ? 'locked-elsewhere'
          : 'preflight-failed',
      };
    }
    return decision;
  }

  #newRecordingMeta(): RecordingMeta {
    const o = this.#options;
    const startedAt = this.#clock.epochMs();
    const name = recordingFileName(startedAt, o.meetingTitle, {
      ...(o.timeZone ? { timeZone: o.timeZone } : {}),
      ...(o.fileNameTemplate ? { template: o.fileNameTemplate } : {}),
    });
    return {
      recordingId: crypto.randomUUID(),
      roomId: o.roomId,
      roomType: o.roomType,
      title: name.title,
      ownerId: recordingOwner({ roomType: o.roomType, ...o.owners, initiatorId: o.userId }),
      initiatorId: o.userId,
      startedAt,
      objectKey: objectKey(o.keyPrefix ?? DEFAULT_KEY_PREFIX, o.roomId, name.fileName),
      fileName: name.fileName,
    };
  }

  #onSessionEvent(event: SessionEvent): void {
    if (event.type === 'stopped' && this.#machine.state.recordsHere) {
      void this.#finish(event.cause);
    }
  }

  async #finish(cause: StopCause): Promise<void> {
    const engine = this.#options.engine;
    if (!engine) return;
    try {
      await engine.stop(cause);
      this.#machine.markUploading();
      const stored = await engine.whenStored();
      this.#lastRecording = stored;
      this.#machine.markAvailable(stored.url);
    } catch (e) {
      this.#machine.markFailed(errorText(e));
    } finally {
      void this.refreshPreflight();
    }
  }

  #onRoomMessage(message: RoomMessage, sender: SenderInfo): void {
    this.#watch.onMessage(message, sender);
    if (message.kind === 'stop-request') {
      const state = this.#machine.state;
      if (!state.recordsHere) return;
      if (message.recordingId !== null && message.recordingId !== state.recordingId) return;
      const decision = this.#machine.acceptRemoteStop({ id: sender.userId, role: sender.role });
      if (!decision.ok) console.warn(`[room-recorder] stop request refused: ${decision.reason}`);
    } else if (message.kind === 'room-ended') {
      this.#machine.roomEnded();
    }
  }

  #announceStored(stored: StoredRecording): void {
    this.#lastRecording = stored;
    this.#emitNotice({
      id: 'recording-available',
      audience: 'initiator',
      params: { url: stored.url },
    });
    this.#emitView();
  }

  #emitView(): void {
    if (this.#disposed) return;
    // X9: while another page records and this one could continue it, the engine keeps its
    // recording code loaded, so a takeover does not wait for it.
    const state = this.#machine.state;
    this.#options.engine?.standBy?.(
      !state.recordsHere && RECORDING_PHASES.has(state.phase) && this.#canContinue(),
    );
    const view = this.view;
    this.#events.emit('view', view);
  }

  #emitNotice(notice: Notice): void {
    this.#events.emit('notice', notice);
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Builds the controller of one page; see {@link RecorderOptions}. */
export function createRecorderController(options: RecorderOptions): RecorderController {
  return new RecorderController(options);
}
