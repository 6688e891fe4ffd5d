/**
 * A clock whose timers keep time while the page is in the background, for the rules' own
 * deadlines (the cap, B11; the host-away time, B9).
 *
 * Chromium wakes a hidden page's timers at most once a second (and, after five minutes hidden,
 * for some pages once a minute), so a cap armed with the page's `setTimeout` stopped a
 * 20-second recording 0.3-0.8 s late in a background tab here: the file held up to 24 frames
 * more than the cap. A dedicated worker's timers are not throttled, and its messages reach
 * the hidden page at once (measured: 250 ms timers came back after 251 ms, where the page's
 * own took 1,000 ms). Each timer is armed in a small worker and on the page as well: whichever
 * fires first runs it, once, so a worker that cannot start (a Content-Security-Policy without
 * `worker-src blob:`, a runtime without workers) or that dies costs only precision.
 */
import type { Clock, TimerHandle } from '../session/clock.js';

/** The worker: one `setTimeout` per id, answered with the id when it fires. */
const WORKER_SOURCE = `
const timers = new Map();
onmessage = ({ data }) => {
  if (data.ms !== undefined) {
    timers.set(data.id, setTimeout(() => { timers.delete(data.id); postMessage(data.id); }, data.ms));
  } else {
    clearTimeout(timers.get(data.id));
    timers.delete(data.id);
  }
};
`;

interface Pending {
  fn: () => void;
  /** The page's own timer for it, the fallback. */
  backup: TimerHandle;
}

/**
 * `base` (its readings, and its timers as the fallback) with every timer also armed in a
 * worker. Outside a browser, or where a worker cannot start, it is `base`'s timers alone.
 */
export function backgroundClock(base: Clock): Clock {
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: Worker | null = null;
  let workerFailed = typeof Worker === 'undefined' || typeof Blob === 'undefined';

  /** Forgets timer `id` on both sides; returns it, or undefined when it had gone already. */
  const drop = (id: number): Pending | undefined => {
    const timer = pending.get(id);
    if (!timer) return undefined;
    pending.delete(id);
    base.clearTimeout(timer.backup);
    worker?.postMessage({ id });
    return timer;
  };
  // Released after the callback: one that arms its next timer keeps the worker it runs on.
  const run = (id: number): void => {
    drop(id)?.fn();
    release();
  };

  // An idle recorder holds no thread: the worker goes with the last timer.
  const release = (): void => {
    if (pending.size > 0 || !worker) return;
    worker.terminate();
    worker = null;
  };

  const start = (): Worker | null => {
    if (worker || workerFailed) return worker;
    let url: string | null = null;
    try {
      url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
      const w = new Worker(url);
      w.onmessage = (e: MessageEvent<number>) => run(e.data);
      w.onerror = () => {
        // The page's timers go on alone: later in a background tab, never lost.
        workerFailed = true;
        w.terminate();
        if (worker === w) worker = null;
      };
      worker = w;
    } catch {
      workerFailed = true;
    } finally {
      // The worker has its script once constructed.
      if (url !== null) URL.revokeObjectURL(url);
    }
    return worker;
  };

  return {
    monotonicMs: () => base.monotonicMs(),
    epochMs: () => base.epochMs(),
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const id = nextId++;
      const backup = base.setTimeout(() => run(id), ms);
      pending.set(id, { fn, backup });
      start()?.postMessage({ id, ms });
      return id;
    },
    clearTimeout(handle: TimerHandle): void {
      drop(handle as number);
      release();
    },
  };
}
