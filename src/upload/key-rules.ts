/**
 * Guards on object keys. S3 keys are opaque strings, but they travel in URL paths, where
 * `fetch` and proxies resolve `.` and `..` segments: `room/../other` would silently write
 * somewhere else. Such keys are refused before any request.
 */
import { UploadError } from './types.js';

/** S3's limit on a key's length, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;

/** Throws a non-retryable `UploadError` when `key` cannot be stored as written. */
export function assertSafeKey(key: string): void {
  if (key.length === 0) throw new UploadError('Object key is empty', false);
  if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) {
    throw new UploadError(`Object key is longer than ${MAX_KEY_BYTES} bytes: ${key}`, false);
  }
  if (key.startsWith('/')) throw new UploadError(`Object key starts with "/": ${key}`, false);
  for (const segment of key.split('/')) {
    if (segment === '.' || segment === '..') {
      throw new UploadError(`Object key has a "${segment}" path segment: ${key}`, false);
    }
  }
  // Control characters break headers and XML listings.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new UploadError(`Object key has control characters: ${JSON.stringify(key)}`, false);
  }
}
