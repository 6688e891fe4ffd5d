/**
 * A Journal in memory for Node tests of the uploader (the real one, IndexedDbJournal, is
 * exercised in the browser tests). It keeps every byte, evicts like the real one (confirmed
 * parts but part 1) and counts reads, so tests can see what was sent from where.
 */
import type { Fragment, FragmentSink } from '../../../src/media/types.js';
import { DEFAULT_PART_PLAN, partPlanOf } from '../../../src/journal/part-plan.js';
import type {
  CompletedPart,
  Journal,
  JournalFragment,
  NewRecording,
  RecordingRecord,
} from '../../../src/journal/types.js';

interface Held {
  record: RecordingRecord;
  header: Uint8Array;
  /** The whole original stream; the ranges of evicted parts are marked. */
  bytes: Uint8Array;
  length: number;
  evicted: Map<number, { start: number; end: number }>;
  fragments: JournalFragment[];
}

export class MemoryJournal implements Journal {
  private readonly held = new Map<string, Held>();
  /** Every read made, as [start, end). */
  readonly reads: Array<[number, number]> = [];
  /** When set, `read` returns this many bytes fewer (to simulate a broken journal). */
  shortRead = 0;

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
    this.held.set(meta.id, {
      record,
      header: new Uint8Array(),
      bytes: new Uint8Array(1024),
      length: 0,
      evicted: new Map(),
      fragments: [],
    });
    return { ...record };
  }

  async adopt(
    record: RecordingRecord,
    header: Uint8Array,
    fragments: readonly JournalFragment[],
    pieces: ReadonlyArray<{ offset: number; bytes: Uint8Array }>,
  ): Promise<void> {
    const bytes = new Uint8Array(Math.max(1024, record.bytes));
    bytes.set(header);
    for (const p of pieces) bytes.set(p.bytes, p.offset);
    this.held.set(record.id, {
      record: { ...record, parts: [...record.parts] },
      header: header.slice(),
      bytes,
      length: record.bytes,
      evicted: new Map(),
      fragments: [...fragments],
    });
  }

  async get(id: string): Promise<RecordingRecord | undefined> {
    const h = this.held.get(id);
    return h ? { ...h.record, parts: [...h.record.parts] } : undefined;
  }

  async unfinished(): Promise<RecordingRecord[]> {
    return [...this.held.values()]
      .map((h) => h.record)
      .filter((r) => ['recording', 'stopping', 'uploading'].includes(r.state));
  }

  async update(id: string, patch: Partial<RecordingRecord>): Promise<RecordingRecord> {
    const h = this.must(id);
    h.record = { ...h.record, ...patch, id };
    return { ...h.record };
  }

  sink(id: string): FragmentSink {
    return {
      writeHeader: async (header) => {
        const h = this.must(id);
        h.header = header.slice();
        this.append(h, header);
        h.record.headerBytes = header.byteLength;
      },
      writeFragment: async (fragment: Fragment) => {
        const h = this.must(id);
        if (fragment.offset !== h.length) throw new Error('out of order');
        const { bytes, ...info } = fragment;
        this.append(h, bytes);
        h.fragments.push({ ...info, size: bytes.byteLength });
      },
    };
  }

  async fragments(id: string, from = 0): Promise<JournalFragment[]> {
    return this.must(id).fragments.filter((f) => f.index >= from);
  }

  async header(id: string): Promise<Uint8Array> {
    return this.must(id).header.slice();
  }

  async read(id: string, start: number, end: number): Promise<Uint8Array> {
    const h = this.must(id);
    this.reads.push([start, end]);
    if (end > h.length) throw new Error(`read past ${h.length}`);
    for (const [n, r] of h.evicted) {
      if (start < r.end && end > r.start) throw new Error(`part ${n} was evicted`);
    }
    return h.bytes.slice(start, Math.max(start, end - this.shortRead));
  }

  async confirmPart(id: string, part: CompletedPart): Promise<void> {
    const h = this.must(id);
    h.record.parts = [...h.record.parts.filter((p) => p.partNumber !== part.partNumber), part].sort(
      (a, b) => a.partNumber - b.partNumber,
    );
    if (part.partNumber > 1) {
      // As the real journal: the range the uploader says, else the plan's fixed one.
      const range =
        part.start !== undefined && part.end !== undefined
          ? { start: part.start, end: part.end }
          : partPlanOf(h.record).range(part.partNumber, h.length);
      h.evicted.set(part.partNumber, range);
    }
  }

  async heldBytes(id: string): Promise<number> {
    const h = this.must(id);
    let evicted = 0;
    for (const { start, end } of h.evicted.values()) evicted += end - start;
    return h.length - evicted;
  }

  async remove(id: string): Promise<void> {
    this.held.delete(id);
  }

  private append(h: Held, bytes: Uint8Array): void {
    if (h.length + bytes.byteLength > h.bytes.byteLength) {
      const next = new Uint8Array(Math.max(h.bytes.byteLength * 2, h.length + bytes.byteLength));
      next.set(h.bytes.subarray(0, h.length));
      h.bytes = next;
    }
    h.bytes.set(bytes, h.length);
    h.length += bytes.byteLength;
    h.record.bytes = h.length;
  }

  private must(id: string): Held {
    const h = this.held.get(id);
    if (!h) throw new Error(`no recording ${id}`);
    return h;
  }
}

const KiB = 1024;

/** Parts of 64 KiB, 128 KiB from part 4, 192 KiB from part 7...: small, and they grow. */
export const SMALL_PLAN = { baseBytes: 64 * KiB, growEvery: 3 };
/** Storage's rules scaled to the small plan (S3's own are tested apart). */
export const SMALL_RULES = { minPartBytes: 64 * KiB, maxParts: 10_000 };

/** Deterministic pseudo-random bytes, so a mismatch shows where it is. */
export function patternBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A recording's meta for tests: small parts that grow every three, unless told. */
export function newRecording(
  id: string,
  objectKey: string,
  partPlan: NewRecording['partPlan'] = SMALL_PLAN,
): NewRecording {
  return {
    partPlan,
    id,
    roomId: 'room-1',
    roomType: 'single',
    title: 'Test',
    fileName: objectKey.slice(objectKey.lastIndexOf('/') + 1),
    objectKey,
    ownerId: 'owner-1',
    initiatorId: 'host-1',
    startedAt: Date.UTC(2026, 10, 26, 14, 3, 0),
  };
}
