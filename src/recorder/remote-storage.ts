/** Turns a {@link StorageConfig} into the upload target and the Recordings folder. */
import { DEFAULT_KEY_PREFIX } from '../session/naming.js';
import type { RecordingLibrary } from '../library/types.js';
import { PresignedLibrary } from '../library/presigned-library.js';
import { S3Library } from '../library/s3-library.js';
import { PresignedTarget } from '../upload/presigned-target.js';
import { S3ClientTarget } from '../upload/s3-target.js';
import type { UploadTarget } from '../upload/types.js';
import type { StorageConfig } from './storage-config.js';

export interface Storage {
  target: UploadTarget;
  library: RecordingLibrary;
  keyPrefix: string;
}

/**
 * @throws TypeError naming what is wrong when the config cannot work (caught at construction,
 *   not at the first upload).
 */
export function createStorage(config: StorageConfig): Storage {
  if (!config || typeof config !== 'object') {
    throw new TypeError(
      'Room Recorder storage: expected { kind: "s3", bucket, region, credentials } or { kind: "presigned", baseUrl }.',
    );
  }
  const keyPrefix = config.keyPrefix ?? DEFAULT_KEY_PREFIX;
  if (config.kind === 'presigned') {
    if (typeof config.baseUrl !== 'string' || config.baseUrl.trim() === '') {
      throw new TypeError('Room Recorder storage: "presigned" needs baseUrl, e.g. "/api/s3".');
    }
    const target = new PresignedTarget({
      baseUrl: config.baseUrl,
      ...(config.headers ? { headers: config.headers } : {}),
    });
    return { target, library: new PresignedLibrary(target, { prefix: keyPrefix }), keyPrefix };
  }
  if (config.kind === 's3') {
    for (const field of ['bucket', 'region'] as const) {
      if (typeof config[field] !== 'string' || config[field].trim() === '') {
        throw new TypeError(`Room Recorder storage: "s3" needs ${field}.`);
      }
    }
    if (!config.credentials) {
      throw new TypeError(
        'Room Recorder storage: "s3" needs credentials (temporary ones from STS, or a function that fetches them).',
      );
    }
    const target = new S3ClientTarget({
      bucket: config.bucket,
      region: config.region,
      credentials: config.credentials,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.forcePathStyle !== undefined ? { forcePathStyle: config.forcePathStyle } : {}),
    });
    return { target, library: new S3Library(target, { prefix: keyPrefix }), keyPrefix };
  }
  throw new TypeError(
    `Room Recorder storage: unknown kind ${JSON.stringify((config as { kind?: unknown }).kind)}; use "s3" or "presigned".`,
  );
}
