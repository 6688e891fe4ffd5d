/**
 * Contracts of the journal: everything a recording needs to survive a crash (X1) lives in
 * IndexedDB until storage has confirmed it (X8).
 */
import type { FragmentInfo, FragmentSink } from '../media/types.js';
import type { RoomType, StopCause } from '../session/types.js';
import type { PartPlanSpec } from './part-plan.js';

/** A fragment's index entry as the journal returns it: FragmentInfo plus its size. */
export type JournalFragment = FragmentInfo & { size: number };

/** A part storage has accepted: its number and the ETag CompleteMultipartUpload needs. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
  /** The stream bytes [start, end) it holds, when the uploader says (it always does now). */
  start?: number;
  end?: number;
  /**
   * X9: the number storage knows it by, when the page that sent it numbered its parts past
   * the page it continued (see `RecordingRecord.partShift`); absent: `partNumber`.
   */
  storedAs?: number;
}

export type JournalState = 'recording' | 'stopping' | 'uploading' | 'stored' | 'failed';

/** One recording as the journal keeps it. */
export interface RecordingRecord {
  id: string;
  roomId: string;
  roomType: RoomType;
  title: string;
  fileName: string;
  objectKey: string;
  ownerId: string;
  initiatorId: string;
  state: JournalState;
  /** Epoch ms. */
  startedAt: number;
  endedAt: number | null;
  /** Bytes written so far in the original (un-rewritten) stream: header + fragments. */
  bytes: number;
  /** Size of the original header (ftyp + moov) at the start of the stream. */
  headerBytes: number;
  uploadId: string | null;
  /** How the stream is cut into parts; absent in records journaled before plans were. */
  partPlan?: PartPlanSpec;
  /** Parts storage has confirmed, by part number. */
  parts: CompletedPart[];
  /** Duration in microseconds, known once stopped. */
  durationUs: number | null;
  /** Why it stopped, once the page that recorded it stopped it; absent after a crash. */
  stopCause?: StopCause;
  /** Why it failed, when state is 'failed'. */
  error: string | null;
  /**
   * X9: how many pages had recorded it before this one (0: this page started it). A page
   * that finds a later page has continued it (see recorder/handoff-context.ts) leaves the
   * file to that page instead of finishing it itself.
   */
  handoffGeneration?: number;
  /**
   * X9: this page sends the stream's part n (n >= 2) as storage part n + partShift. A page
   * that continued a recording numbers its parts past every number the page before it could
   * still be sending, so a write of that page landing late (it was killed mid-request, or it
   * froze and woke) can never replace one of this page's parts. Absent: 0.
   */
  partShift?: number;
}

export type NewRecording = Pick<
  RecordingRecord,
  | 'id'
  | 'roomId'
  | 'roomType'
  | 'title'
  | 'fileName'
  | 'objectKey'
  | 'ownerId'
  | 'initiatorId'
  | 'startedAt'
> &
  Partial<Pick<RecordingRecord, 'partPlan'>>;
/** The journal as the recorder and the uploader see it. */
export interface Journal {
  create(meta: NewRecording): Promise<RecordingRecord>;
  get(id: string): Promise<RecordingRecord | undefined>;
  /** Recordings a crash or a reload left in 'recording', 'stopping' or 'uploading'. */
  unfinished(): Promise<RecordingRecord[]>;
  update(id: string, patch: Partial<RecordingRecord>): Promise<RecordingRecord>;
  /** A sink that writes the recording's header and fragments durably (strict). */
  sink(id: string): FragmentSink;
  /** The index of every fragment written, in order; from fragment number `from` on when given. */
  fragments(id: string, from?: number): Promise<JournalFragment[]>;
  /** The original header bytes. */
  header(id: string): Promise<Uint8Array>;
  /** Bytes [start, end) of the original stream, from the fragments still held. */
  read(id: string, start: number, end: number): Promise<Uint8Array>;
  /**
   * X9: takes over a recording another page made: its record (upload id, confirmed parts,
   * part plan), its original header, the index of every fragment already in storage, and
   * the bytes this page still needs (part 1, sent last, and a tail the leaving page handed
   * over), all in one transaction. The stream then continues at `record.bytes`.
   */
  adopt(
    record: RecordingRecord,
    header: Uint8Array,
    fragments: readonly JournalFragment[],
    pieces: ReadonlyArray<{ offset: number; bytes: Uint8Array }>,
  ): Promise<void>;
  /** Records a confirmed part durably, then drops fragments no longer needed (X8). */
  confirmPart(id: string, part: CompletedPart): Promise<void>;
  /** Bytes the journal holds for a recording (header + fragments kept). */
  heldBytes(id: string): Promise<number>;
  remove(id: string): Promise<void>;
}
