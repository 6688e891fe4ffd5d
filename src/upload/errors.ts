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

/** An `UploadError` for an HTTP answer that was not a success. */
export function httpError(what: string, status: number, code?: string): UploadError {
  const retryable = isRetryableStatus(status) || (code !== undefined && RETRYABLE_CODES.has(code));
  return new UploadError(
    `${what} failed: HTTP ${status}${code ? ` ${code}` : ''}`,
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
  return new UploadError(`${what} failed: ${e?.message ?? String(error)}`, true);
}
