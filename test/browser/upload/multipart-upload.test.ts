import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { delay, http, HttpResponse, passthrough } from 'msw';
import { setupWorker } from 'msw/browser';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import {
  CountingTarget,
  SMALL_PLAN,
  SMALL_RULES,
  expectedObject,
  getObject,
  listKeys,
  localS3,
  newJournal,
  patternBytes,
  sameBytes,
  until,
  writeStream,
} from './fixtures.js';
import type { LocalS3 } from './fixtures.js';
import { integratorHandlers } from './integrator.js';

const FAST = { retries: 5, initialMs: 20, maxMs: 200 };
const HEADER = 1500;
const KiB = 1024;
/** Parts of 64 KiB growing every four: 2-4 are 64 KiB, 5-8 are 128 KiB. */
const plan = new PartPlan(SMALL_PLAN);
const SMALL = { retry: FAST, rules: SMALL_RULES };

describe('MultipartUpload in Chromium: IndexedDbJournal -> presigned URLs -> s3rver', () => {
  let s3: LocalS3;
  const worker = setupWorker();
  const journals: IndexedDbJournal[] = [];
  const dbs: string[] = [];
  /** UploadPart requests seen on the wire, by part number. */
  let seen: number[] = [];

  before(async () => {
    s3 = await localS3();
    worker.use(...integratorHandlers(s3));
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
  });
  beforeEach(() => {
    seen = [];
    worker.resetHandlers(...integratorHandlers(s3), countParts());
  });
  after(async () => {
    worker.stop();
    for (const j of journals) await j.close();
    for (const name of dbs) await deleteDB(name);
  });

  function countParts() {
    return http.put(`${s3.endpoint}/*`, ({ request }) => {
      const n = new URL(request.url).searchParams.get('partNumber');
      if (n) seen.push(Number(n));
      return passthrough();
    });
  }

  async function fresh(tag: string, key: string) {
    const made = await newJournal(tag, key);
    journals.push(made.journal);
    dbs.push(made.name);
    return made;
  }

  const target = () => new CountingTarget(new PresignedTarget({ baseUrl: '/api/s3' }));

  it('sends parts before Stop; after it the object is the rewritten header + every fragment', async () => {
    const key = `rooms/room 1/Recordings/Rec - 2026-11-26 14:03:00 - Café "b" ${crypto.randomUUID().slice(0, 8)}.mp4`;
    const { journal, id } = await fresh('live', key);
    const t = target();
    const up = new MultipartUpload({ journal, target: t, recordingId: id, ...SMALL });
    await up.start({ title: 'Café « b » / ..', owner: 'owner-1' });
    // Parts 2-5 fill (5 is 128 KiB: parts grow); part 6 is the tail.
    const total = plan.startOf(6) + 70 * KiB + 5;
    const stream = await writeStream(journal, id, total, (n) => up.notifyBytes(n));

    // Before Stop: parts 2-5 are stored and journaled; nothing is listed yet.
    await until(async () => (await journal.get(id))!.parts.length === 4);
    expect([...t.parts].sort()).to.deep.equal([2, 3, 4, 5]);
    expect([...seen].sort()).to.deep.equal([2, 3, 4, 5]);
    expect(await listKeys(s3, key)).to.deep.equal([]);
    // X8: the bytes of parts 2-5 left IndexedDB; the header part and the tail stay.
    expect(await journal.heldBytes(id)).to.equal(plan.sizeOf(1) + total - plan.startOf(6));

    const rewritten = patternBytes(HEADER + 600, 3);
    const result = await up.finish(rewritten, total);
    // At Stop only the header part and the tail were left to send.
    expect(t.parts.slice(4).sort()).to.deep.equal([1, 6]);
    expect(result.parts.map((p) => p.partNumber)).to.deep.equal([1, 2, 3, 4, 5, 6]);
    expect(sameBytes(await getObject(s3, key), expectedObject(stream, HEADER, rewritten))).to.equal(
      true,
    );
    const head = await new PresignedTarget({ baseUrl: '/api/s3' }).headObject(key);
    expect(head?.size).to.equal(result.bytes);
    expect(head?.metadata.title).to.equal('Café « b » / ..');
  });

  it('resumes after a reload and re-sends only the parts without a journaled ETag', async () => {
    const key = `rooms/room 1/Recordings/Rec - resume: ${crypto.randomUUID().slice(0, 8)}.mp4`;
    const { journal, id, name } = await fresh('resume', key);
    const total = plan.startOf(4) + 30 * KiB;
    const all = patternBytes(total, 7);
    // Part 3 hangs in the first page, which then "closes" with part 2 confirmed only.
    worker.use(
      http.put(`${s3.endpoint}/*`, async ({ request }) => {
        if (new URL(request.url).searchParams.get('partNumber') !== '3') return passthrough();
        await delay('infinite');
        return passthrough();
      }),
    );
    const first = new MultipartUpload({ journal, target: target(), recordingId: id, ...SMALL });
    await first.start();
    await writeStream(journal, id, plan.startOf(4), (n) => first.notifyBytes(n), 0, all);
    await until(async () => (await journal.get(id))!.parts.length === 1);
    void first.abort(); // the page goes away with part 3 in flight
    await journal.close();
    worker.resetHandlers(...integratorHandlers(s3), countParts());
    seen = [];

    // The reloaded page: a new connection, a new uploader, the rest of the stream.
    const reopened = await IndexedDbJournal.open({ name });
    journals.push(reopened);
    const record = (await reopened.get(id))!;
    expect(record.parts.map((p) => p.partNumber)).to.deep.equal([2]);
    const t = target();
    const second = new MultipartUpload({
      journal: reopened,
      target: t,
      recordingId: id,
      ...SMALL,
    });
    expect(await second.start()).to.equal(record.uploadId);
    await writeStream(reopened, id, total, (n) => second.notifyBytes(n), record.bytes, all);
    const rewritten = patternBytes(HEADER, 9);
    await second.finish(rewritten, total);
    expect([...t.parts].sort()).to.deep.equal([1, 3, 4]);
    expect(sameBytes(await getObject(s3, key), expectedObject(all, HEADER, rewritten))).to.equal(
      true,
    );
  });

  it('retries a 500, a 503 SlowDown, a dropped connection and a slow part: nothing lost or duplicated', async () => {
    const key = `rooms/faults/Recordings/Rec - faults ${crypto.randomUUID().slice(0, 8)}.mp4`;
    const { journal, id } = await fresh('faults', key);
    const attempts = new Map<number, number>();
    worker.use(
      http.put(`${s3.endpoint}/*`, async ({ request }) => {
        const n = Number(new URL(request.url).searchParams.get('partNumber'));
        const a = (attempts.get(n) ?? 0) + 1;
        attempts.set(n, a);
        if (n === 2 && a === 1) return new HttpResponse('boom', { status: 500 });
        if (n === 2 && a === 2) {
          return new HttpResponse(
            '<?xml version="1.0"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>',
            { status: 503, headers: { 'Content-Type': 'application/xml' } },
          );
        }
        if (n === 2 && a === 3) return HttpResponse.error();
        // A stuck request: it never answers, and the part timeout gives up on it.
        if (n === 1 && a === 1) await delay('infinite');
        return passthrough();
      }),
    );
    const up = new MultipartUpload({
      journal,
      target: new PresignedTarget({ baseUrl: '/api/s3' }),
      recordingId: id,
      ...SMALL,
      // Long enough that a real part never times out on a loaded machine; the stuck one does.
      partTimeoutMs: 10_000,
    });
    const retried: Array<[number | null, number | undefined, string]> = [];
    up.on('retry', (e, n) => {
      retried.push([n, e.status, e.message]);
    });
    await up.start();
    const total = plan.startOf(2) + 50 * KiB;
    const stream = await writeStream(journal, id, total, (n) => up.notifyBytes(n));
    const rewritten = patternBytes(HEADER + 40, 5);
    const result = await up.finish(rewritten, total);

    expect(attempts.get(2)).to.equal(4);
    expect(attempts.get(1)).to.equal(2);
    // Part 1 (sent at Stop) and part 2 retry side by side; each in its own order.
    const of = (n: number) => retried.filter(([p]) => p === n);
    expect(of(2).map(([, status]) => status)).to.deep.equal([500, 503, undefined]);
    expect(of(2)[1]![2]).to.match(/HTTP 503 SlowDown/);
    expect(of(1).map(([, status]) => status)).to.deep.equal([undefined]);
    expect(of(1)[0]![2]).to.match(/UploadPart 1 timed out after 10000 ms/);
    expect(result.parts.map((p) => p.partNumber)).to.deep.equal([1, 2]);
    expect((await journal.get(id))!.parts.map((p) => p.partNumber)).to.deep.equal([1, 2]);
    expect(sameBytes(await getObject(s3, key), expectedObject(stream, HEADER, rewritten))).to.equal(
      true,
    );
  });
});
