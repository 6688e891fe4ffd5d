/**
 * S3's rules on parts. The local server (s3rver) accepts what S3 refuses (parts under 5 MiB,
 * more than 10,000 parts), so the uploader checks them itself, before sending.
 */
import { MAX_PARTS, type PartPlan } from '../journal/part-plan.js';
import { MIN_PART_BYTES, UploadError } from './types.js';

/** The limits a storage service puts on a multipart upload. */
export interface PartRules {
  /** Every part but the last must hold at least this many bytes. */
  minPartBytes: number;
  /** Part numbers run from 1 to this. */
  maxParts: number;
}

/** S3's limits (and those of every S3-compatible service we know). */
export const S3_PART_RULES: PartRules = Object.freeze({
  minPartBytes: MIN_PART_BYTES,
  maxParts: MAX_PARTS,
});

/** Throws unless every full part of `plan` is big enough for `rules`. */
export function assertPlanFits(plan: PartPlan, rules: PartRules = S3_PART_RULES): void {
  if (plan.baseBytes < rules.minPartBytes) {
    throw new UploadError(
      `Parts of ${plan.baseBytes} bytes are too small: every part but the last needs at least ${rules.minPartBytes} bytes; use a larger part size`,
      false,
    );
  }
}

/** Throws unless a stream cut into `count` parts fits in the allowed number of parts. */
export function assertPartCount(count: number, rules: PartRules = S3_PART_RULES): void {
  if (count > rules.maxParts) {
    throw new UploadError(
      `The recording needs ${count} parts; storage allows at most ${rules.maxParts}`,
      false,
    );
  }
}

/**
 * Throws unless a part of `size` bytes may be sent as part `partNumber`: numbers 1 to the
 * maximum, and at least the minimum size unless it is the last part.
 */
export function assertPartSize(
  partNumber: number,
  size: number,
  isLast: boolean,
  rules: PartRules = S3_PART_RULES,
): void {
  if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > rules.maxParts) {
    throw new UploadError(`Part number ${partNumber} is outside 1..${rules.maxParts}`, false);
  }
  if (!isLast && size < rules.minPartBytes) {
    throw new UploadError(
      `Part ${partNumber} has ${size} bytes; every part but the last needs at least ${rules.minPartBytes}`,
      false,
    );
  }
}
