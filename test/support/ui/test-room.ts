/**
 * A room of real recorder controllers for the element tests and the screenshot page. Each
 * page is a `RecorderController` with the real session rules, joined to the others through
 * in-memory `CallbackRoom`s; only the engine (it records nothing) and the Recordings folder
 * are stand-ins. So the elements are tested against the rules the product has, and a page
 * reaches a state the way a user gets there: a participant sees a recording because a host
 * page started one.
 */
import type { LibraryEntry, RecordingLibrary } from '../../../src/library/types.js';
import { RecorderController } from '../../../src/recorder/controller.js';
import type {
  RecorderControllerApi,
  RecorderView,
} from '../../../src/recorder/controller-types.js';
import type {
  EngineEvents,
  EngineHealth,
  PreflightResult,
  RecordingEngine,
  RecordingMeta,
  SaveState,
  StoredRecording,
} from '../../../src/recorder/engine.js';
import { Emitter } from '../../../src/shared/emitter.js';
import { CallbackRoom, type SenderInfo } from '../../../src/room/index.js';
import type { Decision, Notice, Role, StopCause } from '../../../src/session/types.js';

/** An engine that records nothing but keeps the contract's order of events. */
export class ScriptedEngine implements RecordingEngine {
  preflightResult: PreflightResult;
  started: RecordingMeta | null = null;
  readonly stops: StopCause[] = [];
  readonly #events = new Emitter<EngineEvents>();
  #stored: { resolve: (s: StoredRecording) => void; promise: Promise<StoredRecording> } | null =
    null;

  /**
   * @param elapsedAtStartMs how long the file has run when start() resolves (a screenshot can
   *   show a recording an hour in).
   */
  constructor(
    preflight: PreflightResult = { ok: true, problems: [] },
    private readonly elapsedAtStartMs = 0,
  ) {
    this.preflightResult = preflight;
  }

  async preflight(): Promise<PreflightResult> {
    return this.preflightResult;
  }

  async start(meta: RecordingMeta): Promise<{ elapsedMs: number }> {
    this.started = meta;
    let resolve!: (s: StoredRecording) => void;
    const promise = new Promise<StoredRecording>((r) => (resolve = r));
    this.#stored = { resolve, promise };
    return { elapsedMs: this.elapsedAtStartMs };
  }

  /** How often the controller passed new sources on. */
  sourceUpdates = 0;

  updateSources(): void {
    this.sourceUpdates++;
  }

  async stop(cause: StopCause): Promise<void> {
    this.stops.push(cause);
  }

  /** Resolves when the test calls {@link ScriptedEngine.finishUpload}. */
  whenStored(): Promise<StoredRecording> {
    return this.#stored?.promise ?? Promise.reject(new Error('nothing was recorded'));
  }

  /** The upload finished: the file is stored (B8). */
  finishUpload(stored: StoredRecording): void {
    this.#stored?.resolve(stored);
  }

  /** A health report, as the pipeline sends once a second (X5). */
  emitHealth(health: EngineHealth): void {
    this.#events.emit('health', health);
  }

  /** Where the recording is (X10), as the real engine reports it. */
  emitSave(state: SaveState): void {
    this.#events.emit('save', state);
  }

  async recover(): Promise<StoredRecording[]> {
    return [];
  }

  on<K extends keyof EngineEvents>(event: K, listener: EngineEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  async dispose(): Promise<void> {}
}

/** A Recordings folder in memory; `failList` makes listing fail. */
export class ListedLibrary implements RecordingLibrary {
  failList = false;
  constructor(public entries: LibraryEntry[] = []) {}
  async listRoom(): Promise<LibraryEntry[]> {
    if (this.failList) throw new Error('listing failed');
    return this.entries;
  }
  async listOwned(): Promise<LibraryEntry[]> {
    return this.listRoom();
  }
  async link(entry: LibraryEntry, purpose: 'play' | 'download' | 'share'): Promise<string> {
    return `https://storage.example/${encodeURIComponent(entry.key)}?purpose=${purpose}`;
  }
}

export interface PageOptions {
  role: Role;
  userId?: string;
  mobile?: boolean;
  /** The engine's pre-flight answer (hosts and moderators). */
  preflight?: PreflightResult;
  recordings?: LibraryEntry[];
  /** How far into the file a recording started here is when it starts. */
  elapsedAtStartMs?: number;
}

/**
 * One page of the room, as the elements see it: the real controller's API, with every call
 * logged (`calls`) and its subscriptions counted (`subscriberCount`).
 */
export class TestPage implements RecorderControllerApi {
  readonly controller: RecorderController;
  /** Null on a page that never records (participants, mobile devices). */
  readonly engine: ScriptedEngine | null;
  readonly library: ListedLibrary;
  readonly calls: string[] = [];
  #subscribers = 0;

  constructor(channel: CallbackRoom, self: SenderInfo, o: PageOptions) {
    const mobile = o.mobile ?? false;
    this.engine =
      (o.role === 'host' || o.role === 'moderator') && !mobile
        ? new ScriptedEngine(o.preflight, o.elapsedAtStartMs)
        : null;
    this.library = new ListedLibrary(o.recordings);
    this.controller = new RecorderController({
      roomId: 'test-room',
      roomType: 'single',
      userId: self.userId,
      role: o.role,
      mobile,
      meetingTitle: 'Weekly class',
      owners: { mediaOwnerId: self.userId },
      channel,
      engine: this.engine,
      library: this.library,
      sources: () => ({ stage: null, webcams: [], audio: [] }),
    });
  }

  get view(): RecorderView {
    return this.controller.view;
  }

  /** Subscriptions open now (the element's view and notice listeners). */
  get subscriberCount(): number {
    return this.#subscribers;
  }

  monotonicNow(): number {
    return this.controller.monotonicNow();
  }

  subscribe(listener: (view: RecorderView) => void): () => void {
    return this.#counted(this.controller.subscribe(listener));
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    return this.#counted(this.controller.onNotice(listener));
  }

  requestStart(): Decision {
    this.calls.push('requestStart');
    return this.controller.requestStart();
  }

  confirmStart(): Promise<Decision> {
    this.calls.push('confirmStart');
    return this.controller.confirmStart();
  }

  cancelConfirm(): void {
    this.calls.push('cancelConfirm');
    this.controller.cancelConfirm();
  }

  requestStop(): Decision {
    this.calls.push('requestStop');
    return this.controller.requestStop();
  }

  confirmStop(): Promise<Decision> {
    this.calls.push('confirmStop');
    return this.controller.confirmStop();
  }

  sourcesChanged(): void {
    this.calls.push('sourcesChanged');
    this.controller.sourcesChanged();
  }

  listRecordings(): Promise<LibraryEntry[]> {
    this.calls.push('listRecordings');
    return this.controller.listRecordings();
  }

  linkTo(entry: LibraryEntry, purpose: 'play' | 'download' | 'share'): Promise<string> {
    this.calls.push(`linkTo:${purpose}`);
    return this.controller.linkTo(entry, purpose);
  }

  /** Starts a recording through the rules, as Record and Start Recording would. */
  async record(): Promise<void> {
    const asked = this.controller.requestStart();
    if (!asked.ok) throw new Error(`Record refused: ${asked.reason}`);
    const confirmed = await this.controller.confirmStart();
    if (!confirmed.ok) throw new Error(`Start Recording refused: ${confirmed.reason}`);
  }

  /** The upload finished: the file is stored (B8). */
  finishUpload(stored: StoredRecording): void {
    if (!this.engine) throw new Error('this page does not record');
    this.engine.finishUpload(stored);
  }

  dispose(): void {
    this.controller.dispose();
  }

  #counted(off: () => unknown): () => void {
    this.#subscribers++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.#subscribers--;
      off();
    };
  }
}

/** Pages joined to one room, each delivering to the others with its sender, as a server does. */
export class TestRoom {
  readonly #rooms: Array<{ room: CallbackRoom; self: SenderInfo }> = [];
  readonly pages: TestPage[] = [];
  #next = 1;

  /** A page of `role` in this room. */
  join(options: PageOptions): TestPage {
    const self: SenderInfo = {
      userId: options.userId ?? `${options.role}-${this.#next++}`,
      role: options.role,
    };
    const room: CallbackRoom = new CallbackRoom({
      self,
      send: (data) => {
        for (const other of this.#rooms) if (other.room !== room) other.room.receive(data, self);
      },
    });
    this.#rooms.push({ room, self });
    const page = new TestPage(room, self, options);
    this.pages.push(page);
    return page;
  }

  /** Ends every page's controller. */
  dispose(): void {
    for (const page of this.pages.splice(0)) page.dispose();
  }
}

/** A page of its own room: `new TestRoom().join(options)`. */
export function testPage(options: PageOptions): TestPage {
  return new TestRoom().join(options);
}

/** A few Recordings folder entries. */
export function sampleEntries(): LibraryEntry[] {
  const base = Date.UTC(2026, 10, 26, 14, 3, 0);
  return [
    {
      key: 'rooms/r1/Recordings/Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
      fileName: 'Rec - 2026-11-26 14:03:00 - Weekly class.mp4',
      title: 'Weekly class',
      roomId: 'r1',
      ownerId: 'u1',
      initiatorId: 'u1',
      startedAt: base,
      durationSec: 3725,
      bytes: 2_712_000_000,
    },
    {
      key: 'rooms/r1/Recordings/Rec - 2026-11-19 14:00:12 - Weekly class.mp4',
      fileName: 'Rec - 2026-11-19 14:00:12 - Weekly class.mp4',
      title: 'Weekly class',
      roomId: 'r1',
      ownerId: 'u1',
      initiatorId: 'u1',
      startedAt: base - 7 * 86_400_000,
      durationSec: 611,
      bytes: 458_300_000,
    },
  ];
}
