import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { WebSocket } from 'ws';
import {
  RoomSync,
  WebSocketRoom,
  snapshotRequestMessage,
  stopRequestMessage,
  type RoomMessage,
  type RoomStatePayload,
  type SenderInfo,
  type WebSocketConstructorLike,
  type WebSocketRoomOptions,
} from '../../../src/room/index.js';
import { startRelay, type Relay } from './relay.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const participant: SenderInfo = { userId: 'p1', role: 'participant' };
const ended: RoomMessage = { v: 1, kind: 'room-ended' };

let warn: MockInstance<typeof console.warn>;
const cleanup: Array<() => unknown> = [];
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
  warn.mockRestore();
});

/** Resolves when `predicate` holds, polling every 5 ms; fails with `what` after `ms`. */
async function until(predicate: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = performance.now() + ms;
  while (!predicate()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function client(relay: Relay, self: SenderInfo, extra: Partial<WebSocketRoomOptions> = {}) {
  const received: Array<[RoomMessage, SenderInfo]> = [];
  const room = new WebSocketRoom({
    url: relay.url(self.userId, self.role),
    self,
    WebSocket,
    ...extra,
  });
  room.subscribe((m, s) => received.push([m, s]));
  cleanup.push(() => room.close());
  return { room, received };
}

describe('WebSocketRoom against a real ws relay', () => {
  it('relays messages between two clients, with the sender the server stamped', async () => {
    const relay = await startRelay();
    cleanup.push(() => relay.stop());
    const a = client(relay, host);
    const b = client(relay, participant);
    await until(() => a.room.status === 'open' && b.room.status === 'open', 'both open');

    a.room.publish(stopRequestMessage('r1'));
    b.room.publish({ v: 1, kind: 'snapshot-request' });
    await until(() => a.received.length === 1 && b.received.length === 1, 'both messages');
    expect(b.received[0]?.[0]).toMatchObject({ kind: 'stop-request', recordingId: 'r1' });
    expect(b.received[0]?.[1]).toEqual(host);
    expect(a.received[0]).toEqual([{ v: 1, kind: 'snapshot-request' }, participant]);
    expect(warn).not.toHaveBeenCalled();
  });

  it("trusts the server's stamp over the client's claim: a participant claiming to be host cannot stop", async () => {
    const relay = await startRelay();
    cleanup.push(() => relay.stop());
    // The page says it is a host; the server knows the connection is a participant's.
    const liar = new WebSocketRoom({ url: relay.url('p9', 'participant'), self: host, WebSocket });
    cleanup.push(() => liar.close());
    const rec = client(relay, host);
    await until(() => liar.status === 'open' && rec.room.status === 'open', 'both open');
    liar.publish(stopRequestMessage('r1'));
    await until(() => warn.mock.calls.length === 1, 'the drop warning');
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      'a participant (user "p9") may not send \'stop-request\'',
    );
    expect(rec.received).toHaveLength(0);
  });

  it('skips its own messages when the relay echoes them', async () => {
    const relay = await startRelay({ echo: true });
    cleanup.push(() => relay.stop());
    const a = client(relay, host);
    const b = client(relay, participant);
    await until(() => a.room.status === 'open' && b.room.status === 'open', 'both open');
    a.room.publish(ended);
    b.room.publish({ v: 1, kind: 'snapshot-request' });
    await until(() => a.received.length === 1 && b.received.length === 1, 'the cross messages');
    await new Promise((r) => setTimeout(r, 50));
    expect(a.received.map(([m]) => m.kind)).toEqual(['snapshot-request']);
    expect(b.received.map(([m]) => m.kind)).toEqual(['room-ended']);
  });

  it('drops malformed frames from the server with one warning each and stays connected', async () => {
    const relay = await startRelay();
    cleanup.push(() => relay.stop());
    const a = client(relay, host);
    await until(() => a.room.status === 'open', 'open');
    // A raw client sends junk through the relay (which passes on whatever JSON object it gets).
    const raw = new WebSocket(relay.url('h2', 'host'));
    cleanup.push(() => raw.terminate());
    await new Promise((r) => raw.once('open', r));
    raw.send(JSON.stringify({ message: { v: 7, kind: 'state' } }));
    raw.send(JSON.stringify({ message: { v: 1, kind: 'room-ended' }, pad: 'x'.repeat(17 * 1024) }));
    raw.send(JSON.stringify({ message: { v: 1, kind: 'room-ended' } }));
    await until(() => a.received.length === 1, 'the valid message');
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toContain('unsupported protocol version 7');
    expect(String(warn.mock.calls[1]?.[0])).toContain('oversize');
    expect(a.room.status).toBe('open');
  });

  it('after the server restarts, reconnects with growing delays and delivers the queued messages', async () => {
    let relay = await startRelay();
    const port = relay.port;
    cleanup.push(() => relay.stop());
    const attempts: number[] = [];
    const Counting = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        attempts.push(performance.now());
        super(url, protocols);
      }
    };
    const a = client(relay, host, {
      WebSocket: Counting,
      backoff: { initialMs: 40, maxMs: 320, factor: 2, jitter: 0 },
    });
    const b = client(relay, participant, { backoff: { initialMs: 20, maxMs: 40, jitter: 0 } });
    await until(() => a.room.status === 'open' && b.room.status === 'open', 'both open');
    expect(attempts).toHaveLength(1);

    await relay.stop();
    await until(() => a.room.status === 'connecting', 'a to notice the drop');
    const queued: RoomMessage[] = [snapshotRequestMessage(), stopRequestMessage('r1'), ended];
    for (const m of queued) a.room.publish(m);
    expect(a.room.queued).toBe(3);
    // The server stays down for three retries.
    await until(() => attempts.length >= 4, 'three retries while the server is down');

    // Let b in first, so what a flushes has someone to reach.
    relay = await startRelay({
      port,
      admit: (user) =>
        user === 'p1' ? Promise.resolve() : until(() => relay.connected().includes('p1'), 'b back'),
    });
    await until(() => b.received.length >= 5, 'the re-announcement and the queued messages');

    // The reconnected page re-announces itself, then delivers the queue in order.
    expect(b.received.map(([m]) => m.kind)).toEqual([
      'presence',
      'snapshot-request',
      'snapshot-request',
      'stop-request',
      'room-ended',
    ]);
    expect(b.received[0]?.[0]).toMatchObject({ userId: 'h1', role: 'host', status: 'joined' });
    expect(b.received.every(([, s]) => s.userId === 'h1' && s.role === 'host')).toBe(true);
    expect(a.room.queued).toBe(0);

    // Retries while down: 40, 80, 160, 320 ms... each gap at least its backoff delay, so the
    // server is not hammered however long it stays down.
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps[1]!).toBeGreaterThanOrEqual(80 - 5);
    expect(gaps[2]!).toBeGreaterThanOrEqual(160 - 5);
    for (const gap of gaps.slice(3)) expect(gap).toBeGreaterThanOrEqual(320 - 5);
  });

  it('B5 over a WebSocket: after a restart, a reconnected page catches up on the state it missed', async () => {
    let relay = await startRelay();
    const port = relay.port;
    cleanup.push(() => relay.stop());
    const fast = { initialMs: 20, maxMs: 40, jitter: 0 };
    let payload: RoomStatePayload | null = null;
    const recRoom = new WebSocketRoom({
      url: relay.url('h1', 'host'),
      self: host,
      WebSocket,
      backoff: fast,
    });
    const viewRoom: WebSocketRoom = new WebSocketRoom({
      url: relay.url('p1', 'participant'),
      self: participant,
      WebSocket,
      backoff: fast,
      announce: () => viewer.announcement(),
    });
    cleanup.push(
      () => recRoom.close(),
      () => viewRoom.close(),
    );
    const recorder = new RoomSync({ channel: recRoom, self: host, provider: () => payload });
    // `announce` above reaches it lazily, after it exists.
    const viewer: RoomSync = new RoomSync({ channel: viewRoom, self: participant });
    recorder.start();
    viewer.start();
    await until(() => recRoom.status === 'open' && viewRoom.status === 'open', 'both open');
    await until(() => viewer.present.get('h1') === 'host', 'the host to be seen');

    await relay.stop();
    await until(() => viewRoom.status === 'connecting', 'the drop');
    // The recording starts while the viewer is cut off.
    payload = {
      snapshot: {
        phase: 'recording',
        recordingId: 'r1',
        startedAt: 1234,
        elapsedMs: 0,
        initiatorId: 'h1',
        hostAwayRemainingMs: null,
      },
      title: 'T',
    };
    recorder.update();
    relay = await startRelay({ port });
    await until(() => viewer.state?.snapshot.phase === 'recording', 'the viewer to catch up');
    expect(viewer.state?.snapshot.startedAt).toBe(1234);
    expect(viewer.state?.sender).toEqual(host);
    // The viewer re-announced its page and asked for the state.
    await until(() => relay.forwarded.some((f) => f.includes('"snapshot-request"')), 'the request');
    // Its presence reaches the host once both are back (whichever reconnected first).
    const helloSeen = () =>
      relay.forwarded
        .map((f) => JSON.parse(f) as { message: Record<string, unknown> })
        .some(
          ({ message: m }) =>
            m['kind'] === 'presence' && m['userId'] === 'p1' && typeof m['page'] === 'string',
        );
    await until(helloSeen, "the viewer's presence");
    expect(helloSeen()).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });

  it('frozen (Page Lifecycle), it closes its connection itself; on resume it connects again at once, re-announces and sends what waited', async () => {
    const relay = await startRelay();
    cleanup.push(() => relay.stop());
    const lifecycle = new EventTarget();
    const sockets: WebSocket[] = [];
    const Counting = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols);
        sockets.push(this);
      }
    };
    // A backoff far longer than the test: only the resume can bring it back in time.
    const a = client(relay, host, {
      WebSocket: Counting,
      lifecycle,
      backoff: { initialMs: 60_000, maxMs: 60_000 },
    });
    const b = client(relay, participant);
    await until(() => a.room.status === 'open' && b.room.status === 'open', 'both open');

    lifecycle.dispatchEvent(new Event('freeze'));
    expect(a.room.status).toBe('connecting');
    await until(() => sockets[0]!.readyState === WebSocket.CLOSED, 'its socket closed');
    a.room.publish(stopRequestMessage('r1'));
    expect(a.room.queued).toBe(1);

    lifecycle.dispatchEvent(new Event('resume'));
    await until(() => a.room.status === 'open', 'open again');
    expect(sockets).toHaveLength(2);
    await until(() => b.received.some(([m]) => m.kind === 'stop-request'), 'the waiting message');
    expect(b.received.map(([m]) => m.kind)).toEqual([
      'presence',
      'snapshot-request',
      'stop-request',
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('close() stops reconnecting and drops the queue', async () => {
    const relay = await startRelay();
    const attempts: number[] = [];
    const Counting = class extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        attempts.push(performance.now());
        super(url, protocols);
      }
    };
    const a = client(relay, host, { WebSocket: Counting, backoff: { initialMs: 10, maxMs: 10 } });
    await until(() => a.room.status === 'open', 'open');
    await relay.stop();
    await until(() => attempts.length >= 2, 'a retry');
    a.room.close();
    const count = attempts.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(attempts).toHaveLength(count);
    expect(a.room.status).toBe('closed');
  });
});

describe('WebSocketRoom queue and options', () => {
  /** A socket that never connects, to observe the queue. */
  const Never = class {
    readyState = 0;
    onopen = null;
    onmessage = null;
    onclose = null;
    onerror = null;
    send(): void {
      throw new Error('not open');
    }
    close(): void {}
  } as unknown as WebSocketConstructorLike;

  it('bounds the queue, dropping the oldest with a warning, and keeps only the newest state', () => {
    const room = new WebSocketRoom({
      url: 'ws://127.0.0.1:9/',
      self: host,
      WebSocket: Never,
      maxQueue: 2,
    });
    cleanup.push(() => room.close());
    const state = (seq: number): RoomMessage => ({
      v: 1,
      kind: 'state',
      source: 's',
      seq,
      sentAt: seq,
      snapshot: {
        phase: 'recording',
        recordingId: 'r',
        startedAt: 1,
        elapsedMs: 0,
        initiatorId: 'h1',
        hostAwayRemainingMs: null,
      },
      title: null,
    });
    room.publish(state(1));
    room.publish(state(2));
    expect(room.queued).toBe(1);
    room.publish(ended);
    room.publish(stopRequestMessage());
    expect(room.queued).toBe(2);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      "queue is full (2); dropped the oldest 'state'",
    );
  });

  it('rejects a bad URL, a missing WebSocket and a bad backoff with specific errors', () => {
    expect(() => new WebSocketRoom({ url: 'ftp://x', self: host, WebSocket: Never })).toThrow(
      /ws:, wss:/,
    );
    expect(() => new WebSocketRoom({ url: 'ws://x', self: host })).toThrow(
      /pass options\.WebSocket/,
    );
    const bad = (backoff: object) =>
      new WebSocketRoom({ url: 'ws://x', self: host, WebSocket: Never, backoff });
    expect(() => bad({ initialMs: 100, maxMs: 10 })).toThrow(/maxMs/);
    expect(() => bad({ jitter: 2 })).toThrow(/jitter/);
  });

  it('publishing a participant stop-request throws before anything is queued', () => {
    const room = new WebSocketRoom({
      url: 'ws://127.0.0.1:9/',
      self: participant,
      WebSocket: Never,
    });
    cleanup.push(() => room.close());
    expect(() => room.publish(stopRequestMessage())).toThrow(/only a host or moderator/);
    expect(room.queued).toBe(0);
  });
});
