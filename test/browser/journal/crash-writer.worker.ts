/**
 * A recorder's page in a worker, so a test can kill it mid-recording (worker.terminate())
 * the way a tab is killed: it takes the room lock, then writes a header and 1.5 MiB
 * fragments as fast as the journal takes them, reporting each durable one.
 */
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import { acquireRoomLock } from '../../../src/journal/room-lock.js';

interface Start {
  dbName: string;
  id: string;
  roomId: string;
  fragmentBytes: number;
}

self.onmessage = async (event: MessageEvent<Start>) => {
  const { dbName, id, roomId, fragmentBytes } = event.data;
  const lock = await acquireRoomLock(roomId);
  postMessage({ type: 'lock', held: lock !== null });
  const journal = new IndexedDbJournal({ name: dbName });
  await journal.create({
    id,
    roomId,
    roomType: 'single',
    title: 'Crash',
    fileName: 'crash.mp4',
    objectKey: 'rooms/crash.mp4',
    ownerId: 'o',
    initiatorId: 'h',
    startedAt: Date.UTC(2026, 10, 26, 14, 3, 0),
  });
  const sink = journal.sink(id);
  const header = new Uint8Array(777).fill(7);
  await sink.writeHeader(header);
  const bytes = new Uint8Array(fragmentBytes);
  let offset = header.byteLength;
  for (let index = 0; ; index++) {
    bytes.fill(index & 0xff);
    // Not awaited before the next: the last write is in flight when the worker dies.
    const written = sink.writeFragment({
      index,
      offset,
      bytes,
      startUs: index * 2_000_000,
      durationUs: 2_000_000,
      startsWithKeyframe: true,
    });
    offset += fragmentBytes;
    await written;
    postMessage({ type: 'durable', index, end: offset });
  }
};
