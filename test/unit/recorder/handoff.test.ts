/**
 * X9 in the room, with real controllers and rules on an in-memory room: who continues a
 * recording when its page leaves or dies, and what every page sees. The engines record
 * nothing (the browser tests and the headless run cover the media and storage side).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecorderController } from '../../../src/recorder/controller.js';
import type { RecordingMeta } from '../../../src/recorder/engine.js';
import {
  CLAIM_WINDOW_MS,
  GONE_SILENCE_MS,
  ORPHAN_SILENCE_MS,
  SILENCE_MS,
} from '../../../src/recorder/succession-watch.js';
import { CallbackRoom, type SenderInfo } from '../../../src/room/index.js';
import type { Clock, TimerHandle } from '../../../src/session/clock.js';
import type { Notice, Role } from '../../../src/session/types.js';
import { ManualClock } from '../../support/manual-clock.js';
import { ScriptedEngine } from './scripted-engine.js';

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 0));
};

/** An engine that records nothing but can be handed a recording over. */
class HandoffEngine extends ScriptedEngine {
  continued: Array<{ recordingId: string; elapsedMs: number }> = [];
  /** What each continuation was told to wait for. */
  handedOver: Array<{ checkpoint: number } | undefined> = [];
  left = 0;
  /** What storage would say: another page's document is newer than this page's. */
  superseded = false;
  standDowns = 0;
  /** What the controller last told it of standing by (null: never told). */
  standingBy: boolean | null = null;
  standBy(ready: boolean) {
    this.standingBy = ready;
  }
  async standDown() {
    this.standDowns++;
    return this.superseded ? { part: null } : null;
  }
  async continueRecording(
    recordingId: string,
    elapsedMs: number,
    _sources: unknown,
    handedOver?: { checkpoint: number },
  ) {
    this.continued.push({ recordingId, elapsedMs });
    this.handedOver.push(handedOver);
    this.started = { ...(this.started as RecordingMeta), recordingId };
    return { meta: this.started };
  }
  async leave() {
    this.left++;
  }
  /** A page that records has begun its 8th handoff document. */
  checkpoint() {
    return this.started ? 7 : null;
  }
}

interface Page {
  c: RecorderController;
  engine: HandoffEngine | null;
  notices: Notice[];
  /** Cuts this page off the room without a word, as a killed browser. */
  kill(): void;
  /** Loses this page's messages for which `drop` says so, as a flaky link would. */
  lose(drop: (data: string) => boolean): void;
  /**
   * Stands this page still, as a starved main thread: its timers and the messages it receives
   * wait. `resume` runs the waiting timers first, then the messages (the worst order a browser
   * may choose).
   */
  standStill(): { resume(): void };
}

/** A page's view of the shared clock, whose timers wait while the page stands still. */
class PageClock implements Clock {
  held: Array<() => void> | null = null;
  constructor(readonly base: ManualClock) {}
  monotonicMs(): number {
    return this.base.monotonicMs();
  }
  epochMs(): number {
    return this.base.epochMs();
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.base.setTimeout(() => (this.held ? this.held.push(fn) : fn()), ms);
  }
  clearTimeout(handle: TimerHandle): void {
    this.base.clearTimeout(handle);
  }
}

interface Member {
  room: CallbackRoom;
  alive: boolean;
  deliver(data: string, from: SenderInfo): void;
}

function room(clock: ManualClock) {
  const members: Member[] = [];
  const pages: Page[] = [];
  /** Every message that reached the room, in order. */
  const sent: string[] = [];
  const join = (userId: string, role: Role, canRecord = role !== 'participant'): Page => {
    const self: SenderInfo = { userId, role };
    const member = {
      room: null as unknown as CallbackRoom,
      alive: true,
      lost: null as ((data: string) => boolean) | null,
      /** Messages waiting while the page stands still. */
      queue: null as Array<[string, SenderInfo]> | null,
      deliver(data: string, from: SenderInfo) {
        if (this.queue) this.queue.push([data, from]);
        else this.room.receive(data, from);
      },
    };
    const pageClock = new PageClock(clock);
    member.room = new CallbackRoom({
      self,
      send: (data) => {
        if (!member.alive || member.lost?.(data)) return;
        sent.push(data);
        for (const m of members) if (m !== member && m.alive) m.deliver(data, self);
      },
    });
    members.push(member);
    const engine = canRecord ? new HandoffEngine() : null;
    const c = new RecorderController({
      roomId: 'r',
      roomType: 'single',
      userId,
      userName: userId.toUpperCase(),
      role,
      mobile: false,
      meetingTitle: 'Class',
      owners: {},
      channel: member.room,
      engine,
      library: null,
      sources: () => ({ stage: null, webcams: [], audio: [] }),
      clock: pageClock,
    });
    const notices: Notice[] = [];
    c.onNotice((n) => notices.push(n));
    const page: Page = {
      c,
      engine,
      notices,
      kill: () => {
        member.alive = false;
        c.dispose();
      },
      lose: (drop) => {
        member.lost = drop;
      },
      standStill: () => {
        pageClock.held = [];
        member.queue = [];
        return {
          resume: () => {
            const timers = pageClock.held ?? [];
            const messages = member.queue ?? [];
            pageClock.held = null;
            member.queue = null;
            for (const fn of timers) fn();
            for (const [data, from] of messages) member.room.receive(data, from);
          },
        };
      },
    };
    pages.push(page);
    return page;
  };
  /** Delivers `data` from `self` on page `from` to every other live page, as the room would. */
  const inject = (data: string, from: Page, self: SenderInfo) => {
    const sender = members[pages.indexOf(from)]!;
    for (const m of members) if (m !== sender && m.alive) m.deliver(data, self);
  };
  return { join, pages, sent, inject };
}

/** The page id `userId`'s page announced itself with. */
function pageOf(sent: readonly string[], userId: string): string {
  for (const data of sent) {
    const m = JSON.parse(data) as { kind: string; userId?: string; page?: string };
    if (m.kind === 'presence' && m.userId === userId && m.page) return m.page;
  }
  throw new Error(`no presence of ${userId}`);
}

const created: RecorderController[] = [];
afterEach(() => {
  for (const c of created.splice(0)) c.dispose();
});

/** The room with these pages; the first (a host) starts recording. */
async function startedIn(r: ReturnType<typeof room>, users: Array<[string, Role]>) {
  const pages = users.map(([user, role]) => r.join(user, role));
  for (const p of r.pages) created.push(p.c);
  await settle();
  pages[0]!.c.requestStart();
  await pages[0]!.c.confirmStart();
  await settle();
  return pages;
}

async function recording(clock: ManualClock) {
  const r = room(clock);
  const [host, mod, guest] = await startedIn(r, [
    ['host-1', 'host'],
    ['mod-1', 'moderator'],
    ['guest-1', 'participant'],
  ]);
  clock.advance(60_000);
  return { ...r, host: host!, mod: mod!, guest: guest! };
}

/** A host and a participant, no one else who could continue: the host records. */
async function hostAndGuest(clock: ManualClock) {
  const [host, guest] = await startedIn(room(clock), [
    ['host-1', 'host'],
    ['guest-1', 'participant'],
  ]);
  return { host: host!, guest: guest! };
}

const ids = (notices: Notice[]) => notices.map((n) => n.id);

describe('handoff in the room (X9)', () => {
  it('a clean leave: the moderator continues at once, everyone still sees it recorded', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, mod, guest } = await recording(clock);
    expect(mod.c.view.phase).toBe('recording');
    expect(await host.c.leaveRoom()).toBe(true);
    expect(host.engine!.left).toBe(1);
    await settle();
    // The leaving page named the moderator: it continues at once, with no claim window.
    expect(mod.engine!.continued).toEqual([{ recordingId: expect.any(String), elapsedMs: 60_000 }]);
    // ...told which handoff document the leaving page had begun, to wait a moment for it.
    expect(mod.engine!.handedOver).toEqual([{ checkpoint: 7 }]);
    clock.advance(1_000);
    await settle();
    expect(mod.c.view.phase).toBe('recording');
    expect(mod.c.view.indicator).toMatchObject({ shown: true, elapsed: true, stop: true });
    // The counter goes on from the original start.
    expect(mod.c.monotonicNow() - mod.c.view.startedAtMonotonic!).toBe(61_000);
    expect(guest.c.view.indicator.shown).toBe(true);
    expect(ids(guest.notices)).toEqual(['recording-starting', 'recording-started']);
    // Hosts and moderators are told where it runs now; participants are not bothered.
    expect(ids(mod.notices).at(-1)).toBe('recording-continues-here');
    expect(ids(host.notices)).not.toContain('recording-continues-here');

    // The moderator stops it: one recording, finished from the moderator's page.
    mod.c.requestStop();
    await mod.c.confirmStop();
    await settle();
    expect(mod.engine!.stops).toEqual(['user']);
    expect(mod.c.view.phase).toBe('available');
    expect(ids(guest.notices).at(-1)).toBe('recording-completed');
  });

  it('while another page records, the pages that could continue stand by; the recording page does not', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, mod } = await recording(clock);
    expect(mod.engine!.standingBy).toBe(true);
    expect(host.engine!.standingBy).toBe(false);
    // The moderator continues: it records now, the host's page is gone.
    expect(await host.c.leaveRoom()).toBe(true);
    await settle();
    expect(mod.engine!.continued).toHaveLength(1);
    expect(mod.engine!.standingBy).toBe(false);
    mod.c.requestStop();
    await mod.c.confirmStop();
    await settle();
    expect(mod.c.view.phase).toBe('available');
    expect(mod.engine!.standingBy).toBe(false);
  });

  it('a killed recording page: the moderator continues after the heartbeats stop', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, mod } = await recording(clock);
    host.kill();
    clock.advance(SILENCE_MS - 1_000);
    await settle();
    expect(mod.engine!.continued).toEqual([]);
    clock.advance(1_000 + CLAIM_WINDOW_MS + 1_000);
    await settle();
    expect(mod.engine!.continued).toHaveLength(1);
    expect(mod.c.view.phase).toBe('recording');
  });

  /** The room server says the host's page left, as it does when its connection closes. */
  const roomSaysHostLeft = (r: Awaited<ReturnType<typeof recording>>) => {
    const hostSelf: SenderInfo = { userId: 'host-1', role: 'host' };
    const page = pageOf(r.sent, 'host-1');
    const left = { v: 1, kind: 'presence', ...hostSelf, status: 'left', page };
    r.inject(JSON.stringify(left), r.host, hostSelf);
  };

  it('a killed recording page the room says left (the server saw its connection close): the moderator continues without waiting out the heartbeats', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    r.host.kill();
    roomSaysHostLeft(r);
    // Its last beat was at most a second ago: well before SILENCE_MS, the moderator goes on.
    clock.advance(GONE_SILENCE_MS + CLAIM_WINDOW_MS + 100);
    await settle();
    expect(GONE_SILENCE_MS + CLAIM_WINDOW_MS + 100).toBeLessThan(SILENCE_MS);
    expect(r.mod.engine!.continued).toHaveLength(1);
    expect(r.mod.c.view.phase).toBe('recording');
  });

  it('a recording page the room says left but that still beats (its connection came back) is not taken over', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    roomSaysHostLeft(r);
    for (let s = 0; s < 6; s++) {
      clock.advance(1_000);
      await settle();
    }
    expect(r.mod.engine!.continued).toEqual([]);
    expect(r.host.c.view.phase).toBe('recording');
  });

  it('two moderators: exactly one continues (the same rule on both pages)', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    const mod2 = r.join('mod-0', 'moderator');
    created.push(mod2.c);
    await settle();
    r.host.kill();
    clock.advance(SILENCE_MS + CLAIM_WINDOW_MS + 2_000);
    await settle();
    const continued = [r.mod, mod2].filter((p) => p.engine!.continued.length > 0);
    expect(continued).toEqual([mod2]);
    expect(r.mod.c.view.phase).toBe('recording');
    expect(ids(r.mod.notices).at(-1)).toBe('recording-continues');
  });

  it('a clean leave names who continues: that page alone and at once, whatever the others would choose', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    const mod2 = r.join('mod-0', 'moderator');
    created.push(mod2.c);
    await settle();
    // The rule picks mod-0 (see the test above); the leaving page names mod-1 instead, as a
    // page that saw the room differently would.
    let leaving: { next?: string } | null = null;
    r.host.lose((data) => {
      if (!data.includes('"kind":"leaving"')) return false;
      leaving = JSON.parse(data) as { next?: string };
      return true;
    });
    await r.host.c.leaveRoom();
    expect(leaving!.next).toBe(pageOf(r.sent, 'mod-0'));
    r.inject(JSON.stringify({ ...leaving!, next: pageOf(r.sent, 'mod-1') }), r.host, {
      userId: 'host-1',
      role: 'host',
    });
    await settle();
    expect(r.mod.engine!.continued).toEqual([
      { recordingId: expect.any(String), elapsedMs: 60_000 },
    ]);
    clock.advance(SILENCE_MS + CLAIM_WINDOW_MS + 2_000);
    await settle();
    expect(mod2.engine!.continued).toEqual([]);
    expect(ids(mod2.notices).at(-1)).toBe('recording-continues');
  });

  it('a second handoff: the successor leaves too, the next one continues', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    const mod2 = r.join('mod-2', 'moderator');
    created.push(mod2.c);
    await settle();
    await r.host.c.leaveRoom();
    await settle();
    const first = [r.mod, mod2].filter((p) => p.engine!.continued.length > 0);
    expect(first).toHaveLength(1);
    const [next, last] = first[0] === r.mod ? [r.mod, mod2] : [mod2, r.mod];
    clock.advance(30_000);
    await next.c.leaveRoom();
    await settle();
    expect(last.engine!.continued).toEqual([
      { recordingId: expect.any(String), elapsedMs: 90_000 },
    ]);
    expect(r.guest.c.view.indicator.shown).toBe(true);
  });

  it('the original host coming back sees it continue elsewhere and records no duplicate', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const r = await recording(clock);
    r.host.kill();
    clock.advance(SILENCE_MS + CLAIM_WINDOW_MS + 2_000);
    await settle();
    const back = r.join('host-1', 'host');
    created.push(back.c);
    await settle();
    expect(back.c.view.phase).toBe('recording');
    expect(back.c.view.record).toEqual({ state: 'hidden' });
    expect(back.c.requestStart()).toEqual({ ok: false, reason: 'already-recording' });
    clock.advance(10_000);
    await settle();
    expect(back.engine!.continued).toEqual([]);
  });

  it('no page can continue: the recording ends where it was kept, and everyone is told', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, guest } = await hostAndGuest(clock);
    host.kill();
    // No page could act on it, so the room is not told on the takeover's short silence: a
    // starved recording page's beats can stall that long.
    clock.advance(SILENCE_MS + 1_000);
    await settle();
    expect(guest.c.view.indicator.shown).toBe(true);
    expect(ids(guest.notices)).not.toContain('recording-orphaned');
    clock.advance(ORPHAN_SILENCE_MS - SILENCE_MS);
    await settle();
    expect(guest.c.view.phase).toBe('idle');
    expect(guest.c.view.indicator.shown).toBe(false);
    expect(ids(guest.notices).at(-1)).toBe('recording-orphaned');
  });

  it('a page that judged the recording orphaned mirrors it again once it beats, and is told the true end', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, guest } = await hostAndGuest(clock);
    clock.advance(30_000);
    // A starved recording page: its beats do not reach the room for longer than the silence.
    host.lose((data) => data.includes('"heartbeat"'));
    clock.advance(ORPHAN_SILENCE_MS + 1_000);
    await settle();
    expect(ids(guest.notices).at(-1)).toBe('recording-orphaned');
    expect(guest.c.view.indicator.shown).toBe(false);
    host.lose(() => false);
    clock.advance(1_000);
    // The recording page answers one page's requests at most twice a second, on real time.
    await vi.waitFor(() => expect(guest.c.view.phase).toBe('recording'), { timeout: 5_000 });
    expect(guest.c.view.indicator.shown).toBe(true);
    expect(ids(guest.notices).at(-1)).toBe('recording-started');
    // The counter goes on from the recording's start, not from the verdict.
    expect(guest.c.view.startedAtMonotonic).toBe(host.c.view.startedAtMonotonic);
    host.c.requestStop();
    await host.c.confirmStop();
    await settle();
    expect(ids(guest.notices).at(-1)).toBe('recording-completed');
  });

  it('a page that stood still past the silence hears the stop it missed, and is not told the recording was lost', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, guest } = await hostAndGuest(clock);
    clock.advance(30_000);
    const still = guest.standStill();
    clock.advance(SILENCE_MS + 1_000);
    host.c.requestStop();
    await host.c.confirmStop();
    await settle();
    still.resume();
    await settle();
    clock.advance(2_000);
    await settle();
    expect(ids(guest.notices)).not.toContain('recording-orphaned');
    expect(ids(guest.notices).at(-1)).toBe('recording-completed');
  });

  it('a page that stood still while the recording page died still finds it gone', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, guest } = await hostAndGuest(clock);
    const still = guest.standStill();
    host.kill();
    clock.advance(ORPHAN_SILENCE_MS + 1_000);
    still.resume();
    await settle();
    // The late tick waits for what was queued: nothing was.
    expect(guest.c.view.indicator.shown).toBe(true);
    clock.advance(1_000);
    await settle();
    expect(ids(guest.notices).at(-1)).toBe('recording-orphaned');
    expect(guest.c.view.indicator.shown).toBe(false);
  });

  it('a recording page frozen past the silence wakes to find the moderator recording: it stands down, and only one page records', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, mod, guest } = await recording(clock);
    const frozen = host.standStill();
    clock.advance(SILENCE_MS + CLAIM_WINDOW_MS + 2_000);
    await settle();
    expect(mod.engine!.continued).toHaveLength(1);
    // Storage holds the moderator's document now: the host's page is the one to stop.
    host.engine!.superseded = true;
    frozen.resume();
    await settle();
    clock.advance(1_000);
    await settle();
    expect(host.engine!.standDowns).toBe(1);
    expect(ids(host.notices).at(-1)).toBe('recording-taken-over');
    expect(host.notices.at(-1)!.params).toEqual({ name: 'MOD-1' });
    expect(host.c.view.phase).toBe('recording');
    expect(host.c.view.indicator).toMatchObject({ shown: true, stop: true });
    // The moderator heard the woken page's beats too, asked storage, and goes on.
    expect(mod.engine!.standDowns).toBe(1);
    expect(mod.c.view.phase).toBe('recording');
    // From now on the host's page mirrors: the moderator's stop reaches it, and it records
    // nothing of its own.
    mod.c.requestStop();
    await mod.c.confirmStop();
    await settle();
    expect(mod.engine!.stops).toEqual(['user']);
    expect(host.engine!.stops).toEqual([]);
    expect(host.c.view.phase).not.toBe('recording');
    expect(ids(guest.notices).at(-1)).toBe('recording-completed');
  });

  it('a page that leaves when no one could continue is told so, and goes on recording', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, guest } = await hostAndGuest(clock);
    expect(await host.c.leaveRoom()).toBe(false);
    expect(host.engine!.left).toBe(0);
    expect(host.c.view.phase).toBe('recording');
    expect(guest.c.view.indicator.shown).toBe(true);
  });

  it('a recording page whose heartbeats are lost answers a claim, and no second page records', async () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 0, 0));
    const { host, mod, sent } = await recording(clock);
    // Its beats are lost until someone claims: the link is back by then.
    host.lose(
      (data) => data.includes('"heartbeat"') && !sent.some((m) => m.includes('"takeover"')),
    );
    clock.advance(SILENCE_MS + 1_000);
    await settle();
    expect(sent.some((m) => m.includes('"takeover"'))).toBe(true);
    clock.advance(CLAIM_WINDOW_MS);
    await settle();
    expect(mod.engine!.continued).toEqual([]);
    expect(host.c.view.phase).toBe('recording');
    expect(mod.c.view.phase).toBe('recording');
  });
});
