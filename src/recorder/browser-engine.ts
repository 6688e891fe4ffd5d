/**
 * The engine in the browser: the media pipeline writes fragments into the IndexedDB journal,
 * the multipart upload sends them to storage while recording, and at Stop the header is
 * rewritten (true duration and index, X3), sent last, and the object verified.
 */
import {
  IndexedDbJournal,
  StorageFullError,
  acquireRoomLock,
  requestPersistence,
  storageEstimate,
} from '../journal/index.js';
import type { RoomLock } from '../journal/index.js';
import type { Journal } from '../journal/types.js';
import { preflightProbeKey } from '../library/folder-keys.js';
import { recordingMetadata } from '../library/recording-metadata.js';
import { rewriteHeader } from '../media/mp4/header-rewrite.js';
import { MediaPipeline, prepareWorker } from '../media/pipeline.js';
import type { PipelineOptions } from '../media/pipeline.js';
import type { Fragment, FragmentSink, PipelineHealth } from '../media/types.js';
import { systemClock, type Clock } from '../session/clock.js';
import { Emitter } from '../shared/emitter.js';
import type { StopCause } from '../session/types.js';
import { MultipartUpload } from '../upload/multipart-upload.js';
import type { MultipartUploadOptions } from '../upload/multipart-upload.js';
import { DEFAULT_PART_PLAN, PartPlan, type PartPlanSpec } from '../journal/part-plan.js';
import type {
  EngineEvents,
  EngineHealth,
  PreflightResult,
  RecordingEngine,
  RecordingMeta,
  RecordingSources,
  SaveState,
  StoredRecording,
} from './engine.js';
import { adoptFound, findHandoff, sameContinuation, type Adopted } from './handoff-adopt.js';
import { HandoffKeys, readContext, type HandoffContext } from './handoff-context.js';
import { journalFields } from './journal-meta.js';
import { HandoffPublisher, type HandoffPublisherDeps } from './handoff-publisher.js';
import { runPreflight } from './preflight.js';
import { SaveGuard } from './save-guard.js';
import { StorageBudget, type StorageBudgetOptions } from './storage-budget.js';
import { recoverUnfinished } from './recovery.js';
import { yieldToContinuation } from './unsaved-part.js';
import { storeRecording, storeWhenStorageAnswers } from './store-recording.js';
import { createStorage, type Storage } from './remote-storage.js';
import type { StorageConfig } from './storage-config.js';

/** More than this many parts waiting to upload means the link cannot keep up (X5). */
const UPLOAD_LAG_PARTS = 3;

export interface BrowserEngineOptions {
  storage: StorageConfig;
  /** The room this page records (its pre-flight checks this room's lock, X7). */
  roomId: string;
  /** Default: the IndexedDB journal. */
  journal?: Journal;
  /** Wall time for the journal's dates, monotonic time for intervals; default the system's. */
  clock?: Clock;
  /**
   * Upload settings: the part plan (default 5 MiB parts that grow, see journal/part-plan.ts),
   * storage's part rules, retries and the part timeout. Tests use small parts.
   */
  upload?: { partPlan?: PartPlanSpec } & Pick<
    MultipartUploadOptions,
    'rules' | 'retry' | 'startRetry' | 'partTimeoutMs' | 'concurrency'
  >;
  /** When to warn of low local storage and when to stop gracefully (X11). */
  storageBudget?: StorageBudgetOptions;
  /** Pipeline settings (video overrides, a deterministic clock in tests). */
  pipeline?: Pick<PipelineOptions, 'video' | 'audio' | 'clock' | 'workerUrl' | 'faults'>;
}

/** The recording this page makes now. */
interface LiveRecording {
  meta: RecordingMeta;
  lock: RoomLock;
  upload: MultipartUpload;
  pipeline: MediaPipeline;
  /** Keeps the handoff context in storage (X9). */
  publisher: HandoffPublisher;
  /** What it was taken over from, when another page began it (X9). */
  adopted: Adopted | null;
  stored: Promise<StoredRecording> | null;
}

/** {@link RecordingEngine} for Chromium-family browsers with WebCodecs. */
export class BrowserRecordingEngine implements RecordingEngine {
  readonly #storage: Storage;
  readonly #journal: Journal;
  readonly #pipelineOptions: BrowserEngineOptions['pipeline'];
  readonly #uploadOptions: NonNullable<BrowserEngineOptions['upload']>;
  readonly #partPlan: PartPlan;
  readonly #roomId: string;
  readonly #clock: Clock;
  readonly #events = new Emitter<EngineEvents>();
  #active: LiveRecording | null = null;
  /** A recording worker loaded while this page stands by to continue a recording (X9). */
  #spare: Worker | null = null;
  /** Another page could continue a recording made here (X9): checkpoints on. */
  #handoffPossible = false;
  readonly #save = new SaveGuard((state) => this.#events.emit('save', state));
  readonly #budget: StorageBudget;
  #heldBytes = 0;
  #lastStored: Promise<StoredRecording> | null = null;
  #storageAvailable: number | null = null;
  #storageCheckedAt: number | null = null;
  #faulted = false;
  #recovering: Promise<StoredRecording[]> | null = null;

  /** @throws TypeError when the storage config cannot work. */
  constructor(options: BrowserEngineOptions) {
    this.#storage = createStorage(options.storage);
    this.#journal = options.journal ?? new IndexedDbJournal();
    this.#pipelineOptions = options.pipeline;
    this.#uploadOptions = options.upload ?? {};
    this.#partPlan = new PartPlan(options.upload?.partPlan ?? DEFAULT_PART_PLAN);
    this.#roomId = options.roomId;
    this.#clock = options.clock ?? systemClock;
    this.#budget = new StorageBudget(options.storageBudget);
  }

  /** The Recordings folder of the configured storage. */
  get library() {
    return this.#storage.library;
  }

  /** The object key prefix recordings are stored under. */
  get keyPrefix(): string {
    return this.#storage.keyPrefix;
  }

  preflight(): Promise<PreflightResult> {
    const probeKey = preflightProbeKey(this.keyPrefix, this.#roomId);
    return runPreflight(this.#storage.target, this.#roomId, this.#pipelineOptions?.video, probeKey);
  }

  async start(meta: RecordingMeta, sources: RecordingSources): Promise<{ elapsedMs: number }> {
    if (this.#active) throw new Error('This page is already recording.');
    const lock = await this.#roomLock(meta.roomId);
    try {
      void requestPersistence();
      this.#faulted = false;
      await this.#journal.create({ ...journalFields(meta), partPlan: this.#partPlan.spec });
      const upload = this.#uploader(meta.recordingId);
      await upload.start(recordingMetadata(meta));
      const publisher = this.#publisher(meta, upload, 0);
      return await this.#record({ meta, lock, upload, publisher, sources, adopted: null });
    } catch (e) {
      await this.#journal
        .update(meta.recordingId, { state: 'failed', error: String(e) })
        .catch(() => {});
      await this.#release(lock);
      throw e;
    }
  }

  /**
   * X9: continues the recording another page was making, from what it kept in storage (see
   * handoff-adopt.ts), into the same multipart upload. When this page cannot record after
   * all, what storage holds is stored as the file, so nothing kept is lost.
   */
  async continueRecording(
    recordingId: string,
    elapsedMs: number,
    sources: RecordingSources,
    handedOver?: { checkpoint: number },
  ): Promise<{ meta: RecordingMeta }> {
    if (this.#active) throw new Error('This page is already recording.');
    const calledAt = performance.now();
    const lock = await this.#roomLock(this.#roomId);
    let adopted: Adopted | null = null;
    // Loaded while another page recorded (see standBy), or warming up while storage is read:
    // half a second or more of the room's gap on a busy machine.
    const worker = this.#spare ?? prepareWorker(this.#pipelineOptions ?? {});
    this.#spare = null;
    const deps = {
      journal: this.#journal,
      target: this.#storage.target,
      keyPrefix: this.#storage.keyPrefix,
      roomId: this.#roomId,
    };
    try {
      this.#faulted = false;
      const found = await findHandoff(deps, recordingId, elapsedMs, handedOver?.checkpoint);
      const { meta } = found.context;
      const expected: Adopted = {
        meta,
        context: found.context,
        keys: found.keys,
        ...found.expected,
      };
      // elapsedMs was the room's time when this was called; the pipeline adds what followed.
      expected.continuation.timelineAtMs = performance.timeOrigin + calledAt;
      // What the page before kept is the measure of a handoff's loss: worth one line.
      console.info(
        `[room-recorder] continuing recording ${recordingId} from ${(expected.continuation.resumeAtUs / 1e6).toFixed(2)} s in storage, ${(elapsedMs / 1000).toFixed(2)} s into the room`,
      );
      // The pipeline starts on what the document says storage holds while the bytes are read
      // and journaled (half a second of the room's gap on a busy machine): it writes nothing
      // before its first fragment closes, a second on, and its sink waits for the journal.
      const adopting = adoptFound(deps, found, elapsedMs);
      adopting.catch(() => undefined);
      let open!: () => void;
      const journaled = new Promise<void>((resolve) => (open = resolve));
      const recordAt = performance.now();
      let live = await this.#continueOn(expected, lock, sources, journaled, worker);
      adopted = await adopting;
      if (!sameContinuation(adopted.continuation, expected.continuation)) {
        // A tail the document names is missing or cut short (its page closed while putting
        // it): the file continues from the bytes before it, so the pipeline starts again.
        await this.#abortActive();
        adopted.continuation.timelineAtMs = expected.continuation.timelineAtMs;
        live = await this.#continueOn(adopted, lock, sources, Promise.resolve());
      }
      await live.upload.start(recordingMetadata(meta));
      open();
      // At once: a predecessor that comes back must find the recording taken. A failed claim
      // does not stop the recording, the next checkpoint names this page again.
      await live.publisher
        .claim()
        .catch((e: unknown) =>
          console.warn('[room-recorder] could not claim the recording in storage yet', e),
        );
      // Where a takeover's time goes (the room's gap): storage, then the pipeline's start.
      console.info(
        `[room-recorder] recording ${recordingId} continues here ${Math.round(performance.now() - calledAt)} ms after the takeover began (handoff document ${Math.round(recordAt - calledAt)} ms, then pipeline and journal ${Math.round(performance.now() - recordAt)} ms)`,
      );
      return { meta };
    } catch (e) {
      worker.terminate();
      await this.#abortActive();
      if (adopted) {
        // Recording here failed: store what storage and the journal hold (X1 for the room).
        void this.#storeAdopted(adopted).catch((err: unknown) =>
          console.error('[room-recorder] could not store the recording taken over', err),
        );
      }
      await this.#release(lock);
      throw e;
    }
  }

  /** Starts the pipeline that continues `adopted`, its fragments held until `journaled`. */
  async #continueOn(
    adopted: Adopted,
    lock: RoomLock,
    sources: RecordingSources,
    journaled: Promise<void>,
    worker?: Worker,
  ): Promise<{ upload: MultipartUpload; publisher: HandoffPublisher }> {
    const { meta, context } = adopted;
    const upload = this.#uploader(meta.recordingId);
    const publisher = this.#publisher(meta, upload, context.generation + 1, {
      oldTails: context.oldTails,
      tails: context.tails,
      part1: context.part1,
      seq: context.seq,
      indexBlocks: adopted.indexBlocks,
      partBlocks: context.partBlocks,
    });
    await this.#record({
      meta,
      lock,
      upload,
      publisher,
      sources,
      adopted,
      journaled,
      ...(worker ? { worker } : {}),
    });
    return { upload, publisher };
  }

  /** Ends a pipeline that began a continuation, writing nothing (see `continueRecording`). */
  async #abortActive(): Promise<void> {
    const active = this.#active;
    if (!active) return;
    this.#active = null;
    active.publisher.close();
    await active.pipeline.abort();
  }

  /** Starts the pipeline of a recording begun or taken over here. */
  async #record(r: {
    meta: RecordingMeta;
    lock: RoomLock;
    upload: MultipartUpload;
    publisher: HandoffPublisher;
    sources: RecordingSources;
    adopted: Adopted | null;
    /** A worker warming up for this recording (see `prepareWorker`). */
    worker?: Worker;
    /** A continuation's journal is ready: its fragments wait for it. */
    journaled?: Promise<void>;
  }): Promise<{ elapsedMs: number }> {
    const { meta, upload, publisher } = r;
    upload.on('part', () => {
      this.#reportSave(upload, this.#save.state?.where ?? 'in-memory');
      publisher.changed();
    });
    const pipeline: MediaPipeline = new MediaPipeline({
      ...this.#pipelineOptions,
      sources: r.sources,
      sink: this.#sink(meta.recordingId, upload, publisher, r.journaled),
      onHealth: (h) => void this.#emitHealth(h, upload, meta.recordingId),
      onFault: (error, fatal) => {
        if (fatal) this.#fault('error', error.message);
        else console.warn(`[room-recorder] ${error.message}`);
      },
      ...(r.adopted ? { continuation: r.adopted.continuation } : {}),
      ...(r.worker ? { worker: r.worker } : {}),
    });
    const active: LiveRecording = {
      meta,
      lock: r.lock,
      upload,
      pipeline,
      publisher,
      adopted: r.adopted,
      stored: null,
    };
    this.#active = active;
    publisher.setCheckpoints(this.#handoffPossible);
    try {
      await pipeline.start();
    } catch (e) {
      this.#active = null;
      throw e;
    }
    this.#reportSave(upload, 'in-memory');
    return { elapsedMs: pipeline.elapsedMs ?? 0 };
  }

  /** This browser's lock on the room (one recording tab per room, X7). */
  async #roomLock(roomId: string): Promise<RoomLock> {
    const lock = await acquireRoomLock(roomId);
    if (!lock) {
      throw new Error(
        'Another tab of this browser is already recording this room; stop it there or close it.',
      );
    }
    return lock;
  }

  /**
   * Released before the caller looks again (a pre-flight right after a failed start must not
   * find this page's own lock and blame another tab).
   */
  async #release(lock: RoomLock): Promise<void> {
    lock.release();
    await lock.released;
  }

  /** A recording taken over but not continued: stored as storage and the journal hold it. */
  async #storeAdopted(adopted: Adopted): Promise<void> {
    const id = adopted.meta.recordingId;
    const fragments = await this.#journal.fragments(id);
    const last = fragments.at(-1);
    if (!last) return;
    const streamBytes = last.offset + last.size;
    const durationUs = last.startUs + last.durationUs;
    await this.#journal.update(id, { state: 'uploading', durationUs });
    const upload = this.#uploader(id);
    await upload.start(recordingMetadata(adopted.meta));
    const header = rewriteHeader(await this.#journal.header(id), fragments, {
      streamBytes,
      durationUs,
    });
    await storeRecording(this.#journal, this.#storage, adopted.meta, upload, {
      header,
      streamBytes,
      durationUs,
    });
  }

  updateSources(sources: RecordingSources): void {
    this.#active?.pipeline.updateSources(sources);
  }

  async stop(cause: StopCause): Promise<void> {
    const active = this.#active;
    if (!active || active.stored) return;
    const id = active.meta.recordingId;
    const result = await active.pipeline.stop();
    await this.#journal.update(id, {
      state: 'uploading',
      endedAt: this.#clock.epochMs(),
      durationUs: result.durationUs,
      stopCause: cause,
    });
    // Everything is journaled now: closing loses nothing; the upload resumes on the next visit.
    this.#reportSave(active.upload, 'on-device');
    // A continuation's result holds its own fragments only: the index is the whole file's.
    const fragments = active.adopted ? await this.#journal.fragments(id) : result.fragments;
    const header = rewriteHeader(result.header, fragments, {
      streamBytes: result.bytesWritten,
      durationUs: result.durationUs,
    });
    const store = () =>
      storeRecording(this.#journal, this.#storage, active.meta, active.upload, {
        header,
        streamBytes: result.bytesWritten,
        durationUs: result.durationUs,
      });
    active.stored = storeWhenStorageAnswers(store, this.#clock, (error, retryInMs) => {
      console.warn(
        `[room-recorder] storage cannot take recording ${id} yet (${error.message}); it is kept on this device, trying again in ${retryInMs / 1000} s`,
      );
      this.#reportSave(active.upload, 'on-device');
    }).then(async (stored) => {
      await active.publisher.cleanUp();
      this.#save.set({ where: 'saved', unsavedBytes: 0 });
      return {
        ...stored,
        framesEncoded: result.stats.framesEncoded,
        framesDropped: result.stats.framesDropped,
      };
    });
    this.#lastStored = active.stored.finally(async () => {
      active.lock.release();
      await active.lock.released;
      if (this.#active === active) this.#active = null;
    });
    this.#lastStored.catch(() => {});
  }

  whenStored(): Promise<StoredRecording> {
    return this.#lastStored ?? Promise.reject(new Error('No recording was stopped on this page.'));
  }

  recover(): Promise<StoredRecording[]> {
    this.#recovering ??= recoverUnfinished({
      journal: this.#journal,
      storage: this.#storage,
      uploader: (id) => this.#uploader(id),
      isLive: (id) => this.#active?.meta.recordingId === id,
      onStored: (stored) => this.#events.emit('recovered', stored),
    }).finally(() => (this.#recovering = null));
    return this.#recovering;
  }

  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  standBy(ready: boolean): void {
    if (ready && !this.#spare && !this.#active) {
      this.#spare = prepareWorker(this.#pipelineOptions ?? {});
    } else if (!ready && this.#spare) {
      this.#spare.terminate();
      this.#spare = null;
    }
  }

  async dispose(): Promise<void> {
    this.standBy(false);
    this.#save.dispose();
    this.#events.clear();
  }

  handoffPossible(possible: boolean): void {
    this.#handoffPossible = possible;
    this.#active?.publisher.setCheckpoints(possible);
  }

  async standDown(recordingId: string): Promise<{ part: StoredRecording | null } | null> {
    const active = this.#active;
    if (!active || active.stored || active.meta.recordingId !== recordingId) return null;
    const keys = new HandoffKeys(this.#storage.keyPrefix, active.meta);
    active.publisher.pause();
    let context: HandoffContext | null;
    try {
      context = await readContext(this.#storage.target, keys);
    } catch (e) {
      active.publisher.resume();
      throw e;
    }
    if (!context || context.generation <= active.publisher.generation || this.#active !== active) {
      active.publisher.resume();
      return null;
    }
    this.#active = null;
    // Nothing more from this page reaches the file or its handoff objects.
    active.publisher.close();
    let part: StoredRecording | null = null;
    try {
      await active.pipeline.stop();
      await active.upload.stopSending();
      console.info(
        `[room-recorder] recording ${recordingId} goes on on another page (its document is generation ${context.generation}, this page's ${active.publisher.generation}): this page stops`,
      );
      const record = await this.#journal.get(recordingId);
      if (record) {
        part = await yieldToContinuation(record, context, keys, {
          journal: this.#journal,
          storage: this.#storage,
          uploader: (id) => this.#uploader(id),
        });
      }
      this.#save.set({ where: 'saved', unsavedBytes: 0 });
    } finally {
      await this.#release(active.lock);
    }
    return { part };
  }

  /**
   * X9, a clean leave: stops recording here, hands the bytes storage does not hold yet over
   * (see HandoffPublisher), and lets the recording go on elsewhere: the multipart upload stays
   * open, the journal lets go of it (storage holds it all), the room lock is released.
   */
  async leave(): Promise<void> {
    const active = this.#active;
    if (!active || active.stored) return;
    this.#active = null;
    try {
      await active.pipeline.stop();
      await active.upload.stopSending();
      await active.publisher.handOver();
      await this.#journal.remove(active.meta.recordingId);
      this.#save.set({ where: 'saved', unsavedBytes: 0 });
    } finally {
      active.publisher.close();
      await this.#release(active.lock);
    }
  }

  checkpoint(): number | null {
    return this.#active?.publisher.begun ?? null;
  }

  #publisher(
    meta: RecordingMeta,
    upload: MultipartUpload,
    generation: number,
    inherited?: HandoffPublisherDeps['inherited'],
  ): HandoffPublisher {
    return new HandoffPublisher({
      journal: this.#journal,
      target: this.#storage.target,
      upload,
      meta,
      keys: new HandoffKeys(this.#storage.keyPrefix, meta),
      generation,
      ...(inherited ? { inherited } : {}),
    });
  }

  /** Where the recording is now (X10): what storage does not hold yet. */
  #reportSave(upload: MultipartUpload, where: SaveState['where']): void {
    const { knownBytes, confirmedBytes } = upload.progress;
    this.#save.set({ where, unsavedBytes: Math.max(0, knownBytes - confirmedBytes) });
  }

  /**
   * The journal's sink, which also tells the uploader (and the handoff context, once part 1
   * is complete) and turns a full disk into a stop.
   */
  #sink(
    id: string,
    upload: MultipartUpload,
    publisher: HandoffPublisher,
    journaled: Promise<void> = Promise.resolve(),
  ): FragmentSink {
    const sink = this.#journal.sink(id);
    const guard = async (write: () => Promise<void>) => {
      try {
        await write();
      } catch (e) {
        if (e instanceof StorageFullError) this.#fault('storage-full', e.message);
        throw e;
      }
    };
    return {
      writeHeader: (header) =>
        guard(async () => {
          await sink.writeHeader(header);
          // From the first moment, another page could continue it (X9).
          publisher.changed();
        }),
      writeFragment: (fragment: Fragment) =>
        guard(async () => {
          await journaled;
          await sink.writeFragment(fragment);
          const hadPart1 = upload.firstPart !== null;
          upload.notifyBytes(fragment.offset + fragment.bytes.byteLength);
          if (!hadPart1 && upload.firstPart !== null) publisher.changed();
          publisher.journaled();
        }),
    };
  }

  #uploader(recordingId: string): MultipartUpload {
    const { partPlan: _plan, ...options } = this.#uploadOptions;
    return new MultipartUpload({
      ...options,
      journal: this.#journal,
      target: this.#storage.target,
      recordingId,
    });
  }

  #fault(cause: StopCause, message: string): void {
    if (this.#faulted) return;
    this.#faulted = true;
    this.#events.emit('fault', cause, message);
  }

  async #emitHealth(h: PipelineHealth, upload: MultipartUpload, id: string): Promise<void> {
    const now = this.#clock.monotonicMs();
    if (this.#storageCheckedAt === null || now - this.#storageCheckedAt > 5_000) {
      this.#storageCheckedAt = now;
      this.#storageAvailable = (await storageEstimate().catch(() => null))?.available ?? null;
      this.#heldBytes = await this.#journal.heldBytes(id).catch(() => this.#heldBytes);
    }
    const budget = this.#budget.update(now, this.#heldBytes, this.#storageAvailable);
    const warnings: EngineHealth['warnings'] = [];
    if (h.fps > 0 && h.fps < 25) warnings.push('frames-dropping');
    if (upload.backlogBytes > UPLOAD_LAG_PARTS * this.#partPlan.baseBytes) {
      warnings.push('upload-lagging');
    }
    if (budget.warning) warnings.push(budget.warning);
    const health: EngineHealth = {
      ...h,
      uploadBacklogBytes: upload.backlogBytes,
      storageAvailableBytes: this.#storageAvailable,
      storageMinutesLeft: budget.minutesLeft,
      warnings,
    };
    this.#events.emit('health', health);
    if (this.#save.state?.where === 'in-memory') this.#reportSave(upload, 'in-memory');
    // X11: stopped by this device's space, never by a slow upload, and before a write fails.
    if (budget.stop) this.#fault('storage-full', budget.stop);
  }
}
