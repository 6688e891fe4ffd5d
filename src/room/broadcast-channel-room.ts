/**
 * The room channel between tabs of one browser (the demo), over a `BroadcastChannel`.
 */
import {
  currentSelf,
  reportListenerError,
  type RoomChannel,
  type RoomListener,
  type SelfInfo,
} from './channel.js';
import { DropLog, decodeEnvelope, encodeOutgoing } from './codec.js';
import { Emitter } from '../shared/emitter.js';
import { STRING_LIMITS, type RoomMessage } from './messages.js';

export interface BroadcastChannelRoomOptions {
  /** The room; pages with the same room id hear each other. */
  roomId: string;
  /** Who this page is; a function when the role can change. */
  self: SelfInfo;
  /** Channel name; default `room-recorder:<roomId>`. */
  channelName?: string;
}

/**
 * Adapter over `BroadcastChannel`. There is no server to vouch for senders, so the sender
 * travels inside the envelope as each page states it: fit for tabs of one browser, where
 * every page runs the same user's code, not for mutually untrusted users.
 */
export class BroadcastChannelRoom implements RoomChannel {
  readonly #channel: BroadcastChannel;
  readonly #self: SelfInfo;
  readonly #drops = new DropLog();
  readonly #roomId: string;
  readonly #listeners = new Emitter<{ message: RoomListener }>(reportListenerError);
  #closed = false;

  constructor(options: BroadcastChannelRoomOptions) {
    const roomId = options?.roomId;
    if (typeof roomId !== 'string' || roomId.length === 0 || roomId.length > STRING_LIMITS.id) {
      throw new TypeError(
        `BroadcastChannelRoom needs options.roomId, a non-empty string of at most ${STRING_LIMITS.id} characters.`,
      );
    }
    if (options.self === undefined || options.self === null) {
      throw new TypeError(
        'BroadcastChannelRoom needs options.self: { userId, role } of this page.',
      );
    }
    if (typeof BroadcastChannel !== 'function') {
      throw new TypeError(
        'BroadcastChannel is not available here; use WebSocketRoom or CallbackRoom.',
      );
    }
    this.#self = options.self;
    this.#roomId = roomId;
    this.#channel = new BroadcastChannel(options.channelName ?? `room-recorder:${roomId}`);
    this.#channel.onmessage = (event: MessageEvent) => {
      const received = decodeEnvelope(event.data, { log: this.#drops, room: roomId });
      if (received) this.#listeners.emit('message', received.message, received.sender);
    };
    this.#channel.onmessageerror = () => {
      console.warn('[room-recorder] room message dropped: it could not be deserialized');
    };
  }

  publish(message: RoomMessage): void {
    if (this.#closed) {
      console.warn(`[room-recorder] BroadcastChannelRoom is closed; '${message?.kind}' not sent.`);
      return;
    }
    // Sent as JSON text, not a cloned object, so the size limit and checks match every adapter.
    this.#channel.postMessage(
      encodeOutgoing(message, currentSelf(this.#self), { room: this.#roomId }),
    );
  }

  subscribe(listener: RoomListener): () => void {
    return this.#listeners.on('message', listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#listeners.clear();
    this.#channel.close();
  }
}
