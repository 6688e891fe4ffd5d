/**
 * The room channel over a WebSocket: JSON envelopes `{ from, message, origin }` through a
 * relay server, with reconnection and a bounded outbox.
 */
import {
  backoffDelay,
  resolveBackoff,
  type BackoffOptions,
  type ResolvedBackoff,
} from '../shared/backoff.js';
import {
  currentSelf,
  reportListenerError,
  type RoomChannel,
  type RoomListener,
  type SelfInfo,
} from './channel.js';
import { DropLog, decodeEnvelope, encodeOutgoing } from './codec.js';
import { randomId } from './ids.js';
import { Emitter } from '../shared/emitter.js';
import { ROOM_PROTOCOL_VERSION, type RoomMessage, type SenderInfo } from './messages.js';

/** A handler property typed loosely enough to accept both the DOM's and `ws`'s events. */
// A method's parameter is checked both ways, so `(event: MessageEvent) => void` fits `object`.
type Handler = { bivarianceHack(event: object): void }['bivarianceHack'] | null;

/** The part of the WebSocket API this adapter uses (the DOM's and the `ws` package's fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: Handler;
  onmessage: Handler;
  onclose: Handler;
  onerror: Handler;
}

/** A WebSocket constructor: the global one in browsers, `ws`'s `WebSocket` in Node. */
export type WebSocketConstructorLike = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Where the connection is. */
export type WebSocketRoomStatus = 'connecting' | 'open' | 'closed';

export interface WebSocketRoomOptions {
  /** The relay's URL (`ws:`, `wss:`, `http:` or `https:`). */
  url: string;
  /** Who this page is; a function when the role can change. */
  self: SelfInfo;
  /** WebSocket constructor; default `globalThis.WebSocket`. Pass `ws`'s in Node. */
  WebSocket?: WebSocketConstructorLike;
  /** Subprotocols for the handshake. */
  protocols?: string | string[];
  /** Reconnection delays. */
  backoff?: BackoffOptions;
  /** Most messages kept while disconnected (default 100); the oldest go first. */
  maxQueue?: number;
  /**
   * Messages sent first after every reconnection (not the first connection), so the room
   * hears this page is back and this page catches up. Default: a `presence` 'joined' for
   * this page's user and a `snapshot-request`. With a {@link RoomSync}, pass
   * `() => sync.announcement()` instead, which names the page too.
   */
  announce?: (self: SenderInfo) => RoomMessage[];
  /** Called on every status change. */
  onStatusChange?: (status: WebSocketRoomStatus) => void;
  /** Random source for jitter, in [0, 1); default `Math.random`. */
  random?: () => number;
  /**
   * The room this page is in: sent with every message, and a message the server relays
   * from another room is dropped (a misrouting server must not stop another room's recording).
   */
  roomId?: string;
  /**
   * Where the page's lifecycle events (`freeze`, `resume`) fire; default `globalThis.document`
   * when there is one. Frozen, the page closes its connection itself and opens it again on
   * `resume` (see the class).
   */
  lifecycle?: EventTarget;
}

const OPEN = 1;

interface Queued {
  kind: RoomMessage['kind'];
  text: string;
}

/** Default re-announcement: "I am here" and "what did I miss". */
export function defaultAnnounce(self: SenderInfo): RoomMessage[] {
  return [
    {
      v: ROOM_PROTOCOL_VERSION,
      kind: 'presence',
      userId: self.userId,
      role: self.role,
      status: 'joined',
    },
    { v: ROOM_PROTOCOL_VERSION, kind: 'snapshot-request' },
  ];
}

/**
 * Adapter over a WebSocket relay. Each message goes out as
 * `{ from: { userId, role }, message, origin }`; a relay should overwrite `from` with the
 * identity it authenticated (then that is what receivers trust) and pass the rest on to
 * every other connection in the room. A relay that echoes to the sender is harmless:
 * `origin` identifies this page, and its own messages are skipped.
 *
 * While disconnected it queues what is published (bounded; only the newest `state` is
 * kept, since it supersedes the others), reconnects with capped, jittered exponential
 * backoff, then re-announces itself and flushes the queue.
 *
 * A page the browser freezes (Page Lifecycle `freeze`) closes its connection itself and
 * connects again at once on `resume`: a frozen page answers nothing, and a room server that
 * reports closed connections (README, "Wiring your own room server") then tells the room at
 * once, so another page continues a frozen recording page's recording (X9) without waiting
 * out its heartbeats.
 */
export class WebSocketRoom implements RoomChannel {
  readonly #url: string;
  readonly #self: SelfInfo;
  readonly #Ctor: WebSocketConstructorLike;
  readonly #protocols: string | string[] | undefined;
  readonly #backoff: ResolvedBackoff;
  readonly #maxQueue: number;
  readonly #announce: (self: SenderInfo) => RoomMessage[];
  readonly #onStatus: ((status: WebSocketRoomStatus) => void) | undefined;
  readonly #random: () => number;
  readonly #origin = randomId();
  readonly #drops = new DropLog();
  #roomId: string | undefined;
  readonly #listeners = new Emitter<{ message: RoomListener }>(reportListenerError);
  readonly #queue: Queued[] = [];
  #socket: WebSocketLike | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #attempt = 0;
  #everOpened = false;
  #status: WebSocketRoomStatus = 'connecting';
  readonly #lifecycle: EventTarget | undefined;
  #frozen = false;

  constructor(options: WebSocketRoomOptions) {
    let protocol = '';
    try {
      protocol = new URL(options?.url).protocol;
    } catch {
      // reported below
    }
    if (!['ws:', 'wss:', 'http:', 'https:'].includes(protocol)) {
      throw new TypeError(
        `WebSocketRoom needs options.url, an absolute ws:, wss:, http: or https: URL; got ${JSON.stringify(options?.url)}.`,
      );
    }
    if (options.self === undefined || options.self === null) {
      throw new TypeError('WebSocketRoom needs options.self: { userId, role } of this page.');
    }
    const Ctor =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
    if (typeof Ctor !== 'function') {
      throw new TypeError(
        'WebSocketRoom found no WebSocket here; pass options.WebSocket (in Node, the `ws` package).',
      );
    }
    const maxQueue = options.maxQueue ?? 100;
    if (!Number.isInteger(maxQueue) || maxQueue < 1) {
      throw new RangeError(
        `WebSocketRoom maxQueue must be an integer >= 1, got ${options.maxQueue}.`,
      );
    }
    this.#url = options.url;
    this.#self = options.self;
    this.#Ctor = Ctor;
    this.#protocols = options.protocols;
    this.#roomId = options.roomId;
    this.#backoff = resolveBackoff(options.backoff, { initialMs: 500, maxMs: 30_000 });
    this.#maxQueue = maxQueue;
    this.#announce = options.announce ?? defaultAnnounce;
    this.#onStatus = options.onStatusChange;
    this.#random = options.random ?? Math.random;
    this.#lifecycle =
      options.lifecycle ?? (globalThis as { document?: EventTarget }).document ?? undefined;
    this.#lifecycle?.addEventListener('freeze', this.#onFreeze);
    this.#lifecycle?.addEventListener('resume', this.#onResume);
    this.#connect();
  }

  /** Where the connection is now. */
  get status(): WebSocketRoomStatus {
    return this.#status;
  }

  /** How many messages wait for the connection. */
  get queued(): number {
    return this.#queue.length;
  }

  publish(message: RoomMessage): void {
    if (this.#status === 'closed') {
      console.warn(`[room-recorder] WebSocketRoom is closed; '${message?.kind}' not sent.`);
      return;
    }
    const text = encodeOutgoing(message, currentSelf(this.#self), this.#envelope());
    if (this.#socket !== null && this.#socket.readyState === OPEN && this.#queue.length === 0) {
      this.#socket.send(text);
    } else {
      this.#enqueue({ kind: message.kind, text });
    }
  }

  #envelope(): { origin: string; room?: string } {
    return this.#roomId === undefined
      ? { origin: this.#origin }
      : { origin: this.#origin, room: this.#roomId };
  }

  subscribe(listener: RoomListener): () => void {
    return this.#listeners.on('message', listener);
  }

  close(): void {
    if (this.#status === 'closed') return;
    this.#setStatus('closed');
    this.#lifecycle?.removeEventListener('freeze', this.#onFreeze);
    this.#lifecycle?.removeEventListener('resume', this.#onResume);
    this.#queue.length = 0;
    this.#listeners.clear();
    this.#drop(1000, 'room closed');
  }

  readonly #onFreeze = (): void => {
    if (this.#status === 'closed') return;
    this.#frozen = true;
    this.#drop(1001, 'page frozen');
    this.#setStatus('connecting');
  };

  readonly #onResume = (): void => {
    if (this.#status === 'closed' || !this.#frozen) return;
    this.#frozen = false;
    this.#attempt = 0;
    this.#connect();
  };

  /** Closes the connection without reconnecting (its close event is ignored). */
  #drop(code: number, reason: string): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const socket = this.#socket;
    this.#socket = null;
    if (!socket) return;
    try {
      socket.close(code, reason);
    } catch {
      // Closing a socket that is still connecting may throw in some runtimes; it is gone either way.
    }
  }

  #setStatus(status: WebSocketRoomStatus): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#onStatus?.(status);
  }

  #enqueue(entry: Queued): void {
    if (entry.kind === 'state') {
      // A newer state supersedes any queued one: keep the queue short and the room's view current.
      const stale = this.#queue.findIndex((q) => q.kind === 'state');
      if (stale !== -1) this.#queue.splice(stale, 1);
    }
    this.#queue.push(entry);
    if (this.#queue.length > this.#maxQueue) {
      const dropped = this.#queue.shift();
      console.warn(
        `[room-recorder] WebSocketRoom queue is full (${this.#maxQueue}); dropped the oldest '${dropped?.kind}' message.`,
      );
    }
  }

  #connect(): void {
    this.#timer = null;
    if (this.#status === 'closed' || this.#frozen) return;
    this.#setStatus('connecting');
    let socket: WebSocketLike;
    try {
      socket = new this.#Ctor(this.#url, this.#protocols);
    } catch (error) {
      console.warn('[room-recorder] WebSocketRoom could not open a connection:', error);
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#socket !== socket) return;
      this.#attempt = 0;
      this.#setStatus('open');
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      if (reconnected) this.#sendAnnouncement(socket);
      this.#flush(socket);
    };
    socket.onmessage = (event) => {
      if (this.#socket !== socket) return;
      const received = decodeEnvelope((event as { data?: unknown }).data, {
        log: this.#drops,
        ...(this.#roomId === undefined ? {} : { room: this.#roomId }),
      });
      if (received && received.origin !== this.#origin) {
        this.#listeners.emit('message', received.message, received.sender);
      }
    };
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#scheduleReconnect();
    };
    // An error is always followed by a close, which reconnects.
    socket.onerror = () => undefined;
  }

  #sendAnnouncement(socket: WebSocketLike): void {
    let messages: RoomMessage[];
    try {
      messages = this.#announce(currentSelf(this.#self));
    } catch (error) {
      console.warn('[room-recorder] WebSocketRoom announce() threw; nothing re-announced:', error);
      return;
    }
    for (const message of messages) {
      try {
        socket.send(encodeOutgoing(message, currentSelf(this.#self), this.#envelope()));
      } catch (error) {
        console.warn('[room-recorder] WebSocketRoom could not re-announce a message:', error);
      }
    }
  }

  #flush(socket: WebSocketLike): void {
    while (this.#queue.length > 0 && socket.readyState === OPEN) {
      const next = this.#queue.shift();
      if (next) socket.send(next.text);
    }
  }

  #scheduleReconnect(): void {
    if (this.#status === 'closed' || this.#frozen) return;
    this.#setStatus('connecting');
    const delay = backoffDelay(this.#attempt, this.#backoff, this.#random);
    this.#attempt += 1;
    this.#timer = setTimeout(() => this.#connect(), delay);
  }
}
