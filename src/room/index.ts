/**
 * The room channel: how every participant hears about the recording.
 *
 * @packageDocumentation
 */
export type { RoomChannel, RoomListener, SelfInfo } from './channel.js';
export {
  MAX_MESSAGE_BYTES,
  PRIVILEGED_KINDS,
  ROOM_MESSAGE_KINDS,
  ROOM_PROTOCOL_VERSION,
  STRING_LIMITS,
} from './messages.js';
export type {
  PresenceMessage,
  PresenceStatus,
  RoomEndedMessage,
  RoomMessage,
  RoomMessageKind,
  SenderInfo,
  SnapshotRequestMessage,
  StateMessage,
  StopRequestMessage,
} from './messages.js';
export { validateRoomMessage, validateSender, type Validated } from './validate.js';
export {
  DROP_WARNING_PREFIX,
  DropLog,
  decodeBare,
  decodeEnvelope,
  encodeOutgoing,
  refusal,
  type Received,
} from './codec.js';
export { roomEndedMessage, snapshotRequestMessage, stopRequestMessage } from './builders.js';
export { isNewerState, type StateStamp } from './state-order.js';
export { PresenceRoster } from './presence.js';
export { CallbackRoom, type CallbackRoomOptions } from './callback-room.js';
export {
  BroadcastChannelRoom,
  type BroadcastChannelRoomOptions,
} from './broadcast-channel-room.js';
export {
  WebSocketRoom,
  defaultAnnounce,
  type WebSocketConstructorLike,
  type WebSocketLike,
  type WebSocketRoomOptions,
  type WebSocketRoomStatus,
} from './websocket-room.js';
export {
  RoomSync,
  type RoomState,
  type RoomStatePayload,
  type RoomSyncEvents,
  type RoomSyncOptions,
} from './room-sync.js';
