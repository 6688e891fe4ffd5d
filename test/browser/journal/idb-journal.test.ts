import { expect } from '@esm-bundle/chai';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { JournalError, MissingBytesError } from '../../../src/journal/errors.js';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { equalBytes, fragment, freshJournal, meta, patterned } from './fixtures.js';

const MiB = 1024 * 1024;
/** The default plan's first parts (5 MiB). */
const PART_BYTES = new PartPlan().sizeOf(1);

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('IndexedDbJournal', () => {
  let fresh: ReturnType<typeof freshJournal>;
  let journal: IndexedDbJournal;
  beforeEach(() => {
    fresh = freshJournal();
    journal = fresh.journal;
  });
  afterEach(async () => {
    await fresh.cleanup();
  });

  it('creates a recording in state recording with nothing written', async () => {
    const created = await journal.create(meta('rec-a'));
    expect(created.state).to.equal('recording');
    expect(created.bytes).to.equal(0);
    expect(created.parts).to.deep.equal([]);
    expect(await journal.get('rec-a')).to.deep.equal(created);
    const dup = await rejection(journal.create(meta('rec-a')));
    expect(dup).to.be.instanceOf(JournalError);
  });

  it('reads back exact bytes across header, fragment and chunk boundaries', async () => {
    await journal.create(meta('rec-b'));
    const sink = journal.sink('rec-b');
    const header = patterned(0, 1234);
    await sink.writeHeader(header);
    // Sizes: small, ~1.5 MiB, one over 4 MiB (split into records), one straddling part 2.
    const sizes = [700, 1.5 * MiB, 9 * MiB + 17, 3 * MiB, 1.5 * MiB, 2 * MiB + 5];
    let offset = header.byteLength;
    for (const [index, size] of sizes.entries()) {
      await sink.writeFragment(fragment(index, offset, size));
      offset += size;
      const record = await journal.get('rec-b');
      expect(record!.bytes, `bytes after fragment ${index}`).to.equal(offset);
    }
    expect(offset).to.be.greaterThan(PART_BYTES);
    const record = (await journal.get('rec-b'))!;
    expect(record.headerBytes).to.equal(1234);
    expect(equalBytes(await journal.header('rec-b'), header)).to.equal(true);
    expect(await journal.heldBytes('rec-b')).to.equal(offset);

    const ranges: [number, number][] = [
      [0, offset],
      [0, 1234],
      [1000, 2000], // header into the first fragment
      [1234 + 600, 1234 + 800], // first fragment into the second
      [1234 + 700 + 1.5 * MiB + 4 * MiB, 1234 + 700 + 1.5 * MiB + 6 * MiB], // inside the split one
      [PART_BYTES - 10, PART_BYTES + 10], // across the part boundary
      [offset - 3, offset],
      [5, 5],
    ];
    for (const [start, end] of ranges) {
      const got = await journal.read('rec-b', start, end);
      expect(equalBytes(got, patterned(start, end - start)), `read [${start}, ${end})`).to.equal(
        true,
      );
    }
    const past = await rejection(journal.read('rec-b', 0, offset + 1));
    expect(past).to.be.instanceOf(JournalError);
    expect((past as JournalError).code).to.equal('invalid');

    const infos = await journal.fragments('rec-b');
    expect(infos.map((f) => f.size)).to.deep.equal(sizes);
    expect(infos.map((f) => f.index)).to.deep.equal([0, 1, 2, 3, 4, 5]);
    expect(infos[1]).to.deep.include({ offset: 1234 + 700, startUs: 2_000_000 });
    // From a fragment on: what a handoff checkpoint reads each second, not the whole index.
    expect(await journal.fragments('rec-b', 4)).to.deep.equal(infos.slice(4));
    expect(await journal.fragments('rec-b', 6)).to.deep.equal([]);
  });

  it('keeps everything across a reload (close, then a new journal on the same database)', async () => {
    await journal.create(meta('rec-c'));
    const sink = journal.sink('rec-c');
    await sink.writeHeader(patterned(0, 500));
    await sink.writeFragment(fragment(0, 500, 1.5 * MiB));
    await sink.writeFragment(fragment(1, 500 + 1.5 * MiB, 1000));
    await journal.update('rec-c', { uploadId: 'upload-1' });
    await journal.close();

    const reopened = new IndexedDbJournal({ name: fresh.name });
    try {
      const record = (await reopened.get('rec-c'))!;
      expect(record.bytes).to.equal(500 + 1.5 * MiB + 1000);
      expect(record.uploadId).to.equal('upload-1');
      expect((await reopened.fragments('rec-c')).length).to.equal(2);
      const all = await reopened.read('rec-c', 0, record.bytes);
      expect(equalBytes(all, patterned(0, record.bytes))).to.equal(true);
      // And the sink continues where the stream ended.
      await reopened.sink('rec-c').writeFragment(fragment(2, record.bytes, 10));
      expect((await reopened.get('rec-c'))!.bytes).to.equal(record.bytes + 10);
    } finally {
      await reopened.close();
    }
  });

  it('refuses fragments out of order and before the header, and ignores an identical retry', async () => {
    await journal.create(meta('rec-d'));
    const sink = journal.sink('rec-d');
    const early = await rejection(sink.writeFragment(fragment(0, 0, 10)));
    expect((early as JournalError).code).to.equal('no-header');
    await sink.writeHeader(patterned(0, 100));
    const gap = await rejection(sink.writeFragment(fragment(0, 150, 10)));
    expect((gap as JournalError).code).to.equal('out-of-order');
    expect(gap.message).to.contain('ends at byte 100');
    await sink.writeFragment(fragment(0, 100, 50));
    await sink.writeFragment(fragment(0, 100, 50)); // retry: no-op
    expect((await journal.get('rec-d'))!.bytes).to.equal(150);
    const late = await rejection(sink.writeHeader(patterned(0, 100)));
    expect((late as JournalError).code).to.equal('out-of-order');
  });

  it('aligned parts: the range of whole fragments a confirmed part holds leaves, exactly', async () => {
    await journal.create(meta('rec-a'));
    const sink = journal.sink('rec-a');
    await sink.writeHeader(patterned(0, 1000));
    const ends: number[] = [];
    let offset = 1000;
    for (let index = 0; index < 12; index++) {
      await sink.writeFragment(fragment(index, offset, 1.5 * MiB));
      offset += 1.5 * MiB;
      ends.push(offset);
    }
    // As the uploader cuts them: part 1 to the first end past 5 MiB, part 2 past 5 MiB more.
    const p1 = ends.find((e) => e >= PART_BYTES)!;
    const p2 = ends.find((e) => e >= p1 + PART_BYTES)!;
    await journal.confirmPart('rec-a', { partNumber: 2, etag: '"a2"', start: p1, end: p2 });
    expect(await journal.heldBytes('rec-a')).to.equal(offset - (p2 - p1));
    expect((await journal.get('rec-a'))!.parts).to.deep.equal([
      { partNumber: 2, etag: '"a2"', start: p1, end: p2 },
    ]);
    const gone = await rejection(journal.read('rec-a', p1, p1 + 1));
    expect(gone).to.be.instanceOf(MissingBytesError);
    const kept = await journal.read('rec-a', p2, offset);
    expect(equalBytes(kept, patterned(p2, offset - p2))).to.equal(true);
    // Part 1 never leaves: it is rewritten at Stop.
    await journal.confirmPart('rec-a', { partNumber: 1, etag: '"a1"', start: 0, end: p1 });
    expect(await journal.heldBytes('rec-a')).to.equal(offset - (p2 - p1));
  });

  it('fixed parts (recordings journaled before): confirmPart drops fragments of confirmed parts, never part 1', async () => {
    await journal.create(meta('rec-e', { partPlan: { baseBytes: PART_BYTES, growEvery: 2000 } }));
    const sink = journal.sink('rec-e');
    await sink.writeHeader(patterned(0, 1000));
    let offset = 1000;
    for (let index = 0; offset < 3 * PART_BYTES + MiB; index++) {
      await sink.writeFragment(fragment(index, offset, 1.5 * MiB));
      offset += 1.5 * MiB;
    }
    expect(await journal.heldBytes('rec-e')).to.equal(offset);

    await journal.confirmPart('rec-e', { partNumber: 2, etag: '"e2"' });
    expect((await journal.get('rec-e'))!.parts).to.deep.equal([{ partNumber: 2, etag: '"e2"' }]);
    expect(await journal.heldBytes('rec-e')).to.equal(offset - PART_BYTES);
    const gone = await rejection(journal.read('rec-e', PART_BYTES - 5, PART_BYTES + 5));
    expect(gone).to.be.instanceOf(MissingBytesError);
    expect(gone.message).to.contain(`[${PART_BYTES}, ${PART_BYTES + 5})`);
    // Part 1 and part 3 are still whole.
    const part1 = await journal.read('rec-e', 0, PART_BYTES);
    expect(equalBytes(part1, patterned(0, PART_BYTES))).to.equal(true);
    const part3 = await journal.read('rec-e', 2 * PART_BYTES, 3 * PART_BYTES);
    expect(equalBytes(part3, patterned(2 * PART_BYTES, PART_BYTES))).to.equal(true);

    await journal.confirmPart('rec-e', { partNumber: 1, etag: '"e1"' });
    await journal.confirmPart('rec-e', { partNumber: 2, etag: '"e2b"' }); // replaced
    expect((await journal.get('rec-e'))!.parts).to.deep.equal([
      { partNumber: 1, etag: '"e1"' },
      { partNumber: 2, etag: '"e2b"' },
    ]);
    expect(await journal.heldBytes('rec-e')).to.equal(offset - PART_BYTES);
    // The fragment index survives eviction, for the header rewrite at stop.
    const infos = await journal.fragments('rec-e');
    expect(infos.reduce((sum, f) => sum + f.size, 1000)).to.equal(offset);

    const bad = await rejection(journal.confirmPart('rec-e', { partNumber: 0, etag: 'x' }));
    expect((bad as JournalError).code).to.equal('invalid');
  });

  it('lists unfinished recordings and removes a recording entirely', async () => {
    await journal.create(meta('r1', { startedAt: 1 }));
    await journal.create(meta('r2', { startedAt: 2 }));
    await journal.create(meta('r3', { startedAt: 3 }));
    await journal.create(meta('r4', { startedAt: 4 }));
    await journal.update('r2', { state: 'stored' });
    await journal.update('r3', { state: 'uploading' });
    await journal.update('r4', { state: 'failed', error: 'boom' });
    expect((await journal.unfinished()).map((r) => r.id)).to.deep.equal(['r1', 'r3']);

    await journal.sink('r1').writeHeader(patterned(0, 10));
    await journal.sink('r1').writeFragment(fragment(0, 10, 20));
    await journal.remove('r1');
    expect(await journal.get('r1')).to.equal(undefined);
    expect(await journal.heldBytes('r1')).to.equal(0);
    expect(await journal.fragments('r1')).to.deep.equal([]);
    const missing = await rejection(journal.update('r1', { title: 'x' }));
    expect((missing as JournalError).code).to.equal('not-found');
  });
});
