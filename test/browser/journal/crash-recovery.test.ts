import { expect } from '@esm-bundle/chai';
import { deleteDB } from 'idb';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { planRecovery } from '../../../src/journal/recovery-plan.js';
import { isRoomLocked } from '../../../src/journal/room-lock.js';

const MiB = 1024 * 1024;

interface Progress {
  type: 'lock' | 'durable';
  held?: boolean;
  index?: number;
  end?: number;
}

describe('crash recovery (X1) and the room lock of a dead page (X7)', () => {
  const dbName = `rr-crash-${crypto.randomUUID().slice(0, 8)}`;
  let journal: IndexedDbJournal | null = null;
  after(async () => {
    await journal?.close();
    await deleteDB(dbName);
  });

  it('a killed writer leaves an unfinished recording that loses at most the fragment in flight', async () => {
    const fragmentBytes = 1.5 * MiB;
    const worker = new Worker(new URL('./crash-writer.worker.ts', import.meta.url), {
      type: 'module',
    });
    let lastDurable: Progress | null = null;
    let lockHeld = false;
    await new Promise<void>((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker failed: ${e.message}`));
      worker.onmessage = (event: MessageEvent<Progress>) => {
        if (event.data.type === 'lock') lockHeld = event.data.held === true;
        if (event.data.type !== 'durable') return;
        lastDurable = event.data;
        // Kill it at once, with the next fragment already handed to the journal.
        if (event.data.index === 5) {
          worker.terminate();
          resolve();
        }
      };
      worker.postMessage({ dbName, id: 'crashed', roomId: 'room-crash', fragmentBytes });
    });
    expect(lockHeld, 'the writer held the room lock').to.equal(true);
    const durable = lastDurable! as Progress;
    expect(durable.index).to.equal(5);

    // The browser frees a dead context's locks (X7: the next load may record again).
    let freed = false;
    for (let i = 0; i < 50 && !freed; i++) {
      freed = !(await isRoomLocked('room-crash'));
      if (!freed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(freed, 'lock released after the writer died').to.equal(true);

    journal = new IndexedDbJournal({ name: dbName });
    const unfinished = await journal.unfinished();
    expect(unfinished.map((r) => r.id)).to.deep.equal(['crashed']);
    const record = unfinished[0]!;
    expect(record.state).to.equal('recording');
    // Everything acknowledged is there; at most the one fragment in flight beyond it.
    expect(record.bytes).to.be.oneOf([durable.end!, durable.end! + fragmentBytes]);

    const plan = await planRecovery(journal, 'crashed');
    expect(plan.bytes).to.equal(record.bytes);
    expect(plan.dropped).to.equal(0);
    expect(plan.header.byteLength).to.equal(777);
    const count = (record.bytes - 777) / fragmentBytes;
    expect(plan.fragments.length).to.equal(count);
    expect(plan.durationUs).to.equal(count * 2_000_000);
    expect(plan.fragments.map((f) => f.offset)).to.deep.equal(
      Array.from({ length: count }, (_, i) => 777 + i * fragmentBytes),
    );
    // The bytes of every kept fragment are whole and in place.
    for (const f of plan.fragments) {
      const bytes = await journal.read('crashed', f.offset, f.offset + f.size);
      expect(bytes.every((b) => b === (f.index & 0xff))).to.equal(true);
    }
  });
});
