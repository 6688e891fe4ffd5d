import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecorderController } from '../../../src/recorder/controller.js';
import type { RecordingEngine } from '../../../src/recorder/engine.js';
import type { Notice, Role } from '../../../src/session/types.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ScriptedEngine, roomBus } from './scripted-engine.js';

const HOUR = 3_600_000;

const created: RecorderController[] = [];
function page(
  bus: ReturnType<typeof roomBus>,
  userId: string,
  role: Role,
  engine: RecordingEngine | null,
  clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 3, 0)),
) {
  const notices: Notice[] = [];
  const room = bus({ userId, role });
  const c = new RecorderController({
    roomId: 'room-1',
    roomType: 'single',
    userId,
    role,
    mobile: false,
    meetingTitle: 'Class ../../etc',
    owners: { mediaOwnerId: 'owner-9' },
    channel: room,
    engine,
    library: null,
    sources: () => ({ stage: null, webcams: [], audio: [] }),
    clock,
  });
  c.onNotice((n) => notices.push(n));
  created.push(c);
  return { c, notices, room, clock };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

afterEach(() => {
  for (const c of created.splice(0)) c.dispose();
});

describe('RecorderController', () => {
  it('names, keys and owns the recording from the session rules (B12, B14)', async () => {
    const engine = new ScriptedEngine();
    const { c } = page(roomBus(), 'host-1', 'host', engine);
    await settle();
    expect(c.requestStart()).toEqual({ ok: true });
    await c.confirmStart();
    expect(engine.started).toMatchObject({
      fileName: 'Rec - 2026-11-26 14:03:00 - Class .-.-etc.mp4',
      objectKey: 'rooms/room-1/Recordings/Rec - 2026-11-26 14:03:00 - Class .-.-etc.mp4',
      ownerId: 'owner-9',
      initiatorId: 'host-1',
    });
    expect(engine.started!.objectKey).not.toContain('..');
    expect(c.view.phase).toBe('recording');
  });

  it('X4: a failed pre-flight refuses Record with its reason; a lock elsewhere says so', async () => {
    const { c } = page(
      roomBus(),
      'host-1',
      'host',
      new ScriptedEngine({ ok: false, problems: ['no-h264'] }),
    );
    await c.refreshPreflight();
    expect(c.view.canStart).toEqual({ ok: false, reason: 'preflight-failed' });
    expect(c.requestStart()).toEqual({ ok: false, reason: 'preflight-failed' });
    const { c: c2 } = page(
      roomBus(),
      'host-2',
      'host',
      new ScriptedEngine({ ok: false, problems: ['locked-elsewhere'] }),
    );
    await c2.refreshPreflight();
    expect(c2.view.canStart).toEqual({ ok: false, reason: 'locked-elsewhere' });
    const { c: c3 } = page(roomBus(), 'host-3', 'host', null);
    await c3.refreshPreflight();
    expect(c3.view.preflight?.problems).toEqual(['not-configured']);
  });

  it('B6/B7: a moderator on another page stops the recording; a participant cannot', async () => {
    const bus = roomBus();
    const engine = new ScriptedEngine();
    const host = page(bus, 'host-1', 'host', engine);
    const mod = page(bus, 'mod-1', 'moderator', null);
    const guest = page(bus, 'guest-1', 'participant', null);
    await settle();
    host.c.requestStart();
    await host.c.confirmStart();
    await settle();
    expect(mod.c.view.phase).toBe('recording');
    expect(guest.c.view.canStop.ok).toBe(false);

    // A participant's forged stop request is dropped by the room, with a warning.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    host.room.receive(
      JSON.stringify({ v: 1, kind: 'stop-request', requestId: 'r1', recordingId: null }),
      { userId: 'guest-1', role: 'participant' },
    );
    await settle();
    expect(engine.stops).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    warn.mockRestore();

    expect(mod.c.requestStop()).toEqual({ ok: true });
    await mod.c.confirmStop();
    await settle();
    await settle();
    expect(engine.stops).toEqual(['user']);
    expect(host.c.view.phase).toBe('available');
    expect(host.notices.map((n) => n.id)).toEqual([
      'recording-starting',
      'recording-started',
      'recording-ended-uploading',
      'recording-available',
    ]);
    expect(guest.notices.map((n) => n.id)).toEqual([
      'recording-starting',
      'recording-started',
      'recording-completed',
    ]);
  });

  it('a full disk stops the recording by itself and keeps it', async () => {
    const engine = new ScriptedEngine();
    const { c, notices } = page(roomBus(), 'host-1', 'host', engine);
    c.requestStart();
    await c.confirmStart();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const l of engine.listeners.fault) l('storage-full', 'Storage is full');
    warn.mockRestore();
    await settle();
    await settle();
    expect(engine.stops).toEqual(['storage-full']);
    expect(c.view.phase).toBe('available');
    expect(notices.map((n) => n.id)).toContain('recording-available');
  });

  it('B15: ending the room stops and keeps the recording', async () => {
    const bus = roomBus();
    const engine = new ScriptedEngine();
    const host = page(bus, 'host-1', 'host', engine);
    const mod = page(bus, 'mod-1', 'moderator', null);
    host.c.requestStart();
    await host.c.confirmStart();
    mod.c.endRoom();
    await settle();
    await settle();
    expect(engine.stops).toEqual(['room-ended']);
    expect(host.c.view.phase).toBe('available');
    expect(host.c.requestStart()).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('one clock: the wall clock moved a day forward and an hour back mid-recording changes nothing', async () => {
    const bus = roomBus();
    const engine = new ScriptedEngine();
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 3, 0));
    const host = page(bus, 'host-1', 'host', engine, clock);
    const guest = page(bus, 'guest-1', 'participant', null, clock);
    host.c.requestStart();
    await host.c.confirmStart();
    await settle();
    const elapsed = (c: RecorderController) => c.monotonicNow() - c.view.startedAtMonotonic!;

    clock.advance(10 * 60_000);
    clock.setWall(clock.epochMs() + 24 * HOUR);
    clock.advance(60_000);
    clock.setWall(clock.epochMs() - HOUR);
    clock.advance(60_000);
    expect(host.c.view.phase).toBe('recording');
    expect(engine.stops).toEqual([]);
    expect(elapsed(host.c)).toBe(12 * 60_000);
    expect(elapsed(guest.c)).toBe(12 * 60_000);

    // The 24-hour cap (B11) counts recorded time, not the wall clock's reading.
    clock.advance(24 * HOUR - 12 * 60_000 - 1);
    expect(engine.stops).toEqual([]);
    clock.advance(1);
    await settle();
    expect(engine.stops).toEqual(['cap']);
  });
});
