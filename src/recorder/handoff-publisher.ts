/**
 * X9, on the page that records: keeps the recording's handoff context in storage as the
 * upload confirms parts, so another page can continue it whenever this one goes away, and on
 * a clean leave hands over the bytes storage does not hold yet.
 *
 * Writes are serialized and coalesced: a burst of confirmed parts costs one write of the
 * newest context. Failures are reported, never thrown into the recording: a context a few
 * parts behind only means a successor re-sends those parts' worth of nothing (it continues
 * from what the context says storage holds).
 */
import type { CompletedPart, Journal, JournalFragment, RecordingRecord } from '../journal/types.js';
import type { MultipartUpload } from '../upload/multipart-upload.js';
import type { UploadTarget } from '../upload/types.js';
import type { RecordingMeta } from './engine.js';
import {
  HANDOFF_VERSION,
  INDEX_BLOCK_FRAGMENTS,
  PART_BLOCK_PARTS,
  encodeBlock,
  encodePartBlock,
  encodeContext,
  handoffObjects,
  packFragments,
  toBase64,
  type HandoffContext,
  type HandedTail,
  type HandoffKeys,
} from './handoff-context.js';

export interface HandoffPublisherDeps {
  journal: Journal;
  target: UploadTarget;
  upload: MultipartUpload;
  meta: RecordingMeta;
  keys: HandoffKeys;
  /** Pages that recorded it before this one (0: this page started it). */
  generation: number;
  /**
   * From the page this one continues: the tails of earlier handoffs (to delete at the end),
   * part 1's object when one was stored, and the tails its context named (still the only copy
   * in storage of the bytes after its confirmed parts).
   */
  inherited?: {
    oldTails: string[];
    part1: { key: string; end: number } | null;
    tails?: HandedTail[];
    /** Its newest document's number: this page's go on from it, in the other slot. */
    seq?: number;
    /** Its index blocks that hold this page's first fragments unchanged. */
    indexBlocks?: number;
    /** Its part blocks (the parts in them are this page's first confirmed parts). */
    partBlocks?: number;
  };
  /** Parts per part block (tests make it small). */
  partBlockParts?: number;
}

export class HandoffPublisher {
  readonly #d: HandoffPublisherDeps;
  #part1: { key: string; end: number } | null = null;
  /** Part 1's object on its way to storage. */
  #part1Put: Promise<void> | null = null;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  #closed = false;
  /** The tails storage holds after the confirmed parts, contiguous. */
  #tails: HandedTail[];
  /** Tails no longer needed (their bytes are in confirmed parts): deleted at the end. */
  readonly #retired: string[] = [];
  #checkpoints = false;
  #paused = false;
  /** A checkpoint is queued and has not begun: later fragments ride with it. */
  #checkpointQueued = false;
  /** The next document's number. */
  #seq: number;
  /** The newest document's number whose write began (-1: none). */
  #begun = -1;
  /** Index blocks in storage: fragments [0, #indexBlocks × 500) need no more writing. */
  #indexBlocks: number;
  /** The fragments after the blocks read from the journal so far, in order. */
  readonly #unblocked: JournalFragment[] = [];
  /** An index block on its way to storage. */
  #blockPut: Promise<void> | null = null;
  /** Part blocks in storage: the first #partBlocks × partBlockParts confirmed parts. */
  #partBlocks: number;
  /** A part block on its way to storage. */
  #partBlockPut: Promise<void> | null = null;
  /** The original header, base64: it never changes. */
  #header: string | null = null;

  constructor(deps: HandoffPublisherDeps) {
    this.#d = deps;
    this.#part1 = deps.inherited?.part1 ?? null;
    this.#tails = [...(deps.inherited?.tails ?? [])];
    this.#seq = (deps.inherited?.seq ?? -1) + 1;
    this.#indexBlocks = deps.inherited?.indexBlocks ?? 0;
    this.#partBlocks = deps.inherited?.partBlocks ?? 0;
  }

  /**
   * Whether another page in the room could continue now: while one could, the bytes storage
   * does not hold yet go up with every journaled fragment (one a second) as small objects
   * (each byte is then sent twice: once so, once in its part), so a closed or killed page
   * loses at most the fragment it was making and the checkpoint in flight.
   */
  setCheckpoints(on: boolean): void {
    this.#checkpoints = on;
  }

  /**
   * A fragment was journaled: a checkpoint, or, while one is being stored, one more right
   * after it. Not on a timer: a timer against fragments that arrive a hair early skips every
   * other one and doubles the loss.
   */
  journaled(): void {
    if (!this.#checkpoints || this.#closed || this.#paused || this.#checkpointQueued) return;
    this.#checkpointQueued = true;
    this.#writing = this.#writing.then(async () => {
      this.#checkpointQueued = false;
      try {
        await this.#checkpoint();
      } catch (e) {
        console.warn('[room-recorder] a handoff checkpoint could not be stored', e);
      }
    });
  }

  /**
   * A successor's first write, as it starts recording: the context now names this page's
   * generation, so a predecessor coming back leaves the file alone. Checkpoints queue behind
   * it; a failure rejects the returned promise only (the next checkpoint names it again).
   */
  claim(): Promise<void> {
    const claimed = this.#writing.then(() => this.#write());
    this.#writing = claimed.catch(() => undefined);
    return claimed;
  }

  /** The file is stored: the handoff objects go (best effort; they are small). */
  async cleanUp(): Promise<void> {
    this.#closed = true;
    await this.#writing;
    await this.#part1Put;
    await this.#blockPut;
    await this.#partBlockPut;
    const { keys, target, inherited } = this.#d;
    // One at a time, each tried twice: deletes in one folder at once make some stores (s3rver
    // among them) answer 500 while they tidy the folder.
    const named = [
      ...(inherited?.oldTails ?? []),
      ...this.#retired,
      ...this.#tails.map((t) => t.key),
      ...Array.from({ length: this.#indexBlocks }, (_, n) => keys.index(n)),
      ...Array.from({ length: this.#partBlocks }, (_, n) => keys.parts(n)),
    ];
    for (const key of await handoffObjects(target, keys, named)) {
      try {
        await target.deleteObject(key).catch(() => target.deleteObject(key));
      } catch (e) {
        console.warn(
          `[room-recorder] ${key} could not be deleted and stays in storage (a lifecycle rule on .recorder/ folders removes such leftovers)`,
          e,
        );
      }
    }
  }

  /** Storage confirmed a part (or part 1 became complete): the context is written again soon. */
  changed(): void {
    if (this.#closed || this.#paused) return;
    if (this.#dirty) return;
    this.#dirty = true;
    this.#writing = this.#writing.then(async () => {
      this.#dirty = false;
      try {
        await this.#write();
      } catch (e) {
        console.warn('[room-recorder] the handoff context could not be written', e);
      }
    });
  }

  /**
   * A clean leave: after the pipeline stopped and journaled everything, the bytes storage
   * does not hold (the tail, whole fragments) go up as an object of their own and the context
   * names them. Resolves once both are stored.
   */
  async handOver(): Promise<void> {
    this.#closed = true;
    await this.#writing;
    await this.#checkpoint();
  }

  /**
   * Writes nothing new until `resume`: while it is unsure whether another page took the
   * recording over, a page must not put an older document over that page's.
   */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.changed();
  }

  /** Pages that recorded it before this one (0: this page started it). */
  get generation(): number {
    return this.#d.generation;
  }

  /** The newest document's number whose write began, or null before the first. */
  get begun(): number | null {
    return this.#begun >= 0 ? this.#begun : null;
  }

  /** Stops writing (the recording ended here, or was handed over). */
  close(): void {
    this.#closed = true;
  }

  /**
   * Where the bytes a successor can have end, contiguous from the stream's start: the header
   * (in the context itself), part 1's object, then the parts storage confirmed.
   */
  #confirmedEnd(part1: { end: number } | null, record: RecordingRecord): number {
    if (!part1) return record.headerBytes;
    let end = part1.end;
    for (const p of [...record.parts].sort((a, b) => a.partNumber - b.partNumber)) {
      if (p.partNumber === 1) continue;
      if (p.start !== end || p.end === undefined) break;
      end = p.end;
    }
    return end;
  }

  /**
   * Part 1's raw bytes, kept as an object once they are all journaled, off the checkpoints'
   * path: the tails hold the same bytes meanwhile, and a 5 MiB put ahead of a checkpoint would
   * leave seconds unsaved just when a page might close. Once stored, the context names it (the
   * tails inside it are retired at the next checkpoint).
   */
  #startPart1(): void {
    if (this.#part1 || this.#part1Put) return;
    const range = this.#d.upload.firstPart;
    if (!range) return;
    const { journal, target, meta, keys } = this.#d;
    this.#part1Put = (async () => {
      const bytes = await journal.read(meta.recordingId, range.start, range.end);
      await target.putObject(keys.part1, bytes, 'application/octet-stream');
      this.#part1 = { key: keys.part1, end: range.end };
      this.changed();
    })().catch((e: unknown) => {
      // Tried again with the next change; the tails keep these bytes meanwhile.
      this.#part1Put = null;
      console.warn('[room-recorder] part 1 could not be kept for a handoff', e);
    });
  }

  /**
   * Puts the journaled bytes after the confirmed parts and the tails already stored as one
   * more tail, and the context naming it, both at once: a successor that finds the context but
   * not the whole tail continues from the bytes before it (see `adoptHandoff`), and a page
   * that closes loses one round trip less. Tails whose bytes all went into confirmed parts are
   * retired.
   */
  async #checkpoint(): Promise<void> {
    const { journal, target, meta, keys } = this.#d;
    this.#startPart1();
    const record = await journal.get(meta.recordingId);
    if (!record) return;
    const confirmed = this.#confirmedEnd(this.#part1, record);
    while (this.#tails.length > 0 && this.#tails[0]!.end <= confirmed) {
      this.#retired.push(this.#tails.shift()!.key);
    }
    const start = Math.max(this.#tails.at(-1)?.end ?? confirmed, confirmed);
    const end = record.bytes;
    if (end <= start) {
      await this.#write(record);
      return;
    }
    const tail = { key: keys.tail(start, end), start, end };
    const bytes = await journal.read(meta.recordingId, start, end);
    this.#tails.push(tail);
    const put = target.putObject(tail.key, bytes, 'application/octet-stream');
    const [stored, written] = await Promise.allSettled([put, this.#write(record)]);
    if (stored.status === 'rejected') {
      // Put again, whole, with the next checkpoint's bytes.
      this.#tails.splice(this.#tails.indexOf(tail), 1);
      throw stored.reason;
    }
    if (written.status === 'rejected') throw written.reason;
  }

  /**
   * Puts the next index block once storage holds all of its fragments (`covered`), beside the
   * documents: they name it, and leave its fragments out, from the first written after it
   * landed. A block that fails is put again with the next document.
   */
  #startBlock(covered: readonly JournalFragment[]): void {
    if (this.#blockPut || covered.length < INDEX_BLOCK_FRAGMENTS) return;
    const block = covered.slice(0, INDEX_BLOCK_FRAGMENTS);
    const n = this.#indexBlocks;
    const { target, keys } = this.#d;
    this.#blockPut = target
      .putObject(keys.index(n), encodeBlock(block), 'application/json')
      .then(
        () => {
          this.#indexBlocks = n + 1;
          this.#unblocked.splice(0, INDEX_BLOCK_FRAGMENTS);
        },
        (e: unknown) =>
          console.warn(`[room-recorder] the handoff index block ${n} could not be stored`, e),
      )
      .finally(() => {
        this.#blockPut = null;
      });
  }

  /**
   * Puts the next part block once the confirmed parts, in stream order and contiguous from
   * part 1's end, fill it: parts confirm out of order, and a block must hold the same parts
   * whatever confirms later. A block that fails is put again with the next document.
   */
  #startPartBlock(parts: readonly CompletedPart[]): void {
    const size = this.#d.partBlockParts ?? PART_BLOCK_PARTS;
    const n = this.#partBlocks;
    const first = this.#d.upload.firstPart;
    if (this.#partBlockPut || !first || parts.length < (n + 1) * size) return;
    let end = first.end;
    for (const p of parts.slice(0, (n + 1) * size)) {
      if (p.start !== end || p.end === undefined) return;
      end = p.end;
    }
    const { target, keys } = this.#d;
    this.#partBlockPut = target
      .putObject(
        keys.parts(n),
        encodePartBlock(parts.slice(n * size, (n + 1) * size)),
        'application/json',
      )
      .then(
        () => {
          this.#partBlocks = n + 1;
        },
        (e: unknown) =>
          console.warn(`[room-recorder] the handoff part block ${n} could not be stored`, e),
      )
      .finally(() => {
        this.#partBlockPut = null;
      });
  }

  /** `read`: the record a checkpoint has just read, so it is not read again. */
  async #write(read?: RecordingRecord): Promise<void> {
    this.#startPart1();
    // One view of part 1 for the whole document, though its put may land meanwhile.
    const part1 = this.#part1;
    const { journal, target, upload, meta, keys, generation, inherited } = this.#d;
    const uploadId = upload.id;
    const record = read ?? (await journal.get(meta.recordingId));
    if (!uploadId || !record?.partPlan) return;
    const confirmed = this.#confirmedEnd(part1, record);
    const tails = this.#tails.filter((t) => t.end > confirmed);
    // The tails continue the confirmed bytes when the first starts at or before their end.
    const end = tails.length > 0 && tails[0]!.start <= confirmed ? tails.at(-1)!.end : confirmed;
    this.#header ??= toBase64(await journal.header(meta.recordingId));
    // Only the fragments journaled since the last read: the index only grows.
    const known = this.#indexBlocks * INDEX_BLOCK_FRAGMENTS + this.#unblocked.length;
    this.#unblocked.push(...(await journal.fragments(meta.recordingId, known)));
    // From here to the put, nothing waits: a block landing meanwhile cannot move the index.
    const fragments = this.#unblocked.filter((f) => f.offset + f.size <= end);
    this.#startBlock(fragments);
    const parts = record.parts
      .filter((p) => p.partNumber > 1 && p.end !== undefined && p.end <= end)
      .sort((a, b) => (a.start ?? 0) - (b.start ?? 0));
    this.#startPartBlock(parts);
    const partBlocks = this.#partBlocks;
    const context: HandoffContext = {
      v: HANDOFF_VERSION,
      meta,
      uploadId,
      partPlan: record.partPlan,
      parts: parts.slice(partBlocks * (this.#d.partBlockParts ?? PART_BLOCK_PARTS)),
      partBlocks,
      headerBytes: record.headerBytes,
      header: this.#header,
      part1,
      indexBlocks: this.#indexBlocks,
      fragments: packFragments(fragments),
      tails: end > confirmed ? tails : [],
      generation,
      oldTails: [...(inherited?.oldTails ?? []), ...this.#retired],
      partShift: record.partShift ?? 0,
      seq: this.#seq,
    };
    this.#begun = context.seq;
    await target.putObject(
      keys.contextFor(context.seq),
      encodeContext(context),
      'application/json',
    );
    // Only past a whole write: a failed one may have left its slot broken, and the next goes
    // to that slot again so that the other stays whole.
    this.#seq++;
  }
}
