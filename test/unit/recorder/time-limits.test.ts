/**
 * The time limits as an integrator sets them (`maxRecordingMs`, `hostAwayTimeoutMs`, B9 and
 * B11) through the controller and `<rr-recorder>`'s factory, and B9 through the controller: a
 * host who leaves the room while the recording page stays open.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecorderController } from '../../../src/recorder/controller.js';
import { controllerForElement } from '../../../src/recorder/element-controller.js';
import type { RecorderElementConfig } from '../../../src/recorder/controller-types.js';
import type { RecorderOptions } from '../../../src/recorder/options.js';
import type { Notice, Role } from '../../../src/session/types.js';
import { ManualClock } from '../../support/manual-clock.js';
import type { CallbackRoom } from '../../../src/room/index.js';
import { ScriptedEngine, roomBus } from './scripted-engine.js';

const MIN = 60_000;

const created: RecorderController[] = [];
afterEach(() => {
  for (const c of created.splice(0)) c.dispose();
  vi.restoreAllMocks();
});

function options(
  room: CallbackRoom,
  userId: string,
  role: Role,
  extra: Partial<RecorderOptions> = {},
): RecorderOptions {
  return {
    roomId: 'room-1',
    roomType: 'single',
    userId,
    role,
    mobile: false,
    meetingTitle: 'Limits',
    owners: {},
    channel: room,
    engine: null,
    library: null,
    sources: () => ({ stage: null, webcams: [], audio: [] }),
    ...extra,
  };
}

function page(
  bus: ReturnType<typeof roomBus>,
  clock: ManualClock,
  userId: string,
  role: Role,
  extra: Partial<RecorderOptions> = {},
) {
  const notices: Notice[] = [];
  const engine = role === 'participant' ? null : new ScriptedEngine();
  const room = bus({ userId, role });
  const c = new RecorderController(options(room, userId, role, { engine, clock, ...extra }));
  c.onNotice((n) => notices.push(n));
  created.push(c);
  return { c, notices, engine, room };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const ids = (notices: Notice[]) => notices.map((n) => n.id);

describe('time limits as an integrator sets them', () => {
  it('B11: the controller stops at its maxRecordingMs and every page names that limit', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const bus = roomBus();
    const host = page(bus, clock, 'host-1', 'host', { maxRecordingMs: 20_000 });
    // The participant's page keeps the default limits: the notice names the host's.
    const guest = page(bus, clock, 'guest-1', 'participant');
    await settle();
    host.c.requestStart();
    await host.c.confirmStart();
    await settle();
    clock.advance(20_000 - 1);
    expect(host.c.view.phase).toBe('recording');
    clock.advance(1);
    await settle();
    expect(host.engine!.stops).toEqual(['cap']);
    expect(host.c.view.phase).toBe('available');
    const cap = { id: 'recording-cap-reached', audience: 'everyone', params: { limitMs: '20000' } };
    expect(host.notices.find((n) => n.id === 'recording-cap-reached')).toMatchObject(cap);
    expect(guest.notices.at(-1)).toMatchObject(cap);
    expect(guest.c.view.indicator.shown).toBe(false);
  });

  it("refuses a limit above the product's, naming the option the integrator used", () => {
    const room = roomBus()({ userId: 'host-1', role: 'host' });
    expect(
      () =>
        new RecorderController(options(room, 'host-1', 'host', { maxRecordingMs: 25 * 60 * MIN })),
    ).toThrow(/^maxRecordingMs 90000000 \(25 hours\) is longer than the product allows/);
    expect(
      () => new RecorderController(options(room, 'host-1', 'host', { hostAwayTimeoutMs: -5 })),
    ).toThrow(/^Invalid hostAwayTimeoutMs number -5: expected milliseconds above 0/);
  });

  it('<rr-recorder>: a bad max-recording-ms leaves the element without a recorder and says why', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const config: RecorderElementConfig = {
      userId: 'host-1',
      roomId: 'room-1',
      userRole: 'host',
      roomType: 'single',
      mobile: false,
      meetingTitle: 'Limits',
      channelOwnerId: undefined,
      galleryOwnerId: undefined,
      mediaOwnerId: undefined,
      timeZone: undefined,
      maxRecordingMs: Number('two hours'),
      hostAwayTimeoutMs: undefined,
      storage: null,
      channel: roomBus()({ userId: 'host-1', role: 'host' }),
      stage: null,
      webcams: [],
      audioTracks: [],
    };
    expect(controllerForElement(config)).toBeNull();
    expect(error).toHaveBeenCalledWith(
      '[room-recorder] <rr-recorder> Invalid max-recording-ms (maxRecordingMs) number NaN: expected milliseconds above 0 and at most 86400000 (24 hours); leave it out for 24 hours.',
    );
    const ok = controllerForElement({
      ...config,
      maxRecordingMs: 7_200_000,
      hostAwayTimeoutMs: 60_000,
    });
    expect(ok).toBeInstanceOf(RecorderController);
    created.push(ok!);
  });
});

describe('B9: the host leaves the room while the recording page stays open', () => {
  async function recordingRoom(hostAwayTimeoutMs?: number) {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const bus = roomBus();
    const host = page(bus, clock, 'host-1', 'host', hostAwayTimeoutMs ? { hostAwayTimeoutMs } : {});
    const guest = page(bus, clock, 'guest-1', 'participant');
    await settle();
    host.c.requestStart();
    await host.c.confirmStart();
    await settle();
    return { clock, bus, host, guest };
  }

  it('the recording goes on here and stops by itself hostAwayTimeoutMs later, stored and told', async () => {
    const { clock, host, guest } = await recordingRoom(20_000);
    clock.advance(5 * MIN);
    expect(await host.c.leaveRoom({ keepRecording: true })).toBe(true);
    expect(host.c.view.phase).toBe('recording');
    clock.advance(20_000 - 1);
    await settle();
    expect(host.c.view.phase).toBe('recording');
    expect(guest.c.view.indicator.shown).toBe(true);
    clock.advance(1);
    await settle();
    expect(host.engine!.stops).toEqual(['host-away']);
    expect(host.c.view.phase).toBe('available');
    expect(ids(host.notices).slice(-3)).toEqual([
      'recording-host-away-stopped',
      'recording-ended-uploading',
      'recording-available',
    ]);
    expect(guest.notices.at(-1)).toMatchObject({
      id: 'recording-host-away-stopped',
      params: { limitMs: '20000' },
    });
    expect(guest.c.view.indicator.shown).toBe(false);
  });

  it('a host or moderator coming back cancels it; the default is 15 minutes', async () => {
    const { clock, bus, host } = await recordingRoom();
    expect(await host.c.leaveRoom({ keepRecording: true })).toBe(true);
    clock.advance(14 * MIN);
    const mod = page(bus, clock, 'mod-1', 'moderator');
    await settle();
    clock.advance(2 * 60 * MIN);
    await settle();
    expect(host.c.view.phase).toBe('recording');
    // The moderator leaves too: a fresh 15 minutes.
    mod.c.dispose();
    clock.advance(15 * MIN - 1);
    await settle();
    expect(host.c.view.phase).toBe('recording');
    clock.advance(1);
    await settle();
    expect(host.engine!.stops).toEqual(['host-away']);
  });

  it('without keepRecording nothing changes: the host still counts as in the room', async () => {
    const { clock, host } = await recordingRoom(20_000);
    expect(await host.c.leaveRoom()).toBe(false);
    clock.advance(60 * MIN);
    await settle();
    expect(host.c.view.phase).toBe('recording');
    expect(host.engine!.stops).toEqual([]);
  });

  it('the page stops listening once the recording is stored: the room hears it has gone', async () => {
    const { clock, host, bus } = await recordingRoom(20_000);
    await host.c.leaveRoom({ keepRecording: true });
    const heard: string[] = [];
    const ear = bus({ userId: 'ear', role: 'participant' });
    ear.subscribe((m, from) => {
      if (m.kind === 'presence') heard.push(`${from.userId} ${m.status}`);
    });
    clock.advance(20_000);
    await settle();
    await settle();
    expect(host.c.view.phase).toBe('available');
    expect(heard).toContain('host-1 left');
  });
});
