/** Maps transport failures to `UploadError`, deciding once what is worth retrying. */
import { UploadError } from './types.js';

/** S3 error codes that mean "slow down or try again", whatever the HTTP status says. */
const RETRYABLE_CODES = new Set([
  'SlowDown',
  'RequestTimeout',
  'RequestTimeTooSkewed',
  'InternalError',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'TooManyRequests',
  'RequestLimitExceeded',
]);

/** Whether an HTTP status is worth retrying: server errors, throttling and timeouts. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * What an S3 answer means for whoever configures the recorder, and what to do: the true
 * reason, in words, for the host's notice and the integrator's console.
 */
export function hintFor(status: number, code?: string): string | null {
  switch (code) {
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return 'the storage credentials have expired; give the recorder fresh ones (storage.credentials is asked again)';
    case 'InvalidAccessKeyId':
      return 'storage does not know this access key; check storage.credentials';
    case 'SignatureDoesNotMatch':
      return 'storage refused the request signature; check the secret key and storage.region';
    case 'AccessDenied':
      return 'storage refused access; check the bucket policy (or the signing server’s permissions) for this key prefix';
    case 'NoSuchBucket':
      return 'the bucket does not exist; check storage.bucket and storage.endpoint';
    case 'NoSuchUpload':
      return 'the multipart upload is gone (aborted, or expired by a lifecycle rule)';
    case 'PermanentRedirect':
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return 'the bucket is in another region; set storage.region to the bucket’s region';
  }
  if (status === 401 || status === 403)
    return 'access was refused; check the credentials or the signing server';
  if (status === 404)
    return 'not found; check the bucket, the endpoint or the signing server’s URL';
  if (status >= 500 || status === 429) return 'storage is failing or busy; the request is retried';
  return null;
}

/** An `UploadError` for an HTTP answer that was not a success. */
export function httpError(what: string, status: number, code?: string): UploadError {
  const retryable = isRetryableStatus(status) || (code !== undefined && RETRYABLE_CODES.has(code));
  const hint = hintFor(status, code);
  return new UploadError(
    `${what} failed: HTTP ${status}${code ? ` ${code}` : ''}${hint ? ` (${hint})` : ''}`,
    retryable,
    status,
  );
}

/**
 * Any thrown value as an `UploadError`. Errors without an HTTP status (fetch's TypeError,
 * a reset connection, a timeout) are network failures, hence retryable; an abort is not.
 */
export function toUploadError(what: string, error: unknown): UploadError {
  if (error instanceof UploadError) return error;
  const e = error as {
    name?: string;
    message?: string;
    Code?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  } | null;
  if (e?.name === 'AbortError') return new UploadError(`${what} aborted`, false);
  const status = e?.$metadata?.httpStatusCode;
  const code = e?.Code ?? e?.name;
  if (typeof status === 'number' && status > 0) {
    const mapped = httpError(what, status, code);
    return new UploadError(
      `${mapped.message}: ${e?.message ?? ''}`.trim(),
      mapped.retryable,
      status,
    );
  }
  if (code !== undefined && RETRYABLE_CODES.has(code)) {
    return new UploadError(`${what} failed: ${code}`, true);
  }
  // No answer at all: the network, a wrong endpoint, or CORS refusing the request (the
  // browser gives all three the same TypeError).
  return new UploadError(
    `${what} failed: ${e?.message ?? String(error)} (storage could not be reached: check the network, the endpoint, and that the bucket's CORS rules allow this origin)`,
    true,
  );
}
