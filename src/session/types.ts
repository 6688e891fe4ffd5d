/**
 * Shared vocabulary of the session rules. No DOM, no media: these types travel between the
 * rules (session/), the room channel (room/), the controller (recorder/) and the UI (ui/).
 */

/** A participant's role in the room, as the host application reports it. */
export type Role = 'host' | 'moderator' | 'participant';

/** The kind of room, which decides who owns a recording (B14). */
export type RoomType = 'channel' | 'media-gallery' | 'single';

/** Where a recording is in its life, as every participant sees it. */
export type RecordingPhase =
  | 'idle'
  | 'confirming-start'
  | 'starting'
  | 'recording'
  | 'confirming-stop'
  | 'stopping'
  | 'uploading'
  | 'available'
  | 'failed';

/** Why an action was refused; a UI maps each to a translated sentence. */
export type RefusalReason =
  | 'not-allowed'
  | 'mobile-device'
  | 'already-recording'
  | 'not-recording'
  | 'not-confirming'
  | 'cap-reached'
  | 'busy'
  | 'preflight-failed'
  | 'locked-elsewhere';

/** The result of asking the rules for an action. */
export type Decision = { ok: true } | { ok: false; reason: RefusalReason };

/**
 * How the controls offer an action: ready to choose, shown but off with the reason (the user
 * should know why, X4), or not shown at all (it is not for this person or moment, B1).
 */
export type Offer =
  { state: 'ready' } | { state: 'off'; reason: RefusalReason } | { state: 'hidden' };

/** Who receives a notice. */
export type Audience = 'everyone' | 'initiator' | 'others' | 'hosts';

/**
 * Every notice the product shows, by id. The English wording lives in
 * `session/notices.ts` as data, so a UI can replace it for translation.
 */
export type NoticeId =
  | 'recording-starting'
  | 'recording-started'
  | 'recording-ended-uploading'
  | 'recording-completed'
  | 'recording-available'
  | 'recording-cap-reached'
  | 'recording-host-away-stopped'
  | 'recording-room-ended'
  | 'recording-failed'
  /** X9: another device continues the recording (hosts and moderators, with `{name}`). */
  | 'recording-continues'
  | 'recording-continues-here'
  /** X9: the recording device left and no page here can continue it. */
  | 'recording-orphaned'
  /** X9: this page was paused long enough for another to take its recording over. */
  | 'recording-taken-over';

/** A notice to show, with the values its text may interpolate. */
export interface Notice {
  id: NoticeId;
  audience: Audience;
  /** Values for the text, e.g. `{ url }` for the available notice, `{ reason }` for failure. */
  params?: Record<string, string>;
}

/** Why a recording stopped. */
export type StopCause = 'user' | 'host-away' | 'cap' | 'room-ended' | 'error' | 'storage-full';

/** What a participant who joins late needs to show the right state at once (B5). */
export interface SessionSnapshot {
  phase: RecordingPhase;
  recordingId: string | null;
  /**
   * Epoch ms when recording started, on the recording page's wall clock: for showing the date
   * and naming the file only. Durations come from `elapsedMs`.
   */
  startedAt: number | null;
  /**
   * How long the recording had run when this snapshot was taken, on the recording page's
   * monotonic clock; each page derives its elapsed counter from it on its own clock (B5), so
   * neither a wall-clock change nor two devices' clocks disagreeing moves the counter.
   */
  elapsedMs: number | null;
  /** User id of whoever started it. */
  initiatorId: string | null;
  /** Milliseconds left, when the snapshot was taken, before the host-away countdown stops it. */
  hostAwayRemainingMs: number | null;
  /**
   * Why the current recording stopped, once it has (phases stopping, uploading, available);
   * lets the other pages show the right notice (B7, B9, B11, B15). Absent means unknown.
   */
  stopCause?: StopCause | null;
  /** User id of whoever pressed Stop, when a person did (B7: they get the upload notice). */
  stoppedBy?: string | null;
  /**
   * For a stop by a timer (cause 'host-away' or 'cap'): that limit in milliseconds, as the
   * recording page had it configured, so every page's notice names the same limit (B9, B11).
   */
  stopLimitMs?: number | null;
  /** Why the recording failed, when phase is 'failed'. */
  failure?: string | null;
}

/**
 * The local user of a page, as the host application reports it. `mobile` is true on a phone
 * or tablet, where no one may start or stop a recording (B1).
 */
export interface LocalUser {
  id: string;
  role: Role;
  mobile: boolean;
}

/** Who looks at a notice: enough to pick the notices meant for them. */
export interface Viewer {
  id: string;
  role: Role;
}

/**
 * A step in a recording's life, as every page can derive it (the recording page from its own
 * actions, the other pages from the snapshots they receive). Notices are computed from these
 * with `noticesFor(event, viewer)`, so every page shows the same thing.
 */
export type SessionEvent =
  | { type: 'starting'; initiatorId: string }
  | { type: 'started'; initiatorId: string; recordingId: string; startedAt: number }
  | {
      type: 'stopped';
      initiatorId: string;
      cause: StopCause;
      /** User id of whoever pressed Stop; null when it stopped by itself. */
      stoppedBy: string | null;
      /** For a stop by a timer (B9, B11): the limit that ran out, in milliseconds. */
      limitMs?: number;
    }
  | { type: 'available'; initiatorId: string; url: string }
  | { type: 'failed'; initiatorId: string; reason: string };
