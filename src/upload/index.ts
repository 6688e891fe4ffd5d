/** Multipart upload while recording (X2) and its targets. */
export { MAX_PARTS, MIN_PART_BYTES, UploadError } from './types.js';
export type {
  CompletedPart,
  ListPage,
  ListedObject,
  ObjectMetadata,
  UploadTarget,
} from './types.js';
export { MultipartUpload } from './multipart-upload.js';
export type {
  MultipartUploadEvents,
  MultipartUploadOptions,
  UploadProgress,
  UploadResult,
} from './multipart-upload.js';
export { DEFAULT_RETRY, withRetry } from './retry.js';
export type { RetryOptions } from './retry.js';
export { S3ClientTarget } from './s3-target.js';
export type { S3Credentials, S3TargetConfig } from './s3-target.js';
export { PresignedTarget } from './presigned-target.js';
export type { PresignedTargetConfig } from './presigned-target.js';
export { decodeMetadata, encodeMetadata } from './metadata-codec.js';
export { assertSafeKey, MAX_KEY_BYTES } from './key-rules.js';
export { S3_PART_RULES, assertPartCount, assertPartSize, assertPlanFits } from './part-rules.js';
export type { PartRules } from './part-rules.js';
export { httpError, isRetryableStatus, toUploadError } from './errors.js';
