/**
 * The fault suite (issue 11): about one UploadPart request in ten answered 500 or 503 SlowDown
 * over a recording of many parts, in Chromium, against the real local S3 and the real
 * IndexedDB journal. msw only injects the failures; every other request reaches s3rver.
 */
import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { http, HttpResponse, passthrough } from 'msw';
import { setupWorker } from 'msw/browser';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import type { UploadError } from '../../../src/upload/types.js';
import {
  SMALL_PLAN,
  SMALL_RULES,
  expectedObject,
  getObject,
  listKeys,
  localS3,
  newJournal,
  patternBytes,
  sameBytes,
} from './fixtures.js';
import { integratorHandlers } from './integrator.js';

/** 64 KiB parts growing every four: 36 parts from 64 KiB to 576 KiB (about 11 MiB). */
const plan = new PartPlan(SMALL_PLAN);
const PARTS = 36;
const HEADER = 1500;
const FRAGMENT = 40_011;
const RETRY = { retries: 5, initialMs: 200, maxMs: 2_000 };
/**
 * Picked so that this recording's failures mix both answers, hit part 1 (sent at Stop) and
 * fail one part twice in a row (the backoff grows): 5 of 41 UploadPart requests.
 */
const SEED = 28;

type Injected = 500 | 503;

/** The answer storage gives to attempt `attempt` (1-based) of part `n`: a failure, or null. */
function faultFor(n: number, attempt: number): Injected | null {
  // Never the third attempt on: a part must not spend its retries.
  if (attempt > 2) return null;
  let x = (SEED ^ Math.imul(n, 0x9e3779b1) ^ Math.imul(attempt, 0x85ebca77)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  x >>>= 0;
  if (x % 10 !== 0) return null;
  return (x >>> 8) % 2 === 1 ? 503 : 500;
}

/** The failures each part meets before it is stored: consecutive from its first attempt. */
function plannedFailures(n: number): Injected[] {
  const out: Injected[] = [];
  for (let a = 1; ; a++) {
    const status = faultFor(n, a);
    if (status === null) return out;
    out.push(status);
  }
}

const SLOW_DOWN =
  '<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>rr-test</RequestId></Error>';

describe('10 % of parts answered 500 or 503 SlowDown over a recording, in Chromium', () => {
  const worker = setupWorker();
  after(() => worker.stop());

  it('retries every failed part with backoff and stores the stream byte for byte', async () => {
    const s3 = await localS3();
    const planned = new Map<number, Injected[]>();
    for (let n = 1; n <= PARTS; n++) {
      const f = plannedFailures(n);
      if (f.length > 0) planned.set(n, f);
    }
    const plannedAll = [...planned.values()].flat();
    // The seed's promise, checked so that a change of the hash cannot silently weaken the test.
    expect(plannedAll).to.include(500);
    expect(plannedAll).to.include(503);
    expect(planned.has(1)).to.equal(true);
    expect([...planned.values()].some((f) => f.length >= 2)).to.equal(true);

    /** Every UploadPart request that reached the wire, in order. */
    const wire: Array<{ n: number; attempt: number; at: number; injected: Injected | null }> = [];
    const attempts = new Map<number, number>();
    worker.use(
      ...integratorHandlers(s3),
      http.put(`${s3.endpoint}/*`, ({ request }) => {
        const param = new URL(request.url).searchParams.get('partNumber');
        if (param === null) return passthrough();
        const n = Number(param);
        const attempt = (attempts.get(n) ?? 0) + 1;
        attempts.set(n, attempt);
        const injected = faultFor(n, attempt);
        wire.push({ n, attempt, at: performance.now(), injected });
        if (injected === 500) return new HttpResponse('Internal Server Error', { status: 500 });
        if (injected === 503) {
          return new HttpResponse(SLOW_DOWN, {
            status: 503,
            headers: { 'Content-Type': 'application/xml' },
          });
        }
        return passthrough();
      }),
    );
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });

    const key = `rooms/faults/Recordings/Rec - part failures ${crypto.randomUUID().slice(0, 8)}.mp4`;
    const { journal, id, name } = await newJournal('part-failures', key);
    const up = new MultipartUpload({
      journal,
      target: new PresignedTarget({ baseUrl: '/api/s3' }),
      recordingId: id,
      retry: RETRY,
      rules: SMALL_RULES,
    });
    const retries: Array<{ n: number | null; attempt: number; error: UploadError }> = [];
    const failedForGood: Array<[number, string]> = [];
    const confirmed: Array<{ n: number; at: number }> = [];
    up.on('retry', (error, n, attempt) => retries.push({ n, attempt, error }));
    up.on('error', (error, n) => failedForGood.push([n, error.message]));
    up.on('part', (part) => confirmed.push({ n: part.partNumber, at: performance.now() }));
    /** Resolves at the next confirmed part; rejects if a part fails for good meanwhile. */
    const nextConfirmation = () =>
      new Promise<void>((resolve, reject) => {
        const offs = [
          up.on('part', () => {
            offs.forEach((off) => off());
            resolve();
          }),
          up.on('error', (e, n) => {
            offs.forEach((off) => off());
            reject(new Error(`part ${n} failed for good: ${e.message}`));
          }),
        ];
      });
    await up.start();

    // The recording: a header, then fragments journaled durably as the recorder does, each
    // announced to the uploader; the last part is a partial tail.
    const total = plan.startOf(PARTS) + 100_003;
    const stream = patternBytes(total, 11);
    const sink = journal.sink(id);
    await sink.writeHeader(stream.subarray(0, HEADER));
    for (let offset = HEADER, index = 0; offset < total; index++) {
      const end = Math.min(total, offset + FRAGMENT);
      await sink.writeFragment({
        index,
        offset,
        bytes: stream.subarray(offset, end),
        startUs: index * 2_000_000,
        durationUs: 2_000_000,
        startsWithKeyframe: true,
      });
      offset = end;
      up.notifyBytes(end);
      // A real recording makes a part in seconds: the failures then fall while it records,
      // not in one heap after Stop.
      const part = plan.sizeOf(plan.partOf(end));
      while (up.backlogBytes > 3 * part) await nextConfirmation();
    }
    const sentBeforeStop = wire.length;
    const rewritten = patternBytes(HEADER + 700, 12);
    const result = await up.finish(rewritten, total);

    // Every injected failure was a request of its own, answered without storage seeing it.
    const injected = wire.filter((w) => w.injected !== null);
    const count = (status: Injected) => injected.filter((w) => w.injected === status).length;
    expect(injected.map((w) => [w.n, w.attempt, w.injected])).to.have.deep.members(
      [...planned].flatMap(([n, f]) => f.map((status, i) => [n, i + 1, status])),
    );
    // Failures fell while it recorded too, not only on part 1 at Stop.
    expect(injected.filter((w) => wire.indexOf(w) < sentBeforeStop).length).to.be.at.least(1);

    // Each failure was retried once, with the true reason, and nothing failed for good.
    expect(failedForGood).to.deep.equal([]);
    expect(retries.map((r) => [r.n, r.attempt, r.error.status])).to.have.deep.members(
      injected.map((w) => [w.n, w.attempt - 1, w.injected]),
    );
    for (const { n, error } of retries) {
      expect(error.retryable, error.message).to.equal(true);
      if (error.status === 503) {
        expect(error.message).to.match(
          new RegExp(`^UploadPart ${n} failed: HTTP 503 SlowDown \\(`),
        );
      } else {
        expect(error.message).to.match(new RegExp(`^UploadPart ${n} failed: HTTP 500 \\(`));
      }
      expect(error.message).to.contain('storage is failing or busy; the request is retried');
    }

    // Retried after a backoff: the next attempt of a part comes no sooner than the least the
    // backoff waits (half its base, for the jitter). A lower bound: a slow machine only adds.
    for (const failure of injected) {
      const next = wire.find((w) => w.n === failure.n && w.attempt === failure.attempt + 1);
      expect(next, `part ${failure.n} after attempt ${failure.attempt}`).to.not.equal(undefined);
      const base = Math.min(RETRY.maxMs, RETRY.initialMs * 2 ** (failure.attempt - 1));
      // 1 ms for the timer and the clock rounding differently.
      expect(next!.at - failure.at).to.be.at.least(base / 2 - 1);
    }

    // Every part went to storage exactly once more than it failed: no part sent twice after
    // its success, none given up.
    for (let n = 1; n <= PARTS; n++) {
      expect(attempts.get(n), `attempts of part ${n}`).to.equal((planned.get(n)?.length ?? 0) + 1);
    }
    expect([...attempts.keys()].sort((a, b) => a - b)).to.deep.equal(
      Array.from({ length: PARTS }, (_, i) => i + 1),
    );

    // Each part confirmed (and journaled) once; Complete listed 1..36 in order.
    const numbers = Array.from({ length: PARTS }, (_, i) => i + 1);
    expect(confirmed.map((c) => c.n).sort((a, b) => a - b)).to.deep.equal(numbers);
    expect(result.parts.map((p) => p.partNumber)).to.deep.equal(numbers);
    expect(result.bytes).to.equal(rewritten.byteLength + total - HEADER);

    // The stored object, read back from s3rver, is the rewritten header and every byte after
    // the original one: nothing lost, nothing doubled.
    const stored = await getObject(s3, key);
    expect(stored?.byteLength).to.equal(result.bytes);
    expect(sameBytes(stored, expectedObject(stream, HEADER, rewritten))).to.equal(true);
    expect(await listKeys(s3, key)).to.deep.equal([key]);

    // The journal: every part confirmed with its ETag, their ranges tiling the stream, nothing
    // left to send; of the bytes only part 1's original ones remain (the recorder removes the
    // record once stored), every confirmed fragment gone (X8).
    const record = (await journal.get(id))!;
    expect(record.bytes).to.equal(total);
    expect(record.parts.map((p) => p.partNumber)).to.deep.equal(numbers);
    let at = 0;
    for (const p of record.parts) {
      expect(p.etag, `ETag of part ${p.partNumber}`).to.match(/^"?[0-9a-f]{32}"?$/);
      expect([p.start, p.end], `range of part ${p.partNumber}`).to.deep.equal([
        at,
        plan.range(p.partNumber, total).end,
      ]);
      at = p.end!;
    }
    expect(at).to.equal(total);
    expect(up.backlogBytes).to.equal(0);
    expect(up.progress.confirmedParts).to.equal(PARTS);
    expect(await journal.heldBytes(id)).to.equal(plan.sizeOf(1));

    const last = injected.reduce((a, b) => (b.at > a.at ? b : a));
    const lastConfirmed = confirmed.find((c) => c.n === last.n)!;
    console.log(
      `[part-failures] ${PARTS} parts, ${wire.length} UploadPart requests, ${injected.length} injected failures ` +
        `(${count(500)} x 500, ${count(503)} x 503 SlowDown) on parts ${[...planned.keys()].join(', ')}, ` +
        `${retries.length} retries, ${injected.filter((w) => wire.indexOf(w) < sentBeforeStop).length} failures before Stop; ` +
        `last injected failure (part ${last.n}, attempt ${last.attempt}) to its confirmation: ` +
        `${(lastConfirmed.at - last.at).toFixed(0)} ms`,
    );

    await journal.close();
    await deleteDB(name);
  });
});
