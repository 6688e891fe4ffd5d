/**
 * At most `concurrency` tasks at once; the rest wait in order. The uploader's parts and the
 * Recordings folder's object reads both go through one.
 */
export interface Limiter {
  /** Runs `task` when a slot is free; settles as the task does. */
  <T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a slot. */
  readonly pending: number;
}

/** @throws RangeError for a concurrency that is not a whole number of 1 or more. */
export function limiter(concurrency: number): Limiter {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`Concurrency must be a whole number of 1 or more, got ${concurrency}.`);
  }
  const waiting: Array<() => void> = [];
  let active = 0;
  const next = () => {
    if (active >= concurrency) return;
    const start = waiting.shift();
    if (start) start();
  };
  const run = <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push(() => {
        active++;
        // A task that throws before its first await still frees its slot.
        Promise.resolve()
          .then(task)
          .then(resolve, reject)
          .finally(() => {
            active--;
            next();
          });
      });
      next();
    });
  return Object.defineProperties(run, {
    active: { get: () => active },
    pending: { get: () => waiting.length },
  }) as Limiter;
}

/** Maps over `items` with at most `concurrency` calls in flight, keeping the order of results. */
export function mapLimit<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const limit = limiter(Math.max(1, Math.min(concurrency, items.length || 1)));
  return Promise.all(items.map((item, i) => limit(() => fn(item, i))));
}
