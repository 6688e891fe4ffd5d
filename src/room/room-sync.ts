/**
 * Keeps every page's view of the recording in step over a {@link RoomChannel}: the page
 * that records publishes its state on every change and answers late joiners; every page
 * keeps the newest state it has seen and who is present. Pure logic: no DOM, clock injected.
 */
import { isHostRole } from '../session/rules.js';
import { Emitter } from '../shared/emitter.js';
import type { Role, SessionSnapshot } from '../session/types.js';
import { currentSelf, type RoomChannel, type SelfInfo } from './channel.js';
import { randomId } from './ids.js';
import {
  ROOM_PROTOCOL_VERSION,
  STRING_LIMITS,
  type PresenceMessage,
  type PresenceStatus,
  type RoomMessage,
  type SenderInfo,
  type StateMessage,
} from './messages.js';
import { PresenceRoster, type PresentPage } from './presence.js';
import { isNewerState } from './state-order.js';

/** What the recording page says about its recording. */
export interface RoomStatePayload {
  snapshot: SessionSnapshot;
  /** The meeting title (cut to 1024 characters when published); null when unknown. */
  title: string | null;
}

/** The newest recording state this page knows, with where it came from. */
export interface RoomState extends RoomStatePayload {
  /** Who published it, as the adapter reported them (this page's own self when local). */
  sender: SenderInfo;
  /** The publishing page instance and its counter. */
  source: string;
  seq: number;
  /** Epoch ms on the publisher's clock. */
  sentAt: number;
  /** Epoch ms on this page's clock when it arrived (or was published here). */
  receivedAt: number;
  /** True when this page published it. */
  local: boolean;
}

export interface RoomSyncOptions {
  channel: RoomChannel;
  /** Who this page is; a function when the role can change. */
  self: SelfInfo;
  /**
   * On a page that can record: the state to publish, or null while this page is not the
   * one recording (then it stays silent when a late joiner asks). Pages that never record
   * leave it out.
   */
  provider?: () => RoomStatePayload | null;
  /** Clock (epoch ms); default `Date.now`. */
  now?: () => number;
  /** Id of this page instance in `state` messages; default a random UUID. */
  pageId?: string;
  /**
   * What this page says of itself in its presence (X9): whether it could continue a
   * recording, and the name to show others. Asked each time it announces itself.
   */
  capability?: () => { canRecord: boolean; name?: string };
}

/** The shortest time between two answers of one kind (a state, a 'here'). */
const ANSWER_INTERVAL_MS = 500;

/**
 * Runs `answer` at once for a sender it has not answered for `intervalMs`, else once at the
 * end of that interval however many times the sender asked meanwhile. Each sender counts
 * apart (as the transport reports it), so people joining together are answered at once while
 * one page flooding requests gets a few answers a second.
 */
class ThrottledAnswer {
  readonly #senders = new Map<
    string,
    { last: number; pending: ReturnType<typeof setTimeout> | null }
  >();
  constructor(
    private readonly intervalMs: number,
    private readonly answer: () => void,
  ) {}

  ask(sender: string): void {
    let s = this.#senders.get(sender);
    if (!s) {
      if (this.#senders.size >= 1000) this.#senders.delete(this.#senders.keys().next().value!);
      this.#senders.set(sender, (s = { last: -Infinity, pending: null }));
    }
    if (s.pending !== null) return;
    const wait = s.last + this.intervalMs - performance.now();
    const entry = s;
    const run = () => {
      entry.pending = null;
      entry.last = performance.now();
      this.answer();
    };
    if (wait <= 0) run();
    else entry.pending = setTimeout(run, wait);
  }

  cancel(): void {
    for (const s of this.#senders.values()) if (s.pending !== null) clearTimeout(s.pending);
    this.#senders.clear();
  }
}

/** Events of a {@link RoomSync}. */
export interface RoomSyncEvents {
  /** The newest state changed (from another page, or published here when `local`). */
  state: (state: RoomState) => void;
  /**
   * Someone joined, left or answered and the users present changed; `present` is the whole
   * map (user id to role) after the change.
   */
  presence: (present: ReadonlyMap<string, Role>, change: PresenceMessage) => void;
}

function sameSnapshot(a: RoomStatePayload, b: RoomStatePayload): boolean {
  return (
    a.title === b.title &&
    a.snapshot.phase === b.snapshot.phase &&
    a.snapshot.recordingId === b.snapshot.recordingId &&
    a.snapshot.startedAt === b.snapshot.startedAt &&
    a.snapshot.initiatorId === b.snapshot.initiatorId &&
    // The times run on; what changes the room's view is a counter starting or ending.
    (a.snapshot.elapsedMs === null) === (b.snapshot.elapsedMs === null) &&
    (a.snapshot.hostAwayRemainingMs === null) === (b.snapshot.hostAwayRemainingMs === null)
  );
}

/**
 * The state snapshot protocol (B5) and presence (for the host-away timer, B9).
 *
 * - {@link RoomSync.start} announces this page (`presence` 'joined') and asks for the
 *   state (`snapshot-request`).
 * - The page whose `provider` returns a state answers every `snapshot-request` with it, and
 *   {@link RoomSync.update} re-publishes it whenever it changed (call it on every change).
 * - Every page keeps the newest state: a stale one (lower `seq` from the same page, or an
 *   older `sentAt` from another) never overwrites a newer one.
 * - Hosts and moderators answer a `joined` with `here`, so a page that joins learns which
 *   hosts and moderators are already present; participants appear as they join.
 */
export class RoomSync {
  readonly #channel: RoomChannel;
  readonly #self: SelfInfo;
  readonly #provider: (() => RoomStatePayload | null) | undefined;
  readonly #now: () => number;
  readonly #pageId: string;
  readonly #capability: RoomSyncOptions['capability'];
  readonly #roster = new PresenceRoster();
  readonly #events = new Emitter<RoomSyncEvents>((error) =>
    console.error('[room-recorder] a RoomSync listener threw:', error),
  );
  #state: RoomState | null = null;
  /**
   * Answers to requests, at most one per interval each: a flood of snapshot requests or joins
   * (a hostile page, a reconnect storm) costs the room a few answers, not one per request.
   */
  readonly #stateAnswer = new ThrottledAnswer(ANSWER_INTERVAL_MS, () => {
    const payload = this.#provider?.() ?? null;
    if (payload !== null && !this.#closed) this.#publishState(payload);
  });
  readonly #hereAnswer = new ThrottledAnswer(ANSWER_INTERVAL_MS, () => {
    if (!this.#closed) this.#publishPresence('here');
  });
  #lastPublished: RoomStatePayload | null = null;
  #seq = 0;
  #unsubscribe: (() => void) | null = null;
  #closed = false;

  constructor(options: RoomSyncOptions) {
    if (!options?.channel || typeof options.channel.subscribe !== 'function') {
      throw new TypeError('RoomSync needs options.channel, a RoomChannel.');
    }
    if (options.self === undefined || options.self === null) {
      throw new TypeError('RoomSync needs options.self: { userId, role } of this page.');
    }
    if (options.provider !== undefined && typeof options.provider !== 'function') {
      throw new TypeError(
        'RoomSync options.provider must be a function returning the state or null.',
      );
    }
    this.#channel = options.channel;
    this.#self = options.self;
    this.#provider = options.provider;
    this.#now = options.now ?? Date.now;
    this.#pageId = options.pageId ?? randomId();
    this.#capability = options.capability;
  }

  /** The newest state seen or published here; null until one arrives. */
  get state(): RoomState | null {
    return this.#state;
  }

  /** User id to role of everyone known to be present, this page's user included. */
  get present(): ReadonlyMap<string, Role> {
    return this.#roster.users();
  }

  /**
   * What this page says after a reconnection: pass it as `WebSocketRoom`'s `announce`, e.g.
   * `announce: () => sync.announcement()`, so the room hears this page (not just its user)
   * is back and this page catches up on the state.
   */
  announcement(): RoomMessage[] {
    return [
      this.#presenceMessage('joined'),
      { v: ROOM_PROTOCOL_VERSION, kind: 'snapshot-request' },
    ];
  }

  /** Starts listening, announces this page and asks for the current state. */
  start(): void {
    if (this.#closed)
      throw new Error('RoomSync.start: this RoomSync was closed; create a new one.');
    if (this.#unsubscribe) return;
    this.#unsubscribe = this.#channel.subscribe((message, sender) =>
      this.#receive(message, sender),
    );
    this.#roster.apply(this.#presenceMessage('joined'));
    this.#publishPresence('joined');
    this.#channel.publish({ v: ROOM_PROTOCOL_VERSION, kind: 'snapshot-request' });
    // A page that records from the start (or after a reload) tells the room at once.
    this.update();
  }

  /**
   * Publishes this page's state if it changed since it was last published: call it on every
   * phase change of the recording page. `payload` defaults to the provider's answer.
   * Before {@link RoomSync.start} or after {@link RoomSync.close} it does nothing.
   *
   * @returns whether a `state` message went out.
   * @throws TypeError on a participant's page: only a host's or moderator's page may publish state.
   */
  update(payload?: RoomStatePayload | null): boolean {
    if (this.#closed || !this.#unsubscribe) return false;
    const next = payload === undefined ? (this.#provider?.() ?? null) : payload;
    if (next === null) return false;
    if (this.#lastPublished !== null && sameSnapshot(this.#lastPublished, next)) return false;
    this.#publishState(next);
    return true;
  }

  /**
   * Asks the room for its current state again, e.g. after this page stopped mirroring a
   * recording it believed gone. The page that records answers (at most once per interval).
   */
  requestState(): void {
    if (this.#closed || !this.#unsubscribe) return;
    this.#channel.publish({ v: ROOM_PROTOCOL_VERSION, kind: 'snapshot-request' });
  }

  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof RoomSyncEvents>(event: K, listener: RoomSyncEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  /** Says goodbye (`presence` 'left') and stops listening. The channel stays open. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#stateAnswer.cancel();
    this.#hereAnswer.cancel();
    if (this.#unsubscribe) {
      try {
        this.#publishPresence('left');
      } catch (error) {
        console.warn('[room-recorder] RoomSync could not say goodbye:', error);
      }
      this.#unsubscribe();
      this.#unsubscribe = null;
    }
    this.#events.clear();
  }

  #publishState(payload: RoomStatePayload): void {
    const self = currentSelf(this.#self);
    const title = payload.title === null ? null : payload.title.slice(0, STRING_LIMITS.title);
    const message: StateMessage = {
      v: ROOM_PROTOCOL_VERSION,
      kind: 'state',
      source: this.#pageId,
      seq: ++this.#seq,
      sentAt: this.#now(),
      snapshot: { ...payload.snapshot },
      title,
    };
    this.#channel.publish(message);
    this.#lastPublished = { snapshot: message.snapshot, title };
    this.#accept(message, self, true);
  }

  #presenceMessage(status: PresenceStatus): PresenceMessage {
    const self = currentSelf(this.#self);
    const message: PresenceMessage = {
      v: ROOM_PROTOCOL_VERSION,
      kind: 'presence',
      userId: self.userId,
      role: self.role,
      status,
      page: this.#pageId,
    };
    const capability = status === 'left' ? null : this.#capability?.();
    if (capability?.canRecord) message.canRecord = true;
    if (capability?.name) message.name = capability.name.slice(0, STRING_LIMITS.title);
    return message;
  }

  /** This page's id in its messages. */
  get pageId(): string {
    return this.#pageId;
  }

  /** Every page present (this one included), with what it says of itself. */
  get pages(): PresentPage[] {
    return this.#roster.pages().map((p) => ({ ...p, page: p.page.replace(/^(page|user):/, '') }));
  }

  /**
   * Tells the room again what this page is (its capability changed: the pre-flight passed or
   * failed). Does nothing before {@link RoomSync.start} or after {@link RoomSync.close}.
   */
  reannounce(): void {
    if (this.#closed || !this.#unsubscribe) return;
    this.#roster.apply(this.#presenceMessage('here'));
    this.#publishPresence('here');
  }

  #publishPresence(status: PresenceStatus): void {
    this.#channel.publish(this.#presenceMessage(status));
  }

  #receive(message: RoomMessage, sender: SenderInfo): void {
    switch (message.kind) {
      case 'state':
        this.#accept(message, sender, false);
        return;
      case 'snapshot-request':
        this.#stateAnswer.ask(sender.userId);
        return;
      case 'presence':
        this.#presence(message);
        return;
      default:
        // Notices, requests and room-ended are the controller's to handle.
        return;
    }
  }

  #accept(message: StateMessage, sender: SenderInfo, local: boolean): void {
    if (!isNewerState(message, this.#state)) return;
    const state: RoomState = {
      snapshot: message.snapshot,
      title: message.title,
      sender,
      source: message.source,
      seq: message.seq,
      sentAt: message.sentAt,
      receivedAt: this.#now(),
      local,
    };
    this.#state = state;
    this.#events.emit('state', state);
  }

  #presence(message: PresenceMessage): void {
    const self = currentSelf(this.#self);
    const changed = this.#roster.apply(message);
    if (message.status === 'joined' && message.page !== this.#pageId && isHostRole(self.role)) {
      this.#hereAnswer.ask(message.userId);
    }
    if (!changed) return;
    const present = this.#roster.users();
    this.#events.emit('presence', present, message);
  }
}
