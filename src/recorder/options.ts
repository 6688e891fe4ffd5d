/** How an integrator configures a recorder (the properties of `<rr-recorder>` map onto this). */
import type { RecordingLibrary } from '../library/types.js';
import type { RoomChannel } from '../room/index.js';
import type { Clock } from '../session/clock.js';
import type { SuccessionPolicy } from '../session/succession.js';
import type { Role, RoomType } from '../session/types.js';
import type { RecordingEngine, RecordingSources } from './engine.js';

/** Who owns recordings made in this room, by room type (B14). */
export interface OwnerIds {
  channelOwnerId?: string;
  galleryOwnerId?: string;
  mediaOwnerId?: string;
}

export interface RecorderOptions {
  roomId: string;
  roomType: RoomType;
  userId: string;
  role: Role;
  /** A mobile device may not start or stop (B1). */
  mobile: boolean;
  meetingTitle: string;
  owners: OwnerIds;
  /** How the other participants hear about the recording. */
  channel: RoomChannel;
  /** Records and stores; null on a page that will never record (e.g. a participant). */
  engine: RecordingEngine | null;
  /** The Recordings folder; null hides it. */
  library: RecordingLibrary | null;
  /** What to record; read again when recording starts. */
  sources: () => RecordingSources;
  /** The user's name, shown to others ("Recording continues on Ada's device"); default the id. */
  userName?: string;
  /**
   * X9: who may continue a recording when its page leaves or dies: hosts and moderators, and
   * participants when `allowParticipants` (default false).
   */
  succession?: SuccessionPolicy;
  /** IANA time zone for the file name; default UTC. */
  timeZone?: string;
  /** File name template, default `Rec - {date} {time} - {title}`. */
  fileNameTemplate?: string;
  /** Object key prefix, default `rooms`. */
  keyPrefix?: string;
  /**
   * B11: the longest one recording may last, in milliseconds; at it the recording stops by
   * itself, everyone is told, and it is kept. Default and maximum 24 hours (86,400,000): a
   * plan may allow shorter recordings (`2 * 60 * 60 * 1000` for 2 hours), never longer. The
   * cap counts the recording's own time, on the monotonic clock, and holds with the page in
   * the background.
   *
   * @throws TypeError from `createRecorderController` when it is not a number of milliseconds
   *   above 0, or is above 24 hours; the message says which and what to pass.
   */
  maxRecordingMs?: number;
  /**
   * B9: how long a recording goes on once no host or moderator is in the room, in
   * milliseconds; then it stops by itself, everyone is told, and it is kept (unless a host or
   * moderator is back before). Default and maximum 15 minutes (900,000); it may be shortened,
   * never lengthened.
   *
   * @throws TypeError from `createRecorderController` when it is not a number of milliseconds
   *   above 0, or is above 15 minutes; the message says which and what to pass.
   */
  hostAwayTimeoutMs?: number;
  /**
   * Time for the rules, the room and the elapsed counter: monotonic for every duration, wall
   * time only for the file's name and date. Default the system's, its timers for the cap and
   * the host-away time kept in a small worker too, so they stop on time in a background tab
   * (give the page's Content-Security-Policy `worker-src blob:`; without it they fall back to
   * the page's timers, up to about a second late there). Pass the same clock to the engine.
   */
  clock?: Clock;
}
