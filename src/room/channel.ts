/**
 * The room channel: how every page in a room hears about the recording. Adapters carry
 * it over a BroadcastChannel, a WebSocket or an integrator's own signalling.
 */
import type { RoomMessage, SenderInfo } from './messages.js';

/** Receives each valid, authorised message from another page, with its sender. */
export type RoomListener = (message: RoomMessage, sender: SenderInfo) => void;

/** Who this page is; a function when the role can change while the page is open. */
export type SelfInfo = SenderInfo | (() => SenderInfo);

/**
 * A room's message channel. Subscribers receive messages from other pages only, already
 * validated: malformed, oversize, unknown-version or unauthorised messages are dropped by
 * the adapter with one console warning each.
 */
export interface RoomChannel {
  /**
   * Sends a message to every other page in the room.
   *
   * @throws TypeError when the message is malformed or this page's role may not send it.
   * @throws RangeError when it serializes to more than 16 kB.
   */
  publish(message: RoomMessage): void;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: RoomListener): () => void;
  /** Stops sending and receiving; later publishes are ignored with a warning. */
  close(): void;
}

/** Resolves a {@link SelfInfo} to the current sender. */
export function currentSelf(self: SelfInfo): SenderInfo {
  return typeof self === 'function' ? self() : self;
}

/** Where a room listener's error goes: reported, and the other listeners still run. */
export function reportListenerError(error: unknown): void {
  console.error('[room-recorder] a room listener threw:', error);
}
