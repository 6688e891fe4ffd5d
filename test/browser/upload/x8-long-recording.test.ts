import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { setupWorker } from 'msw/browser';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import {
  MiB,
  SMALL_PLAN,
  SMALL_RULES,
  localS3,
  newJournal,
  objectUrl,
  patternBytes,
  until,
} from './fixtures.js';

/** 64 KiB parts growing every four: 40 parts from 64 KiB to 640 KiB. */
const plan = new PartPlan(SMALL_PLAN);
import { integratorHandlers } from './integrator.js';

/** Bytes [start, end) of the synthetic stream: each 1 MiB block from its own seed. */
function streamBytes(start: number, end: number): Uint8Array {
  const out = new Uint8Array(end - start);
  for (let block = Math.floor(start / MiB); block * MiB < end; block++) {
    const bytes = patternBytes(MiB, block + 1);
    const from = Math.max(start, block * MiB);
    const to = Math.min(end, (block + 1) * MiB);
    out.set(bytes.subarray(from - block * MiB, to - block * MiB), from - start);
  }
  return out;
}

describe('X8: a long recording leaves IndexedDB as its parts are confirmed', () => {
  const worker = setupWorker();
  after(() => worker.stop());

  it('holds no more than the header part and the unconfirmed parts over 40 growing parts', async () => {
    const s3 = await localS3();
    worker.use(...integratorHandlers(s3));
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
    const key = `rooms/long/Recordings/Rec - long ${crypto.randomUUID().slice(0, 8)}.mp4`;
    const { journal, id, name } = await newJournal('x8', key);
    const up = new MultipartUpload({
      journal,
      target: new PresignedTarget({ baseUrl: '/api/s3' }),
      recordingId: id,
      retry: { retries: 5, initialMs: 50, maxMs: 500 },
      rules: SMALL_RULES,
    });
    await up.start();

    const total = plan.startOf(41);
    const header = 2000;
    const fragment = 30_011;
    const sink = journal.sink(id);
    await sink.writeHeader(streamBytes(0, header));
    // Chunks are cut at part boundaries: at most one fragment is held beyond the parts.
    const slack = fragment;
    const partOne = plan.sizeOf(1);
    let peak = 0;
    let index = 0;
    for (let offset = header; offset < total; index++) {
      const end = Math.min(total, offset + fragment);
      await sink.writeFragment({
        index,
        offset,
        bytes: streamBytes(offset, end),
        startUs: index * 2_000_000,
        durationUs: 2_000_000,
        startsWithKeyframe: true,
      });
      offset = end;
      up.notifyBytes(end);
      // Confirmations only lower the backlog: measured first, it bounds what is held after.
      const backlog = up.backlogBytes;
      const held = await journal.heldBytes(id);
      expect(held).to.be.at.most(Math.min(end, partOne) + backlog + slack);
      peak = Math.max(peak, held);
      // A real recording makes a part in seconds; do not outrun storage by more than that.
      const part = plan.sizeOf(plan.partOf(end));
      if (backlog > 3 * part) await until(() => up.backlogBytes <= 2 * part);
    }
    const rewritten = streamBytes(0, header).slice();
    rewritten[100] = 0xab;
    const result = await up.finish(rewritten, total);
    expect(result.parts).to.have.length(40);
    expect(result.bytes).to.equal(total);
    expect(peak).to.be.at.most(partOne + 4 * plan.sizeOf(40) + slack);
    expect(await journal.heldBytes(id)).to.equal(partOne);

    // Spot checks of the stored bytes: the rewritten header, part boundaries, the end.
    for (const [start, end] of [
      [0, header + 10],
      [partOne - 100, partOne + 100],
      [plan.startOf(7) - 5, plan.startOf(7) + 5],
      [plan.startOf(33) - 5, plan.startOf(33) + 5],
      [total - 1000, total],
    ] as const) {
      const res = await fetch(objectUrl(s3, key), {
        headers: { Range: `bytes=${start}-${end - 1}` },
      });
      const got = new Uint8Array(await res.arrayBuffer());
      const want = streamBytes(start, end);
      if (start === 0) want[100] = 0xab;
      expect(Array.from(got)).to.deep.equal(Array.from(want));
    }
    await journal.close();
    await deleteDB(name);
  });
});
