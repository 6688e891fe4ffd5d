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
