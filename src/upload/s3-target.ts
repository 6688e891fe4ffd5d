/**
 * The S3 client target: S3's multipart API through `@aws-sdk/client-s3` commands, against any
 * S3-compatible endpoint (AWS, R2, MinIO, the local s3rver). The SDK module is imported on
 * first use, so pages that never upload (participants) do not pay for it.
 */
import type * as S3Sdk from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { decodeMetadata, encodeMetadata } from './metadata-codec.js';
import { toUploadError } from './errors.js';
import { assertSafeKey } from './key-rules.js';
import { requestBody } from './request-body.js';
import { UploadError, httpRange } from './types.js';
import type { ByteSpan, CompletedPart, ListPage, ObjectMetadata, UploadTarget } from './types.js';

/** Credentials for S3; a function is asked again whenever the SDK needs them (rotation). */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3TargetConfig {
  /** Custom endpoint (R2, MinIO, local); omit for AWS. */
  endpoint?: string;
  region: string;
  bucket: string;
  credentials: S3Credentials | (() => Promise<S3Credentials>);
  /** Path-style URLs (`endpoint/bucket/key`), needed by most non-AWS servers. */
  forcePathStyle?: boolean;
}

/** One object as a listing shows it. */
type S3Module = typeof S3Sdk;

/** `UploadTarget` over the S3 client; also lists and reads objects for the library. */
export class S3ClientTarget implements UploadTarget {
  private loaded: Promise<{ s3: S3Module; client: S3Client }> | null = null;

  constructor(readonly config: S3TargetConfig) {}

  /** The SDK module and a client, created once. */
  load(): Promise<{ s3: S3Module; client: S3Client }> {
    this.loaded ??= import('@aws-sdk/client-s3').then(
      (s3) => ({ s3, client: this.createClient(s3) }),
      (e: unknown) => {
        // Not cached: a later call may load it (e.g. after a network blip). The module
        // map may still hold the failure, so the error itself is not retried.
        this.loaded = null;
        throw new UploadError(`Loading @aws-sdk/client-s3 failed: ${String(e)}`, false);
      },
    );
    return this.loaded;
  }

  private createClient(s3: S3Module): S3Client {
    return new s3.S3Client({
      region: this.config.region,
      endpoint: this.config.endpoint,
      forcePathStyle: this.config.forcePathStyle,
      credentials: this.config.credentials,
      // Our uploader decides when to retry (with backoff and a journal); the SDK's own
      // retries would hide faults from it and multiply the waits.
      maxAttempts: 1,
      // Checksums only where S3 demands them: the flexible-checksum headers are not
      // understood by every S3-compatible server, and parts are verified by size after
      // Complete anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  async createMultipartUpload(
    key: string,
    contentType: string,
    metadata: ObjectMetadata,
  ): Promise<string> {
    assertSafeKey(key);
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.CreateMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          ContentType: contentType,
          Metadata: encodeMetadata(metadata),
        }),
      );
      if (!out.UploadId) throw new UploadError('CreateMultipartUpload returned no UploadId', true);
      return out.UploadId;
    } catch (e) {
      throw toUploadError('CreateMultipartUpload', e);
    }
  }

  async uploadPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    signal?: AbortSignal,
  ): Promise<string> {
    assertSafeKey(key);
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.UploadPartCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
          PartNumber: partNumber,
          Body: requestBody(body),
          ContentLength: body.byteLength,
        }),
        { abortSignal: signal },
      );
      if (!out.ETag) {
        throw new UploadError(
          `UploadPart ${partNumber} returned no ETag (is ETag exposed by CORS?)`,
          false,
        );
      }
      return out.ETag;
    } catch (e) {
      throw toUploadError(`UploadPart ${partNumber}`, e);
    }
  }

  async completeMultipartUpload(
    key: string,
    uploadId: string,
    parts: CompletedPart[],
  ): Promise<void> {
    const { s3, client } = await this.load();
    try {
      await client.send(
        new s3.CompleteMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
          MultipartUpload: {
            Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
          },
        }),
      );
    } catch (e) {
      throw toUploadError('CompleteMultipartUpload', e);
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const { s3, client } = await this.load();
    try {
      await client.send(
        new s3.AbortMultipartUploadCommand({
          Bucket: this.config.bucket,
          Key: key,
          UploadId: uploadId,
        }),
      );
    } catch (e) {
      throw toUploadError('AbortMultipartUpload', e);
    }
  }

  async headObject(key: string): Promise<{ size: number; metadata: ObjectMetadata } | null> {
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.HeadObjectCommand({ Bucket: this.config.bucket, Key: key }),
      );
      return { size: out.ContentLength ?? 0, metadata: decodeMetadata(out.Metadata) };
    } catch (e) {
      if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
        return null;
      }
      throw toUploadError('HeadObject', e);
    }
  }

  async putObject(
    key: string,
    body: Uint8Array,
    contentType: string,
    metadata: ObjectMetadata = {},
  ): Promise<string | null> {
    assertSafeKey(key);
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.PutObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          Body: requestBody(body),
          ContentLength: body.byteLength,
          ContentType: contentType,
          Metadata: encodeMetadata(metadata),
        }),
      );
      return out.ETag ?? null;
    } catch (e) {
      throw toUploadError('PutObject', e);
    }
  }

  async probe(): Promise<boolean> {
    try {
      await this.listObjects('', undefined, 1);
      return true;
    } catch {
      return false;
    }
  }

  /** One page of keys under `prefix` (at most 1,000 by S3's rule). */
  async listObjects(
    prefix: string,
    continuationToken?: string,
    maxKeys?: number,
  ): Promise<ListPage> {
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.ListObjectsV2Command({
          Bucket: this.config.bucket,
          Prefix: prefix,
          ContinuationToken: continuationToken,
          MaxKeys: maxKeys,
        }),
      );
      return {
        objects: (out.Contents ?? []).flatMap((o) =>
          o.Key === undefined
            ? []
            : [{ key: o.Key, size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 }],
        ),
        nextToken: out.IsTruncated ? out.NextContinuationToken : undefined,
      };
    } catch (e) {
      throw toUploadError('ListObjectsV2', e);
    }
  }

  /** A whole (small) object's bytes, or null when absent. */
  async getObject(key: string, range?: ByteSpan): Promise<Uint8Array | null> {
    const { s3, client } = await this.load();
    try {
      const out = await client.send(
        new s3.GetObjectCommand({
          Bucket: this.config.bucket,
          Key: key,
          ...(range ? { Range: httpRange(range) } : {}),
        }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
    } catch (e) {
      const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 404) return null;
      if (status === 416) return new Uint8Array();
      throw toUploadError('GetObject', e);
    }
  }

  /** Deletes an object; absent is fine. */
  async deleteObject(key: string): Promise<void> {
    const { s3, client } = await this.load();
    try {
      await client.send(new s3.DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
    } catch (e) {
      throw toUploadError('DeleteObject', e);
    }
  }
}
