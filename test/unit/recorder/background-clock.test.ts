/**
 * The rules' timers armed in a worker and on the page at once (background-clock.ts): whichever
 * fires first runs the timer, once; a worker that cannot start leaves the page's timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backgroundClock } from '../../../src/recorder/background-clock.js';
import { ManualClock } from '../../support/manual-clock.js';

/** A stand-in for `Worker` that records what the page asks and answers when told to. */
class FakeWorker {
  static all: FakeWorker[] = [];
  static refuse = false;
  readonly asked: Array<{ id: number; ms?: number }> = [];
  terminated = false;
  onmessage: ((e: { data: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    if (FakeWorker.refuse) throw new DOMException('worker-src', 'SecurityError');
    FakeWorker.all.push(this);
  }
  postMessage(data: { id: number; ms?: number }) {
    this.asked.push(data);
  }
  terminate() {
    this.terminated = true;
  }
  /** The worker's timer for `id` fires. */
  fire(id: number) {
    this.onmessage?.({ data: id });
  }
}

beforeEach(() => {
  FakeWorker.all = [];
  FakeWorker.refuse = false;
  vi.stubGlobal('Worker', FakeWorker);
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('backgroundClock', () => {
  it('the worker firing first runs the timer once, and the page timer is dropped', () => {
    const base = new ManualClock(Date.UTC(2026, 10, 26));
    const clock = backgroundClock(base);
    const fired: string[] = [];
    const id = clock.setTimeout(() => fired.push('cap'), 20_000) as number;
    const worker = FakeWorker.all[0]!;
    expect(worker.asked).toEqual([{ id, ms: 20_000 }]);
    expect(base.pending).toBe(1);
    worker.fire(id);
    expect(fired).toEqual(['cap']);
    expect(base.pending).toBe(0);
    // The page timer would have fired later: it no longer exists, and a late answer is ignored.
    base.advance(20_000);
    worker.fire(id);
    expect(fired).toEqual(['cap']);
    // Nothing waits: the worker goes.
    expect(worker.terminated).toBe(true);
  });

  it("the page's timer firing first runs it once, and the worker's is cleared", () => {
    const base = new ManualClock(Date.UTC(2026, 10, 26));
    const clock = backgroundClock(base);
    const fired: number[] = [];
    const id = clock.setTimeout(() => fired.push(base.monotonicMs()), 1_000) as number;
    const worker = FakeWorker.all[0]!;
    base.advance(1_000);
    expect(fired).toHaveLength(1);
    expect(worker.asked.at(-1)).toEqual({ id });
    worker.fire(id);
    expect(fired).toHaveLength(1);
  });

  it('clearTimeout cancels both, and the readings are the base clock', () => {
    const base = new ManualClock(Date.UTC(2026, 10, 26), 5_000);
    const clock = backgroundClock(base);
    const fired: string[] = [];
    const keep = clock.setTimeout(() => fired.push('keep'), 2_000) as number;
    const drop = clock.setTimeout(() => fired.push('drop'), 1_000) as number;
    const worker = FakeWorker.all[0]!;
    expect(FakeWorker.all).toHaveLength(1);
    clock.clearTimeout(drop);
    expect(worker.asked.at(-1)).toEqual({ id: drop });
    worker.fire(drop);
    base.advance(1_500);
    expect(fired).toEqual([]);
    expect(worker.terminated).toBe(false);
    worker.fire(keep);
    expect(fired).toEqual(['keep']);
    expect(clock.monotonicMs()).toBe(6_500);
    expect(clock.epochMs()).toBe(base.epochMs());
  });

  it("where no worker may start, the page's timers alone keep the time", () => {
    FakeWorker.refuse = true;
    const base = new ManualClock(Date.UTC(2026, 10, 26));
    const clock = backgroundClock(base);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('away'), 900_000);
    base.advance(900_000);
    expect(fired).toEqual(['away']);
  });

  it("a worker that fails later leaves the page's timers, which still fire", () => {
    const base = new ManualClock(Date.UTC(2026, 10, 26));
    const clock = backgroundClock(base);
    const fired: string[] = [];
    clock.setTimeout(() => fired.push('cap'), 3_000);
    FakeWorker.all[0]!.onerror?.();
    base.advance(3_000);
    expect(fired).toEqual(['cap']);
    // No new worker is tried after one failed.
    clock.setTimeout(() => fired.push('next'), 1_000);
    expect(FakeWorker.all).toHaveLength(1);
    base.advance(1_000);
    expect(fired).toEqual(['cap', 'next']);
  });
});
