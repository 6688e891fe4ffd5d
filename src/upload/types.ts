/**
 * Contracts of the multipart upload. The journal (journal/) keeps the bytes and the ETags;
 * the uploader (upload/) moves them to storage through a target (the S3 client or the
 * integrator's presigned URLs).
 */

export { MAX_PARTS } from '../journal/part-plan.js';
export type { CompletedPart } from '../journal/types.js';
import type { CompletedPart } from '../journal/types.js';

/** S3 requires every part but the last to be at least 5 MiB. */
export const MIN_PART_BYTES = 5 * 1024 * 1024;

/** Metadata stored with the object as `x-amz-meta-*` (values ASCII-safe, encoded by the target). */
export type ObjectMetadata = Record<string, string>;

/**
 * Where parts go. Implemented by the S3 client target and the presigned-URL target.
 * Every method throws an `UploadError` whose `retryable` says whether trying again may help.
 */
/** Bytes [start, end) of an object. */
export interface ByteSpan {
  start: number;
  end: number;
}

/** A span as an HTTP `Range` header (whose end is inclusive). */
export function httpRange(span: ByteSpan): string {
  return `bytes=${span.start}-${span.end - 1}`;
}

/** One object of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  /** Epoch ms. */
  lastModified: number;
}

/** One page of a listing; `nextToken` is set when more pages follow. */
export interface ListPage {
  objects: ListedObject[];
  nextToken?: string;
}

export interface UploadTarget {
  createMultipartUpload(
    key: string,
    contentType: string,
    metadata: ObjectMetadata,
  ): Promise<string>;
  uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    signal?: AbortSignal,
  ): Promise<string>;
  completeMultipartUpload(key: string, uploadId: string, parts: CompletedPart[]): Promise<void>;
  /** Best effort: some servers (and s3rver) do not implement it. */
  abortMultipartUpload(key: string, uploadId: string): Promise<void>;
  /** Size of a stored object, to verify it after Complete; null when absent. */
  headObject(key: string): Promise<{ size: number; metadata: ObjectMetadata } | null>;
  /**
   * Writes a small whole object (e.g. the per-owner index). Resolves to the ETag storage
   * answered, or null when this page may not read it (a CORS policy that does not expose
   * `ETag`, which would make every UploadPart fail: the pre-flight checks it this way).
   */
  putObject(
    key: string,
    body: Uint8Array,
    contentType: string,
    metadata?: ObjectMetadata,
  ): Promise<string | null>;
  /** Reachability check for the pre-flight (X4). */
  probe(): Promise<boolean>;
  /**
   * A whole (small) object's bytes, or bytes [start, end) of it (fewer at its end), or null
   * when absent (X9: a handoff's context and tails; a stored file's head).
   */
  getObject(key: string, range?: ByteSpan): Promise<Uint8Array | null>;
  /** Deletes an object; absent is fine (X9: a handoff's objects once the file is stored). */
  deleteObject(key: string): Promise<void>;
  /**
   * One page of the keys under `prefix` (X9: a late write of a page that was continued can
   * leave an object no context names; the folder is listed before it is removed).
   */
  listObjects(prefix: string, continuationToken?: string): Promise<ListPage>;
}

/** Why an upload step failed, and whether a retry may succeed (5xx, 429, network). */
export class UploadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UploadError';
  }
}
