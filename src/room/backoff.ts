/** Reconnection delays: exponential, capped and jittered so a room's pages do not stampede. */

export interface BackoffOptions {
  /** Delay before the first retry, in ms (default 500). */
  initialMs?: number;
  /** Largest delay, in ms (default 30 000). */
  maxMs?: number;
  /** Growth per failed attempt (default 2). */
  factor?: number;
  /** Fraction of the delay that is random, 0 to 1 (default 0.5: between half and all of it). */
  jitter?: number;
}

/** Backoff settings with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** Fills defaults and rejects nonsense with a specific error. */
export function resolveBackoff(options: BackoffOptions = {}): ResolvedBackoff {
  const resolved = {
    initialMs: options.initialMs ?? 500,
    maxMs: options.maxMs ?? 30_000,
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
  random: () => number,
): number {
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** Math.max(0, attempt));
  return Math.round(base * (1 - options.jitter * random()));
}
