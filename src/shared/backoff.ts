/**
 * Waits between retries: exponential, capped, and jittered so the pages of a room (or the
 * uploaders of many rooms) that failed together do not retry together. The room's
 * reconnection and the upload's retries both use it.
 */

export interface BackoffOptions {
  /** Delay before the first retry, in ms. */
  initialMs?: number;
  /** Largest delay, in ms. */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /**
   * Fraction of the delay that is random, 0 to 1. The default 0.5 waits between half and all
   * of the delay ("equal jitter"): spread out, yet never a retry in the same tick.
   */
  jitter?: number;
}

/** Backoff settings with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/**
 * Fills the defaults (`defaults`, then factor 2 and jitter 0.5) and rejects nonsense with a
 * specific error.
 * @throws RangeError naming the bad setting.
 */
export function resolveBackoff(
  options: BackoffOptions = {},
  defaults: { initialMs: number; maxMs: number },
): ResolvedBackoff {
  const resolved = {
    initialMs: options.initialMs ?? defaults.initialMs,
    maxMs: options.maxMs ?? defaults.maxMs,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.5,
  };
  if (!(resolved.initialMs >= 0) || !Number.isFinite(resolved.initialMs)) {
    throw new RangeError(
      `backoff.initialMs must be a finite number >= 0, got ${options.initialMs}.`,
    );
  }
  if (!(resolved.maxMs >= resolved.initialMs) || !Number.isFinite(resolved.maxMs)) {
    throw new RangeError(`backoff.maxMs must be finite and >= initialMs, got ${options.maxMs}.`);
  }
  if (!(resolved.factor >= 1)) {
    throw new RangeError(`backoff.factor must be >= 1, got ${options.factor}.`);
  }
  if (!(resolved.jitter >= 0 && resolved.jitter <= 1)) {
    throw new RangeError(`backoff.jitter must be between 0 and 1, got ${options.jitter}.`);
  }
  return resolved;
}

/**
 * The delay before retry number `attempt` (0 for the first retry): `initialMs * factor^attempt`,
 * capped at `maxMs`, then reduced by up to `jitter` of itself using `random()` in [0, 1).
 */
export function backoffDelay(
  attempt: number,
  options: ResolvedBackoff,
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
