/**
 * Every visible string of the controls, in one table. An integrator translates by passing a
 * partial (or whole) table through the `strings` property of any element; `<rr-recorder>`
 * passes its table down to the elements it hosts.
 *
 * Templates interpolate `{name}` from a notice's params. The result is always bound as text
 * (Lit escapes it), so nothing here is ever parsed as HTML.
 */
import type { HealthWarning, PreflightProblem } from '../recorder/controller-types.js';
import type { Notice, NoticeId, RefusalReason } from '../session/types.js';
import { formatLimit } from './format.js';

export const RR_STRINGS = {
  // rr-menu
  'menu.label': 'More options',
  'menu.record': 'Record',
  'menu.stop': 'Stop recording',
  'menu.mediaFiles': 'Media and Files',

  // rr-confirm
  'confirm.start.title': 'Do you want to start recording?',
  'confirm.start.body': 'Everyone in the room will be told that this session is being recorded.',
  'confirm.start.accept': 'Start Recording',
  'confirm.stop.title': 'Do you want to stop recording?',
  'confirm.stop.body': 'The recording will be saved to the Recordings folder.',
  'confirm.stop.accept': 'Stop recording',
  'confirm.cancel': 'Cancel',

  // rr-indicator
  'indicator.label': 'Recording',
  'indicator.elapsed': 'Elapsed time',
  'indicator.stop': 'Stop recording',
  'indicator.saving': 'Saving',
  'save.in-memory': '{size} not uploaded yet',
  'save.on-device': 'Saved on this device, {size} to upload. You can close this page.',
  'save.saved': 'All saved',
  'warning.frames-dropping': 'Frames are being dropped',
  'warning.upload-lagging': 'Upload is falling behind',
  'warning.storage-low': 'Storage is running low',

  // rr-toasts
  'toasts.label': 'Recording notices',
  'toasts.dismiss': 'Dismiss',
  'notice.recording-starting': 'Recording will start momentarily, please wait.',
  'notice.recording-started': 'This session is being recorded.',
  'notice.recording-ended-uploading': 'Recording ended, starting upload',
  'notice.recording-completed': 'The recording has completed.',
  'notice.recording-available': 'The recording is available.',
  'notice.recording-available.link': 'Open the recording',
  // {limit} is the limit that ran out, worded by `noticeText` ("24 hours", "20 seconds").
  'notice.recording-cap-reached':
    'The recording reached its time limit of {limit} and has stopped. It has been saved.',
  'notice.recording-host-away-stopped':
    'The recording stopped because no host or moderator was in the room for {limit}. It has been saved.',
  'notice.recording-room-ended': 'The room has ended, so the recording stopped. It has been saved.',
  'notice.recording-failed': 'The recording failed: {reason}',
  'notice.recording-continues': "Recording continues on {name}'s device.",
  'notice.recording-continues-here':
    'The recording continues on this device now. Keep this page open until the recording is stopped.',
  'notice.recording-taken-over':
    "This page was paused, and {name}'s device took the recording over: it continues there. What this page recorded meanwhile is kept as a separate part.",
  'notice.recording-orphaned':
    'The device recording this session left, and no one here can continue the recording. What was recorded is kept.',

  // Why an action was refused (shown as a notice or beside a disabled item).
  'refusal.not-allowed': 'Only hosts and moderators can record.',
  'refusal.mobile-device': 'Recording cannot be started or stopped on a mobile device.',
  'refusal.already-recording': 'This session is already being recorded.',
  'refusal.not-recording': 'This session is not being recorded.',
  'refusal.not-confirming': 'There is nothing to confirm.',
  'refusal.cap-reached':
    'This room session has reached its time limit: no new recording can start.',
  'refusal.busy': 'Please wait, the recorder is busy.',
  'refusal.preflight-failed': 'Recording is not possible on this device.',
  'refusal.locked-elsewhere': 'Another tab is already recording this room.',

  // Pre-flight problems (X4), shown beside a disabled Record.
  'preflight.no-webcodecs': 'This browser cannot encode video (no WebCodecs).',
  'preflight.no-track-processor':
    'This browser cannot read camera and screen frames for recording (no MediaStreamTrackProcessor). Record from Chrome or Edge.',
  'preflight.no-h264': 'This browser has no H.264 encoder.',
  'preflight.encoder-failed': 'The H.264 encoder failed a test encode.',
  'preflight.no-audio-codec': 'This browser cannot encode audio.',
  'preflight.no-storage': 'Not enough storage space on this device.',
  'preflight.upload-unreachable': 'The upload storage cannot be reached.',
  'preflight.upload-etag-hidden':
    "The upload storage hides the ETag header from this page: expose ETag in the bucket's CORS rules.",
  'preflight.upload-write-refused': 'The upload storage refused a test write.',
  'preflight.locked-elsewhere': 'Another tab is already recording this room.',
  'preflight.not-configured': 'No storage is configured for recordings.',

  // rr-recordings
  'recordings.title': 'Recordings',
  'recordings.name': 'Name',
  'recordings.date': 'Date',
  'recordings.duration': 'Duration',
  'recordings.size': 'Size',
  'recordings.actions': 'Actions',
  'recordings.play': 'Play',
  'recordings.download': 'Download',
  'recordings.share': 'Copy share link',
  'recordings.shareCopied': 'Share link copied.',
  'recordings.shareManual': 'Copy this share link:',
  'recordings.empty': 'No recordings yet.',
  'recordings.loading': 'Loading recordings…',
  'recordings.error': 'The recordings could not be loaded.',
  'recordings.retry': 'Try again',
  'recordings.linkFailed': 'The link to {name} could not be made. Try again.',
  'recordings.linkUnsafe': 'The link to {name} is not a web address, so it was not opened.',
  'recordings.playing': 'Playing {name}',
  'recordings.closePlayer': 'Close player',
  'recorder.closeRecordings': 'Close',
} as const satisfies Record<string, string> &
  Record<`notice.${NoticeId}`, string> &
  Record<`refusal.${RefusalReason}`, string> &
  Record<`preflight.${PreflightProblem}`, string> &
  Record<`warning.${HealthWarning}`, string>;

export type RrStringKey = keyof typeof RR_STRINGS;
/** The whole table, as an integrator supplies it (any language). */
export type RrStrings = { [K in RrStringKey]: string };
/** A partial table: missing keys fall back to English. */
export type RrStringsOverride = Partial<RrStrings>;

/** The defaults with an override laid over them. */
export function resolveStrings(override?: RrStringsOverride | null): RrStrings {
  return override ? { ...RR_STRINGS, ...override } : RR_STRINGS;
}

/** Fills `{name}` placeholders; unknown names become empty rather than leaking braces. */
export function interpolate(template: string, params?: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => params?.[name] ?? '');
}

/**
 * A notice's params with what the UI adds: `{limit}`, the limit that ran out (B9, B11) in
 * words (from `limitMs`, else from `hours` or `minutes`, as a notice made by hand may carry).
 */
export function noticeParams(notice: Notice, locale?: string): Record<string, string> {
  const params = { ...notice.params };
  const ms =
    params['limitMs'] !== undefined
      ? Number(params['limitMs'])
      : params['hours'] !== undefined
        ? Number(params['hours']) * 3_600_000
        : params['minutes'] !== undefined
          ? Number(params['minutes']) * 60_000
          : NaN;
  if (Number.isFinite(ms) && ms > 0) params['limit'] = formatLimit(ms, locale);
  return params;
}

/**
 * The text of a notice as `<rr-toasts>` shows it, for a page that shows notices its own way.
 * @param strings a translation, whole or partial; default English.
 */
export function noticeText(
  notice: Notice,
  strings?: RrStringsOverride | null,
  locale?: string,
): string {
  return interpolate(resolveStrings(strings)[`notice.${notice.id}`], noticeParams(notice, locale));
}
