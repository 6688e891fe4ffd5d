/** Small constructors for the messages a controller sends, so callers never spell `v`. */
import type { Notice } from '../session/types.js';
import { randomId } from './ids.js';
import {
  ROOM_PROTOCOL_VERSION,
  type NoticeMessage,
  type RoomEndedMessage,
  type SnapshotRequestMessage,
  type StartRequestMessage,
  type StopRequestMessage,
} from './messages.js';

/** A notice for the room; `initiatorId` lets each page resolve `initiator` and `others`. */
export function noticeMessage(
  notice: Notice,
  context: { initiatorId: string | null; recordingId: string | null },
): NoticeMessage {
  return {
    v: ROOM_PROTOCOL_VERSION,
    kind: 'notice',
    notice: notice.params ? { ...notice, params: { ...notice.params } } : { ...notice },
    initiatorId: context.initiatorId,
    recordingId: context.recordingId,
  };
}

/** Asks a page (by user id, or null: whichever can) to start recording. */
export function startRequestMessage(target: string | null = null): StartRequestMessage {
  return { v: ROOM_PROTOCOL_VERSION, kind: 'start-request', requestId: randomId(), target };
}

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
