import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { DropLog, RoomSync, decodeEnvelope, type SenderInfo } from '../../../src/room/index.js';
import type { SessionSnapshot } from '../../../src/session/types.js';
import { createBus } from './bus.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const attacker: SenderInfo = { userId: 'p666', role: 'participant' };
const recording: SessionSnapshot = {
  phase: 'recording',
  recordingId: 'r1',
  startedAt: 1,
  elapsedMs: 0,
  initiatorId: 'h1',
  hostAwayRemainingMs: null,
};

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});
afterEach(() => {
  vi.useRealTimers();
  warn.mockRestore();
});

describe('hostile room input', () => {
  it('a flood of 1,000 snapshot requests from one page gets two answers, not a thousand', () => {
    const bus = createBus();
    const sync = new RoomSync({
      channel: bus.join(host),
      self: host,
      provider: () => ({ snapshot: recording, title: 'Class' }),
    });
    sync.start();
    const room = bus.join(attacker);
    const stateFrames = () =>
      bus.sent.filter((f) => f.from.userId === 'h1' && f.data.includes('"kind":"state"')).length;
    const before = stateFrames();
    for (let i = 0; i < 1000; i++) room.publish({ v: 1, kind: 'snapshot-request' });
    const states = () => stateFrames() - before;
    expect(states()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(states()).toBe(2);
    // Someone else joining meanwhile is answered at once.
    bus.join({ userId: 'p2', role: 'participant' }).publish({ v: 1, kind: 'snapshot-request' });
    expect(states()).toBe(3);
    sync.close();
  });

  it('a flood of forged stops costs one warning line per reason, then says how many more', () => {
    const log = new DropLog(10_000);
    const forged = JSON.stringify({
      from: attacker,
      message: { v: 1, kind: 'stop-request', requestId: 'x', recordingId: null },
    });
    for (let i = 0; i < 1000; i++) expect(decodeEnvelope(forged, { log })).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("may not send 'stop-request'");
    vi.advanceTimersByTime(10_001);
    decodeEnvelope(forged, { log });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]?.[0])).toContain('(and 999 more like it before)');
  });

  it('a message a server relays from another room is dropped', () => {
    const stop = { v: 1, kind: 'stop-request', requestId: 'x', recordingId: null };
    const other = JSON.stringify({ from: host, message: stop, room: 'room-B' });
    expect(decodeEnvelope(other, { room: 'room-A' })).toBeNull();
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      'the envelope is for room "room-B"; this page is in room "room-A"',
    );
    const same = JSON.stringify({ from: host, message: stop, room: 'room-A' });
    expect(decodeEnvelope(same, { room: 'room-A' })?.message.kind).toBe('stop-request');
  });
});
