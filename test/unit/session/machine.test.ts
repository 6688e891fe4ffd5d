import { beforeEach, describe, expect, it } from 'vitest';
import {
  HOST_AWAY_TIMEOUT_MS,
  RECORDING_CAP_MS,
  SessionMachine,
  type LocalUser,
  type Notice,
  type SessionEvent,
  type SessionSnapshot,
  type SessionState,
} from '../../../src/session/index.js';
import { ManualClock } from '../../support/manual-clock.js';

const T0 = Date.UTC(2026, 10, 26, 14, 3, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;

const host: LocalUser = { id: 'h1', role: 'host', mobile: false };

interface Harness {
  machine: SessionMachine;
  notices: Notice[];
  events: SessionEvent[];
  states: SessionState[];
}

function make(user: LocalUser = host, extra: Partial<{ roomOpenedAt: number }> = {}): Harness {
  return harness(new SessionMachine({ user, clock, ...extra }));
}

function harness(machine: SessionMachine): Harness {
  const notices: Notice[] = [];
  const events: SessionEvent[] = [];
  const states: SessionState[] = [];
  machine.onNotice((n) => notices.push(n));
  machine.onEvent((e) => events.push(e));
  machine.onChange((s) => states.push(s));
  return { machine, notices, events, states };
}

/** Drives a host's machine to 'recording', started now. */
function recording(h: Harness, id = 'rec-1'): void {
  expect(h.machine.requestStart()).toEqual({ ok: true });
  expect(h.machine.confirmStart()).toEqual({ ok: true });
  expect(h.machine.markRecording(clock.epochMs(), id)).toEqual({ ok: true });
}

const ids = (notices: Notice[]) => notices.map((n) => n.id);

/** Monotonic time reads T0 at the start too, so deadlines read as T0 plus a duration. */
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock(T0, T0);
});

describe('who may start and stop', () => {
  it('B1: a participant and a mobile host are refused, a moderator is allowed', () => {
    const participant = make({ id: 'p1', role: 'participant', mobile: false }).machine;
    expect(participant.requestStart()).toEqual({ ok: false, reason: 'not-allowed' });
    expect(participant.state.phase).toBe('idle');

    const mobileParticipant = make({ id: 'p2', role: 'participant', mobile: true }).machine;
    expect(mobileParticipant.requestStart()).toEqual({ ok: false, reason: 'not-allowed' });

    const mobileHost = make({ id: 'h2', role: 'host', mobile: true }).machine;
    expect(mobileHost.requestStart()).toEqual({ ok: false, reason: 'mobile-device' });
    expect(mobileHost.canStart()).toEqual({ ok: false, reason: 'mobile-device' });
    expect(mobileHost.state.phase).toBe('idle');

    const moderator = make({ id: 'm1', role: 'moderator', mobile: false }).machine;
    expect(moderator.requestStart()).toEqual({ ok: true });
    expect(moderator.state.phase).toBe('confirming-start');
  });

  it('B1: a participant and a mobile host cannot stop a mirrored recording', () => {
    const source = make();
    recording(source);
    const participant = make({ id: 'p1', role: 'participant', mobile: false }).machine;
    const mobileHost = make({ id: 'h2', role: 'host', mobile: true }).machine;
    participant.applyRemote(source.machine.snapshot());
    mobileHost.applyRemote(source.machine.snapshot());
    expect(participant.requestStop()).toEqual({ ok: false, reason: 'not-allowed' });
    expect(mobileHost.requestStop()).toEqual({ ok: false, reason: 'mobile-device' });
    expect(participant.state.phase).toBe('recording');
  });

  it('B1: a stop request from the room is honoured only from a desktop host or moderator', () => {
    const h = make();
    recording(h);
    expect(h.machine.acceptRemoteStop({ id: 'p1', role: 'participant' })).toEqual({
      ok: false,
      reason: 'not-allowed',
    });
    expect(h.machine.acceptRemoteStop({ id: 'm1', role: 'moderator', mobile: true })).toEqual({
      ok: false,
      reason: 'mobile-device',
    });
    expect(h.machine.state.phase).toBe('recording');
    expect(h.machine.acceptRemoteStop({ id: 'm1', role: 'moderator' })).toEqual({ ok: true });
    expect(h.machine.state).toMatchObject({
      phase: 'stopping',
      stopCause: 'user',
      stoppedBy: 'm1',
    });
  });

  it('refuses out-of-order actions with a reason and changes nothing', () => {
    const h = make();
    expect(h.machine.confirmStart()).toEqual({ ok: false, reason: 'not-confirming' });
    expect(h.machine.cancel()).toEqual({ ok: false, reason: 'not-confirming' });
    expect(h.machine.requestStop()).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.confirmStop()).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.markRecording(T0, 'r')).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.markUploading()).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.markAvailable('https://x/y')).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.markFailed('boom')).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.autoStop('error')).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.states).toHaveLength(0);
    expect(h.notices).toHaveLength(0);

    recording(h);
    expect(h.machine.requestStart()).toEqual({ ok: false, reason: 'already-recording' });
    expect(h.machine.confirmStop()).toEqual({ ok: false, reason: 'not-confirming' });
    expect(h.machine.markRecording(T0, 'r2')).toEqual({ ok: false, reason: 'already-recording' });
    expect(h.machine.requestStop()).toEqual({ ok: true });
    expect(h.machine.requestStop()).toEqual({ ok: false, reason: 'busy' });
    expect(h.machine.cancel()).toEqual({ ok: true });
    expect(h.machine.state.phase).toBe('recording');
  });

  it('cancel in the start confirm returns to idle and tells no one', () => {
    const h = make();
    h.machine.requestStart();
    expect(h.machine.snapshot().phase).toBe('idle');
    expect(h.machine.cancel()).toEqual({ ok: true });
    expect(h.machine.state.phase).toBe('idle');
    expect(h.events).toEqual([]);
  });

  it('throws a clear TypeError for bad input, never for a refusal', () => {
    expect(
      () => new SessionMachine({ user: { id: 'x', role: 'admin' as never, mobile: false } }),
    ).toThrow(
      new TypeError('Unknown role "admin": expected one of "host", "moderator", "participant".'),
    );
    expect(() => new SessionMachine({ user: { id: '', role: 'host', mobile: false } })).toThrow(
      'Invalid user id "": expected a non-empty string.',
    );
    const h = make();
    h.machine.requestStart();
    h.machine.confirmStart();
    expect(() => h.machine.markRecording(Number.NaN, 'r')).toThrow(
      'Invalid recording start time number NaN: expected epoch milliseconds.',
    );
    expect(() => h.machine.setPresence(-1)).toThrow(
      'Invalid host count number -1: expected a whole number of 0 or more.',
    );
    expect(() => h.machine.autoStop('user' as never)).toThrow(/confirmStop or acceptRemoteStop/);
    expect(() => h.machine.applyRemote({ phase: 'paused' } as unknown as SessionSnapshot)).toThrow(
      'Unknown recording phase "paused"',
    );
  });
});

describe('notices', () => {
  it('B3: everyone sees "will start momentarily", then "being recorded"', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));

    h.machine.requestStart();
    expect(h.notices).toEqual([]);
    expect(participant.notices).toEqual([]);
    h.machine.confirmStart();
    expect(h.machine.state.phase).toBe('starting');
    expect(ids(h.notices)).toEqual(['recording-starting']);
    expect(ids(participant.notices)).toEqual(['recording-starting']);
    h.machine.markRecording(T0, 'rec-1');
    expect(ids(h.notices)).toEqual(['recording-starting', 'recording-started']);
    expect(participant.notices).toEqual([
      { id: 'recording-starting', audience: 'everyone' },
      { id: 'recording-started', audience: 'everyone' },
    ]);
    expect(participant.machine.state).toMatchObject({ phase: 'recording', startedAt: T0 });
  });

  it('B7: the host who stopped sees "starting upload", the others "has completed"', () => {
    const h = make();
    const moderator = make({ id: 'm1', role: 'moderator', mobile: false });
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => {
      moderator.machine.applyRemote(h.machine.snapshot());
      participant.machine.applyRemote(h.machine.snapshot());
    });
    recording(h);
    h.notices.length = 0;
    moderator.notices.length = 0;
    participant.notices.length = 0;

    expect(h.machine.requestStop()).toEqual({ ok: true });
    expect(moderator.machine.state.phase).toBe('recording');
    expect(h.machine.confirmStop()).toEqual({ ok: true });
    expect(h.machine.state).toMatchObject({
      phase: 'stopping',
      stopCause: 'user',
      stoppedBy: 'h1',
    });
    expect(h.notices).toEqual([{ id: 'recording-ended-uploading', audience: 'initiator' }]);
    expect(ids(moderator.notices)).toEqual(['recording-completed']);
    expect(participant.notices).toEqual([{ id: 'recording-completed', audience: 'others' }]);

    // Further snapshots of the same stop say nothing again.
    h.machine.markUploading();
    expect(ids(participant.notices)).toEqual(['recording-completed']);
  });

  it('B7: a moderator who stops from another page sees the upload notice, once', () => {
    const h = make();
    const moderator = make({ id: 'm1', role: 'moderator', mobile: false });
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => {
      moderator.machine.applyRemote(h.machine.snapshot());
      participant.machine.applyRemote(h.machine.snapshot());
    });
    recording(h);
    h.notices.length = 0;
    moderator.notices.length = 0;
    participant.notices.length = 0;

    expect(moderator.machine.requestStop()).toEqual({ ok: true });
    expect(moderator.machine.confirmStop()).toEqual({ ok: true });
    expect(ids(moderator.notices)).toEqual(['recording-ended-uploading']);
    // The room delivers the stop to the recording page.
    expect(h.machine.acceptRemoteStop({ id: 'm1', role: 'moderator' })).toEqual({ ok: true });
    expect(ids(h.notices)).toEqual(['recording-ended-uploading']);
    expect(ids(moderator.notices)).toEqual(['recording-ended-uploading']);
    expect(ids(participant.notices)).toEqual(['recording-completed']);
  });

  it('B8: the initiator alone is told the recording is available, with its link', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    recording(h);
    h.machine.requestStop();
    h.machine.confirmStop();
    expect(h.machine.markUploading()).toEqual({ ok: true });
    h.notices.length = 0;
    participant.notices.length = 0;
    const url = 'https://s3.example/rooms/r1/Recordings/a.mp4?X-Amz-Expires=3600';
    expect(h.machine.markAvailable(url)).toEqual({ ok: true });
    expect(h.notices).toEqual([
      { id: 'recording-available', audience: 'initiator', params: { url } },
    ]);
    expect(participant.notices).toEqual([]);
    expect(h.machine.state).toMatchObject({ phase: 'available', url, recordsHere: false });
    expect(h.machine.snapshot()).not.toHaveProperty('url');
    expect(participant.machine.state).toMatchObject({ phase: 'available', url: null });
  });

  it('a failure tells the initiator and the hosts, not the participants', () => {
    const h = make();
    const moderator = make({ id: 'm1', role: 'moderator', mobile: false });
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => {
      moderator.machine.applyRemote(h.machine.snapshot());
      participant.machine.applyRemote(h.machine.snapshot());
    });
    recording(h);
    h.notices.length = 0;
    participant.notices.length = 0;
    expect(h.machine.markFailed('Upload target refused the credentials')).toEqual({ ok: true });
    const failed = {
      id: 'recording-failed',
      audience: 'hosts',
      params: { reason: 'Upload target refused the credentials' },
    };
    expect(h.notices).toEqual([failed]);
    expect(moderator.notices.at(-1)).toEqual(failed);
    expect(participant.notices).toEqual([]);
    expect(h.machine.state.phase).toBe('failed');
    expect(h.machine.requestStart()).toEqual({ ok: true });
  });
});

describe('late join', () => {
  it('B5: late joiner mirrors recording phase and start time', () => {
    const h = make();
    recording(h);
    clock.advance(42 * MIN);
    h.machine.setPresence(0);

    const late = make({ id: 'p9', role: 'participant', mobile: false });
    expect(late.machine.applyRemote(h.machine.snapshot())).toEqual({ ok: true });
    expect(late.machine.state).toMatchObject({
      phase: 'recording',
      startedAt: T0,
      recordingId: 'rec-1',
      initiatorId: 'h1',
      hostAwayDeadline: T0 + 42 * MIN + HOST_AWAY_TIMEOUT_MS,
      recordsHere: false,
    });
    expect(clock.monotonicMs() - late.machine.state.startedAtMonotonic!).toBe(42 * MIN);
    // A late joiner is told at once that the session is being recorded, once.
    expect(ids(late.notices)).toEqual(['recording-started']);
    late.machine.applyRemote(h.machine.snapshot());
    expect(ids(late.notices)).toEqual(['recording-started']);
  });

  it('B5: the snapshot hides the local confirm steps', () => {
    const h = make();
    recording(h);
    h.machine.requestStop();
    expect(h.machine.state.phase).toBe('confirming-stop');
    expect(h.machine.snapshot().phase).toBe('recording');
  });

  it('B5: the page that records refuses snapshots from elsewhere', () => {
    const h = make();
    recording(h);
    const other: SessionSnapshot = {
      phase: 'idle',
      recordingId: null,
      startedAt: null,
      elapsedMs: null,
      initiatorId: null,
      hostAwayRemainingMs: null,
    };
    expect(h.machine.applyRemote(other)).toEqual({ ok: false, reason: 'busy' });
    expect(h.machine.state.phase).toBe('recording');
  });

  it('a mirror keeps its open stop confirm over a repeated snapshot, and closes on a stop', () => {
    const h = make();
    recording(h);
    const mod = make({ id: 'm1', role: 'moderator', mobile: false });
    mod.machine.applyRemote(h.machine.snapshot());
    mod.machine.requestStop();
    mod.machine.applyRemote(h.machine.snapshot());
    expect(mod.machine.state.phase).toBe('confirming-stop');
    h.machine.requestStop();
    h.machine.confirmStop();
    mod.machine.applyRemote(h.machine.snapshot());
    expect(mod.machine.state.phase).toBe('stopping');
    expect(mod.machine.confirmStop()).toEqual({ ok: false, reason: 'not-recording' });
  });
});

describe('host away', () => {
  it('B9: stops 15 minutes after the last host left', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    h.machine.setPresence(['h1', 'm1']);
    recording(h);
    clock.advance(10 * MIN);
    h.machine.setPresence(['m1']);
    expect(h.machine.state.hostAwayDeadline).toBeNull();
    clock.advance(5 * MIN);
    h.machine.setPresence([]);
    const leftAt = clock.monotonicMs();
    expect(h.machine.state.hostAwayDeadline).toBe(leftAt + 15 * MIN);
    expect(participant.machine.state.hostAwayDeadline).toBe(leftAt + 15 * MIN);

    clock.advance(15 * MIN - 1);
    expect(h.machine.state.phase).toBe('recording');
    clock.advance(1);
    expect(h.machine.state).toMatchObject({
      phase: 'stopping',
      stopCause: 'host-away',
      stoppedBy: null,
      hostAwayDeadline: null,
    });
    expect(ids(h.notices).slice(-2)).toEqual([
      'recording-host-away-stopped',
      'recording-ended-uploading',
    ]);
    expect(ids(participant.notices).at(-1)).toBe('recording-host-away-stopped');
    expect(clock.pending).toBe(0);
  });

  it('B9: a host coming back cancels the auto-stop', () => {
    const h = make();
    recording(h);
    h.machine.setPresence(0);
    clock.advance(14 * MIN);
    h.machine.setPresence(['m7']);
    expect(h.machine.state.hostAwayDeadline).toBeNull();
    clock.advance(2 * HOUR);
    expect(h.machine.state.phase).toBe('recording');
    // Leaving again starts a fresh 15 minutes.
    h.machine.setPresence(new Set<string>());
    clock.advance(15 * MIN);
    expect(h.machine.state).toMatchObject({ phase: 'stopping', stopCause: 'host-away' });
  });

  it('B9: a recording started with no host present counts from its start; stopping disarms', () => {
    const h = make();
    h.machine.setPresence(0);
    h.machine.requestStart();
    h.machine.confirmStart();
    expect(h.machine.state.hostAwayDeadline).toBeNull();
    clock.advance(3000);
    h.machine.markRecording(clock.epochMs(), 'r');
    expect(h.machine.state.hostAwayDeadline).toBe(T0 + 3000 + HOST_AWAY_TIMEOUT_MS);
    h.machine.requestStop();
    h.machine.confirmStop();
    expect(h.machine.state.hostAwayDeadline).toBeNull();
    expect(clock.pending).toBe(0);
  });

  it('B9: presence does not arm a timer on a page that does not record', () => {
    const h = make();
    recording(h);
    const mirror = make({ id: 'm1', role: 'moderator', mobile: false });
    mirror.machine.applyRemote(h.machine.snapshot());
    mirror.machine.setPresence(0);
    expect(mirror.machine.state.hostAwayDeadline).toBeNull();
    clock.advance(HOST_AWAY_TIMEOUT_MS);
    expect(mirror.machine.state.phase).toBe('recording');
  });
});

describe('24-hour cap and room session', () => {
  it('B11: stops at 24 hours with a notice and keeps the recording', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    recording(h);
    expect(h.machine.state.capDeadline).toBe(T0 + RECORDING_CAP_MS);
    clock.advance(24 * HOUR - 1);
    expect(h.machine.state.phase).toBe('recording');
    clock.advance(1);
    // A stop, not a discard: phase 'stopping' leads to upload, and the recording id stays.
    expect(h.machine.state).toMatchObject({
      phase: 'stopping',
      stopCause: 'cap',
      recordingId: 'rec-1',
      startedAt: T0,
    });
    const capParams = { limitMs: String(RECORDING_CAP_MS), hours: '24' };
    expect(h.notices.slice(-2)).toEqual([
      { id: 'recording-cap-reached', audience: 'everyone', params: capParams },
      { id: 'recording-ended-uploading', audience: 'initiator' },
    ]);
    expect(participant.notices.at(-1)).toEqual({
      id: 'recording-cap-reached',
      audience: 'everyone',
      params: capParams,
    });
    expect(h.machine.markUploading()).toEqual({ ok: true });
    expect(h.machine.markAvailable('https://s3.example/a.mp4')).toEqual({ ok: true });

    // A room session lasts up to 72 hours: a new recording may start after a capped one.
    recording(h, 'rec-2');
    expect(h.machine.state).toMatchObject({ phase: 'recording', recordingId: 'rec-2' });
    expect(h.machine.state.capDeadline).toBe(T0 + 48 * HOUR);
  });

  it('B11: the cap applies while a stop confirm is open', () => {
    const h = make();
    recording(h);
    clock.advance(24 * HOUR - MIN);
    h.machine.requestStop();
    clock.advance(MIN);
    expect(h.machine.state).toMatchObject({ phase: 'stopping', stopCause: 'cap' });
  });

  it('B11: no recording starts once the room session has lasted 72 hours', () => {
    const h = make(host, { roomOpenedAt: T0 });
    clock.advance(72 * HOUR - 1);
    expect(h.machine.canStart()).toEqual({ ok: true });
    h.machine.requestStart();
    clock.advance(1);
    expect(h.machine.confirmStart()).toEqual({ ok: false, reason: 'cap-reached' });
    expect(h.machine.state.phase).toBe('idle');
    expect(h.machine.requestStart()).toEqual({ ok: false, reason: 'cap-reached' });
  });

  it('B11: a timer that fires late still stops at the next check', () => {
    const now = { t: T0 };
    const fired: Array<() => void> = [];
    const machine = new SessionMachine({
      user: host,
      clock: {
        monotonicMs: () => now.t,
        epochMs: () => now.t,
        setTimeout: (fn) => fired.push(fn),
        clearTimeout: () => {},
      },
    });
    machine.requestStart();
    machine.confirmStart();
    machine.markRecording(T0, 'r');
    // The timer fires early (a host's timer can): it waits again instead of stopping.
    now.t = T0 + HOUR;
    fired.shift()!();
    expect(machine.state.phase).toBe('recording');
    now.t = T0 + 25 * HOUR;
    machine.checkDeadlines();
    expect(machine.state).toMatchObject({ phase: 'stopping', stopCause: 'cap' });
  });
});

describe('limits an integrator configured (B9, B11)', () => {
  it('B11: a 20-second cap stops at 20 s, and a page with the default cap names 20 seconds too', () => {
    const h = harness(new SessionMachine({ user: host, clock, recordingCapMs: 20_000 }));
    // The participant's page was configured with the defaults: the limit comes with the stop.
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    recording(h);
    expect(h.machine.state.capDeadline).toBe(T0 + 20_000);
    clock.advance(20_000 - 1);
    expect(h.machine.state.phase).toBe('recording');
    clock.advance(1);
    expect(h.machine.state).toMatchObject({ phase: 'stopping', stopCause: 'cap' });
    expect(h.machine.snapshot().stopLimitMs).toBe(20_000);
    const capParams = { limitMs: '20000', hours: '0' };
    expect(h.notices.at(-2)).toEqual({
      id: 'recording-cap-reached',
      audience: 'everyone',
      params: capParams,
    });
    expect(participant.notices.at(-1)).toEqual({
      id: 'recording-cap-reached',
      audience: 'everyone',
      params: capParams,
    });
    // A new recording starts with a fresh cap, and its snapshot no longer names a limit.
    h.machine.markUploading();
    h.machine.markAvailable('https://s3.example/a.mp4');
    recording(h, 'rec-2');
    expect(h.machine.snapshot().stopLimitMs).toBeUndefined();
    expect(h.machine.state.capDeadline).toBe(T0 + 40_000);
  });

  it('B9: a 90-second host-away time stops 90 s after the last host left, and says so', () => {
    const h = harness(new SessionMachine({ user: host, clock, hostAwayTimeoutMs: 90_000 }));
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    recording(h);
    clock.advance(HOUR);
    h.machine.setPresence([]);
    expect(h.machine.state.hostAwayDeadline).toBe(T0 + HOUR + 90_000);
    clock.advance(90_000 - 1);
    expect(h.machine.state.phase).toBe('recording');
    clock.advance(1);
    expect(h.machine.state).toMatchObject({ phase: 'stopping', stopCause: 'host-away' });
    const params = { limitMs: '90000', minutes: '1.5' };
    expect(h.notices.at(-2)).toMatchObject({ id: 'recording-host-away-stopped', params });
    expect(participant.notices.at(-1)).toMatchObject({ id: 'recording-host-away-stopped', params });
  });

  it('a stop by a person or the room names no limit', () => {
    const h = make();
    recording(h);
    h.machine.roomEnded();
    expect(h.machine.snapshot().stopLimitMs).toBeUndefined();
    expect(h.events.at(-1)).not.toHaveProperty('limitMs');
  });

  it("refuses a limit above the product's or not above 0, naming the option", () => {
    const build = (o: { recordingCapMs?: number; hostAwayTimeoutMs?: number }) => () =>
      new SessionMachine({ user: host, clock, ...o });
    expect(build({ recordingCapMs: 25 * HOUR })).toThrow(
      /^recordingCapMs 90000000 \(25 hours\) is longer than the product allows: one recording lasts at most 24 hours \(B11\)/,
    );
    expect(build({ hostAwayTimeoutMs: 16 * MIN })).toThrow(
      /^hostAwayTimeoutMs 960000 .*15 minutes/,
    );
    expect(build({ recordingCapMs: 0 })).toThrow(TypeError);
    expect(
      build({ recordingCapMs: RECORDING_CAP_MS, hostAwayTimeoutMs: HOST_AWAY_TIMEOUT_MS }),
    ).not.toThrow();
  });
});

describe('one clock', () => {
  it('durations run on monotonic time: the wall clock a day forward and an hour back changes nothing', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    h.machine.setPresence(0);
    recording(h);
    clock.advance(5 * MIN);
    clock.setWall(clock.epochMs() + 24 * HOUR);
    h.machine.checkDeadlines();
    clock.advance(MIN);
    clock.setWall(clock.epochMs() - HOUR);
    h.machine.checkDeadlines();
    expect(h.machine.state.phase).toBe('recording');
    expect(h.machine.snapshot()).toMatchObject({
      elapsedMs: 6 * MIN,
      hostAwayRemainingMs: 9 * MIN,
    });
    expect(clock.monotonicMs() - participant.machine.state.startedAtMonotonic!).toBe(6 * MIN);
    // B9 still stops 15 minutes after the host left, by the monotonic clock.
    clock.advance(9 * MIN - 1);
    expect(h.machine.state.phase).toBe('recording');
    clock.advance(1);
    expect(h.machine.state).toMatchObject({ phase: 'stopping', stopCause: 'host-away' });
  });

  it("a start that took time counts from the file's time zero", () => {
    const h = make();
    h.machine.requestStart();
    h.machine.confirmStart();
    clock.advance(2_000);
    h.machine.markRecording(clock.epochMs(), 'r', 1_500);
    expect(h.machine.snapshot().elapsedMs).toBe(1_500);
    expect(h.machine.state.capDeadline).toBe(clock.monotonicMs() - 1_500 + RECORDING_CAP_MS);
    expect(() => h.machine.markRecording(clock.epochMs(), 'r', -1)).toThrow(/elapsed time/);
  });
});

describe('room ended', () => {
  it('B15: ending the room stops and keeps the recording', () => {
    const h = make();
    const participant = make({ id: 'p1', role: 'participant', mobile: false });
    h.machine.onChange(() => participant.machine.applyRemote(h.machine.snapshot()));
    recording(h);
    clock.advance(5 * MIN);
    expect(h.machine.roomEnded()).toEqual({ ok: true });
    expect(h.machine.state).toMatchObject({
      phase: 'stopping',
      stopCause: 'room-ended',
      recordingId: 'rec-1',
      roomEnded: true,
    });
    expect(ids(h.notices).slice(-2)).toEqual(['recording-room-ended', 'recording-ended-uploading']);
    expect(ids(participant.notices).at(-1)).toBe('recording-room-ended');
    expect(clock.pending).toBe(0);
    // The file still finishes; nothing new starts.
    expect(h.machine.markAvailable('https://s3.example/a.mp4')).toEqual({ ok: true });
    expect(h.machine.requestStart()).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('B15: ending a room with nothing recording closes an open start confirm', () => {
    const h = make();
    h.machine.requestStart();
    expect(h.machine.roomEnded()).toEqual({ ok: false, reason: 'not-recording' });
    expect(h.machine.state).toMatchObject({ phase: 'idle', roomEnded: true });
    expect(h.notices).toEqual([]);
  });
});

describe('listeners', () => {
  it('unsubscribe stops delivery and a throwing listener does not break the machine', () => {
    const errors: unknown[] = [];
    const machine = new SessionMachine({ user: host, reportError: (e) => errors.push(e) });
    const seen: string[] = [];
    const after: string[] = [];
    const off = machine.onChange((s) => seen.push(s.phase));
    machine.onChange(() => {
      throw new Error('listener bug');
    });
    machine.onChange((s) => after.push(s.phase));
    machine.requestStart();
    off();
    machine.cancel();
    expect(seen).toEqual(['confirming-start']);
    expect(after).toEqual(['confirming-start', 'idle']);
    expect(machine.state.phase).toBe('idle');
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener bug', 'listener bug']);
  });

  it('dispose clears the timers', () => {
    const h = make();
    recording(h);
    h.machine.setPresence(0);
    expect(clock.pending).toBe(2);
    h.machine.dispose();
    expect(clock.pending).toBe(0);
  });
});
