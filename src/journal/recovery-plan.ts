/**
 * Recovery after a crash (X1): what a recording left in 'recording', 'stopping' or
 * 'uploading' can still become. The header rewrite itself is media/mp4's job; this only
 * prepares its inputs from the journal.
 */
import type { FragmentInfo } from '../media/types.js';
import { JournalError } from './errors.js';
import type { Journal, RecordingRecord } from './types.js';

/** A fragment in the recovered file, with its size in the original stream. */
export type RecoveredFragment = FragmentInfo & { size: number };

/** The inputs of the header rewrite and the upload of a recovered recording. */
export interface RecoveryPlan {
  record: RecordingRecord;
  /** The original header (ftyp + moov), to be rewritten. */
  header: Uint8Array;
  /** Every complete fragment, in order, contiguous from the end of the header. */
  fragments: RecoveredFragment[];
  /** Sum of the fragments' durations. */
  durationUs: number;
  /** Length of the original stream up to the end of the last complete fragment. */
  bytes: number;
  /** Fragments of the index left out (incomplete, or beyond a gap). */
  dropped: number;
}

/** Shape of a fragment entry as a journal may return it: the size is optional. */
type IndexedFragment = FragmentInfo & { size?: number };

/**
 * Cuts a fragment table at the last complete fragment: one whose bytes are all within the
 * bytes the record says were written, and which follows the previous one without a gap.
 * Pure: it looks only at the numbers.
 */
export function cutAtLastCompleteFragment(
  record: Pick<RecordingRecord, 'headerBytes' | 'bytes'>,
  fragments: readonly IndexedFragment[],
): Pick<RecoveryPlan, 'fragments' | 'durationUs' | 'bytes' | 'dropped'> {
  const sorted = [...fragments].sort((a, b) => a.index - b.index);
  const kept: RecoveredFragment[] = [];
  let end = record.headerBytes;
  let durationUs = 0;
  for (let i = 0; i < sorted.length; i++) {
    const fragment = sorted[i]!;
    const next = sorted[i + 1];
    // Without a stored size, a fragment ends where the next begins, or where the bytes end.
    const size = fragment.size ?? (next ? next.offset : record.bytes) - fragment.offset;
    const complete =
      fragment.index === (kept.at(-1)?.index ?? -1) + 1 &&
      fragment.offset === end &&
      size > 0 &&
      fragment.offset + size <= record.bytes;
    if (!complete) break;
    const { index, offset, startUs, durationUs: d, startsWithKeyframe } = fragment;
    kept.push({ index, offset, startUs, durationUs: d, startsWithKeyframe, size });
    end = offset + size;
    durationUs += d;
  }
  return { fragments: kept, durationUs, bytes: end, dropped: sorted.length - kept.length };
}

/**
 * Reads what the journal holds of a recording and plans its recovery: the header, the
 * fragment table cut at the last complete fragment, the duration and the byte count.
 *
 * @throws JournalError 'not-found' when the recording is not in the journal, 'no-header'
 *   when it never got a header (nothing of it can be played).
 */
export async function planRecovery(journal: Journal, id: string): Promise<RecoveryPlan> {
  const record = await journal.get(id);
  if (!record) throw new JournalError('not-found', `No recording ${id} in the journal.`, id);
  if (record.headerBytes === 0) {
    throw new JournalError(
      'no-header',
      `Recording ${id} stopped before its header was written: nothing to recover.`,
      id,
    );
  }
  const [header, fragments] = await Promise.all([journal.header(id), journal.fragments(id)]);
  return { record, header, ...cutAtLastCompleteFragment(record, fragments) };
}
