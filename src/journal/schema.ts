/** The journal's IndexedDB database: its name, version, stores and upgrade path. */
import type { DBSchema, IDBPDatabase } from 'idb';
import type { FragmentInfo } from '../media/types.js';
import type { JournalState, RecordingRecord } from './types.js';

/** The one database every journal of this origin uses. */
export const DB_NAME = 'room-recorder';
/** Raise it with a new step in `upgradeJournal` whenever the stores change. */
export const DB_VERSION = 1;

/** A fragment's index entry: kept after its bytes leave, for the header rewrite at stop. */
export interface FragmentRecord extends FragmentInfo {
  recordingId: string;
  /** Bytes of the fragment in the original stream. */
  size: number;
}

/** The original header (ftyp + moov) of a recording, in its own record. */
export interface HeaderRecord {
  recordingId: string;
  bytes: Uint8Array;
}

/** 1-4 MiB of the original stream, [offset, end). */
export interface ChunkRecord {
  recordingId: string;
  offset: number;
  end: number;
  bytes: Uint8Array;
}

export interface JournalSchema extends DBSchema {
  recordings: {
    key: string;
    value: RecordingRecord;
    indexes: { byState: JournalState };
  };
  headers: { key: string; value: HeaderRecord };
  /** Keyed by [recordingId, offset]; `byEnd` lets sizes be summed from keys alone. */
  chunks: {
    key: [string, number];
    value: ChunkRecord;
    indexes: { byEnd: [string, number] };
  };
  /** Keyed by [recordingId, index]. */
  fragments: { key: [string, number]; value: FragmentRecord };
}

/** Brings a database of any older version up to DB_VERSION, one step per version. */
export function upgradeJournal(db: IDBPDatabase<JournalSchema>, oldVersion: number): void {
  if (oldVersion < 1) {
    const recordings = db.createObjectStore('recordings', { keyPath: 'id' });
    recordings.createIndex('byState', 'state');
    db.createObjectStore('headers', { keyPath: 'recordingId' });
    const chunks = db.createObjectStore('chunks', { keyPath: ['recordingId', 'offset'] });
    chunks.createIndex('byEnd', ['recordingId', 'end']);
    db.createObjectStore('fragments', { keyPath: ['recordingId', 'index'] });
  }
}

/** Keys [id, lo] .. [id, hi) of a compound-keyed store, for one recording. */
export function recordingRange(id: string, lo = -Infinity, hi = Infinity): IDBKeyRange {
  return IDBKeyRange.bound([id, lo], [id, hi], false, hi !== Infinity);
}
