/**
 * The uploader: sends a recording to storage WHILE it records (X2), from the journal, so a
 * reload or a crash loses nothing already confirmed (X1) and confirmed bytes leave IndexedDB
 * (X8).
 *
 * The stream is cut into parts by the recording's journaled part plan (journal/part-plan.ts),
 * parts ending on fragment boundaries (journal/part-layout.ts).
 * Part 1 holds the header, which is rewritten at Stop (duration, index: X3), so it is sent
 * last; every later part is sent as soon as its bytes are journaled. S3 lets a part number be
 * sent again before Complete (the last one wins), so resuming simply sends every part without
 * a journaled ETag, without ListParts (which s3rver lacks).
 */
import { PartLayout } from '../journal/part-layout.js';
import { partPlanOf, type ByteRange } from '../journal/part-plan.js';
import { Emitter } from '../shared/emitter.js';
import { limiter, type Limiter } from '../shared/limiter.js';
import type { Journal, RecordingRecord } from '../journal/types.js';
import { DEFAULT_RETRY, withRetry, type RetryOptions } from './retry.js';
import {
  S3_PART_RULES,
  assertPartCount,
  assertPartSize,
  assertPlanFits,
  type PartRules,
} from './part-rules.js';
import { UploadError } from './types.js';
import type { CompletedPart, ObjectMetadata, UploadTarget } from './types.js';

export interface MultipartUploadOptions {
  journal: Journal;
  target: UploadTarget;
  recordingId: string;
  /** Parts in flight at once (each holds its bytes in memory); default 3. */
  concurrency?: number;
  /** Storage's limits on parts; default S3's (5 MiB minimum, 10,000 parts). */
  rules?: PartRules;
  retry?: Partial<RetryOptions>;
  /**
   * Retries of CreateMultipartUpload, short: storage down when Record is pressed refuses the
   * recording in seconds with the reason, rather than after minutes (default 2 retries).
   */
  startRetry?: Partial<RetryOptions>;
  /** A part taking longer is abandoned and retried; default 5 minutes. */
  partTimeoutMs?: number;
  /** Default `video/mp4`. */
  contentType?: string;
}

/** Where the upload stands, for health (X5) and progress. */
export interface UploadProgress {
  /** Bytes of the stream written so far (as last notified). */
  knownBytes: number;
  /** Bytes in confirmed parts. */
  confirmedBytes: number;
  confirmedParts: number;
  /** Bytes written but not yet confirmed, apart from the header part held until Stop. */
  backlogBytes: number;
}

/** The stored object, verified. */
export interface UploadResult {
  key: string;
  uploadId: string;
  /** Size of the stored object: rewritten header + fragments. */
  bytes: number;
  parts: CompletedPart[];
}

export interface MultipartUploadEvents {
  /** A part was confirmed by storage and journaled. */
  part: (part: CompletedPart, bytes: number) => void;
  progress: (progress: UploadProgress) => void;
  /** A failure that will be retried after a backoff. */
  retry: (error: UploadError, partNumber: number | null, attempt: number) => void;
  /** A part failed for good (retries spent); `finish()` will try it again. */
  error: (error: UploadError, partNumber: number) => void;
}

/** A second or two of retries: enough for a blip, short enough to refuse Record promptly. */
const START_RETRY: RetryOptions = { retries: 2, initialMs: 500, maxMs: 2_000 };

/** One recording's multipart upload, fed by the journal. */
export class MultipartUpload {
  private readonly journal: Journal;
  private readonly target: UploadTarget;
  readonly recordingId: string;
  /** Parts in flight at once. */
  private readonly parts: Limiter;
  private readonly retry: RetryOptions;
  private readonly startRetry: RetryOptions;
  private readonly partTimeoutMs: number;
  private readonly contentType: string;
  private readonly rules: PartRules;

  private record: RecordingRecord | null = null;
  /** Where the parts begin and end, from the journal once started. */
  private layout: PartLayout | null = null;
  /** Stream ends notified before the layout was read from the journal. */
  private readonly earlyEnds: number[] = [];
  private uploadId: string | null = null;
  private knownBytes = 0;
  private finalBytes: number | null = null;
  /** Confirmed parts by their number in the stream's layout. */
  private readonly confirmed = new Map<number, CompletedPart>();
  /** Stream part n (n >= 2) goes to storage as part n + shift (X9, see RecordingRecord). */
  private shift = 0;
  /** Parts waiting for a slot or being sent. */
  private readonly inFlight = new Set<number>();
  private readonly failed = new Map<number, UploadError>();
  private idleWaiters: Array<() => void> = [];
  private readonly stopper = new AbortController();
  private readonly events = new Emitter<MultipartUploadEvents>(() => {
    // A listener's bug must not break the upload.
  });
  private fatal: UploadError | null = null;
  private starting: Promise<string> | null = null;

  constructor(options: MultipartUploadOptions) {
    this.journal = options.journal;
    this.target = options.target;
    this.recordingId = options.recordingId;
    this.parts = limiter(Math.max(1, options.concurrency ?? 3));
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.startRetry = { ...START_RETRY, ...options.startRetry };
    this.partTimeoutMs = options.partTimeoutMs ?? 5 * 60_000;
    this.contentType = options.contentType ?? 'video/mp4';
    this.rules = options.rules ?? S3_PART_RULES;
  }

  /**
   * Starts the multipart upload (CreateMultipartUpload), or resumes the one the journal
   * already holds. Returns the upload id.
   */
  start(metadata: ObjectMetadata = {}): Promise<string> {
    // Once per instance: a second call (or finish() racing start()) must not create a
    // second multipart upload.
    this.starting ??= this.begin(metadata).catch((e: unknown) => {
      this.starting = null;
      throw e;
    });
    return this.starting;
  }

  private async begin(metadata: ObjectMetadata): Promise<string> {
    const record = await this.journal.get(this.recordingId);
    if (!record) throw new UploadError(`No journaled recording ${this.recordingId}`, false);
    const plan = partPlanOf(record);
    assertPlanFits(plan, this.rules);
    // Part boundaries follow the fragments: rebuilt from the journal's index after a reload.
    const layout = new PartLayout(plan);
    if (record.headerBytes > 0) layout.addEnd(record.headerBytes);
    for (const f of await this.journal.fragments(this.recordingId))
      layout.addEnd(f.offset + f.size);
    for (const end of this.earlyEnds.splice(0)) layout.addEnd(end);
    this.record = record;
    this.layout = layout;
    for (const p of record.parts) this.confirmed.set(p.partNumber, p);
    this.shift = record.partShift ?? 0;
    this.knownBytes = Math.max(this.knownBytes, record.bytes);
    if (record.uploadId) {
      this.uploadId = record.uploadId;
    } else {
      const uploadId = await withRetry(
        'CreateMultipartUpload',
        () => this.target.createMultipartUpload(record.objectKey, this.contentType, metadata),
        this.startRetry,
        this.stopper.signal,
        (e, attempt) => this.events.emit('retry', e, null, attempt),
      );
      // Durable before any part is sent, so a reload finds the same upload.
      await this.journal.update(this.recordingId, { uploadId });
      this.uploadId = uploadId;
    }
    this.schedule();
    return this.uploadId;
  }

  /**
   * The stream now holds `totalBytes` journaled bytes: every complete part from 2 on is
   * queued. Returns at once; failures surface as `error` events and in `finish()`.
   */
  notifyBytes(totalBytes: number): void {
    if (this.fatal) return;
    this.knownBytes = Math.max(this.knownBytes, totalBytes);
    const layout = this.layout;
    if (!layout) {
      this.earlyEnds.push(totalBytes); // start() lays out what is known once it has read
      return;
    }
    layout.addEnd(totalBytes);
    try {
      assertPartCount(this.storedAs(layout.count(totalBytes)), this.rules);
    } catch (e) {
      this.fatal = e as UploadError;
      this.events.emit('error', this.fatal, layout.count(totalBytes));
      return;
    }
    this.schedule();
  }

  /**
   * Sends what is left, then part 1 (`rewrittenHeader` followed by the original bytes after
   * the original header), completes and verifies the stored size with HeadObject.
   * `totalBytes` is the length of the original stream (header + fragments).
   */
  async finish(rewrittenHeader: Uint8Array, totalBytes: number): Promise<UploadResult> {
    await this.start();
    // Fresh from the journal: the header may have been journaled after start().
    const record = (await this.journal.get(this.recordingId)) ?? (this.record as RecordingRecord);
    this.record = record;
    const layout = this.layout as PartLayout;
    const uploadId = this.uploadId as string;
    layout.addEnd(totalBytes);
    assertPartCount(this.storedAs(layout.count(totalBytes)), this.rules);
    if (totalBytes < record.headerBytes) {
      throw new UploadError(
        `Stream of ${totalBytes} bytes is shorter than its header (${record.headerBytes})`,
        false,
      );
    }
    this.fatal = null;
    this.finalBytes = totalBytes;
    this.knownBytes = totalBytes;
    const last = layout.count(totalBytes);

    // Part 1 goes at once, beside the tail: at Stop both are all that is left to send, and
    // waiting for one before the other would add a round trip to the wait for the file.
    const partOne = this.confirmed.has(1)
      ? Promise.resolve(null)
      : this.sendPartOne(rewrittenHeader, record, totalBytes, last === 1).then(
          () => null,
          (e: unknown) => e,
        );
    // Parts 2..last, then once more for any that failed in the background.
    for (let round = 0; ; round++) {
      this.schedule();
      await this.idle();
      this.throwIfStopped();
      if (this.failed.size === 0) break;
      const [first] = this.failed.values();
      if (round >= 1 || !first?.retryable) {
        await partOne;
        throw first as UploadError;
      }
      this.failed.clear();
    }
    const partOneError = await partOne;
    if (partOneError) throw partOneError;
    for (let n = 1; n <= last; n++) {
      if (!this.confirmed.has(n)) throw new UploadError(`Part ${n} was not confirmed`, true);
    }

    // Storage's numbers, ascending with the stream: each page's shift is past the one before.
    const parts = [...this.confirmed.values()]
      .filter((p) => p.partNumber <= last)
      .map((p) => ({ partNumber: p.storedAs ?? p.partNumber, etag: p.etag }))
      .sort((a, b) => a.partNumber - b.partNumber);
    const expected = rewrittenHeader.byteLength + totalBytes - record.headerBytes;
    await this.complete(record.objectKey, uploadId, parts, expected);
    return { key: record.objectKey, uploadId, bytes: expected, parts };
  }

  /** Part 1: the rewritten header, then the original bytes after the original header. */
  private async sendPartOne(
    rewrittenHeader: Uint8Array,
    record: RecordingRecord,
    totalBytes: number,
    isLast: boolean,
  ): Promise<void> {
    const end = (this.layout as PartLayout).range(1, totalBytes).end;
    const size = rewrittenHeader.byteLength + end - record.headerBytes;
    assertPartSize(1, size, isLast, this.rules);
    const rest = await this.journal.read(this.recordingId, record.headerBytes, end);
    if (rest.byteLength !== size - rewrittenHeader.byteLength) {
      throw new UploadError(
        `Journal returned ${rest.byteLength} bytes for part 1, expected ${size - rewrittenHeader.byteLength}`,
        false,
      );
    }
    const body = new Uint8Array(size);
    body.set(rewrittenHeader, 0);
    body.set(rest, rewrittenHeader.byteLength);
    await this.sendPart(1, body, { start: 0, end });
  }

  /** Stops sending and asks storage to drop the parts (best effort: s3rver cannot). */
  async abort(): Promise<boolean> {
    await this.stopSending();
    if (!this.record || !this.uploadId) return true;
    try {
      await this.target.abortMultipartUpload(this.record.objectKey, this.uploadId);
      return true;
    } catch {
      // Storage's lifecycle rule for incomplete uploads cleans up what this could not.
      return false;
    }
  }

  /**
   * Stops sending parts and waits for those in flight, leaving the multipart upload open for
   * whoever continues it (X9: this page handed the recording over).
   */
  async stopSending(): Promise<void> {
    this.stopper.abort();
    await this.idle();
  }

  /** Bytes written but not yet confirmed, apart from part 1, held until Stop (X5). */
  get backlogBytes(): number {
    const total = this.knownBytes;
    const layout = this.layout;
    if (!layout) return total;
    let confirmedLater = 0;
    for (const n of this.confirmed.keys()) {
      if (n >= 2) confirmedLater += sizeOf(layout, n, total);
    }
    return Math.max(0, total - layout.range(1, total).end - confirmedLater);
  }

  /** The multipart upload's id, once started. */
  get id(): string | null {
    return this.uploadId;
  }

  /**
   * The original bytes part 1 holds, once all of them are journaled (X9: a handoff keeps
   * them in storage, since part 1 itself is sent only at Stop); null before.
   */
  get firstPart(): { start: number; end: number } | null {
    const layout = this.layout;
    return layout && layout.completeParts() >= 1 ? layout.range(1) : null;
  }

  /** Where the upload stands. */
  get progress(): UploadProgress {
    let confirmedBytes = 0;
    const layout = this.layout;
    if (layout) {
      for (const n of this.confirmed.keys()) confirmedBytes += sizeOf(layout, n, this.knownBytes);
    }
    return {
      knownBytes: this.knownBytes,
      confirmedBytes,
      confirmedParts: this.confirmed.size,
      backlogBytes: this.backlogBytes,
    };
  }

  /** Listens to an event; returns the function that stops listening. */
  on<K extends keyof MultipartUploadEvents>(
    event: K,
    listener: MultipartUploadEvents[K],
  ): () => void {
    return this.events.on(event, listener);
  }

  /** Queues every part whose bytes are all journaled and that storage lacks, then sends. */
  private schedule(): void {
    const layout = this.layout;
    if (!layout || this.fatal || this.stopper.signal.aborted) return;
    // The last, partial part goes only once the stream is final.
    const upTo = this.finalBytes !== null ? layout.count(this.finalBytes) : layout.completeParts();
    for (let n = 2; n <= upTo; n++) {
      if (this.confirmed.has(n) || this.inFlight.has(n) || this.failed.has(n)) continue;
      this.inFlight.add(n);
      void this.parts(() => this.sendFromJournal(n)).finally(() => {
        this.inFlight.delete(n);
        if (this.inFlight.size > 0) return;
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      });
    }
  }

  /** Part `n` from the journal to storage; a failure is kept for finish() and reported. */
  private async sendFromJournal(n: number): Promise<void> {
    if (this.stopper.signal.aborted) return;
    try {
      await this.uploadFromJournal(n);
    } catch (e) {
      const error = e instanceof UploadError ? e : new UploadError(String(e), false);
      this.failed.set(n, error);
      if (!this.stopper.signal.aborted) this.events.emit('error', error, n);
    }
  }

  /**
   * Storage answers again: the parts that failed for good while it did not (an outage longer
   * than the retries) go now, while recording, not all at once after Stop (X2, X11).
   */
  private requeueFailed(): void {
    let any = false;
    for (const [n, error] of this.failed) {
      if (!error.retryable) continue;
      this.failed.delete(n);
      any = true;
    }
    if (any) this.schedule();
  }

  private idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async uploadFromJournal(n: number): Promise<void> {
    const layout = this.layout as PartLayout;
    const total = this.finalBytes ?? this.knownBytes;
    const { start, end } = layout.range(n, total);
    const isLast = this.finalBytes !== null && n === layout.count(this.finalBytes);
    assertPartSize(this.storedAs(n), end - start, isLast, this.rules);
    const body = await this.journal.read(this.recordingId, start, end);
    // Checked again on the bytes actually read: whatever the journal did, S3's rule holds.
    assertPartSize(this.storedAs(n), body.byteLength, isLast, this.rules);
    if (body.byteLength !== end - start) {
      throw new UploadError(
        `Journal returned ${body.byteLength} bytes for part ${n} [${start}, ${end}), expected ${end - start}`,
        false,
      );
    }
    await this.sendPart(n, body, { start, end });
  }

  /** Sends one part with retries, then journals its ETag durably. */
  /**
   * Sends part `n`, holding the original stream's bytes [`range.start`, `range.end`) (part 1's
   * body is the rewritten header and the bytes after the original one), then journals it.
   */
  private async sendPart(n: number, body: Uint8Array, range: ByteRange): Promise<void> {
    const record = this.record as RecordingRecord;
    const uploadId = this.uploadId as string;
    const storedAs = this.storedAs(n);
    const etag = await withRetry(
      `UploadPart ${storedAs}`,
      () => this.attemptPart(record.objectKey, uploadId, storedAs, body),
      this.retry,
      this.stopper.signal,
      (e, attempt) => this.events.emit('retry', e, n, attempt),
    );
    const part: CompletedPart = {
      partNumber: n,
      etag,
      start: range.start,
      end: range.end,
      ...(storedAs !== n ? { storedAs } : {}),
    };
    await this.journal.confirmPart(this.recordingId, part);
    this.confirmed.set(n, part);
    this.failed.delete(n);
    this.requeueFailed();
    this.events.emit('part', part, body.byteLength);
    this.events.emit('progress', this.progress);
  }

  /** One attempt, abandoned (and retryable) when it outlives the part timeout. */
  private async attemptPart(
    key: string,
    uploadId: string,
    n: number,
    body: Uint8Array,
  ): Promise<string> {
    const attempt = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      attempt.abort();
    }, this.partTimeoutMs);
    const stop = () => attempt.abort();
    this.stopper.signal.addEventListener('abort', stop, { once: true });
    try {
      return await this.target.uploadPart(key, uploadId, n, body, attempt.signal);
    } catch (e) {
      if (timedOut) {
        throw new UploadError(`UploadPart ${n} timed out after ${this.partTimeoutMs} ms`, true);
      }
      throw e;
    } finally {
      clearTimeout(timer);
      this.stopper.signal.removeEventListener('abort', stop);
    }
  }

  /**
   * CompleteMultipartUpload, then HeadObject to verify the size. A Complete whose answer was
   * lost may have worked: when a retry is refused, the object's size decides.
   */
  private async complete(
    key: string,
    uploadId: string,
    parts: CompletedPart[],
    expected: number,
  ): Promise<void> {
    let completeError: UploadError | null = null;
    try {
      await withRetry(
        'CompleteMultipartUpload',
        () => this.target.completeMultipartUpload(key, uploadId, parts),
        this.retry,
        this.stopper.signal,
        (e, attempt) => this.events.emit('retry', e, null, attempt),
      );
    } catch (e) {
      completeError = e as UploadError;
    }
    const head = await withRetry(
      'HeadObject',
      () => this.target.headObject(key),
      this.retry,
      this.stopper.signal,
    );
    if (head && head.size === expected) return;
    if (completeError) throw completeError;
    throw new UploadError(
      head
        ? `Stored object ${key} has ${head.size} bytes, expected ${expected}`
        : `Stored object ${key} is missing after Complete`,
      false,
    );
  }

  /** Storage's number for stream part `n`: part 1 (sent only at Stop) keeps its number. */
  private storedAs(n: number): number {
    return n === 1 ? 1 : n + this.shift;
  }

  private throwIfStopped(): void {
    if (this.stopper.signal.aborted) throw new UploadError('Upload aborted', false);
  }
}

function sizeOf(layout: PartLayout, partNumber: number, totalBytes: number): number {
  const { start, end } = layout.range(partNumber, totalBytes);
  return Math.max(0, end - start);
}
