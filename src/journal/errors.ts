/** Errors the journal raises, each with a machine-readable code and a sentence for people. */

/** Why a journal operation was refused. */
export type JournalErrorCode =
  /** No recording with that id is in the journal. */
  | 'not-found'
  /** The bytes asked for left the journal after storage confirmed their part (X8). */
  | 'evicted'
  /** A header or fragment arrived that does not continue the stream where it ends. */
  | 'out-of-order'
  /** The recording has no header yet, so nothing of it can be played or recovered. */
  | 'no-header'
  /** The arguments make no sense (negative range, part number 0, empty ETag...). */
  | 'invalid';

/** A journal operation that cannot be done; `code` says why. */
export class JournalError extends Error {
  constructor(
    readonly code: JournalErrorCode,
    message: string,
    readonly recordingId?: string,
  ) {
    super(message);
    this.name = 'JournalError';
  }
}

/**
 * Bytes of the original stream that the journal no longer holds: their part was confirmed
 * by storage and they were dropped (X8), or they were never written.
 */
export class MissingBytesError extends JournalError {
  constructor(
    recordingId: string,
    /** The first missing range, [start, end) in the original stream. */
    readonly start: number,
    readonly end: number,
  ) {
    super(
      'evicted',
      `Recording ${recordingId}: bytes [${start}, ${end}) of the original stream are no longer ` +
        'in the journal (their part was confirmed by storage and dropped, or never written).',
      recordingId,
    );
    this.name = 'MissingBytesError';
  }
}
