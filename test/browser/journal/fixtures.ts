/** Shared helpers of the journal's browser tests: fresh databases and synthetic streams. */
import { deleteDB } from 'idb';
import { IndexedDbJournal } from '../../../src/journal/idb-journal.js';
import type { NewRecording } from '../../../src/journal/types.js';
import type { Fragment } from '../../../src/media/types.js';

let counter = 0;

/** A journal on a database of its own, and a cleanup that closes and deletes it. */
export function freshJournal(): {
  journal: IndexedDbJournal;
  name: string;
  cleanup(): Promise<void>;
} {
  const name = `rr-test-${crypto.randomUUID().slice(0, 8)}-${counter++}`;
  const journal = new IndexedDbJournal({ name });
  return {
    journal,
    name,
    async cleanup() {
      await journal.close();
      await deleteDB(name);
    },
  };
}

export function meta(id: string, overrides: Partial<NewRecording> = {}): NewRecording {
  return {
    id,
    roomId: 'room-1',
    roomType: 'single',
    title: 'Weekly class',
    fileName: 'Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
    objectKey: 'rooms/room-1/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
    ownerId: 'owner-1',
    initiatorId: 'host-1',
    startedAt: Date.UTC(2026, 10, 26, 14, 3, 0),
    ...overrides,
  };
}

/** Bytes whose value at each position depends on the stream offset, so misplacement shows. */
export function patterned(offset: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = ((offset + i) * 31 + ((offset + i) >>> 8)) & 0xff;
  return bytes;
}

/** A 2-s fragment of `size` patterned bytes at `offset`. */
export function fragment(index: number, offset: number, size: number): Fragment {
  return {
    index,
    offset,
    bytes: patterned(offset, size),
    startUs: index * 2_000_000,
    durationUs: 2_000_000,
    startsWithKeyframe: true,
  };
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}
