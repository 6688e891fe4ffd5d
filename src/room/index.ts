/**
 * The room channel: how every participant hears about the recording.
 *
 * @packageDocumentation
 */
export type { RoomChannel, RoomListener, SelfInfo } from './channel.js';
export {
  MAX_MESSAGE_BYTES,
  MAX_NOTICE_PARAMS,
  PRIVILEGED_KINDS,
  RECORDING_PHASES,
  ROLES,
  ROOM_MESSAGE_KINDS,
  ROOM_PROTOCOL_VERSION,
  STRING_LIMITS,
  isPrivilegedRole,
} from './messages.js';
export type {
  NoticeMessage,
  PresenceMessage,
  PresenceStatus,
  RoomEndedMessage,
  RoomMessage,
  RoomMessageKind,
  SenderInfo,
  SnapshotRequestMessage,
  StartRequestMessage,
  StateMessage,
  StopRequestMessage,
} from './messages.js';
export { validateRoomMessage, validateSender, type Validated } from './validate.js';
export {
  DROP_WARNING_PREFIX,
  decodeBare,
  decodeEnvelope,
  encodeOutgoing,
  refusal,
  type Received,
} from './codec.js';
export {
  noticeMessage,
  roomEndedMessage,
  snapshotRequestMessage,
  startRequestMessage,
  stopRequestMessage,
} from './builders.js';
export { noticeIsFor } from './notices.js';
export { isNewerState, type StateStamp } from './state-order.js';
export { PresenceRoster } from './presence.js';
export { backoffDelay, resolveBackoff, type BackoffOptions } from './backoff.js';
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
