import { describe, expect, it } from 'vitest';
import { withRetry } from '../../../src/upload/retry.js';
import { httpError, toUploadError } from '../../../src/upload/errors.js';
import { assertSafeKey } from '../../../src/upload/key-rules.js';
import { decodeMetadata, encodeMetadata } from '../../../src/upload/metadata-codec.js';
import { UploadError } from '../../../src/upload/types.js';

describe('metadata codec', () => {
  it('makes every value ASCII and brings it back unchanged', () => {
    const meta = { Title: 'Réunion : « café » / .. 日本 "q" 100%', owner: 'plain' };
    const wire = encodeMetadata(meta);
    expect(Object.values(wire).every((v) => /^[\x20-\x7e]*$/.test(v))).toBe(true);
    expect(wire).toHaveProperty('title');
    expect(decodeMetadata(wire)).toEqual({ title: meta.Title, owner: 'plain' });
  });

  it('keeps a value that was not percent-encoded by us', () => {
    expect(decodeMetadata({ title: '100% raw' })).toEqual({ title: '100% raw' });
  });
});

describe('error mapping', () => {
  it('retries 5xx, 429, 408 and SlowDown; not 4xx', () => {
    expect(httpError('x', 500).retryable).toBe(true);
    expect(httpError('x', 503, 'SlowDown').retryable).toBe(true);
    expect(httpError('x', 429).retryable).toBe(true);
    expect(httpError('x', 400, 'RequestTimeout').retryable).toBe(true);
    expect(httpError('x', 403, 'AccessDenied').retryable).toBe(false);
    expect(httpError('x', 404).retryable).toBe(false);
  });

  it('treats errors without a status as network failures, and aborts as final', () => {
    expect(toUploadError('x', new TypeError('Failed to fetch')).retryable).toBe(true);
    const abort = Object.assign(new Error('aborted'), { name: 'AbortError' });
    expect(toUploadError('x', abort).retryable).toBe(false);
    const sdk = Object.assign(new Error('Please reduce'), {
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    const mapped = toUploadError('UploadPart 2', sdk);
    expect(mapped).toMatchObject({ retryable: true, status: 503 });
    expect(mapped.message).toMatch(/UploadPart 2 failed: HTTP 503 SlowDown/);
  });
});

describe('withRetry', () => {
  it('stops at the first non-retryable error and after the last retry', async () => {
    const opts = { retries: 2, initialMs: 1, maxMs: 2 };
    let calls = 0;
    const final = await withRetry(
      'x',
      async () => {
        calls++;
        throw new UploadError('no', false, 403);
      },
      opts,
    ).catch((e) => e);
    expect(final.status).toBe(403);
    expect(calls).toBe(1);
    calls = 0;
    const spent = await withRetry(
      'x',
      async () => {
        calls++;
        throw new UploadError('again', true, 500);
      },
      opts,
    ).catch((e) => e);
    expect(spent.status).toBe(500);
    expect(calls).toBe(3);
    expect(
      await withRetry('x', async (a) => (a < 2 ? Promise.reject(new TypeError('net')) : a), opts),
    ).toBe(2);
  });
});

describe('key guard', () => {
  it('accepts sanitized odd keys and refuses dot segments', () => {
    expect(() =>
      assertSafeKey(`rooms/r/Recordings/Rec - 2026-11-26 14:03:00 - a..b "c" é.mp4`),
    ).not.toThrow();
    expect(() => assertSafeKey('rooms/../x.mp4')).toThrow(/"\.\." path segment/);
    expect(() => assertSafeKey('rooms/a\nb.mp4')).toThrow(/control characters/);
    expect(() => assertSafeKey('x'.repeat(1025))).toThrow(/longer than 1024/);
  });
});
