import { describe, expect, it, vi } from 'vitest';
import { backoffDelay, resolveBackoff } from '../../../src/shared/backoff.js';
import { Emitter } from '../../../src/shared/emitter.js';

describe('backoff', () => {
  it('grows exponentially, is capped, and jitter only shortens it (at most by half)', () => {
    const o = resolveBackoff({ initialMs: 100, maxMs: 1000 }, { initialMs: 1, maxMs: 1 });
    expect([0, 1, 2, 3, 4, 10].map((n) => backoffDelay(n, o, () => 0))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
    expect(backoffDelay(2, o, () => 0.999)).toBe(200);
    expect(backoffDelay(2, o, () => 0.5)).toBe(300);
  });

  it('fills defaults and refuses nonsense with the setting named', () => {
    expect(resolveBackoff({}, { initialMs: 500, maxMs: 30_000 })).toEqual({
      initialMs: 500,
      maxMs: 30_000,
      factor: 2,
      jitter: 0.5,
    });
    const d = { initialMs: 1, maxMs: 10 };
    expect(() => resolveBackoff({ initialMs: -1 }, d)).toThrow(/initialMs/);
    expect(() => resolveBackoff({ maxMs: 0, initialMs: 5 }, d)).toThrow(/maxMs/);
    expect(() => resolveBackoff({ factor: 0.5 }, d)).toThrow(/factor/);
    expect(() => resolveBackoff({ jitter: 2 }, d)).toThrow(/jitter/);
  });
});

describe('Emitter', () => {
  it('calls each listener of an event in order; a throwing one does not stop the rest', () => {
    const report = vi.fn();
    const e = new Emitter<{ a: (n: number) => void; b: () => void }>(report);
    const seen: string[] = [];
    e.on('a', (n) => seen.push(`1:${n}`));
    e.on('a', () => {
      throw new Error('boom');
    });
    const off = e.on('a', (n) => seen.push(`3:${n}`));
    e.on('b', () => seen.push('b'));
    e.emit('a', 7);
    expect(seen).toEqual(['1:7', '3:7']);
    expect(report).toHaveBeenCalledTimes(1);
    off();
    off();
    e.emit('a', 8);
    expect(seen).toEqual(['1:7', '3:7', '1:8']);
    expect(e.count('a')).toBe(2);
    e.clear();
    e.emit('b');
    expect(seen).toHaveLength(3);
  });

  it('keeps two subscriptions of the same function apart', () => {
    const e = new Emitter<{ a: () => void }>();
    let n = 0;
    const f = () => n++;
    const off1 = e.on('a', f);
    e.on('a', f);
    off1();
    e.emit('a');
    expect(n).toBe(1);
  });
});
