/**
 * Validation of values that come from outside the library (the host application's
 * attributes, the room channel): an unknown value is a clear TypeError that names it and the
 * values allowed, never a silent default.
 */
import type {
  LocalUser,
  RecordingPhase,
  Role,
  RoomType,
  SessionSnapshot,
  StopCause,
} from './types.js';

/** Every role, in the order messages list them. */
export const ROLES: readonly Role[] = ['host', 'moderator', 'participant'];

/** Every room type (B14). */
export const ROOM_TYPES: readonly RoomType[] = ['channel', 'media-gallery', 'single'];

/** Every recording phase. */
export const PHASES: readonly RecordingPhase[] = [
  'idle',
  'confirming-start',
  'starting',
  'recording',
  'confirming-stop',
  'stopping',
  'uploading',
  'available',
  'failed',
];

/** Every stop cause. */
export const STOP_CAUSES: readonly StopCause[] = [
  'user',
  'host-away',
  'cap',
  'room-ended',
  'error',
  'storage-full',
];

/** A short, printable description of any value, for error messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}...` : value;
    return JSON.stringify(shown);
  }
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    return `${typeof value} ${String(value)}`;
  }
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function listOf(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

function parseOneOf<T extends string>(what: string, allowed: readonly T[], value: unknown): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) {
    return value as T;
  }
  throw new TypeError(
    `Unknown ${what} ${describeValue(value)}: expected one of ${listOf(allowed)}.`,
  );
}

/**
 * A role from the host application.
 * @throws TypeError naming the bad value and the allowed ones, e.g.
 *   `Unknown role "admin": expected one of "host", "moderator", "participant".`
 */
export function parseRole(value: unknown): Role {
  return parseOneOf('role', ROLES, value);
}

/**
 * A room type from the host application (B14).
 * @throws TypeError naming the bad value and the allowed ones.
 */
export function parseRoomType(value: unknown): RoomType {
  return parseOneOf('room type', ROOM_TYPES, value);
}

/** @throws TypeError for anything but a known recording phase. */
export function parsePhase(value: unknown): RecordingPhase {
  return parseOneOf('recording phase', PHASES, value);
}

/** @throws TypeError for anything but a known stop cause. */
export function parseStopCause(value: unknown): StopCause {
  return parseOneOf('stop cause', STOP_CAUSES, value);
}

/**
 * A user id: a string with at least one non-space character (kept as given).
 * @throws TypeError naming the field and the bad value.
 */
export function parseUserId(value: unknown, field = 'user id'): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(`Invalid ${field} ${describeValue(value)}: expected a non-empty string.`);
  }
  return value;
}

/**
 * The local user of a page.
 * @throws TypeError when the id, role or mobile flag is missing or of the wrong kind.
 */
export function parseLocalUser(value: unknown): LocalUser {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `Invalid local user ${describeValue(value)}: expected { id, role, mobile }.`,
    );
  }
  const v = value as Record<string, unknown>;
  if (typeof v['mobile'] !== 'boolean') {
    throw new TypeError(
      `Invalid local user mobile flag ${describeValue(v['mobile'])}: expected true or false.`,
    );
  }
  return { id: parseUserId(v['id']), role: parseRole(v['role']), mobile: v['mobile'] };
}

function nullableTime(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(
      `Invalid snapshot ${field} ${describeValue(value)}: expected epoch milliseconds or null.`,
    );
  }
  return value;
}

function nullableDuration(field: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `Invalid snapshot ${field} ${describeValue(value)}: expected milliseconds of 0 or more, or null.`,
    );
  }
  return value;
}

function nullableString(field: string, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value === '') {
    throw new TypeError(
      `Invalid snapshot ${field} ${describeValue(value)}: expected a non-empty string or null.`,
    );
  }
  return value;
}

/**
 * A session snapshot received from another page (B5). Local confirm steps are not shared, so
 * 'confirming-start' and 'confirming-stop' are refused too.
 * @throws TypeError naming the first bad field.
 */
export function parseSnapshot(value: unknown): SessionSnapshot {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`Invalid session snapshot ${describeValue(value)}: expected an object.`);
  }
  const v = value as Record<string, unknown>;
  const phase = parsePhase(v['phase']);
  if (phase === 'confirming-start' || phase === 'confirming-stop') {
    throw new TypeError(
      `Invalid snapshot phase "${phase}": confirm steps are local to a page and never shared.`,
    );
  }
  const snapshot: SessionSnapshot = {
    phase,
    recordingId: nullableString('recordingId', v['recordingId']),
    startedAt: nullableTime('startedAt', v['startedAt']),
    elapsedMs: nullableDuration('elapsedMs', v['elapsedMs']),
    initiatorId: nullableString('initiatorId', v['initiatorId']),
    hostAwayRemainingMs: nullableDuration('hostAwayRemainingMs', v['hostAwayRemainingMs']),
  };
  if (v['stopCause'] !== undefined) {
    snapshot.stopCause = v['stopCause'] === null ? null : parseStopCause(v['stopCause']);
  }
  if (v['stoppedBy'] !== undefined) {
    snapshot.stoppedBy = nullableString('stoppedBy', v['stoppedBy']);
  }
  if (v['stopLimitMs'] !== undefined && v['stopLimitMs'] !== null) {
    const limit = v['stopLimitMs'];
    if (typeof limit !== 'number' || !Number.isFinite(limit) || limit <= 0) {
      throw new TypeError(
        `Invalid snapshot stopLimitMs ${describeValue(limit)}: expected milliseconds above 0, or null.`,
      );
    }
    snapshot.stopLimitMs = limit;
  }
  if (v['failure'] !== undefined) {
    snapshot.failure = nullableString('failure', v['failure']);
  }
  return snapshot;
}
