/**
 * Continuing a file another recording began (handoff, X9): what the continuing recording is
 * told, from what the journal keeps of the file, and where its clock then starts.
 */
import type { Continuation, FragmentInfo } from './types.js';

/** What is known of a file to continue: all the journal keeps of it. */
export interface ContinuedFile {
  /** The header as first written (ftyp + moov). */
  header: Uint8Array;
  /** Every fragment so far, in order (at least one). */
  fragments: readonly FragmentInfo[];
  /** Bytes of the stream so far: header plus every fragment. */
  streamBytes: number;
  /** The next moof's sequence number, when known (a writer's `nextSequence`). */
  nextSequence?: number;
}

/**
 * The {@link Continuation} of `file` by a recording whose time zero is `timelineStartUs` in
 * the file (the room's time since the file's start, now).
 *
 * @throws RangeError when `file` has no fragment (start a new file then).
 */
export function continuationOf(file: ContinuedFile, timelineStartUs: number): Continuation {
  const last = file.fragments.at(-1);
  if (!last) throw new RangeError('continuationOf: the file has no fragment');
  let audioEnd: number | undefined;
  for (const f of file.fragments) {
    if (f.audioEndUs !== undefined) audioEnd = Math.max(audioEnd ?? 0, f.audioEndUs);
  }
  const resumeAtUs = last.startUs + last.durationUs;
  return {
    header: file.header,
    nextFragmentIndex: last.index + 1,
    ...(file.nextSequence !== undefined ? { nextSequence: file.nextSequence } : {}),
    startOffsetBytes: file.streamBytes,
    resumeAtUs,
    ...(audioEnd !== undefined ? { audioResumeAtUs: audioEnd } : {}),
    timelineStartUs,
  };
}

/**
 * Where a continuation's clock starts in the file, when it starts at `startMs` (on the clock
 * of `timelineAtMs`): its `timelineStartUs` plus the time since `timelineAtMs`, unless the
 * file's media ends later (a room clock behind the file's), so timestamps never go back.
 */
export function continuationOriginUs(c: Continuation, startMs?: number): number {
  const since =
    c.timelineAtMs !== undefined && startMs !== undefined
      ? Math.max(0, Math.round((startMs - c.timelineAtMs) * 1000))
      : 0;
  return Math.max(c.resumeAtUs, c.audioResumeAtUs ?? 0, c.timelineStartUs + since);
}
