import { expect } from '@esm-bundle/chai';
import { openDB } from 'idb';
import type { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { MissingBytesError } from '../../../src/journal/errors.js';
import { PartPlan } from '../../../src/journal/part-plan.js';
import { freshJournal, meta } from './fixtures.js';

const MiB = 1024 * 1024;
/** Parts of 256 KiB growing every 8 parts: the shape of the product's plan, 20 times smaller. */
const PLAN = { baseBytes: 256 * 1024, growEvery: 8 };
const plan = new PartPlan(PLAN);
const FRAGMENT = 75_000;
const TOTAL = plan.startOf(41);
const HEADER = 1500;

describe('bounded local storage over a long recording (X8)', () => {
  let fresh: ReturnType<typeof freshJournal>;
  let journal: IndexedDbJournal;
  before(() => {
    fresh = freshJournal();
    journal = fresh.journal;
  });
  after(async () => {
    await fresh.cleanup();
  });

  it('holds no more than the header part plus unconfirmed parts over 40 growing parts', async () => {
    const id = 'long';
    await journal.create(meta(id, { partPlan: PLAN }));
    const sink = journal.sink(id);
    await sink.writeHeader(new Uint8Array(HEADER).fill(0xee));
    // One buffer, reused: each fragment is stamped with its index so misplaced bytes show.
    const buffer = new Uint8Array(FRAGMENT);
    let offset = HEADER;
    let nextPart = 2; // part 1 (the header part) is sent last, after the rewrite at stop
    let maxHeld = 0;
    let checks = 0;
    const fragmentAt = new Map<number, number>(); // offset -> index
    const PART_BYTES = plan.sizeOf(1);
    for (let index = 0; offset < TOTAL; index++) {
      buffer.fill(index & 0xff, 0, 8);
      fragmentAt.set(offset, index);
      await sink.writeFragment({
        index,
        offset,
        bytes: buffer,
        startUs: index * 2_000_000,
        durationUs: 2_000_000,
        startsWithKeyframe: true,
      });
      offset += FRAGMENT;
      // The uploader: every part that has filled is read, "uploaded" and confirmed.
      while (offset >= plan.startOf(nextPart + 1)) {
        const { start, end } = plan.fullRange(nextPart);
        const part = await journal.read(id, start, end);
        expect(part.byteLength).to.equal(plan.sizeOf(nextPart));
        await journal.confirmPart(id, { partNumber: nextPart, etag: `"etag-${nextPart}"` });
        nextPart++;
      }
      const held = await journal.heldBytes(id);
      const confirmedEnd = Math.max(PART_BYTES, plan.startOf(nextPart));
      const bound = Math.min(offset, PART_BYTES) + Math.max(0, offset - confirmedEnd) + FRAGMENT;
      expect(held, `held after fragment ${index}`).to.be.at.most(bound);
      maxHeld = Math.max(maxHeld, held);
      checks++;
    }
    expect(offset).to.be.at.least(TOTAL);
    expect(checks).to.be.greaterThan(130);
    // Never more than the header part, one part filling and one fragment.
    expect(maxHeld).to.be.at.most(PART_BYTES + plan.sizeOf(40) + FRAGMENT);

    // Stop: the last, partial part is confirmed too; only the header part remains.
    const lastPart = plan.count(offset);
    if (lastPart === nextPart) {
      await journal.confirmPart(id, { partNumber: nextPart, etag: `"etag-${nextPart}"` });
    }
    expect(await journal.heldBytes(id)).to.equal(PART_BYTES);

    const record = (await journal.get(id))!;
    expect(record.bytes).to.equal(offset);
    expect(record.partPlan).to.deep.equal(PLAN);
    expect(record.parts.map((p) => p.partNumber)).to.deep.equal(
      Array.from({ length: lastPart - 1 }, (_, i) => i + 2),
    );
    expect(record.parts.every((p) => p.etag === `"etag-${p.partNumber}"`)).to.equal(true);

    // The fragment index is whole: the header rewrite at stop needs every fragment.
    const fragments = await journal.fragments(id);
    expect(fragments.length).to.equal(fragmentAt.size);
    expect(fragments.at(-1)!.offset + fragments.at(-1)!.size).to.equal(offset);

    // The header part is still readable in full and in place; anything after it is gone.
    const part1 = await journal.read(id, 0, PART_BYTES);
    expect(part1[0]).to.equal(0xee);
    for (const [at, index] of fragmentAt) {
      if (at + 8 <= PART_BYTES) expect(part1[at], `fragment ${index}`).to.equal(index & 0xff);
    }
    let gone: unknown = null;
    try {
      await journal.read(id, PART_BYTES, PART_BYTES + 1);
    } catch (e) {
      gone = e;
    }
    expect(gone).to.be.instanceOf(MissingBytesError);

    // Counted independently of heldBytes: the chunk records themselves.
    await journal.close();
    const raw = await openDB(fresh.name);
    try {
      const chunks = (await raw.getAll('chunks')) as { end: number; bytes: Uint8Array }[];
      const stored = chunks.reduce((sum, c) => sum + c.bytes.byteLength, 0);
      expect(stored + HEADER).to.equal(PART_BYTES);
      expect(chunks.every((c) => c.end <= PART_BYTES)).to.equal(true);
      expect(chunks.every((c) => c.bytes.byteLength <= 4 * MiB)).to.equal(true);
    } finally {
      raw.close();
    }
  });
});
