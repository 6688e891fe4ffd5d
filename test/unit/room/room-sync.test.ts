import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  CallbackRoom,
  PresenceRoster,
  RoomSync,
  isNewerState,
  type RoomState,
  type RoomStatePayload,
  type SenderInfo,
} from '../../../src/room/index.js';
import type { SessionSnapshot } from '../../../src/session/types.js';
import { createBus } from './bus.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const moderator: SenderInfo = { userId: 'm1', role: 'moderator' };
const participant: SenderInfo = { userId: 'p1', role: 'participant' };

const idle: SessionSnapshot = {
  phase: 'idle',
  recordingId: null,
  startedAt: null,
  elapsedMs: null,
  initiatorId: null,
  hostAwayRemainingMs: null,
};
const recording = (startedAt: number, elapsedMs = 0): SessionSnapshot => ({
  phase: 'recording',
  recordingId: 'r1',
  startedAt,
  elapsedMs,
  initiatorId: 'h1',
  hostAwayRemainingMs: null,
});

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

describe('RoomSync', () => {
  it('B5: a late joiner gets the recording state at once, with how long it has run', () => {
    let clock = 10_000;
    const now = () => clock;
    const bus = createBus();
    let recordingSince: number | null = null;
    // As the session machine does: each answer carries the elapsed time at that moment.
    const payload = (): RoomStatePayload => ({
      snapshot: recordingSince === null ? idle : recording(10_000, clock - recordingSince),
      title: 'Class',
    });
    const recorder = new RoomSync({
      channel: bus.join(host),
      self: host,
      provider: payload,
      now,
    });
    recorder.start();
    recordingSince = clock;
    expect(recorder.update()).toBe(true);

    clock = 10_000 + 65 * 60_000; // 1 h 5 min later
    const late = new RoomSync({ channel: bus.join(participant), self: participant, now });
    const seen: RoomState[] = [];
    late.on('state', (s) => seen.push(s));
    late.start();

    expect(seen).toHaveLength(1);
    expect(late.state?.snapshot).toEqual(recording(10_000, 65 * 60_000));
    expect(late.state?.title).toBe('Class');
    expect(late.state?.sender).toEqual(host);
    expect(late.state?.local).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it("the host's start is seen by a participant already in the room", () => {
    const bus = createBus();
    let payload: RoomStatePayload | null = null;
    const recorder = new RoomSync({ channel: bus.join(host), self: host, provider: () => payload });
    const viewer = new RoomSync({ channel: bus.join(participant), self: participant });
    viewer.start();
    recorder.start();
    expect(viewer.state).toBeNull(); // nothing recorded yet, nobody answered
    payload = { snapshot: { ...recording(5), phase: 'starting', startedAt: null }, title: 'T' };
    recorder.update();
    expect(viewer.state?.snapshot.phase).toBe('starting');
    payload = { snapshot: recording(5), title: 'T' };
    recorder.update();
    expect(viewer.state?.snapshot.phase).toBe('recording');
    expect(viewer.state?.seq).toBe(2);
  });

  it('re-publishes only when the state changed', () => {
    const bus = createBus();
    const payload: RoomStatePayload = { snapshot: recording(1), title: 'T' };
    const recorder = new RoomSync({ channel: bus.join(host), self: host, provider: () => payload });
    recorder.start();
    const states = () => bus.sent.filter((f) => f.data.includes('"kind":"state"')).length;
    expect(states()).toBe(1);
    expect(recorder.update()).toBe(false);
    expect(recorder.update({ snapshot: { ...recording(1), phase: 'stopping' }, title: 'T' })).toBe(
      true,
    );
    expect(states()).toBe(2);
  });

  it('a stale state (lower seq from the same page) does not overwrite a newer one', () => {
    const bus = createBus();
    const viewer = new RoomSync({ channel: bus.join(participant), self: participant });
    viewer.start();
    const hostRoom = bus.join(host);
    const base = { v: 1 as const, kind: 'state' as const, source: 'rec', title: null };
    hostRoom.publish({
      ...base,
      seq: 2,
      sentAt: 200,
      snapshot: { ...recording(100), phase: 'uploading' },
    });
    hostRoom.publish({ ...base, seq: 1, sentAt: 300, snapshot: recording(100) }); // late arrival
    expect(viewer.state?.snapshot.phase).toBe('uploading');
    // Another page (e.g. after a reload) with an older send time is stale too.
    hostRoom.publish({ ...base, source: 'old', seq: 9, sentAt: 150, snapshot: recording(100) });
    expect(viewer.state?.snapshot.phase).toBe('uploading');
    // A newer page wins.
    hostRoom.publish({ ...base, source: 'new', seq: 1, sentAt: 400, snapshot: idle });
    expect(viewer.state?.snapshot.phase).toBe('idle');
  });

  it('ignores a state whose sender, as the transport reports it, is a participant', () => {
    const room = new CallbackRoom({ send: () => undefined, self: participant });
    const viewer = new RoomSync({ channel: room, self: participant });
    viewer.start();
    const claim = {
      v: 1,
      kind: 'state',
      source: 's',
      seq: 1,
      sentAt: 1,
      snapshot: recording(1),
      title: null,
    };
    room.receive(JSON.stringify(claim), { userId: 'p2', role: 'participant' });
    expect(viewer.state).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    // The same data from a host is honoured.
    room.receive(JSON.stringify(claim), host);
    expect(viewer.state?.snapshot.phase).toBe('recording');
  });

  it('B9: tracks which hosts and moderators are present; hosts answer a join with here', () => {
    const bus = createBus();
    const recorder = new RoomSync({ channel: bus.join(host), self: host });
    recorder.start();
    const mod = new RoomSync({ channel: bus.join(moderator), self: moderator });
    mod.start();
    // The moderator learns the host was already there, the host learns of the moderator.
    expect(mod.present.get('h1')).toBe('host');
    expect(recorder.present.get('m1')).toBe('moderator');
    const p = new RoomSync({ channel: bus.join(participant), self: participant });
    p.start();
    expect(p.present.get('h1')).toBe('host');
    expect(p.present.get('m1')).toBe('moderator');
    // Participants do not answer joins (the traffic would grow with the room).
    expect(
      bus.sent.filter((f) => f.from.userId === 'p1' && f.data.includes('"here"')),
    ).toHaveLength(0);
    const changes: string[] = [];
    recorder.on('presence', (_present, change) =>
      changes.push(`${change.userId}:${change.status}`),
    );
    mod.close();
    expect(changes).toEqual(['m1:left']);
    expect(recorder.present.has('m1')).toBe(false);
  });

  it('answers a snapshot request only while the provider has a state', () => {
    const bus = createBus();
    let payload: RoomStatePayload | null = null;
    const recorder = new RoomSync({ channel: bus.join(host), self: host, provider: () => payload });
    recorder.start();
    const first = new RoomSync({ channel: bus.join(participant), self: participant });
    first.start();
    expect(first.state).toBeNull();
    payload = { snapshot: recording(7), title: null };
    const second = new RoomSync({
      channel: bus.join({ userId: 'p2', role: 'participant' }),
      self: { userId: 'p2', role: 'participant' },
    });
    second.start();
    expect(second.state?.snapshot.startedAt).toBe(7);
  });

  it('cuts a long title to 1024 characters when publishing, instead of failing', () => {
    const bus = createBus();
    const recorder = new RoomSync({ channel: bus.join(host), self: host });
    recorder.start();
    const viewer = new RoomSync({ channel: bus.join(participant), self: participant });
    viewer.start();
    recorder.update({ snapshot: recording(1), title: 'x'.repeat(10_000) });
    expect(viewer.state?.title).toHaveLength(1024);
  });

  it('a listener that throws does not break the sync', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const bus = createBus();
    const recorder = new RoomSync({ channel: bus.join(host), self: host });
    recorder.start();
    const viewer = new RoomSync({ channel: bus.join(participant), self: participant });
    viewer.on('state', () => {
      throw new Error('ui bug');
    });
    viewer.start();
    expect(() => recorder.update({ snapshot: recording(1), title: null })).not.toThrow();
    expect(viewer.state?.snapshot.phase).toBe('recording');
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('rejects a missing channel with a specific error', () => {
    expect(() => new RoomSync({ self: host } as never)).toThrow(/options\.channel/);
  });
});

describe('isNewerState', () => {
  it('orders by seq within a page and by sentAt between pages; ties keep the current', () => {
    const cur = { source: 'a', seq: 5, sentAt: 100 };
    expect(isNewerState({ source: 'a', seq: 6, sentAt: 50 }, cur)).toBe(true);
    expect(isNewerState({ source: 'a', seq: 5, sentAt: 500 }, cur)).toBe(false);
    expect(isNewerState({ source: 'b', seq: 1, sentAt: 101 }, cur)).toBe(true);
    expect(isNewerState({ source: 'b', seq: 99, sentAt: 100 }, cur)).toBe(false);
    expect(isNewerState(cur, null)).toBe(true);
  });
});

describe('PresenceRoster', () => {
  it('B9: a host with two tabs stays present until both tabs have left', () => {
    const roster = new PresenceRoster();
    const tab = (page: string, status: 'joined' | 'left') => ({
      userId: 'h1',
      role: 'host' as const,
      status,
      page,
    });
    expect(roster.apply(tab('t1', 'joined'))).toBe(true);
    expect(roster.apply(tab('t2', 'joined'))).toBe(false);
    expect(roster.apply(tab('t1', 'left'))).toBe(false);
    expect(roster.hasHost()).toBe(true);
    expect(roster.apply(tab('t2', 'left'))).toBe(true);
    expect(roster.hasHost()).toBe(false);
  });

  it('a page-less announcement (a plain re-announce) is ended by any goodbye of that user', () => {
    const roster = new PresenceRoster();
    roster.apply({ userId: 'm1', role: 'moderator', status: 'joined', page: 't1' });
    roster.apply({ userId: 'm1', role: 'moderator', status: 'joined' });
    roster.apply({ userId: 'm1', role: 'moderator', status: 'left', page: 't1' });
    expect(roster.users().size).toBe(0);
  });

  it('counts a user seen with two roles with the more privileged one; excludes a given user', () => {
    const roster = new PresenceRoster();
    roster.apply({ userId: 'u', role: 'participant', status: 'joined', page: 'a' });
    roster.apply({ userId: 'u', role: 'moderator', status: 'here', page: 'b' });
    expect(roster.users().get('u')).toBe('moderator');
    expect(roster.hasHost('u')).toBe(false);
    expect(roster.hasHost()).toBe(true);
  });
});
