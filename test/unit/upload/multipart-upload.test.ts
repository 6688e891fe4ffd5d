import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { assertPartSize } from '../../../src/upload/part-plan.js';
import { MAX_PARTS, MIN_PART_BYTES, PART_BYTES, UploadError } from '../../../src/upload/types.js';
import { FaultTarget } from './fault-target.js';
import { MemoryJournal, newRecording, patternBytes } from './memory-journal.js';
import { startS3 } from './s3-fixture.js';
import type { S3Fixture } from './s3-fixture.js';
import { expectedObject, until, writeStream } from './stream.js';

const MiB = 1024 * 1024;
const FAST = { retries: 4, baseDelayMs: 5, maxDelayMs: 20 };
let s3: S3Fixture;
let seq = 0;

beforeAll(async () => {
  s3 = await startS3();
}, 30_000);
afterAll(() => s3?.stop());

async function setup(key = `rooms/r/Recordings/Rec ${++seq}: test é.mp4`) {
  const journal = new MemoryJournal();
  const id = `rec-${seq}-${Math.random().toString(36).slice(2)}`;
  await journal.create(newRecording(id, key));
  const target = new FaultTarget(s3.target);
  return { journal, id, key, target };
}

function same(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b));
}

describe('MultipartUpload against s3rver', () => {
  it('sends full parts while recording, part 1 last, and stores header + fragments', async () => {
    const { journal, id, key, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    await up.start({ title: 'Réunion' });
    const total = 3 * PART_BYTES + 5 * MiB + 321;
    const written = await writeStream(journal, id, total, {}, (n) => up.notifyBytes(n));
    expect(up.backlogBytes).toBeGreaterThan(0);

    // Parts 2 and 3 are complete: they go before Stop; part 4 (partial) and part 1 wait.
    await until(async () => (await journal.get(id))!.parts.length === 2);
    expect((await journal.get(id))!.parts.map((p) => p.partNumber)).toEqual([2, 3]);
    expect(target.partCalls.sort()).toEqual([2, 3]);
    expect(up.backlogBytes).toBe(total - 3 * PART_BYTES);
    // Nothing is visible in the bucket before Complete.
    expect((await s3.target.listObjects(key)).objects).toEqual([]);

    const rewritten = patternBytes(written.header.byteLength + 4321, 99);
    const result = await up.finish(rewritten, total);
    expect(target.partCalls).toEqual([2, 3, 4, 1]);
    expect(result.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4]);
    const expected = expectedObject(written, rewritten);
    expect(result.bytes).toBe(expected.byteLength);
    expect(same(await s3.target.getObject(key), expected)).toBe(true);
    expect((await s3.target.headObject(key))?.metadata.title).toBe('Réunion');
    expect(up.backlogBytes).toBe(0);
  }, 60_000);

  it('stores a short recording as a single part', async () => {
    const { journal, id, key, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    await up.start();
    const written = await writeStream(journal, id, 2 * MiB, {}, (n) => up.notifyBytes(n));
    const rewritten = patternBytes(2000, 5);
    await up.finish(rewritten, written.bytes.byteLength);
    expect(target.partCalls).toEqual([1]);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  });

  it('resumes after a reload, sending again only the parts without a journaled ETag', async () => {
    const { journal, id, key, target } = await setup();
    // Part 3 fails for good in the first page, part 2 is confirmed.
    target.fault = (c) =>
      c.op === 'part' && c.partNumber === 3 ? { error: new UploadError('gone', false) } : null;
    const first = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    const errors: number[] = [];
    first.on('error', (_e, n) => errors.push(n));
    const uploadId = await first.start();
    const total = 3 * PART_BYTES + 2 * MiB;
    const written = await writeStream(journal, id, total, {}, (n) => first.notifyBytes(n));
    await until(() => errors.length === 1 && first.progress.confirmedParts === 1);
    expect((await journal.get(id))!.parts.map((p) => p.partNumber)).toEqual([2]);
    expect((await journal.get(id))!.uploadId).toBe(uploadId);

    // "Reload": a new uploader over the same journal record.
    const target2 = new FaultTarget(s3.target);
    const second = new MultipartUpload({ journal, target: target2, recordingId: id, retry: FAST });
    expect(await second.start()).toBe(uploadId);
    expect(target2.calls.some((c) => c.op === 'create')).toBe(false);
    const rewritten = patternBytes(written.header.byteLength, 11);
    await second.finish(rewritten, total);
    expect(target2.partCalls.sort()).toEqual([1, 3, 4]);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('retries 500 then 503 SlowDown and a dropped connection; the object is identical', async () => {
    const { journal, id, key, target } = await setup();
    const failures = [
      new UploadError('UploadPart 2 failed: HTTP 500 InternalError', true, 500),
      new UploadError('UploadPart 2 failed: HTTP 503 SlowDown', true, 503),
      new TypeError('Failed to fetch'),
    ];
    let n2 = 0;
    target.fault = (c) =>
      c.op === 'part' && c.partNumber === 2 && n2 < failures.length
        ? { error: failures[n2++] }
        : null;
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    const retries: number[] = [];
    up.on('retry', (_e, n) => retries.push(n ?? 0));
    await up.start();
    const total = 2 * PART_BYTES + MiB;
    const written = await writeStream(journal, id, total, {}, (n) => up.notifyBytes(n));
    const rewritten = patternBytes(written.header.byteLength, 12);
    await up.finish(rewritten, total);
    expect(retries).toEqual([2, 2, 2]);
    expect(target.partCalls.filter((n) => n === 2)).toHaveLength(4);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('creates one multipart upload however start() and finish() race', async () => {
    const { journal, id, key, target } = await setup();
    const written = await writeStream(journal, id, MiB);
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    const [a, b] = await Promise.all([up.start(), up.start()]);
    expect(a).toBe(b);
    await up.finish(written.header, written.bytes.byteLength);
    expect(target.calls.filter((c) => c.op === 'create')).toHaveLength(1);
    expect(same(await s3.target.getObject(key), written.bytes)).toBe(true);
  });

  it('gives up on a non-retryable error without retrying it', async () => {
    const { journal, id, target } = await setup();
    target.fault = (c) =>
      c.op === 'part' ? { error: new UploadError('AccessDenied', false, 403) } : null;
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    await up.start();
    const written = await writeStream(journal, id, PART_BYTES + MiB);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).status).toBe(403);
    expect(target.partCalls).toEqual([2]);
  });

  it('accepts a Complete whose answer was lost when the object has the right size', async () => {
    const { journal, id, key, target } = await setup();
    target.fault = (c) =>
      c.op === 'complete' ? { error: new UploadError('reset', true), after: true } : null;
    const up = new MultipartUpload({
      journal,
      target,
      recordingId: id,
      retry: { ...FAST, retries: 1 },
    });
    await up.start();
    const written = await writeStream(journal, id, PART_BYTES + MiB);
    const result = await up.finish(written.header, written.bytes.byteLength);
    expect(target.calls.filter((c) => c.op === 'complete').length).toBe(2);
    expect(result.bytes).toBe(written.bytes.byteLength);
    expect(same(await s3.target.getObject(key), written.bytes)).toBe(true);
  });

  it('fails when HeadObject does not show the expected size', async () => {
    const { journal, id, target } = await setup();
    target.headSize = 12;
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    await up.start();
    const written = await writeStream(journal, id, MiB);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(String(err.message)).toMatch(/has 12 bytes, expected 1048576/);
  });
});

describe("S3's rules, enforced by the uploader", () => {
  it('refuses a non-final part under 5 MiB with a clear error, before sending it', async () => {
    const { journal, id, target } = await setup();
    journal.shortRead = PART_BYTES - MiB; // the journal hands back 1 MiB for a 16 MiB part
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    await up.start();
    const written = await writeStream(journal, id, 2 * PART_BYTES + MiB);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.retryable).toBe(false);
    expect(String(err.message)).toMatch(/Part 2 has 1048576 bytes; every part but the last/);
    expect(target.partCalls).toEqual([]);
  });

  it('refuses a recording needing more than 10,000 parts, before reading or sending', async () => {
    const { journal, id, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    const errors: string[] = [];
    up.on('error', (e) => errors.push(e.message));
    await up.start();
    await writeStream(journal, id, MiB);
    const tooBig = MAX_PARTS * PART_BYTES + 1;
    up.notifyBytes(tooBig);
    expect(errors).toEqual(['The recording needs 10001 parts of 16 MiB; S3 allows at most 10000']);
    const err = await up.finish(new Uint8Array(10), tooBig).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(String(err.message)).toMatch(/at most 10000/);
    expect(journal.reads).toEqual([]);
    expect(target.partCalls).toEqual([]);
  });

  it('states the rule for each part size and number', () => {
    expect(() => assertPartSize(1, MIN_PART_BYTES - 1, false)).toThrow(/at least 5242880/);
    expect(() => assertPartSize(1, MIN_PART_BYTES, false)).not.toThrow();
    expect(() => assertPartSize(7, 1, true)).not.toThrow();
    expect(() => assertPartSize(MAX_PARTS + 1, PART_BYTES, false)).toThrow(/outside 1..10000/);
    expect(() => assertPartSize(0, PART_BYTES, false)).toThrow(/outside/);
  });
});
