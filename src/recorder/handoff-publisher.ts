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
import type { Journal } from '../journal/types.js';
import type { MultipartUpload } from '../upload/multipart-upload.js';
import type { UploadTarget } from '../upload/types.js';
import type { RecordingMeta } from './engine.js';
import {
  HANDOFF_VERSION,
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
  /** Tails earlier handoffs left (see tailsOf), and part 1's object when one was stored. */
  inherited?: { oldTails: string[]; part1: { key: string; end: number } | null };
}

export class HandoffPublisher {
  readonly #d: HandoffPublisherDeps;
  #part1: { key: string; end: number } | null = null;
  #writing: Promise<void> = Promise.resolve();
  #dirty = false;
  #closed = false;

  constructor(deps: HandoffPublisherDeps) {
    this.#d = deps;
    this.#part1 = deps.inherited?.part1 ?? null;
  }

  /**
   * A successor's first write, before it records: the context now names this page's
   * generation, so a predecessor coming back leaves the file alone.
   */
  async claim(): Promise<void> {
    await this.#write(null);
  }

  /** The file is stored: the handoff objects go (best effort; they are small). */
  async cleanUp(): Promise<void> {
    this.#closed = true;
    await this.#writing;
    const { keys, target, inherited } = this.#d;
    // One at a time, each tried twice: deletes in one folder at once make some stores (s3rver
    // among them) answer 500 while they tidy the folder.
    for (const key of handoffObjects(keys, inherited?.oldTails ?? [])) {
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
    if (this.#closed) return;
    if (this.#dirty) return;
    this.#dirty = true;
    this.#writing = this.#writing.then(async () => {
      this.#dirty = false;
      try {
        await this.#write(null);
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
    const { journal, meta, keys } = this.#d;
    const record = await journal.get(meta.recordingId);
    if (!record) throw new Error(`Recording ${meta.recordingId} is not in the journal.`);
    await this.#ensurePart1();
    const start = await this.#confirmedEnd();
    const end = record.bytes;
    let tail: HandedTail | null = null;
    if (end > start) {
      tail = { key: keys.tail(start), start, end };
      const bytes = await journal.read(meta.recordingId, start, end);
      await this.#d.target.putObject(tail.key, bytes, 'application/octet-stream');
    }
    await this.#write(tail);
  }

  /** Stops writing (the recording ended here, or was handed over). */
  close(): void {
    this.#closed = true;
  }

  /**
   * Where the bytes a successor can have end, contiguous from the stream's start: the header
   * (in the context itself), part 1's object, then the parts storage confirmed.
   */
  async #confirmedEnd(): Promise<number> {
    const record = await this.#d.journal.get(this.#d.meta.recordingId);
    if (!record) return 0;
    if (!this.#part1) return record.headerBytes;
    let end = this.#part1.end;
    for (const p of [...record.parts].sort((a, b) => a.partNumber - b.partNumber)) {
      if (p.partNumber === 1) continue;
      if (p.start !== end || p.end === undefined) break;
      end = p.end;
    }
    return end;
  }

  /** Part 1's raw bytes, kept as an object once they are all journaled. */
  async #ensurePart1(): Promise<void> {
    if (this.#part1) return;
    const range = this.#d.upload.firstPart;
    if (!range) return;
    const { journal, target, meta, keys } = this.#d;
    const key = keys.part1;
    await target.putObject(
      key,
      await journal.read(meta.recordingId, range.start, range.end),
      'application/octet-stream',
    );
    this.#part1 = { key, end: range.end };
  }

  async #write(tail: HandedTail | null): Promise<void> {
    await this.#ensurePart1();
    const { journal, target, upload, meta, keys, generation, inherited } = this.#d;
    const uploadId = upload.id;
    const record = await journal.get(meta.recordingId);
    if (!uploadId || !record?.partPlan) return;
    const end = tail ? tail.end : await this.#confirmedEnd();
    const fragments = (await journal.fragments(meta.recordingId)).filter(
      (f) => f.offset + f.size <= end,
    );
    const context: HandoffContext = {
      v: HANDOFF_VERSION,
      meta,
      uploadId,
      partPlan: record.partPlan,
      parts: record.parts.filter((p) => p.partNumber > 1 && p.end !== undefined && p.end <= end),
      headerBytes: record.headerBytes,
      header: toBase64(await journal.header(meta.recordingId)),
      part1: this.#part1,
      fragments: packFragments(fragments),
      tail,
      generation,
      oldTails: inherited?.oldTails ?? [],
    };
    await target.putObject(keys.context, encodeContext(context), 'application/json');
  }
}
