/**
 * The room protocol, version 1: what pages say to each other about a recording.
 *
 * Every message is a plain JSON object with `v` (the protocol version) and `kind`. Who sent
 * it is never part of the message itself: the adapter reports the sender (see
 * {@link SenderInfo}), because only the transport can vouch for it.
 */
import type { Role, SessionSnapshot } from '../session/types.js';

/** The protocol version this code speaks; messages with any other `v` are dropped. */
export const ROOM_PROTOCOL_VERSION = 1;

/** Largest serialized message (or envelope) accepted or sent, in UTF-8 bytes. */
export const MAX_MESSAGE_BYTES = 16 * 1024;

/**
 * Length caps (in UTF-16 code units) for strings in messages. A page never needs more, and
 * capping them keeps one chatty or hostile peer from filling every page's memory.
 */
export const STRING_LIMITS = {
  /** User ids, recording ids, request ids, page ids. */
  id: 256,
  /** The meeting title: the full title is kept in the recording's metadata, not here. */
  title: 1024,
  /** A failure's reason. */
  reason: 4096,
} as const;

/** Who sent a message, as the adapter reports it (never as the message claims). */
export interface SenderInfo {
  userId: string;
  role: Role;
}

/** Fields every message carries. */
interface MessageBase {
  v: typeof ROOM_PROTOCOL_VERSION;
}

/**
 * The recording's state as the page that records sees it. Sent on every change and in
 * answer to a {@link SnapshotRequestMessage}, so a late joiner sees the indicator and the
 * right elapsed time at once (B5).
 */
export interface StateMessage extends MessageBase {
  kind: 'state';
  /** Random id of the publishing page instance; `seq` counts within it. */
  source: string;
  /** Increases with every state a page publishes, so a stale one can be told apart. */
  seq: number;
  /** Epoch ms on the sender's clock when it was sent (orders states of different pages). */
  sentAt: number;
  snapshot: SessionSnapshot;
  /** The meeting title, capped to {@link STRING_LIMITS}.title; null when unknown. */
  title: string | null;
}

/** A page that just joined (or reconnected) asks the recording page for its state. */
export interface SnapshotRequestMessage extends MessageBase {
  kind: 'snapshot-request';
}

/** A host or moderator on another page asks the recording page to stop (e.g. the square). */
export interface StopRequestMessage extends MessageBase {
  kind: 'stop-request';
  requestId: string;
  /** The recording to stop; null: whatever is recording. */
  recordingId: string | null;
}

/** Presence status: `here` answers a `joined`, so a newcomer learns who was already there. */
export type PresenceStatus = 'joined' | 'left' | 'here';

/** A participant joined or left the room; feeds the host-away timer (B9). */
export interface PresenceMessage extends MessageBase {
  kind: 'presence';
  /** Must equal the sender's user id, else the message is dropped. */
  userId: string;
  /** Must equal the sender's role, else the message is dropped. */
  role: Role;
  status: PresenceStatus;
  /** The announcing page instance, so a user with two tabs stays present until both leave. */
  page?: string;
  /**
   * This page could continue a recording (X9): an engine that passed its pre-flight, on a
   * device that may record. Absent means it cannot.
   */
  canRecord?: boolean;
  /** The name to show others ("Recording continues on Ada's device"), when the page has one. */
  name?: string;
}

/**
 * X9: the page that records says, every second, that it still does; a page that stops
 * hearing it for a few seconds starts the succession.
 */
export interface HeartbeatMessage extends MessageBase {
  kind: 'heartbeat';
  recordingId: string;
  /** The recording page instance. */
  page: string;
}

/**
 * X9: the page that records is leaving (the page closes, or the integrator's "leave room"):
 * the succession starts at once rather than after missed heartbeats.
 */
export interface LeavingMessage extends MessageBase {
  kind: 'leaving';
  recordingId: string;
  page: string;
  /**
   * The page the leaving one chose to continue (by the succession rule, on its view of the
   * room): that page continues at once, with no claim window, and no other claims. Absent
   * from an earlier release: every page then runs the rule itself.
   */
  next?: string;
  /**
   * The number of the newest handoff document the leaving page had begun to store: the page
   * that continues gives it a moment to land before it reads an older one.
   */
  checkpoint?: number;
}

/** X9: a page claims the recording it was chosen to continue. */
export interface TakeoverMessage extends MessageBase {
  kind: 'takeover';
  recordingId: string;
  page: string;
  /** The name of whoever's device continues it, for the notice. */
  name: string;
}

/** The room was ended by a host: the recording stops and is kept (B15). */
export interface RoomEndedMessage extends MessageBase {
  kind: 'room-ended';
}

/** Every message of protocol version 1. */
export type RoomMessage =
  | StateMessage
  | SnapshotRequestMessage
  | StopRequestMessage
  | PresenceMessage
  | RoomEndedMessage
  | HeartbeatMessage
  | LeavingMessage
  | TakeoverMessage;

/** The kinds of message, as a union of strings. */
export type RoomMessageKind = RoomMessage['kind'];

/** All kinds, for validation. */
export const ROOM_MESSAGE_KINDS: readonly RoomMessageKind[] = [
  'state',
  'snapshot-request',
  'stop-request',
  'presence',
  'heartbeat',
  'leaving',
  'takeover',
  'room-ended',
];

/**
 * Kinds that start, stop or announce a recording (or end the room). They are honoured only
 * when the adapter reports a host or moderator as the sender: a participant's page never
 * records (B1), so a participant claiming any of these is either a bug or an attack.
 */
export const PRIVILEGED_KINDS: ReadonlySet<RoomMessageKind> = new Set<RoomMessageKind>([
  'state',
  'stop-request',
  'room-ended',
  'heartbeat',
  'leaving',
  'takeover',
]);
