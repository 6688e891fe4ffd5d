/** Retries an upload step while its error says a retry may help (5xx, 429, network). */
import { backoffDelay, resolveBackoff, type BackoffOptions } from '../shared/backoff.js';
import { toUploadError } from './errors.js';
import { UploadError } from './types.js';

export interface RetryOptions extends BackoffOptions {
  /** Attempts after the first; 0 means no retry. */
  retries: number;
}

/** Eight retries from half a second up to 30 s apart: about four minutes in all. */
export const DEFAULT_RETRY: RetryOptions = { retries: 8, initialMs: 500, maxMs: 30_000 };

/**
 * Runs `fn` until it succeeds, it fails with a non-retryable error, the retries are spent
 * or `signal` aborts. `onRetry` sees each failure that will be retried.
 */
export async function withRetry<T>(
  what: string,
  fn: (attempt: number) => Promise<T>,
  opts: RetryOptions,
  signal?: AbortSignal,
  onRetry?: (error: UploadError, attempt: number, delayMs: number) => void,
): Promise<T> {
  const backoff = resolveBackoff(opts, { initialMs: 500, maxMs: 30_000 });
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new UploadError(`${what} aborted`, false);
    try {
      return await fn(attempt);
    } catch (e) {
      const error = toUploadError(what, e);
      if (!error.retryable || attempt >= opts.retries || signal?.aborted) throw error;
      const delay = backoffDelay(attempt, backoff);
      onRetry?.(error, attempt, delay);
      await sleep(delay, signal);
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
