/**
 * A small, faithful RecorderControllerApi for the UI tests and the screenshot page. It walks
 * the contract's phases (idle -> confirming-start -> starting -> recording ->
 * confirming-stop -> stopping -> uploading -> available) and sends the notices each role
 * gets, but records nothing. Not part of the package.
 */
import type { LibraryEntry } from '../../library/types.js';
import type { RecorderControllerApi, RecorderView } from '../../recorder/controller-types.js';
import type { EngineHealth, PreflightResult, StoredRecording } from '../../recorder/engine.js';
import type { Decision, Notice, RecordingPhase, Role } from '../../session/types.js';

export interface FakeControllerOptions {
  role?: Role;
  mobile?: boolean;
  preflight?: PreflightResult | null;
  /** The phase and start of a recording already running (a late joiner), on `now`. */
  phase?: RecordingPhase;
  startedAtMonotonic?: number | null;
  recordings?: LibraryEntry[];
  /** Makes listRecordings fail. */
  failList?: boolean;
  now?: () => number;
}

export class FakeController implements RecorderControllerApi {
  view: RecorderView;
  /** Every method call, in order, for assertions. */
  readonly calls: string[] = [];
  recordings: LibraryEntry[];
  failList: boolean;
  private readonly views = new Set<(v: RecorderView) => void>();
  private readonly notices = new Set<(n: Notice) => void>();
  private readonly now: () => number;

  constructor(o: FakeControllerOptions = {}) {
    this.now = o.now ?? (() => performance.now());
    this.recordings = o.recordings ?? [];
    this.failList = o.failList ?? false;
    const base: RecorderView = {
      phase: o.phase ?? 'idle',
      role: o.role ?? 'host',
      mobile: o.mobile ?? false,
      canStart: { ok: true },
      canStop: { ok: true },
      preflight: o.preflight === undefined ? { ok: true, problems: [] } : o.preflight,
      startedAtMonotonic: o.startedAtMonotonic ?? null,
      health: null,
      lastRecording: null,
    };
    this.view = this.decide(base);
  }

  monotonicNow(): number {
    return this.now();
  }

  subscribe(listener: (view: RecorderView) => void): () => void {
    this.views.add(listener);
    return () => this.views.delete(listener);
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    this.notices.add(listener);
    return () => this.notices.delete(listener);
  }

  get subscriberCount(): number {
    return this.views.size + this.notices.size;
  }

  requestStart(): Decision {
    this.calls.push('requestStart');
    const d = this.view.canStart;
    if (d.ok) this.set({ phase: 'confirming-start' });
    return d;
  }

  async confirmStart(): Promise<Decision> {
    this.calls.push('confirmStart');
    if (this.view.phase !== 'confirming-start') return { ok: false, reason: 'not-confirming' };
    this.set({ phase: 'starting' });
    this.notify({ id: 'recording-starting', audience: 'everyone' });
    await Promise.resolve();
    this.set({ phase: 'recording', startedAtMonotonic: this.now() });
    this.notify({ id: 'recording-started', audience: 'everyone' });
    return { ok: true };
  }

  cancelConfirm(): void {
    this.calls.push('cancelConfirm');
    if (this.view.phase === 'confirming-start') this.set({ phase: 'idle' });
    else if (this.view.phase === 'confirming-stop') this.set({ phase: 'recording' });
  }

  requestStop(): Decision {
    this.calls.push('requestStop');
    const d = this.view.canStop;
    if (d.ok) this.set({ phase: 'confirming-stop' });
    return d;
  }

  async confirmStop(): Promise<Decision> {
    this.calls.push('confirmStop');
    if (this.view.phase !== 'confirming-stop') return { ok: false, reason: 'not-confirming' };
    this.set({ phase: 'stopping' });
    await Promise.resolve();
    this.set({ phase: 'uploading', startedAtMonotonic: null });
    this.notify({ id: 'recording-ended-uploading', audience: 'initiator' });
    return { ok: true };
  }

  /** The upload finished (B8): the host sees the available notice with its link. */
  finishUpload(stored: StoredRecording): void {
    this.set({ phase: 'available', lastRecording: stored });
    this.notify({ id: 'recording-available', audience: 'initiator', params: { url: stored.url } });
  }

  setHealth(health: EngineHealth | null): void {
    this.set({ health });
  }

  /** Pushes any view change, as the session rules would. */
  set(patch: Partial<RecorderView>): void {
    this.view = this.decide({ ...this.view, ...patch });
    for (const l of this.views) l(this.view);
  }

  notify(notice: Notice): void {
    for (const l of this.notices) l(notice);
  }

  async listRecordings(): Promise<LibraryEntry[]> {
    this.calls.push('listRecordings');
    await Promise.resolve();
    if (this.failList) throw new Error('listing failed');
    return this.recordings;
  }

  async linkTo(entry: LibraryEntry, purpose: 'play' | 'download' | 'share'): Promise<string> {
    this.calls.push(`linkTo:${purpose}`);
    return `https://storage.example/${encodeURIComponent(entry.key)}?purpose=${purpose}`;
  }

  /** The session rules, in miniature: who may start and stop, in which phase (B1, X4). */
  private decide(v: RecorderView): RecorderView {
    const manager = v.role === 'host' || v.role === 'moderator';
    const running = ['starting', 'recording', 'confirming-stop', 'stopping'].includes(v.phase);
    const canStart: Decision = !manager
      ? { ok: false, reason: 'not-allowed' }
      : v.mobile
        ? { ok: false, reason: 'mobile-device' }
        : running
          ? { ok: false, reason: 'already-recording' }
          : v.phase === 'confirming-start'
            ? { ok: false, reason: 'busy' }
            : v.preflight && !v.preflight.ok
              ? { ok: false, reason: 'preflight-failed' }
              : { ok: true };
    const canStop: Decision = !manager
      ? { ok: false, reason: 'not-allowed' }
      : v.mobile
        ? { ok: false, reason: 'mobile-device' }
        : v.phase === 'recording'
          ? { ok: true }
          : v.phase === 'confirming-stop' || v.phase === 'stopping' || v.phase === 'starting'
            ? { ok: false, reason: 'busy' }
            : { ok: false, reason: 'not-recording' };
    return { ...v, canStart, canStop };
  }
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
