import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { setupWorker } from 'msw/browser';
import { MultipartUpload } from '../../../src/upload/multipart-upload.js';
import { PresignedTarget } from '../../../src/upload/presigned-target.js';
import { PART_BYTES } from '../../../src/upload/types.js';
import { MiB, localS3, newJournal, objectUrl, patternBytes, until } from './fixtures.js';
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

  it('holds no more than the header part and the unconfirmed parts over 208 MiB', async function () {
    this.timeout(600_000);
    const s3 = await localS3();
    worker.use(...integratorHandlers(s3));
    await worker.start({ onUnhandledRequest: 'bypass', quiet: true });
    const key = `rooms/long/Recordings/Rec - long ${Date.now()}.mp4`;
    const { journal, id, name } = await newJournal('x8', key);
    const up = new MultipartUpload({
      journal,
      target: new PresignedTarget({ baseUrl: '/api/s3' }),
      recordingId: id,
      retry: { retries: 5, baseDelayMs: 50, maxDelayMs: 500 },
    });
    await up.start();

    const total = 13 * PART_BYTES; // 208 MiB
    const header = 2000;
    const fragment = 2 * MiB + 333;
    const sink = journal.sink(id);
    await sink.writeHeader(streamBytes(0, header));
    // Slack for chunks (at most 4 MiB) that straddle a part boundary.
    const slack = 2 * 4 * MiB;
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
      expect(held).to.be.at.most(Math.min(end, PART_BYTES) + backlog + slack);
      peak = Math.max(peak, held);
      // A real recording makes 16 MiB in about 20 s; do not outrun storage by more than that.
      if (backlog > 3 * PART_BYTES) await until(() => up.backlogBytes <= 2 * PART_BYTES, 300_000);
    }
    const rewritten = streamBytes(0, header).slice();
    rewritten[100] = 0xab;
    const result = await up.finish(rewritten, total);
    expect(result.parts).to.have.length(13);
    expect(result.bytes).to.equal(total);
    expect(peak).to.be.at.most(5 * PART_BYTES + slack);
    expect(await journal.heldBytes(id)).to.be.at.most(PART_BYTES + slack);

    // Spot checks of the stored bytes: the rewritten header, part boundaries, the end.
    for (const [start, end] of [
      [0, header + 10],
      [PART_BYTES - 100, PART_BYTES + 100],
      [7 * PART_BYTES - 5, 7 * PART_BYTES + 5],
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
