/** Retries with exponential backoff and full jitter, for errors that say a retry may help. */
import { toUploadError } from './errors.js';
import { UploadError } from './types.js';

export interface RetryOptions {
  /** Attempts after the first; 0 means no retry. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { retries: 8, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * The wait before retry `attempt` (0-based): a random delay up to `base * 2^attempt`, capped.
 * Full jitter keeps many uploaders that failed together from retrying together.
 */
export function backoffDelay(attempt: number, opts: RetryOptions, random = Math.random): number {
  const ceiling = Math.min(opts.maxDelayMs, opts.baseDelayMs * 2 ** attempt);
  // Never zero: a retry in the same tick as the failure rarely finds the server recovered.
  return Math.max(1, Math.round(ceiling * (0.5 + random() / 2)));
}

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
  for (let attempt = 0; ; attempt++) {
    if (signal?.aborted) throw new UploadError(`${what} aborted`, false);
    try {
      return await fn(attempt);
    } catch (e) {
      const error = toUploadError(what, e);
      if (!error.retryable || attempt >= opts.retries || signal?.aborted) throw error;
      const delay = backoffDelay(attempt, opts);
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
