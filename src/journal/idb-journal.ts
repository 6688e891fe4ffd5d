/**
 * The journal in IndexedDB (idb): every header and fragment is durable before the
 * pipeline moves on (X1), and leaves once storage has confirmed its part (X8).
 */
import { openDB } from 'idb';
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { Fragment, FragmentSink } from '../media/types.js';
import { JournalError, MissingBytesError } from './errors.js';
import { MAX_CHUNK_BYTES, assemble, isEvictable, splitIntoChunks } from './chunks.js';
import { DEFAULT_PART_PLAN, MAX_PARTS, partPlanOf, type PartPlan } from './part-plan.js';
import type { BytePiece } from './chunks.js';
import { DB_NAME, DB_VERSION, recordingRange, upgradeJournal } from './schema.js';
import type { FragmentRecord, JournalSchema } from './schema.js';
import { StorageFullError, isQuotaExceeded } from './device-storage.js';
import type {
  CompletedPart,
  Journal,
  JournalFragment,
  JournalState,
  NewRecording,
  RecordingRecord,
} from './types.js';

/** States a reload must pick up again (X1). */
const UNFINISHED: readonly JournalState[] = ['recording', 'stopping', 'uploading'];

type Store = StoreNames<JournalSchema>;
type WriteTx<S extends Store[]> = IDBPTransaction<JournalSchema, S, 'readwrite'>;

export interface IndexedDbJournalOptions {
  /** Database name; tests use their own. Defaults to DB_NAME. */
  name?: string;
}

/**
 * The journal of recordings in IndexedDB.
 *
 * Stores: `recordings` (one RecordingRecord each), `headers` (the original ftyp + moov),
 * `chunks` (the stream in 1-4 MiB records keyed by [recordingId, offset]) and `fragments`
 * (each fragment's offset, size and times, kept after its bytes leave). Every write runs in
 * a `strict` transaction and resolves only once the transaction has completed.
 *
 * The database opens lazily on first use; `close()` lets a test simulate a reload.
 */
export class IndexedDbJournal implements Journal {
  readonly name: string;
  private dbPromise: Promise<IDBPDatabase<JournalSchema>> | null = null;
  /** Each recording's part plan, read once: it never changes once journaled. */
  private readonly plans = new Map<string, PartPlan>();

  constructor(options: IndexedDbJournalOptions = {}) {
    this.name = options.name ?? DB_NAME;
  }

  /** Opens (or creates, or upgrades) the database now rather than on first use. */
  static async open(options: IndexedDbJournalOptions = {}): Promise<IndexedDbJournal> {
    const journal = new IndexedDbJournal(options);
    await journal.db();
    return journal;
  }

  /** Closes the connection; a later call opens it again. */
  async close(): Promise<void> {
    const pending = this.dbPromise;
    this.dbPromise = null;
    if (pending) (await pending.catch(() => null))?.close();
  }

  async create(meta: NewRecording): Promise<RecordingRecord> {
    const record: RecordingRecord = {
      ...meta,
      partPlan: meta.partPlan ?? DEFAULT_PART_PLAN,
      state: 'recording',
      endedAt: null,
      bytes: 0,
      headerBytes: 0,
      uploadId: null,
      parts: [],
      durationUs: null,
      error: null,
    };
    await this.write(meta.id, ['recordings'], async (tx) => {
      const store = tx.objectStore('recordings');
      if (await store.get(meta.id)) {
        throw new JournalError(
          'invalid',
          `Recording ${meta.id} is already in the journal.`,
          meta.id,
        );
      }
      await store.add(record);
    });
    this.plans.set(meta.id, partPlanOf(record));
    return record;
  }

  async adopt(
    record: RecordingRecord,
    header: Uint8Array,
    fragments: readonly JournalFragment[],
    pieces: ReadonlyArray<{ offset: number; bytes: Uint8Array }>,
  ): Promise<void> {
    const id = record.id;
    const plan = partPlanOf(record);
    // The header's bytes live in the header row (rewritten at Stop); a piece is kept from
    // where the header ends.
    const chunks = pieces.flatMap((p) => {
      const skip = Math.max(0, header.byteLength - p.offset);
      if (skip >= p.bytes.byteLength) return [];
      return splitIntoChunks(p.offset + skip, p.bytes.subarray(skip), plan);
    });
    const bytes = header.slice();
    await this.write(id, ['recordings', 'headers', 'chunks', 'fragments'], async (tx) => {
      if (await tx.objectStore('recordings').get(id)) {
        throw new JournalError('invalid', `Recording ${id} is already in the journal.`, id);
      }
      const fragmentStore = tx.objectStore('fragments');
      const chunkStore = tx.objectStore('chunks');
      await Promise.all([
        markHandled(tx.objectStore('recordings').add(record)),
        markHandled(tx.objectStore('headers').put({ recordingId: id, bytes })),
        ...fragments.map((f) => markHandled(fragmentStore.put({ ...f, recordingId: id }))),
        ...chunks.map((c) => markHandled(chunkStore.put({ recordingId: id, ...c }))),
      ]);
    });
    this.plans.set(id, plan);
  }

  async get(id: string): Promise<RecordingRecord | undefined> {
    return (await this.db()).get('recordings', id);
  }

  async unfinished(): Promise<RecordingRecord[]> {
    const db = await this.db();
    const tx = db.transaction('recordings');
    const index = tx.store.index('byState');
    const found = await Promise.all(UNFINISHED.map((state) => index.getAll(state)));
    await tx.done;
    return found.flat().sort((a, b) => a.startedAt - b.startedAt);
  }

  async update(id: string, patch: Partial<RecordingRecord>): Promise<RecordingRecord> {
    return this.write(id, ['recordings'], async (tx) => {
      const current = await tx.objectStore('recordings').get(id);
      if (!current) throw notFound(id);
      // The id is the key: a patch never moves a record.
      const next: RecordingRecord = { ...current, ...patch, id };
      await tx.objectStore('recordings').put(next);
      return next;
    });
  }

  sink(id: string): FragmentSink {
    return {
      writeHeader: (header) => this.writeHeader(id, header),
      writeFragment: (fragment) => this.writeFragment(id, fragment),
    };
  }

  async fragments(id: string, from = 0): Promise<JournalFragment[]> {
    const rows = await (await this.db()).getAll('fragments', recordingRange(id, from));
    return rows.map(toFragment);
  }

  async header(id: string): Promise<Uint8Array> {
    const row = await (await this.db()).get('headers', id);
    if (!row) {
      throw new JournalError('no-header', `Recording ${id} has no header in the journal.`, id);
    }
    return row.bytes;
  }

  async read(id: string, start: number, end: number): Promise<Uint8Array> {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end < start) {
      throw new JournalError('invalid', `Cannot read bytes [${start}, ${end}) of ${id}.`, id);
    }
    const db = await this.db();
    const tx = db.transaction(['recordings', 'headers', 'chunks']);
    const [record, header, chunks] = await Promise.all([
      tx.objectStore('recordings').get(id),
      start < end ? tx.objectStore('headers').get(id) : undefined,
      // A chunk overlapping `start` begins less than MAX_CHUNK_BYTES before it.
      start < end
        ? tx.objectStore('chunks').getAll(recordingRange(id, start - MAX_CHUNK_BYTES + 1, end))
        : [],
    ]);
    await tx.done;
    if (!record) throw notFound(id);
    if (end > record.bytes) {
      throw new JournalError(
        'invalid',
        `Recording ${id}: bytes [${start}, ${end}) go past the ${record.bytes} bytes written.`,
        id,
      );
    }
    const pieces: BytePiece[] = chunks;
    if (header) pieces.push({ offset: 0, end: header.bytes.byteLength, bytes: header.bytes });
    const { bytes, missing } = assemble(start, end, pieces);
    if (missing) throw new MissingBytesError(id, missing.offset, missing.end);
    return bytes;
  }

  async confirmPart(id: string, part: CompletedPart): Promise<void> {
    const { partNumber, etag } = part;
    const given = rangeOf(part);
    const numbers = [partNumber, part.storedAs ?? partNumber];
    if (!numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_PARTS) || !etag) {
      throw new JournalError('invalid', `Part ${partNumber} (ETag "${etag}") is not valid.`, id);
    }
    // One transaction: the ETag and the eviction it allows commit together or not at all.
    await this.write(id, ['recordings', 'chunks'], async (tx) => {
      const recordings = tx.objectStore('recordings');
      const record = await recordings.get(id);
      if (!record) throw notFound(id);
      const parts = record.parts.filter((p) => p.partNumber !== partNumber);
      const storedAs = part.storedAs !== undefined ? { storedAs: part.storedAs } : {};
      parts.push(
        given
          ? { partNumber, etag, start: given.offset, end: given.end, ...storedAs }
          : { partNumber, etag, ...storedAs },
      );
      parts.sort((a, b) => a.partNumber - b.partNumber);
      await recordings.put({ ...record, parts });

      // Only chunks touching this part can have become evictable now; look at their keys.
      const confirmed = new Set(parts.map((p) => p.partNumber));
      const plan = partPlanOf(record);
      const full = plan.fullRange(partNumber);
      // Aligned parts (their range said by the uploader) hold whole chunks: a chunk inside
      // the range leaves with it. Fixed parts may share a chunk: every part it touches counts.
      const range = given ?? { offset: full.start, end: full.end };
      const chunks = tx.objectStore('chunks');
      const stale: [string, number][] = [];
      let cursor = await chunks
        .index('byEnd')
        .openKeyCursor(recordingRange(id, range.offset + 1, range.end + MAX_CHUNK_BYTES));
      while (cursor) {
        const offset = cursor.primaryKey[1];
        const end = cursor.key[1];
        const evictable = given
          ? partNumber > 1 && offset >= range.offset && end <= range.end
          : offset < range.end && isEvictable({ offset, end }, confirmed, plan);
        if (evictable) {
          stale.push(cursor.primaryKey);
        }
        cursor = await cursor.continue();
      }
      await Promise.all(stale.map((key) => chunks.delete(key)));
    });
  }

  async heldBytes(id: string): Promise<number> {
    const db = await this.db();
    const tx = db.transaction(['headers', 'chunks']);
    const header = await tx.objectStore('headers').get(id);
    let held = header?.bytes.byteLength ?? 0;
    // Keys alone give each chunk's size ([id, end] - [id, offset]): no bytes are loaded.
    let cursor = await tx.objectStore('chunks').index('byEnd').openKeyCursor(recordingRange(id));
    while (cursor) {
      held += cursor.key[1] - cursor.primaryKey[1];
      cursor = await cursor.continue();
    }
    await tx.done;
    return held;
  }

  private async planFor(id: string): Promise<PartPlan> {
    const known = this.plans.get(id);
    if (known) return known;
    const record = await this.get(id);
    if (!record) throw notFound(id);
    const plan = partPlanOf(record);
    this.plans.set(id, plan);
    return plan;
  }

  async remove(id: string): Promise<void> {
    await this.write(id, ['recordings', 'headers', 'chunks', 'fragments'], async (tx) => {
      await Promise.all([
        tx.objectStore('recordings').delete(id),
        tx.objectStore('headers').delete(id),
        tx.objectStore('chunks').delete(recordingRange(id)),
        tx.objectStore('fragments').delete(recordingRange(id)),
      ]);
    });
  }

  private async writeHeader(id: string, header: Uint8Array): Promise<void> {
    if (header.byteLength === 0) {
      throw new JournalError('invalid', `Recording ${id}: the header is empty.`, id);
    }
    const bytes = header.slice(); // the writer may reuse its buffer
    await this.write(id, ['recordings', 'headers'], async (tx) => {
      const recordings = tx.objectStore('recordings');
      const record = await recordings.get(id);
      if (!record) throw notFound(id);
      if (record.bytes > record.headerBytes) {
        throw new JournalError(
          'out-of-order',
          `Recording ${id}: a header arrived after ${record.bytes - record.headerBytes} bytes ` +
            'of fragments; the original header cannot change once fragments follow it.',
          id,
        );
      }
      await tx.objectStore('headers').put({ recordingId: id, bytes });
      await recordings.put({ ...record, headerBytes: bytes.byteLength, bytes: bytes.byteLength });
    });
  }

  private async writeFragment(id: string, fragment: Fragment): Promise<void> {
    const { bytes, ...info } = fragment;
    const size = bytes.byteLength;
    if (size === 0) {
      throw new JournalError('invalid', `Recording ${id}: fragment ${info.index} is empty.`, id);
    }
    // Cut (and so copied) now, before any await: the writer may reuse its buffer. The plan is
    // known from create() on this page; after a reload it is read first, on a copy.
    const known = this.plans.get(id);
    let pieces: BytePiece[];
    if (known) {
      pieces = splitIntoChunks(info.offset, bytes, known);
    } else {
      const owned = bytes.slice();
      pieces = splitIntoChunks(info.offset, owned, await this.planFor(id));
    }
    await this.write(id, ['recordings', 'chunks', 'fragments'], async (tx) => {
      const recordings = tx.objectStore('recordings');
      const fragments = tx.objectStore('fragments');
      const [record, existing] = await Promise.all([
        recordings.get(id),
        fragments.get([id, info.index]),
      ]);
      if (!record) throw notFound(id);
      // The same fragment written again (a retry after an uncertain failure) is a no-op.
      if (existing && existing.offset === info.offset && existing.size === size) return;
      if (record.headerBytes === 0) {
        throw new JournalError(
          'no-header',
          `Recording ${id}: fragment ${info.index} arrived before the header.`,
          id,
        );
      }
      if (existing || info.offset !== record.bytes) {
        throw new JournalError(
          'out-of-order',
          `Recording ${id}: fragment ${info.index} starts at byte ${info.offset}, ` +
            `but the stream written so far ends at byte ${record.bytes}.`,
          id,
        );
      }
      const row: FragmentRecord = { ...info, recordingId: id, size };
      const chunks = tx.objectStore('chunks');
      await Promise.all([
        ...pieces.map((p) => markHandled(chunks.put({ recordingId: id, ...p }))),
        markHandled(fragments.put(row)),
        markHandled(recordings.put({ ...record, bytes: info.offset + size })),
      ]);
    });
  }

  /**
   * Runs `work` in a strict read-write transaction and resolves once it has committed.
   * Any failure aborts the whole transaction (nothing half-written), and a refused write
   * for lack of space becomes a StorageFullError saying what was kept.
   */
  private async write<S extends Store[], T>(
    id: string,
    stores: S,
    work: (tx: WriteTx<S>) => Promise<T>,
  ): Promise<T> {
    const db = await this.db();
    const tx = db.transaction(stores, 'readwrite', { durability: 'strict' });
    // Handled from the start: an aborted transaction must not surface as an unhandled rejection.
    const done = tx.done.then(
      () => null,
      (error: unknown) => ({ error }),
    );
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      try {
        tx.abort();
      } catch {
        // Already finished or aborting.
      }
      await done;
      throw await this.storageFullOr(id, error, tx.error);
    }
    const failed = await done;
    if (failed) throw await this.storageFullOr(id, failed.error, tx.error);
    return result;
  }

  /** The error as thrown, or a StorageFullError saying what was kept when the quota refused it. */
  private async storageFullOr(id: string, error: unknown, txError: unknown): Promise<unknown> {
    if (!isQuotaExceeded(error) && !isQuotaExceeded(txError)) return error;
    const kept = await this.get(id).catch(() => undefined);
    return new StorageFullError(id, kept?.bytes ?? null, {
      cause: isQuotaExceeded(error) ? error : txError,
    });
  }

  private db(): Promise<IDBPDatabase<JournalSchema>> {
    if (!this.dbPromise) {
      const opening = openDB<JournalSchema>(this.name, DB_VERSION, {
        upgrade: (db, oldVersion) => upgradeJournal(db, oldVersion),
        // Closed by the browser (storage cleared, disk error): reopen on next use.
        terminated: () => {
          if (this.dbPromise === opening) this.dbPromise = null;
        },
        // A newer version in another tab waits for this one rather than cutting off a
        // recording in progress; it opens once this page closes.
      });
      this.dbPromise = opening;
      opening.catch(() => {
        if (this.dbPromise === opening) this.dbPromise = null;
      });
    }
    return this.dbPromise;
  }
}

/** The range a confirmed part says it holds, when it says. */
function rangeOf(part: CompletedPart): { offset: number; end: number } | null {
  const { start, end } = part;
  return typeof start === 'number' && typeof end === 'number' && end > start
    ? { offset: start, end }
    : null;
}

function notFound(id: string): JournalError {
  return new JournalError('not-found', `No recording ${id} in the journal.`, id);
}

/**
 * Marks a request's promise handled at once: if a later request of the same transaction
 * throws, the transaction aborts and this one rejects with no one left to listen.
 */
function markHandled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function toFragment(row: FragmentRecord): JournalFragment {
  const { index, offset, startUs, durationUs, startsWithKeyframe, size } = row;
  const { audioEndUs, nextSequence } = row;
  // A continuation goes on where the file's audio ends and its moof numbering (handoff, X9).
  return {
    index,
    offset,
    startUs,
    durationUs,
    startsWithKeyframe,
    size,
    ...(audioEndUs !== undefined ? { audioEndUs } : {}),
    ...(nextSequence !== undefined ? { nextSequence } : {}),
  };
}
