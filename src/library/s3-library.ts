/**
 * The Recordings folder read with the S3 client (for integrators who give the page
 * credentials, e.g. short-lived ones). Links are signed in the page with
 * `@aws-sdk/s3-request-presigner`, loaded on first use.
 */
import { S3ClientTarget } from '../upload/s3-target.js';
import type { S3TargetConfig } from '../upload/s3-target.js';
import { ObjectLibrary } from './object-library.js';
import type { LibraryOptions, LibraryStore } from './object-library.js';

/** `RecordingLibrary` over the S3 client. */
export class S3Library extends ObjectLibrary {
  readonly target: S3ClientTarget;

  constructor(target: S3ClientTarget | S3TargetConfig, options: LibraryOptions = {}) {
    const t = target instanceof S3ClientTarget ? target : new S3ClientTarget(target);
    super(s3Store(t), options);
    this.target = t;
  }
}

function s3Store(target: S3ClientTarget): LibraryStore {
  return {
    list: (prefix, token) => target.listObjects(prefix, token),
    head: (key) => target.headObject(key),
    read: (key) => target.getObject(key),
    async link(key, expiresInSec, disposition) {
      const [{ s3, client }, { getSignedUrl }] = await Promise.all([
        target.load(),
        import('@aws-sdk/s3-request-presigner'),
      ]);
      return getSignedUrl(
        client,
        new s3.GetObjectCommand({
          Bucket: target.config.bucket,
          Key: key,
          ResponseContentDisposition: disposition,
        }),
        { expiresIn: expiresInSec },
      );
    },
  };
}
