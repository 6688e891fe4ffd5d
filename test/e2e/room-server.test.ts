/**
 * The demo's room server, spoken to as the pages speak to it (the `ws` package in Node): it
 * stamps every message with the sender it knows, keeps rooms apart, and relays WebRTC
 * signalling to one peer.
 */
import { afterEach, describe, expect, inject, it } from 'vitest';
import { WebSocket } from 'ws';

const sockets: WebSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.terminate();
});

/** A connection with every message it receives, parsed, and a way to wait for the next ones. */
async function connect(path: string, query: Record<string, string>) {
  const url = new URL(inject('demoUrl'));
  url.protocol = 'ws:';
  url.pathname = path;
  url.search = new URLSearchParams(query).toString();
  const socket = new WebSocket(url.href);
  sockets.push(socket);
  const received: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  socket.on('message', (data) => {
    received.push(JSON.parse(String(data)) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = async (count = 1) => {
    while (received.length < count) await new Promise<void>((r) => waiters.push(r));
    return received.slice(0, count);
  };
  return { socket, received, next, send: (v: unknown) => socket.send(JSON.stringify(v)) };
}

describe('the demo room server', () => {
  const room = () => `/room/srv-${crypto.randomUUID().slice(0, 8)}`;

  it('stamps recorder messages with the sender it knows, whatever the page claims', async () => {
    const r = room();
    const host = await connect(`${r}/recorder`, { user: 'host-1', role: 'host' });
    const guest = await connect(`${r}/recorder`, { user: 'guest-1', role: 'participant' });
    const message = { v: 1, kind: 'snapshot-request' };
    // A participant claiming to be the host is relayed as what it is.
    guest.send({ from: { userId: 'host-1', role: 'host' }, message, origin: 'page-1' });
    const [got] = await host.next();
    expect(got).toEqual({
      from: { userId: 'guest-1', role: 'participant' },
      message,
      origin: 'page-1',
    });
    // Nothing went back to the sender: the first thing it receives is the host's answer.
    host.send({ message: { v: 1, kind: 'room-ended' } });
    expect(await guest.next()).toEqual([
      { from: { userId: 'host-1', role: 'host' }, message: { v: 1, kind: 'room-ended' } },
    ]);
  });

  it('keeps rooms apart, makes an unknown role a participant and refuses other paths', async () => {
    const a = room();
    const b = room();
    const inA = await connect(`${a}/recorder`, { user: 'u1', role: 'host' });
    const alsoA = await connect(`${a}/recorder`, { user: 'u2', role: 'admin' });
    const inB = await connect(`${b}/recorder`, { user: 'u3', role: 'host' });
    const alsoB = await connect(`${b}/recorder`, { user: 'u4', role: 'host' });
    alsoA.send({ message: { v: 1, kind: 'snapshot-request' } });
    const [got] = await inA.next();
    expect(got!.from).toEqual({ userId: 'u2', role: 'participant' });
    // Room B heard nothing of room A: the first thing it receives is its own room's message.
    alsoB.send({ message: { v: 1, kind: 'room-ended' } });
    expect(await inB.next()).toEqual([
      { from: { userId: 'u4', role: 'host' }, message: { v: 1, kind: 'room-ended' } },
    ]);
    await expect(connect('/room/x/other', { user: 'u', role: 'host' })).rejects.toThrow();
    await expect(connect(`${a}/recorder`, { role: 'host' })).rejects.toThrow();
  });

  it('gives each page a peer id, tells who is there, and passes signalling to one peer', async () => {
    const r = room();
    const first = await connect(`${r}/signal`, { user: 'host-1', role: 'host' });
    const [welcome1] = await first.next();
    expect(welcome1).toMatchObject({ type: 'welcome', peers: [] });
    const second = await connect(`${r}/signal`, {
      user: 'phone-1',
      role: 'participant',
      mobile: '1',
    });
    const [welcome2] = await second.next();
    const firstId = welcome1!.peerId as string;
    const secondId = welcome2!.peerId as string;
    expect(welcome2!.peers).toEqual([
      { peerId: firstId, userId: 'host-1', role: 'host', mobile: false },
    ]);
    const [, joined] = await first.next(2);
    expect(joined).toEqual({
      type: 'peer-joined',
      peer: { peerId: secondId, userId: 'phone-1', role: 'participant', mobile: true },
    });

    // An offer to the first page arrives stamped with who sent it.
    second.send({ to: firstId, data: { kind: 'offer', sdp: 'v=0…' } });
    const [, , signal] = await first.next(3);
    expect(signal).toEqual({
      type: 'signal',
      from: { peerId: secondId, userId: 'phone-1', role: 'participant' },
      data: { kind: 'offer', sdp: 'v=0…' },
    });

    second.socket.close();
    const [, , , left] = await first.next(4);
    expect(left).toEqual({ type: 'peer-left', peerId: secondId });
  });
});
