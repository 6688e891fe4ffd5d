import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { assertPartSize } from '../../../src/upload/part-rules.js';
import { MAX_PARTS, MIN_PART_BYTES, UploadError } from '../../../src/upload/types.js';
import { FaultTarget } from './fault-target.js';
import {
  MemoryJournal,
  SMALL_PLAN,
  SMALL_RULES,
  newRecording,
  patternBytes,
} from './memory-journal.js';
import { startS3 } from './s3-fixture.js';
import type { S3Fixture } from './s3-fixture.js';
import { expectedObject, until, writeStream } from './stream.js';

const KiB = 1024;
const FAST = { retries: 4, initialMs: 5, maxMs: 20 };
/** Small parts (64 KiB, growing every three) and storage rules scaled to them. */
const plan = new PartPlan(SMALL_PLAN);
const SMALL = { retry: FAST, rules: SMALL_RULES };
const FRAGMENTS = { fragmentBytes: 40_000 };
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
  it('sends full parts while recording, part 1 at Stop, and stores header + fragments', async () => {
    const { journal, id, key, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    await up.start({ title: 'Réunion' });
    // Parts 2, 3 (64 KiB) and 4 (128 KiB: parts grow) are complete; part 5 is not.
    const total = plan.startOf(5) + 20 * KiB + 321;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => up.notifyBytes(n));
    expect(up.backlogBytes).toBeGreaterThan(0);

    await until(async () => (await journal.get(id))!.parts.length === 3);
    expect((await journal.get(id))!.parts.map((p) => p.partNumber)).toEqual([2, 3, 4]);
    expect(target.partCalls.sort()).toEqual([2, 3, 4]);
    expect(up.backlogBytes).toBe(total - plan.startOf(5));
    // Nothing is visible in the bucket before Complete.
    expect((await s3.target.listObjects(key)).objects).toEqual([]);

    const rewritten = patternBytes(written.header.byteLength + 4321, 99);
    const result = await up.finish(rewritten, total);
    // At Stop only the header part and the tail were left.
    expect(target.partCalls.slice(3).sort()).toEqual([1, 5]);
    expect(result.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 4, 5]);
    const expected = expectedObject(written, rewritten);
    expect(result.bytes).toBe(expected.byteLength);
    expect(same(await s3.target.getObject(key), expected)).toBe(true);
    expect((await s3.target.headObject(key))?.metadata.title).toBe('Réunion');
    expect(up.backlogBytes).toBe(0);
  }, 60_000);

  it('stores a short recording as a single part', async () => {
    const { journal, id, key, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    await up.start();
    const written = await writeStream(journal, id, 40 * KiB, FRAGMENTS, (n) => up.notifyBytes(n));
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
    const first = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const errors: number[] = [];
    first.on('error', (_e, n) => errors.push(n));
    const uploadId = await first.start();
    const total = plan.startOf(4) + 20 * KiB;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => first.notifyBytes(n));
    await until(() => errors.length === 1 && first.progress.confirmedParts === 1);
    expect((await journal.get(id))!.parts.map((p) => p.partNumber)).toEqual([2]);
    expect((await journal.get(id))!.uploadId).toBe(uploadId);

    // "Reload": a new uploader over the same journal record.
    const target2 = new FaultTarget(s3.target);
    const second = new MultipartUpload({ journal, target: target2, recordingId: id, ...SMALL });
    expect(await second.start()).toBe(uploadId);
    expect(target2.calls.some((c) => c.op === 'create')).toBe(false);
    const rewritten = patternBytes(written.header.byteLength, 11);
    await second.finish(rewritten, total);
    expect(target2.partCalls.sort()).toEqual([1, 3, 4]);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('X9: a page that continued the recording numbers its parts past the page before, so a late write of that page changes nothing', async () => {
    const { journal, id, key, target } = await setup();
    // The recording page confirms parts 2 and 3; its part 4 never gets an answer.
    target.fault = (c) =>
      c.op === 'part' && c.partNumber === 4 ? { error: new UploadError('gone', false) } : null;
    const first = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const uploadId = await first.start();
    const total = plan.startOf(5) + 20 * KiB;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => first.notifyBytes(n));
    await until(() => first.progress.confirmedParts === 2);
    await first.stopSending();

    // Another page continues it with the shift adoption gives it.
    await journal.update(id, { partShift: 64 });
    const target2 = new FaultTarget(s3.target);
    const second = new MultipartUpload({ journal, target: target2, recordingId: id, ...SMALL });
    await second.start();
    await until(async () => (await journal.get(id))!.parts.length === 3);
    expect((await journal.get(id))!.parts.map((p) => [p.partNumber, p.storedAs])).toEqual([
      [2, undefined],
      [3, undefined],
      [4, 68],
    ]);
    // The first page's part 4 lands now, after the second page's: under its own number.
    await s3.target.uploadPart(key, uploadId, 4, patternBytes(plan.sizeOf(4), 77));

    const rewritten = patternBytes(written.header.byteLength, 13);
    const result = await second.finish(rewritten, total);
    expect(target2.partCalls.sort((a, b) => a - b)).toEqual([1, 68, 69]);
    expect(result.parts.map((p) => p.partNumber)).toEqual([1, 2, 3, 68, 69]);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('one part in ten answered 500 or 503 SlowDown over a 40-part recording: nothing is lost', async () => {
    const { journal, id, key, target } = await setup();
    await journal.update(id, { partPlan: { baseBytes: 64 * KiB, growEvery: Infinity } });
    // A fixed pseudo-random tenth of the attempts fails: before storage saw the part, or after
    // it stored it and the answer was lost (both happen with a real S3 behind a proxy).
    let x = 12345;
    const injected: number[] = [];
    target.fault = (c) => {
      if (c.op !== 'part') return null;
      x = (x * 1103515245 + 12345) % 2 ** 31;
      if (x % 10 !== 0) return null;
      injected.push(c.partNumber);
      const slow = injected.length % 2 === 0;
      const error = slow
        ? new UploadError(`UploadPart ${c.partNumber} failed: HTTP 503 SlowDown`, true, 503)
        : new UploadError(`UploadPart ${c.partNumber} failed: HTTP 500 InternalError`, true, 500);
      return { error, after: injected.length % 3 === 0 };
    };
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const retried: number[] = [];
    up.on('retry', (_e, n) => retried.push(n ?? 0));
    await up.start();
    const total = 40 * 64 * KiB + 1000;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => up.notifyBytes(n));
    const rewritten = patternBytes(written.header.byteLength, 14);
    const result = await up.finish(rewritten, total);

    const attempts = target.partCalls.length;
    console.log(
      `[10 % faults] ${injected.length} of ${attempts} UploadPart attempts failed, ${retried.length} retried; 41 parts stored`,
    );
    expect(injected.length).toBeGreaterThanOrEqual(2);
    expect(retried.length).toBe(injected.length);
    expect(result.parts.map((p) => p.partNumber)).toEqual(
      Array.from({ length: 41 }, (_, i) => i + 1),
    );
    expect((await journal.get(id))!.parts).toHaveLength(41);
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
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const retries: number[] = [];
    up.on('retry', (_e, n) => retries.push(n ?? 0));
    await up.start();
    const total = plan.startOf(3) + 10 * KiB;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => up.notifyBytes(n));
    const rewritten = patternBytes(written.header.byteLength, 12);
    await up.finish(rewritten, total);
    expect(retries).toEqual([2, 2, 2]);
    expect(target.partCalls.filter((n) => n === 2)).toHaveLength(4);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('sends again, while recording, a part that failed for good once storage answers', async () => {
    const { journal, id, key, target } = await setup();
    let down = true;
    target.fault = (c) =>
      down && c.op === 'part' && c.partNumber === 2
        ? { error: new UploadError('UploadPart 2 failed: Failed to fetch', true) }
        : null;
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const failedForGood: number[] = [];
    const confirmed: number[] = [];
    up.on('error', (_e, n) => failedForGood.push(n));
    up.on('part', (p) => confirmed.push(p.partNumber));
    await up.start();
    const total = plan.startOf(4) + 10 * KiB;
    const ends: number[] = [];
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => ends.push(n));
    // Part 2 is complete while storage is down: its retries run out.
    const part2Done = plan.startOf(3) + FRAGMENTS.fragmentBytes;
    for (const end of ends.filter((e) => e <= part2Done)) up.notifyBytes(end);
    await until(() => failedForGood.includes(2));
    // Storage answers again; the recording goes on: part 3 goes, and part 2 with it, before Stop.
    down = false;
    for (const end of ends) up.notifyBytes(end);
    await until(() => confirmed.includes(2) && confirmed.includes(3));
    expect(target.partCalls).not.toContain(1);
    const rewritten = patternBytes(written.header.byteLength, 12);
    await up.finish(rewritten, total);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);

  it('creates one multipart upload however start() and finish() race', async () => {
    const { journal, id, key, target } = await setup();
    const written = await writeStream(journal, id, 50 * KiB, FRAGMENTS);
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
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
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    await up.start();
    const written = await writeStream(journal, id, plan.startOf(3) + 10 * KiB, FRAGMENTS);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect((err as UploadError).status).toBe(403);
    // Each part tried once: the header part, beside parts 2 and 3.
    expect(target.partCalls.sort()).toEqual([1, 2, 3]);
  });

  it('accepts a Complete whose answer was lost when the object has the right size', async () => {
    const { journal, id, key, target } = await setup();
    target.fault = (c) =>
      c.op === 'complete' ? { error: new UploadError('reset', true), after: true } : null;
    const up = new MultipartUpload({
      journal,
      target,
      recordingId: id,
      ...SMALL,
      retry: { ...FAST, retries: 1 },
    });
    await up.start();
    const written = await writeStream(journal, id, plan.startOf(3) + 10 * KiB, FRAGMENTS);
    const result = await up.finish(written.header, written.bytes.byteLength);
    expect(target.calls.filter((c) => c.op === 'complete').length).toBe(2);
    expect(result.bytes).toBe(written.bytes.byteLength);
    expect(same(await s3.target.getObject(key), written.bytes)).toBe(true);
  });

  it('fails when HeadObject does not show the expected size', async () => {
    const { journal, id, target } = await setup();
    target.headSize = 12;
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    await up.start();
    const written = await writeStream(journal, id, 50 * KiB, FRAGMENTS);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(String(err.message)).toMatch(/has 12 bytes, expected 51200/);
  });
});

describe('aligned parts (the product default): parts end on fragment boundaries', () => {
  it('sends parts of whole fragments, at least their planned size, and resumes them identically', async () => {
    const key = `rooms/r/Recordings/Rec aligned ${++seq}.mp4`;
    const journal = new MemoryJournal();
    const id = `rec-aligned-${seq}`;
    const alignedPlan = { ...SMALL_PLAN, alignParts: true };
    await journal.create(newRecording(id, key, alignedPlan));
    const target = new FaultTarget(s3.target);
    // Part 4 fails for good in the first page: its range must be cut the same after a reload.
    target.fault = (c) =>
      c.op === 'part' && c.partNumber === 4 ? { error: new UploadError('gone', false) } : null;
    const first = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    const errors: number[] = [];
    first.on('error', (_e, n) => errors.push(n));
    await first.start();
    const total = 700 * KiB + 77;
    const written = await writeStream(journal, id, total, FRAGMENTS, (n) => first.notifyBytes(n));
    await until(() => errors.length === 1 && first.progress.confirmedParts >= 2);
    const ends = (await journal.fragments(id)).map((f) => f.offset + f.size);
    const parts = () => journal.get(id).then((r) => r!.parts);
    for (const p of await parts()) {
      expect(ends, `part ${p.partNumber} ends on a fragment end`).toContain(p.end);
      expect(p.end! - p.start!).toBeGreaterThanOrEqual(
        new PartPlan(alignedPlan).sizeOf(p.partNumber),
      );
    }

    const second = new MultipartUpload({
      journal,
      target: new FaultTarget(s3.target),
      recordingId: id,
      ...SMALL,
    });
    await second.start();
    const rewritten = patternBytes(written.header.byteLength + 7, 3);
    const result = await second.finish(rewritten, total);
    const final = await parts();
    expect(final.map((p) => p.partNumber)).toEqual(result.parts.map((p) => p.partNumber));
    // Contiguous, whole fragments, the last one ending with the stream.
    for (const [i, p] of final.entries()) {
      expect(p.start).toBe(i === 0 ? 0 : final[i - 1]!.end);
      expect([...ends, total]).toContain(p.end);
    }
    expect(final.at(-1)!.end).toBe(total);
    expect(same(await s3.target.getObject(key), expectedObject(written, rewritten))).toBe(true);
  }, 60_000);
});

describe("S3's rules, enforced by the uploader", () => {
  it("refuses a part plan under S3's 5 MiB minimum before creating the upload", async () => {
    const { journal, id, target } = await setup();
    const up = new MultipartUpload({ journal, target, recordingId: id, retry: FAST });
    const err = await up.start().catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(String(err.message)).toMatch(
      /Parts of 65536 bytes are too small: every part but the last needs at least 5242880 bytes/,
    );
    expect(target.calls).toEqual([]);
  });

  it('refuses a non-final part under the minimum with a clear error, before sending it', async () => {
    const { journal, id, target } = await setup();
    journal.shortRead = 63 * KiB; // the journal hands back 1 KiB for a 64 KiB part
    const up = new MultipartUpload({ journal, target, recordingId: id, ...SMALL });
    await up.start();
    const written = await writeStream(journal, id, plan.startOf(3) + 10 * KiB, FRAGMENTS);
    const err = await up.finish(written.header, written.bytes.byteLength).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(err.retryable).toBe(false);
    expect(String(err.message)).toMatch(/Part 2 has 1024 bytes; every part but the last/);
    expect(target.partCalls).toEqual([]);
  });

  it('refuses a recording needing more parts than storage allows, before reading or sending', async () => {
    const { journal, id, target } = await setup();
    const up = new MultipartUpload({
      journal,
      target,
      recordingId: id,
      retry: FAST,
      rules: { ...SMALL_RULES, maxParts: 5 },
    });
    const errors: string[] = [];
    up.on('error', (e) => errors.push(e.message));
    await up.start();
    await writeStream(journal, id, 50 * KiB, FRAGMENTS);
    const tooBig = plan.capacity(5) + 1;
    up.notifyBytes(tooBig);
    expect(errors).toEqual(['The recording needs 6 parts; storage allows at most 5']);
    const err = await up.finish(new Uint8Array(10), tooBig).catch((e) => e);
    expect(err).toBeInstanceOf(UploadError);
    expect(String(err.message)).toMatch(/at most 5/);
    expect(journal.reads).toEqual([]);
    expect(target.partCalls).toEqual([]);
  });

  it("states S3's rule for each part size and number", () => {
    expect(() => assertPartSize(1, MIN_PART_BYTES - 1, false)).toThrow(/at least 5242880/);
    expect(() => assertPartSize(1, MIN_PART_BYTES, false)).not.toThrow();
    expect(() => assertPartSize(7, 1, true)).not.toThrow();
    expect(() => assertPartSize(MAX_PARTS + 1, MIN_PART_BYTES, false)).toThrow(/outside 1..10000/);
    expect(() => assertPartSize(0, MIN_PART_BYTES, false)).toThrow(/outside/);
  });
});
