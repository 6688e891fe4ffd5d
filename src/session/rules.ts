/** Who may do what, and the product's time limits: the rules as plain data and functions. */
import type { Decision, LocalUser, Offer, RecordingPhase, RefusalReason, Role } from './types.js';

/** B9: a recording with no host or moderator in the room stops this long after the last left. */
export const HOST_AWAY_TIMEOUT_MS = 15 * 60 * 1000;

/** B11: one recording lasts at most this long; at the cap it stops and is kept. */
export const RECORDING_CAP_MS = 24 * 60 * 60 * 1000;

/** B11: a room session may last this long; no recording may start after it. */
export const ROOM_SESSION_MAX_MS = 72 * 60 * 60 * 1000;

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
