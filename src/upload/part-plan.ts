/**
 * How a recording's byte stream maps onto multipart parts, and S3's rules on them. The local
 * server (s3rver) accepts what S3 refuses, so these rules are checked here, before sending.
 */
import { MAX_PARTS, MIN_PART_BYTES, PART_BYTES, UploadError } from './types.js';

/** Bytes [start, end) of the original stream that part `n` (1-based) covers. */
export function partRange(partNumber: number, totalBytes: number): { start: number; end: number } {
  const start = (partNumber - 1) * PART_BYTES;
  return { start, end: Math.min(partNumber * PART_BYTES, totalBytes) };
}

/** How many parts a stream of `totalBytes` needs (at least one, even when empty). */
export function partCount(totalBytes: number): number {
  return Math.max(1, Math.ceil(totalBytes / PART_BYTES));
}

/** Throws unless a stream of `totalBytes` fits in S3's 10,000 parts. */
export function assertPartCount(totalBytes: number): void {
  const count = partCount(totalBytes);
  if (count > MAX_PARTS) {
    throw new UploadError(
      `The recording needs ${count} parts of ${PART_BYTES / 1024 / 1024} MiB; S3 allows at most ${MAX_PARTS}`,
      false,
    );
  }
}

/**
 * Throws unless a part of `size` bytes may be sent as part `partNumber`: numbers 1..10,000,
 * and at least 5 MiB unless it is the last part.
 */
export function assertPartSize(partNumber: number, size: number, isLast: boolean): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PARTS) {
    throw new UploadError(`Part number ${partNumber} is outside 1..${MAX_PARTS}`, false);
  }
  if (!isLast && size < MIN_PART_BYTES) {
    throw new UploadError(
      `Part ${partNumber} has ${size} bytes; every part but the last needs at least ${MIN_PART_BYTES} (5 MiB)`,
      false,
    );
  }
}
