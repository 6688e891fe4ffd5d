/**
 * A room channel made of two callbacks, for an integrator who already has signalling
 * (their own WebSocket, a data channel, a chat SDK).
 */
import {
  currentSelf,
  reportListenerError,
  type RoomChannel,
  type RoomListener,
  type SelfInfo,
} from './channel.js';
import { DropLog, decodeBare, encodeOutgoing } from './codec.js';
import { Emitter } from '../shared/emitter.js';
import type { RoomMessage, SenderInfo } from './messages.js';

export interface CallbackRoomOptions {
  /** Delivers a serialized message (JSON text) to every other page in the room. */
  send: (data: string) => void;
  /** Who this page is; a function when the role can change. */
  self: SelfInfo;
}

/**
 * Adapter over an integrator's signalling: `send` carries this page's messages out, and
 * the integrator calls {@link CallbackRoom.receive} with each message that arrives, along
 * with the sender as their own system authenticated it.
 *
 * @example
 * ```ts
 * const room = new CallbackRoom({ send: (data) => sdk.broadcast('rec', data), self: { userId, role } });
 * sdk.on('rec', (data, user) => room.receive(data, { userId: user.id, role: user.role }));
 * ```
 */
export class CallbackRoom implements RoomChannel {
  readonly #send: (data: string) => void;
  readonly #self: SelfInfo;
  readonly #drops = new DropLog();
  readonly #listeners = new Emitter<{ message: RoomListener }>(reportListenerError);
  #closed = false;

  constructor(options: CallbackRoomOptions) {
    if (typeof options?.send !== 'function') {
      throw new TypeError('CallbackRoom needs options.send, a function (data: string) => void.');
    }
    if (options.self === undefined || options.self === null) {
      throw new TypeError('CallbackRoom needs options.self: { userId, role } of this page.');
    }
    this.#send = options.send;
    this.#self = options.self;
  }

  publish(message: RoomMessage): void {
    if (this.#closed) {
      console.warn(`[room-recorder] CallbackRoom is closed; '${message?.kind}' not sent.`);
      return;
    }
    this.#send(encodeOutgoing(message, currentSelf(this.#self), null));
  }

  subscribe(listener: RoomListener): () => void {
    return this.#listeners.on('message', listener);
  }

  /**
   * Hands over one message from the integrator's signalling. Invalid data or an
   * unauthorised sender is dropped with one warning; this never throws.
   *
   * @param data - the text another page's `send` produced.
   * @param sender - who sent it, as the integrator's system knows it (not as the data claims).
   */
  receive(data: string, sender: SenderInfo): void {
    if (this.#closed) return;
    const received = decodeBare(data, sender, this.#drops);
    if (received) this.#listeners.emit('message', received.message, received.sender);
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
  }
}
