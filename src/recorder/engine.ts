/**
 * The boundary between the controller (who decides) and the engine (what records and stores).
 * The controller speaks only to this interface, so the UI and the rules never touch codecs,
 * IndexedDB or S3.
 */
import type { RecordingSources } from '../media/sources.js';
import type { PipelineHealth } from '../media/types.js';

export type { RecordingSources, VisualSource, WebcamSource } from '../media/sources.js';
import type { RoomType, StopCause } from '../session/types.js';

/** Why recording cannot start on this device now (X4). */
export type PreflightProblem =
  | 'no-webcodecs'
  /** No MediaStreamTrackProcessor: tracks cannot be read frame by frame (Firefox, Safari). */
  | 'no-track-processor'
  | 'no-h264'
  /** The H.264 encoder accepted the config and then failed a real encode. */
  | 'encoder-failed'
  | 'no-audio-codec'
  | 'no-storage'
  | 'upload-unreachable'
  /**
   * Storage took a test write but this page may not read its ETag (the bucket's CORS rules do
   * not expose it), so no uploaded part could be confirmed.
   */
  | 'upload-etag-hidden'
  /** Storage answered but refused a test write (`uploadError` says how). */
  | 'upload-write-refused'
  | 'locked-elsewhere'
  /** No storage target was configured, so nothing could be kept. */
  | 'not-configured';

export interface PreflightResult {
  ok: boolean;
  problems: PreflightProblem[];
  /** Bytes the origin may still store, when the browser says. */
  storageAvailable?: number;
  /**
   * Frames per second of a short real 1080p encode, for the host's information (X5). Not a
   * gate: the same machine measured 6 to 40 under load, so a threshold would refuse capable
   * browsers; a slow encoder shows as repeated frames and the frames-dropping warning.
   */
  encodeFps?: number;
  /** What the encoder said when the real encode failed. */
  encoderError?: string;
  /** What storage said when it refused the test write (`upload-write-refused`). */
  uploadError?: string;
}

/** What the engine needs to know of a recording to name, own and store it. */
export interface RecordingMeta {
  recordingId: string;
  roomId: string;
  roomType: RoomType;
  title: string;
  ownerId: string;
  initiatorId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Object key of the file (already sanitized, B12). */
  objectKey: string;
  /** File name shown to users, e.g. `Rec - 2026-11-26 14:03:00 - Class.mp4`. */
  fileName: string;
}

/** A recording stored in the Recordings folder. */
export interface StoredRecording {
  recordingId: string;
  objectKey: string;
  fileName: string;
  bytes: number;
  durationSec: number;
  /** A time-limited link to play or download it. */
  url: string;
  /** Frames the encoder produced and frames dropped, when this page recorded it. */
  framesEncoded?: number;
  framesDropped?: number;
}

/** A health warning for the host (X5), before anything fails. */
export type HealthWarning = 'frames-dropping' | 'upload-lagging' | 'storage-low';

/** Health for the host (X5): the pipeline's figures plus storage and upload. */
export interface EngineHealth extends PipelineHealth {
  uploadBacklogBytes: number;
  storageAvailableBytes: number | null;
  /**
   * Minutes this device can keep journaling at the current rate before its storage runs out
   * (X11): the journal grows only by what the upload has not taken yet. Null while it does
   * not grow (the upload keeps up) or the browser does not say how much is left.
   */
  storageMinutesLeft: number | null;
  warnings: HealthWarning[];
}

/**
 * Where the recording is (X10), so the host knows whether closing the page loses anything.
 * - `in-memory`: the newest second is still in the pipeline; closing loses it (and stops).
 * - `on-device`: everything is journaled; `unsavedBytes` are not in storage yet and are
 *   uploaded when this page, or the next one opened on this device, gets to them.
 * - `saved`: storage holds all of it.
 */
export interface SaveState {
  where: 'in-memory' | 'on-device' | 'saved';
  /** Bytes recorded that storage does not hold yet. */
  unsavedBytes: number;
}

export interface EngineEvents {
  health: (health: EngineHealth) => void;
  /** The engine had to stop on its own (storage full, encoder failure); what was written is kept. */
  fault: (cause: StopCause, message: string) => void;
  /** A recording left behind by a crash was recovered and stored (X1). */
  recovered: (recording: StoredRecording) => void;
  /** Where the recording made on this page is, on every change (X10). */
  save: (state: SaveState) => void;
}

/** Records, journals and uploads. One per page. */
export interface RecordingEngine {
  preflight(): Promise<PreflightResult>;
  /**
   * Resolves once recording, with how long ago the file's time zero was (starting the
   * encoders takes time): the elapsed counter and the 24-hour cap count from there.
   */
  start(meta: RecordingMeta, sources: RecordingSources): Promise<{ elapsedMs: number }>;
  /** Replace the sources mid-recording (a webcam joins or leaves, a share ends). */
  updateSources(sources: RecordingSources): void;
  /** Stops recording; resolves once the upload has begun its finish (B7). */
  stop(cause: StopCause): Promise<void>;
  /** Resolves when the file is stored and verified (B8). */
  whenStored(): Promise<StoredRecording>;
  /** Finishes and uploads recordings a crash left behind (X1). */
  recover(): Promise<StoredRecording[]>;
  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void;
  dispose(): Promise<void>;
  /**
   * X9: continues the recording `recordingId` another page was making, into the same object,
   * its file time starting `elapsedMs` after the recording's start (the room's time now).
   * Resolves once recording here, with the recording's meta. Engines that cannot, omit it.
   */
  continueRecording?(
    recordingId: string,
    elapsedMs: number,
    sources: RecordingSources,
    handedOver?: { checkpoint: number },
  ): Promise<{ meta: RecordingMeta }>;
  /**
   * X9: whether this page may soon be asked to continue a recording (another page records it,
   * and this one could): the engine then keeps what a start loads (the recording worker, its
   * codecs' code) loaded, and lets it go when told false.
   */
  standBy?(ready: boolean): void;
  /**
   * X9: the number of the newest handoff document this page has begun to store, or null
   * (none, or no recording here): a leaving page names it, and the page that continues waits
   * a moment for it (see `continueRecording`'s `handedOver`).
   */
  checkpoint?(): number | null;
  /**
   * X9, a clean leave: stops recording here and hands what storage does not hold yet over, so
   * another page continues. Engines that cannot, omit it (the recording then stops on leave).
   */
  leave?(): Promise<void>;
  /**
   * X9: another page records `recordingId` too (this page was frozen or cut off long enough for
   * the room to take it over). When storage says that page continues it (its handoff document
   * is a later page's), this page stops recording without finishing the file, stores what it
   * holds that the file lacks as a part of its own (as a device that comes back does) and
   * lets go: resolves with that part (null: the file lacks nothing of this page's). Null for
   * `stood` when this page is the one that goes on.
   */
  standDown?(recordingId: string): Promise<{ part: StoredRecording | null } | null>;
  /**
   * X9: whether another page in the room could continue this page's recording now. While one
   * could, the engine keeps what storage does not hold yet in storage every few seconds, so a
   * page closed or killed without a word loses at most that.
   */
  handoffPossible?(possible: boolean): void;
}
