/** Who may do what, and the product's time limits: the rules as plain data and functions. */
import { describeLimit } from './duration.js';
import { describeValue } from './parse.js';
import type { Decision, LocalUser, Offer, RecordingPhase, RefusalReason, Role } from './types.js';

/**
 * B9: a recording with no host or moderator in the room stops this long after the last left.
 * The default and the longest allowed: an integrator may only shorten it.
 */
export const HOST_AWAY_TIMEOUT_MS = 15 * 60 * 1000;

/**
 * B11: one recording lasts at most this long; at the cap it stops and is kept. The default and
 * the longest allowed: an integrator may only shorten it (a plan with 2-hour recordings).
 */
export const RECORDING_CAP_MS = 24 * 60 * 60 * 1000;

/** B11: a room session may last this long; no recording may start after it. */
export const ROOM_SESSION_MAX_MS = 72 * 60 * 60 * 1000;

/**
 * A time limit an integrator set, checked against the product's own: milliseconds above 0 and
 * at most `max`; `undefined` means `max`.
 * @param name the option as the integrator wrote it, for the message.
 * @param rule what the product promises, for the message (it says why there is a maximum).
 * @throws TypeError saying what was wrong and what to pass instead.
 */
function timeLimit(name: string, value: unknown, max: number, rule: string): number {
  if (value === undefined) return max;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(
      `Invalid ${name} ${describeValue(value)}: expected milliseconds above 0 and at most ${max} (${describeLimit(max)}); leave it out for ${describeLimit(max)}.`,
    );
  }
  if (value > max) {
    throw new TypeError(
      `${name} ${value} (${describeLimit(value)}) is longer than the product allows: ${rule}. Pass ${max} (${describeLimit(max)}) or less, or leave it out.`,
    );
  }
  return value;
}

/**
 * B11: the cap of one recording an integrator configured (`maxRecordingMs`), shorter than
 * 24 hours if they like; `undefined` is 24 hours.
 * @throws TypeError for a value that is not a number of milliseconds above 0, or is above 24 hours.
 */
export function recordingCapMs(value: unknown, name = 'maxRecordingMs'): number {
  return timeLimit(
    name,
    value,
    RECORDING_CAP_MS,
    `one recording lasts at most ${describeLimit(RECORDING_CAP_MS)} (B11)`,
  );
}

/**
 * B9: how long a recording goes on with no host or moderator in the room, as an integrator
 * configured it (`hostAwayTimeoutMs`), shorter than 15 minutes if they like; `undefined` is
 * 15 minutes.
 * @throws TypeError for a value that is not a number of milliseconds above 0, or is above 15 minutes.
 */
export function hostAwayTimeoutMs(value: unknown, name = 'hostAwayTimeoutMs'): number {
  return timeLimit(
    name,
    value,
    HOST_AWAY_TIMEOUT_MS,
    `a recording stops at most ${describeLimit(HOST_AWAY_TIMEOUT_MS)} after the last host or moderator left (B9)`,
  );
}

/** Roles that may start and stop a recording (B1). */
export const CONTROLLING_ROLES: readonly Role[] = ['host', 'moderator'];

/** Whether a role counts as a host for the host-away timer (B9) and the menu (B1). */
export function isHostRole(role: Role): boolean {
  return CONTROLLING_ROLES.includes(role);
}

/** Phases in which a recording is being made (the local stop confirm included). */
export const ACTIVE_PHASES: ReadonlySet<RecordingPhase> = new Set([
  'starting',
  'recording',
  'confirming-stop',
]);

/** Phases with nothing in progress, from which a new recording may start. */
export const RESTING_PHASES: ReadonlySet<RecordingPhase> = new Set(['idle', 'available', 'failed']);

/** Phases in which the room is being recorded, as everyone sees it: the indicator shows (B5). */
export const RECORDING_PHASES: ReadonlySet<RecordingPhase> = new Set([
  'recording',
  'confirming-stop',
]);

/** Refusals that mean Record is not for this person or moment (B1): not shown. */
const HIDES_RECORD: ReadonlySet<RefusalReason> = new Set([
  'not-allowed',
  'mobile-device',
  'already-recording',
]);
/** Refusals that mean Stop recording is not for this person or moment: not shown. */
const HIDES_STOP: ReadonlySet<RefusalReason> = new Set([
  'not-allowed',
  'mobile-device',
  'not-recording',
]);

function offer(decision: Decision, hides: ReadonlySet<RefusalReason>): Offer {
  if (decision.ok) return { state: 'ready' };
  return hides.has(decision.reason)
    ? { state: 'hidden' }
    : { state: 'off', reason: decision.reason };
}

/** How Record is offered: hidden from participants and mobile devices, off with its reason. */
export function recordOffer(decision: Decision): Offer {
  return offer(decision, HIDES_RECORD);
}

/** How Stop recording is offered. */
export function stopOffer(decision: Decision): Offer {
  return offer(decision, HIDES_STOP);
}

/** B5: hosts and moderators see the elapsed counter (on a phone too); participants do not. */
export function seesElapsed(role: Role): boolean {
  return isHostRole(role);
}

/**
 * B1: may this user start or stop a recording? Hosts and moderators may, except on a mobile
 * device. A participant is refused as 'not-allowed' even on mobile, since the role is the
 * reason that would remain on a desktop.
 */
export function mayControl(user: Pick<LocalUser, 'role' | 'mobile'>): Decision {
  if (!isHostRole(user.role)) return { ok: false, reason: 'not-allowed' };
  if (user.mobile) return { ok: false, reason: 'mobile-device' };
  return { ok: true };
}
