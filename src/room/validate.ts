/**
 * Hand-written validation of room messages. Every function returns either a clean copy
 * (only the known fields, so nothing unexpected travels further into the page) or the
 * reason it was refused, in words a developer can act on. Nothing here throws.
 */
import { ROLES, parseSnapshot } from '../session/parse.js';
import type { Role, SessionSnapshot } from '../session/types.js';
import {
  ROOM_MESSAGE_KINDS,
  ROOM_PROTOCOL_VERSION,
  STRING_LIMITS,
  type LeavingMessage,
  type PresenceMessage,
  type PresenceStatus,
  type RoomMessage,
  type RoomMessageKind,
  type SenderInfo,
} from './messages.js';

/** The outcome of a validation: the value, or why it was refused. */
export type Validated<T> = { ok: true; value: T } | { ok: false; reason: string };

const PRESENCE_STATUSES: readonly PresenceStatus[] = ['joined', 'left', 'here'];

/** Thrown only inside this module, to unwind a nested check with its reason. */
class Invalid extends Error {}

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(obj: Obj, key: string, max: number, where: string): string {
  const value = obj[key];
  if (typeof value !== 'string') {
    throw new Invalid(`${where}.${key} must be a string, got ${describe(value)}`);
  }
  if (value.length > max) {
    throw new Invalid(`${where}.${key} is ${value.length} characters long, over the cap of ${max}`);
  }
  return value;
}

function id(obj: Obj, key: string, where: string): string {
  const value = str(obj, key, STRING_LIMITS.id, where);
  if (value.length === 0) throw new Invalid(`${where}.${key} must not be empty`);
  return value;
}

function nullableId(obj: Obj, key: string, where: string): string | null {
  return obj[key] === null ? null : id(obj, key, where);
}

function num(obj: Obj, key: string, where: string): number {
  const value = obj[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Invalid(`${where}.${key} must be a finite number >= 0, got ${describe(value)}`);
  }
  return value;
}

/** A whole number >= 0 (a count or a sequence number). */
function count(obj: Obj, key: string, where: string): number {
  const value = num(obj, key, where);
  if (!Number.isSafeInteger(value)) {
    throw new Invalid(`${where}.${key} must be an integer, got ${value}`);
  }
  return value;
}

function oneOf<T extends string>(obj: Obj, key: string, allowed: readonly T[], where: string): T {
  const value = obj[key];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new Invalid(
      `${where}.${key} must be one of ${allowed.join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

function child(obj: Obj, key: string, where: string): Obj {
  const value = obj[key];
  if (!isObject(value)) throw new Invalid(`${where}.${key} must be an object`);
  return value;
}

/** A short, safe description of a bad value for a warning (never the whole value). */
function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/**
 * The session rules own the snapshot's shape (`parseSnapshot`); the room adds only the caps
 * on what one message may carry.
 */
function snapshotOf(obj: Obj, where: string): SessionSnapshot {
  let snapshot: SessionSnapshot;
  try {
    snapshot = parseSnapshot(obj);
  } catch (error) {
    if (error instanceof TypeError) throw new Invalid(`${where}: ${error.message}`);
    throw error;
  }
  for (const key of ['recordingId', 'initiatorId', 'stoppedBy'] as const) {
    const value = snapshot[key];
    if (typeof value === 'string' && value.length > STRING_LIMITS.id) {
      throw new Invalid(
        `${where}.${key} is ${value.length} characters long, over the cap of ${STRING_LIMITS.id}`,
      );
    }
  }
  if (typeof snapshot.failure === 'string' && snapshot.failure.length > STRING_LIMITS.reason) {
    throw new Invalid(
      `${where}.failure is ${snapshot.failure.length} characters long, over the cap of ${STRING_LIMITS.reason}`,
    );
  }
  return snapshot;
}

function messageOf(obj: Obj, kind: RoomMessageKind): RoomMessage {
  const v = ROOM_PROTOCOL_VERSION;
  const where = kind;
  switch (kind) {
    case 'state': {
      const seq = count(obj, 'seq', where);
      const title = obj['title'] === null ? null : str(obj, 'title', STRING_LIMITS.title, where);
      return {
        v,
        kind,
        source: id(obj, 'source', where),
        seq,
        sentAt: num(obj, 'sentAt', where),
        snapshot: snapshotOf(child(obj, 'snapshot', where), 'state.snapshot'),
        title,
      };
    }
    case 'snapshot-request':
    case 'room-ended':
      return { v, kind };
    case 'stop-request':
      return {
        v,
        kind,
        requestId: id(obj, 'requestId', where),
        recordingId: nullableId(obj, 'recordingId', where),
      };
    case 'presence': {
      const presence: PresenceMessage = {
        v,
        kind,
        userId: id(obj, 'userId', where),
        role: oneOf(obj, 'role', ROLES, where),
        status: oneOf(obj, 'status', PRESENCE_STATUSES, where),
      };
      if (obj['page'] !== undefined) presence.page = id(obj, 'page', where);
      if (obj['canRecord'] === true) presence.canRecord = true;
      if (obj['name'] !== undefined) presence.name = str(obj, 'name', STRING_LIMITS.title, where);
      return presence;
    }
    case 'heartbeat':
      return {
        v,
        kind,
        recordingId: id(obj, 'recordingId', where),
        page: id(obj, 'page', where),
      };
    case 'leaving': {
      const leaving: LeavingMessage = {
        v,
        kind,
        recordingId: id(obj, 'recordingId', where),
        page: id(obj, 'page', where),
      };
      if (obj['next'] !== undefined) leaving.next = id(obj, 'next', where);
      if (obj['checkpoint'] !== undefined) leaving.checkpoint = count(obj, 'checkpoint', where);
      return leaving;
    }
    case 'takeover':
      return {
        v,
        kind,
        recordingId: id(obj, 'recordingId', where),
        page: id(obj, 'page', where),
        name: str(obj, 'name', STRING_LIMITS.title, where),
      };
  }
}

/**
 * Checks that `value` (already parsed from JSON) is a well-formed version-1 room message.
 * Unknown extra fields are tolerated and left out of the returned copy.
 */
export function validateRoomMessage(value: unknown): Validated<RoomMessage> {
  if (!isObject(value))
    return { ok: false, reason: `message must be a JSON object, got ${describe(value)}` };
  if (value['v'] !== ROOM_PROTOCOL_VERSION) {
    return {
      ok: false,
      reason: `unsupported protocol version ${describe(value['v'])} (this page speaks v${ROOM_PROTOCOL_VERSION})`,
    };
  }
  const kind = value['kind'];
  if (typeof kind !== 'string' || !(ROOM_MESSAGE_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, reason: `unknown message kind ${describe(kind)}` };
  }
  try {
    return { ok: true, value: messageOf(value, kind as RoomMessageKind) };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}

/** Checks a sender as an adapter or an envelope reports it. */
export function validateSender(value: unknown): Validated<SenderInfo> {
  if (!isObject(value))
    return { ok: false, reason: `sender must be an object, got ${describe(value)}` };
  try {
    const role: Role = oneOf(value, 'role', ROLES, 'sender');
    return { ok: true, value: { userId: id(value, 'userId', 'sender'), role } };
  } catch (error) {
    if (error instanceof Invalid) return { ok: false, reason: error.message };
    throw error;
  }
}
