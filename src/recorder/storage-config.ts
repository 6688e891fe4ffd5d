/** Where recordings are stored: S3 (or any S3-compatible endpoint) or the integrator's presigning server. */

/** Credentials for the S3 client. Use short-lived ones (STS) in a page, never long-lived keys. */
export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Upload straight to S3 with the AWS SDK's commands (loaded lazily). */
export interface S3StorageConfig {
  kind: 's3';
  bucket: string;
  region: string;
  /** Any S3-compatible endpoint (R2, MinIO, a local server); AWS when omitted. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Static temporary credentials, or a function that fetches fresh ones. */
  credentials: S3Credentials | (() => Promise<S3Credentials>);
  /** Object key prefix, default `rooms`. */
  keyPrefix?: string;
}

/** Upload through URLs signed by the integrator's server, which keeps the credentials. */
export interface PresignedStorageConfig {
  kind: 'presigned';
  /** Base URL of the signing endpoints, e.g. `/api/s3`. */
  baseUrl: string;
  /** Extra headers for calls to the signing endpoints (e.g. a session token). */
  headers?: Record<string, string>;
  /** Object key prefix, default `rooms`. */
  keyPrefix?: string;
}

export type StorageConfig = S3StorageConfig | PresignedStorageConfig;
