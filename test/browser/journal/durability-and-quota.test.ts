import { expect } from '@esm-bundle/chai';
import type { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { StorageFullError } from '../../../src/journal/device-storage.js';
import { equalBytes, fragment, freshJournal, meta, patterned } from './fixtures.js';

const MiB = 1024 * 1024;

describe('journal writes', () => {
  let fresh: ReturnType<typeof freshJournal>;
  let journal: IndexedDbJournal;
  beforeEach(() => {
    fresh = freshJournal();
    journal = fresh.journal;
  });
  afterEach(async () => {
    await fresh.cleanup();
  });

  it('asks for strict durability on every read-write transaction', async () => {
    const calls: { stores: string[]; mode: string; durability: string | undefined }[] = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (
      this: IDBDatabase,
      stores: string | string[],
      mode?: IDBTransactionMode,
      options?: IDBTransactionOptions,
    ) {
      calls.push({
        stores: ([] as string[]).concat(stores),
        mode: mode ?? 'readonly',
        durability: options?.durability,
      });
      return original.call(this, stores, mode, options);
    } as typeof original;
    try {
      await journal.create(meta('strict'));
      const sink = journal.sink('strict');
      await sink.writeHeader(patterned(0, 100));
      await sink.writeFragment(fragment(0, 100, MiB));
      await journal.update('strict', { uploadId: 'u' });
      await journal.confirmPart('strict', { partNumber: 1, etag: '"a"' });
      await journal.read('strict', 0, 200);
      await journal.remove('strict');
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    const writes = calls.filter((c) => c.mode === 'readwrite');
    // create, header, fragment, update, confirmPart, remove.
    expect(writes.length).to.equal(6);
    expect(writes.every((c) => c.durability === 'strict')).to.equal(true);
    expect(writes.some((c) => c.stores.includes('chunks') && c.stores.includes('fragments'))).to.be
      .true;
    expect(calls.some((c) => c.mode === 'readonly')).to.equal(true);
  });

  it('a write resolves only after its transaction completed', async () => {
    await journal.create(meta('done'));
    const completed: IDBTransaction[] = [];
    const original = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: unknown[]) {
      const tx = (original as (...a: unknown[]) => IDBTransaction).apply(this, args);
      tx.addEventListener('complete', () => completed.push(tx));
      return tx;
    } as typeof original;
    let sawComplete = false;
    try {
      await journal.sink('done').writeHeader(patterned(0, 10));
      sawComplete = completed.length === 1;
    } finally {
      IDBDatabase.prototype.transaction = original;
    }
    expect(sawComplete).to.equal(true);
  });

  it('turns a QuotaExceededError into a StorageFullError and keeps what was written', async () => {
    await journal.create(meta('full'));
    const sink = journal.sink('full');
    await sink.writeHeader(patterned(0, 1000));
    await sink.writeFragment(fragment(0, 1000, 1.5 * MiB));
    await sink.writeFragment(fragment(1, 1000 + 1.5 * MiB, 6 * MiB)); // two chunk records
    const kept = 1000 + 7.5 * MiB;

    // The disk fills up at the second chunk record of the next fragment.
    const original = IDBObjectStore.prototype.put;
    let chunkPuts = 0;
    IDBObjectStore.prototype.put = function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === 'chunks' && ++chunkPuts === 2) {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      }
      return (original as (...a: unknown[]) => IDBRequest).apply(this, args);
    } as typeof original;
    let error: unknown = null;
    try {
      await sink.writeFragment(fragment(2, kept, 6 * MiB));
    } catch (e) {
      error = e;
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect(error).to.be.instanceOf(StorageFullError);
    const full = error as StorageFullError;
    expect(full.recordingId).to.equal('full');
    expect(full.bytesKept).to.equal(kept);
    expect(full.message).to.contain('Storage is full');
    expect(full.message).to.contain(`${kept} bytes written before are kept`);
    expect(full.message).to.contain('Stop the recording');
    expect((full.cause as DOMException).name).to.equal('QuotaExceededError');

    // Nothing of the refused fragment was half-written; everything before is intact.
    const record = (await journal.get('full'))!;
    expect(record.bytes).to.equal(kept);
    expect(record.state).to.equal('recording');
    expect((await journal.fragments('full')).map((f) => f.index)).to.deep.equal([0, 1]);
    expect(await journal.heldBytes('full')).to.equal(kept);
    expect(equalBytes(await journal.read('full', 0, kept), patterned(0, kept))).to.equal(true);

    // Once space is back, the same fragment goes in.
    await sink.writeFragment(fragment(2, kept, 6 * MiB));
    expect((await journal.get('full'))!.bytes).to.equal(kept + 6 * MiB);
  });

  it('translates a quota failure of other writes too (update)', async () => {
    await journal.create(meta('full2'));
    const original = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function () {
      throw new DOMException('full', 'QuotaExceededError');
    } as typeof original;
    let error: unknown = null;
    try {
      await journal.update('full2', { uploadId: 'u' });
    } catch (e) {
      error = e;
    } finally {
      IDBObjectStore.prototype.put = original;
    }
    expect(error).to.be.instanceOf(StorageFullError);
    expect((await journal.get('full2'))!.uploadId).to.equal(null);
  });
});
