/**
 * The notices each participant sees at each step (B3, B7, B8, B9, B11, B15), as data: which
 * notice, for whom, with which values. The recording page and every other page compute them
 * with the same function from the same events, so they always agree. The wording is the
 * UI's (its strings table), which fills `{name}` from the notice's params.
 */
import { HOST_AWAY_TIMEOUT_MS, RECORDING_CAP_MS, isHostRole } from './rules.js';
import type { Notice, NoticeId, SessionEvent, StopCause, Viewer } from './types.js';

/** The limits a notice names when its event does not carry the one that ran out. */
export interface NoticeLimits {
  recordingCapMs: number;
  hostAwayTimeoutMs: number;
}

const DEFAULT_NOTICE_LIMITS: NoticeLimits = {
  recordingCapMs: RECORDING_CAP_MS,
  hostAwayTimeoutMs: HOST_AWAY_TIMEOUT_MS,
};

/**
 * The values the cap notice (B11) and the host-away notice (B9) may name: `{limitMs}`, the
 * limit that ran out in milliseconds (the UI words it, e.g. "20 seconds" or "24 hours", as
 * `{limit}`), and, for translations written for them, `{hours}` (cap) and `{minutes}`
 * (host-away) rounded to a tenth.
 */
function causeParams(id: NoticeId, limitMs: number): Pick<Notice, 'params'> {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (id === 'recording-cap-reached') {
    return { params: { limitMs: String(limitMs), hours: round(limitMs / 3_600_000) } };
  }
  if (id === 'recording-host-away-stopped') {
    return { params: { limitMs: String(limitMs), minutes: round(limitMs / 60_000) } };
  }
  return {};
}

/** Stops the whole room is told about, with their reason. */
const CAUSE_NOTICE: Partial<Record<StopCause, NoticeId>> = {
  cap: 'recording-cap-reached',
  'host-away': 'recording-host-away-stopped',
  'room-ended': 'recording-room-ended',
};

/**
 * The notices `viewer` should see for `event`, in display order.
 *
 * - starting (B3): everyone, "Recording will start momentarily, please wait."
 * - started (B3): everyone, "This session is being recorded."
 * - stopped by a person (B7): the user who stopped it and the user whose browser records
 *   (the initiator) see "Recording ended, starting upload"; everyone else sees "The
 *   recording has completed."
 * - stopped by itself at the cap (B11), with no host present (B9) or because the room ended
 *   (B15): everyone sees why, and the initiator then sees the upload notice. The first two
 *   carry the limit that ran out (the event's, else `limits`): see `causeParams`.
 * - stopped by an error or full storage (what was written is kept): as a person's stop,
 *   the initiator's notice carrying `{cause}`.
 * - available (B8): the initiator only, with `{url}`.
 * - failed: the initiator and every host or moderator, with `{reason}`.
 */
export function noticesFor(
  event: SessionEvent,
  viewer: Viewer,
  limits: NoticeLimits = DEFAULT_NOTICE_LIMITS,
): Notice[] {
  const isInitiator = viewer.id === event.initiatorId;
  switch (event.type) {
    case 'starting':
      return [{ id: 'recording-starting', audience: 'everyone' }];
    case 'started':
      return [{ id: 'recording-started', audience: 'everyone' }];
    case 'stopped': {
      const uploading: Notice = { id: 'recording-ended-uploading', audience: 'initiator' };
      const why = CAUSE_NOTICE[event.cause];
      if (why) {
        // The recording page's own limit when the event carries it: it is the one that ran out.
        const limitMs =
          event.limitMs ??
          (event.cause === 'cap' ? limits.recordingCapMs : limits.hostAwayTimeoutMs);
        const notices: Notice[] = [{ id: why, audience: 'everyone', ...causeParams(why, limitMs) }];
        if (isInitiator) notices.push(uploading);
        return notices;
      }
      if (event.cause !== 'user') uploading.params = { cause: event.cause };
      if (isInitiator || (event.stoppedBy !== null && viewer.id === event.stoppedBy)) {
        return [uploading];
      }
      return [{ id: 'recording-completed', audience: 'others' }];
    }
    case 'available':
      return isInitiator
        ? [{ id: 'recording-available', audience: 'initiator', params: { url: event.url } }]
        : [];
    case 'failed':
      return isInitiator || isHostRole(viewer.role)
        ? [{ id: 'recording-failed', audience: 'hosts', params: { reason: event.reason } }]
        : [];
  }
}
