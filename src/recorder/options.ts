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
   * Time for the rules, the room and the elapsed counter: monotonic for every duration, wall
   * time only for the file's name and date. Default the system's; pass the same clock to the
   * engine.
   */
  clock?: Clock;
}
