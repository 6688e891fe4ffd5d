/**
 * The notices each participant sees at each step (B3, B7, B8, B9, B11, B15), as data: which
 * notice, for whom, with which values. The recording page and every other page compute them
 * with the same function from the same events, so they always agree.
 */
import { isHostRole } from './rules.js';
import type { Notice, NoticeId, SessionEvent, StopCause, Viewer } from './types.js';

/**
 * The English wording of every notice. `{name}` placeholders are filled from
 * `Notice.params` by {@link formatNotice}. A UI translates by passing its own table.
 */
export const DEFAULT_NOTICE_TEXT: Readonly<Record<NoticeId, string>> = Object.freeze({
  'recording-starting': 'Recording will start momentarily, please wait.',
  'recording-started': 'This session is being recorded.',
  'recording-ended-uploading': 'Recording ended, starting upload',
  'recording-completed': 'The recording has completed.',
  // The link itself is `params.url`; a UI renders it as a link beside this sentence.
  'recording-available': 'The recording is available.',
  'recording-cap-reached':
    'The recording reached its 24-hour limit and has stopped. It has been saved.',
  'recording-host-away-stopped':
    'The recording stopped because no host or moderator was in the room for 15 minutes. It has been saved.',
  'recording-room-ended': 'The room has ended, so the recording stopped. It has been saved.',
  'recording-failed': 'The recording failed: {reason}',
});

/** A table of notice texts; missing ids fall back to {@link DEFAULT_NOTICE_TEXT}. */
export type NoticeText = Partial<Record<NoticeId, string>>;

/**
 * The text of a notice, with `{name}` placeholders replaced by `notice.params[name]`. A
 * placeholder without a value is left as written, so a missing value is visible rather
 * than silently dropped. The result is plain text: a UI must still escape it (Lit does).
 */
export function formatNotice(notice: Notice, text: NoticeText = DEFAULT_NOTICE_TEXT): string {
  const template = text[notice.id] ?? DEFAULT_NOTICE_TEXT[notice.id];
  const params = notice.params ?? {};
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? (params[name] ?? whole) : whole,
  );
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
 *   (B15): everyone sees why, and the initiator then sees the upload notice.
 * - stopped by an error or full storage (what was written is kept): as a person's stop,
 *   the initiator's notice carrying `{cause}`.
 * - available (B8): the initiator only, with `{url}`.
 * - failed: the initiator and every host or moderator, with `{reason}`.
 */
export function noticesFor(event: SessionEvent, viewer: Viewer): Notice[] {
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
        const notices: Notice[] = [{ id: why, audience: 'everyone' }];
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

/**
 * Every notice of `event` with its audience, for a page that sends notices over the room and
 * lets each receiver filter by audience ('initiator' is whoever started the recording,
 * 'others' everyone else, 'hosts' hosts and moderators). Per viewer, this gives the same as
 * {@link noticesFor}, except that a host who stopped someone else's recording from another
 * page is in 'others' here: their own page shows them the upload notice when they confirm.
 */
export function roomNotices(event: SessionEvent): Notice[] {
  switch (event.type) {
    case 'starting':
    case 'started':
      return noticesFor(event, { id: event.initiatorId, role: 'participant' });
    case 'stopped': {
      const why = CAUSE_NOTICE[event.cause];
      const uploading: Notice = { id: 'recording-ended-uploading', audience: 'initiator' };
      if (why) return [{ id: why, audience: 'everyone' }, uploading];
      if (event.cause !== 'user') uploading.params = { cause: event.cause };
      return [uploading, { id: 'recording-completed', audience: 'others' }];
    }
    case 'available':
      return [{ id: 'recording-available', audience: 'initiator', params: { url: event.url } }];
    case 'failed':
      return [{ id: 'recording-failed', audience: 'hosts', params: { reason: event.reason } }];
  }
}
