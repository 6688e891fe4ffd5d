/**
 * Repeating timers for the demo's drawn sources that keep their rate in a background tab.
 * Chromium runs a hidden page's own timers once a second, so a slide drawn on `setInterval`
 * gave the recording one new picture a second there (`bench/x6-background.mjs`: stage 1.01
 * frames a second hidden, 30.31 in front). A dedicated worker's timers are not throttled, and
 * its messages reach the hidden page at once. Where a worker cannot start, the page's own
 * timer stands in.
 */
const WORKER_SOURCE = `
const timers = new Map();
onmessage = ({ data }) => {
  if (data.ms) timers.set(data.id, setInterval(() => postMessage(data.id), data.ms));
  else { clearInterval(timers.get(data.id)); timers.delete(data.id); }
};
`;

let worker: Worker | null | undefined;
const callbacks = new Map<number, () => void>();
let nextId = 1;

function tickWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    worker = new Worker(url);
    URL.revokeObjectURL(url);
    worker.onmessage = (e: MessageEvent<number>) => callbacks.get(e.data)?.();
  } catch {
    worker = null;
  }
  return worker;
}

/** Runs `fn` every `ms`, in front or behind; returns the function that stops it. */
export function every(ms: number, fn: () => void): () => void {
  const w = tickWorker();
  if (!w) {
    const timer = setInterval(fn, ms);
    return () => clearInterval(timer);
  }
  const id = nextId++;
  let last = -Infinity;
  // Ticks that queued while the page was busy run once, not as a burst of draws.
  callbacks.set(id, () => {
    const now = performance.now();
    if (now - last < ms / 2) return;
    last = now;
    fn();
  });
  w.postMessage({ id, ms });
  return () => {
    callbacks.delete(id);
    w.postMessage({ id });
  };
}
