/** Small constructors for the messages a controller sends, so callers never spell `v`. */
import { randomId } from './ids.js';
import {
  ROOM_PROTOCOL_VERSION,
  type RoomEndedMessage,
  type SnapshotRequestMessage,
  type StopRequestMessage,
} from './messages.js';

/** Asks the recording page to stop (the square pressed on another page). */
export function stopRequestMessage(recordingId: string | null = null): StopRequestMessage {
  return { v: ROOM_PROTOCOL_VERSION, kind: 'stop-request', requestId: randomId(), recordingId };
}

/** Tells every page the room ended (B15). */
export function roomEndedMessage(): RoomEndedMessage {
  return { v: ROOM_PROTOCOL_VERSION, kind: 'room-ended' };
}

/** Asks the recording page for its state. */
export function snapshotRequestMessage(): SnapshotRequestMessage {
  return { v: ROOM_PROTOCOL_VERSION, kind: 'snapshot-request' };
}
