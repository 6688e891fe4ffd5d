/**
 * What the UI sees of the recorder controller. The UI renders a `RecorderView` and calls
 * these methods; it never decides who may record (session/ does).
 */
import type { LibraryEntry } from '../library/types.js';
import type { VisualSource, WebcamSource } from '../media/sources.js';
import type { RoomChannel } from '../room/channel.js';
import type { Decision, Notice, Offer, RecordingPhase, Role, RoomType } from '../session/types.js';
import type { EngineHealth, PreflightResult, SaveState, StoredRecording } from './engine.js';

// The contract the elements see: the view, the calls, and the types they carry.
export type { LibraryEntry, RoomChannel, VisualSource, WebcamSource };
export type {
  EngineHealth,
  HealthWarning,
  PreflightProblem,
  PreflightResult,
  SaveState,
  StoredRecording,
} from './engine.js';

/** Everything the controls need to render, recomputed on every change. */
export interface RecorderView {
  /** This page's phase: includes the local confirming-start / confirming-stop steps. */
  phase: RecordingPhase;
  /**
   * Whether this page makes the room's recording, from Start (or a takeover, X9) until it is
   * stored or failed: it must stay open meanwhile, also after its user left the room (B9).
   */
  recordsHere: boolean;
  role: Role;
  mobile: boolean;
  /** Whether Record may be offered, and why not (B1, X4). */
  canStart: Decision;
  /** Whether Stop may be offered, and why not. */
  canStop: Decision;
  /** How the menu offers Record (B1, X4). */
  record: Offer;
  /** How the menu offers Stop recording (B1, B6). */
  stop: Offer;
  /** The recording indicator (B5): shown, with the counter and the square for whom. */
  indicator: IndicatorView;
  /** Whether the menu offers Media and Files (a Recordings folder is configured). */
  mediaFiles: boolean;
  preflight: PreflightResult | null;
  /**
   * When the current recording's time zero was, on the controller's monotonic clock
   * ({@link RecorderControllerApi.monotonicNow}); the elapsed counter derives from it.
   */
  startedAtMonotonic: number | null;
  /** Only on the page that records (X5). */
  health: EngineHealth | null;
  /** The newest recording stored by this page. */
  lastRecording: StoredRecording | null;
}

/** What the indicator shows on this page (B5). */
export interface IndicatorView {
  /**
   * Every participant sees it while the room is recorded; the page that recorded keeps it
   * after Stop while storage does not hold everything yet (`saving`).
   */
  shown: boolean;
  /** After Stop, on the page that recorded: the recording is being saved (X10). */
  saving: boolean;
  /** Where the recording is, on the page that records it (X10); null elsewhere. */
  save: SaveState | null;
  /** The elapsed counter: hosts and moderators. */
  elapsed: boolean;
  /** The square stop button: whoever may stop now. */
  stop: boolean;
}

/** How a page leaves the room (`leaveRoom`). */
export interface LeaveOptions {
  /**
   * B9: when no other page can continue a recording made here, leave anyway: the recording
   * goes on on this page (keep it open) and, with no host or moderator left in the room,
   * stops by itself after `hostAwayTimeoutMs` (default 15 minutes) unless one is back.
   * Default false: `leaveRoom` then resolves false and nothing changes.
   */
  keepRecording?: boolean;
}

export interface RecorderControllerApi {
  readonly view: RecorderView;
  /** Now on the monotonic clock `view.startedAtMonotonic` is on. */
  monotonicNow(): number;
  /** Called with the new view after every change; returns an unsubscribe function. */
  subscribe(listener: (view: RecorderView) => void): () => void;
  /** Called for every notice this participant should see (B3, B7, B8, B11...). */
  onNotice(listener: (notice: Notice) => void): () => void;
  /** Record chosen in the menu: opens the start confirm (B2) or says why not. */
  requestStart(): Decision;
  /** Start Recording pressed in the confirm. */
  confirmStart(): Promise<Decision>;
  /** Cancel or Escape in either confirm. */
  cancelConfirm(): void;
  /** The square or the menu's Stop recording: opens the stop confirm (B6). */
  requestStop(): Decision;
  /** The red Stop recording pressed in the confirm. */
  confirmStop(): Promise<Decision>;
  /** The room's Recordings folder for this user (B12, B13). */
  listRecordings(): Promise<LibraryEntry[]>;
  /** The sources changed (a webcam joined or left, a share ended): record the new ones. */
  sourcesChanged?(): void;
  /** A time-limited link to a recording. */
  linkTo(entry: LibraryEntry, purpose: 'play' | 'download' | 'share'): Promise<string>;
  /**
   * X9: this page leaves the room; a recording made here is handed over and goes on on another
   * page. When no page can continue it: resolves false, doing nothing, or, with
   * `keepRecording` (B9), leaves while the recording goes on here until it stops.
   */
  leaveRoom?(options?: LeaveOptions): Promise<boolean>;
  /** X9: the page is being unloaded: the room is told at once, so a successor takes over. */
  pageHidden?(): void;
}

/**
 * What `<rr-recorder>` tells whoever builds its controller: its attributes and properties.
 * The element has exactly these members, so a factory never needs the element itself.
 */
export interface RecorderElementConfig {
  readonly userId: string;
  readonly roomId: string;
  /** As the page set it; checked by the factory. */
  readonly userRole: string;
  readonly roomType: RoomType;
  readonly mobile: boolean;
  readonly meetingTitle: string;
  readonly channelOwnerId: string | undefined;
  readonly galleryOwnerId: string | undefined;
  readonly mediaOwnerId: string | undefined;
  readonly timeZone: string | undefined;
  /** B11 cap in milliseconds, unchecked until the factory reads it; undefined: 24 hours. */
  readonly maxRecordingMs: number | undefined;
  /** B9 delay in milliseconds, unchecked until the factory reads it; undefined: 15 minutes. */
  readonly hostAwayTimeoutMs: number | undefined;
  /** A `StorageConfig`, unchecked until the factory reads it. */
  readonly storage: unknown;
  readonly channel: RoomChannel | null;
  readonly stage: VisualSource | null;
  readonly webcams: WebcamSource[];
  readonly audioTracks: MediaStreamTrack[];
}

/** Builds an element's own controller; null when the configuration cannot make one yet. */
export type RecorderControllerFactory = (
  config: RecorderElementConfig,
) => RecorderControllerApi | null;
