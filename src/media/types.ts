/**
 * Contracts between the recording pipeline (media/) and what stores its output
 * (journal/, upload/). The MP4 is written append-only: a header (ftyp + moov) then
 * fragments (moof + mdat), each starting with a keyframe.
 */

/** One complete MP4 fragment, as the writer hands it to the sink. */
export interface Fragment {
  /** 0-based sequence number of the fragment. */
  index: number;
  /** Byte offset of the fragment in the file as written (before the header rewrite). */
  offset: number;
  /** The fragment's bytes: one or more moof+mdat pairs. */
  bytes: Uint8Array;
  /** Presentation start of the fragment, in microseconds from the recording's start. */
  startUs: number;
  /** Duration of the fragment, in microseconds. */
  durationUs: number;
  /** Whether it starts with a video keyframe (false only for a trailing audio-only fragment). */
  startsWithKeyframe: boolean;
  /**
   * End of the fragment's audio (its last packet's end), in microseconds; absent when it has
   * none. Audio may end a little before or after the video; a continuation starts its audio
   * where the file's ends (see {@link Continuation.audioResumeAtUs}).
   */
  audioEndUs?: number;
  /**
   * The mfhd sequence number of the moof after this fragment's (a fragment may hold more than
   * one): where a continuation's numbering goes on (see {@link Continuation.nextSequence}).
   */
  nextSequence?: number;
}

/** What the index of a file needs to know of one fragment (kept in the journal). */
export type FragmentInfo = Omit<Fragment, 'bytes'>;

/** Where the writer puts its output; the journal implements it, tests use memory. */
export interface FragmentSink {
  /** The initial header (ftyp + moov), once, before any fragment. */
  writeHeader(header: Uint8Array): Promise<void>;
  /** Each fragment in order; the promise resolves when it is durable. */
  writeFragment(fragment: Fragment): Promise<void>;
}

/** Health figures, once a second (X5). */
export interface PipelineHealth {
  framesEncoded: number;
  /** Ticks with no frame in the file (the encoder a second behind); 0 in a healthy run. */
  framesDropped: number;
  /**
   * Ticks that sent the previous frame again (nothing changed, or a new one was not ready):
   * the file keeps its constant rate. Optional for engines that predate it.
   */
  framesRepeated?: number;
  /** Frames delivered per second over the last second. */
  fps: number;
  encoderQueue: number;
  bytesWritten: number;
  /** Audio minus video timestamp of the newest packets, in ms. */
  avDriftMs: number;
  composeMsP50: number;
}

/**
 * Where a recording continues a file that another recording began, on this page or
 * another (handoff, X9). It writes no header: its fragments follow the file's own, numbered,
 * placed and timed after them, so the journal and the uploader see one byte stream and the
 * header rewrite at Stop indexes both recordings' fragments as one file.
 *
 * The file's video track must be `avc3` (parameter sets in band, as every recording since
 * this field exists writes it), and the continuing recording must make the same tracks: the
 * same frame rate (the video timescale), and audio only if the file has an audio track, in
 * its codec (AAC or Opus), sample rate and channel count.
 */
export interface Continuation {
  /** The file's header as first written (ftyp + moov; a rewritten one is accepted too). */
  header: Uint8Array;
  /** Index of the first fragment written here: the file's last fragment's index + 1. */
  nextFragmentIndex: number;
  /**
   * mfhd sequence number of the first moof written here; by default `nextFragmentIndex + 1`
   * (every fragment is one moof, numbered from 1).
   */
  nextSequence?: number;
  /** Byte offset of the first fragment written here: the file's header plus every fragment. */
  startOffsetBytes: number;
  /**
   * Where the file's media ends: its last fragment's `startUs + durationUs`. Video from here
   * to `timelineStartUs` is this recording's first picture, held (frames at the file's rate);
   * audio is silence, so neither track has a hole and every player keeps the two in step.
   */
  resumeAtUs: number;
  /**
   * Where the file's audio ends: the last `audioEndUs` of its fragments (by default
   * `resumeAtUs`). Silence fills from here, so the audio track has no hole (Chromium plays
   * audio by its sample count, so a hole would put the sound after it early).
   */
  audioResumeAtUs?: number;
  /**
   * The room's time now, in microseconds since the file's start (the original recording's
   * time zero): this recording's media is stamped from here, so the file lasts the
   * wall-clock span. A value before the file's end (`resumeAtUs`, `audioResumeAtUs`) is
   * taken as that end.
   */
  timelineStartUs: number;
  /**
   * When `timelineStartUs` was the room's time (`performance.timeOrigin + performance.now()`
   * then, in ms). The recording's clock adds the time from there to its start, so setting up
   * the pipeline does not shorten the file. Without it, `timelineStartUs` is taken as the
   * room's time when the clock starts.
   */
  timelineAtMs?: number;
}
