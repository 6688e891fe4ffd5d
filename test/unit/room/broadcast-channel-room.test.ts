import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  BroadcastChannelRoom,
  stopRequestMessage,
  type RoomMessage,
  type SenderInfo,
} from '../../../src/room/index.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const participant: SenderInfo = { userId: 'p1', role: 'participant' };

let warn: MockInstance<typeof console.warn>;
const open: Array<{ close(): void }> = [];
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
  warn.mockRestore();
});

function next(room: BroadcastChannelRoom): Promise<[RoomMessage, SenderInfo]> {
  return new Promise((resolve) => {
    const off = room.subscribe((m, s) => {
      off();
      resolve([m, s]);
    });
  });
}

describe('BroadcastChannelRoom (Node has BroadcastChannel too)', () => {
  it('carries a message and its sender between two instances of one room, not to others', async () => {
    const roomId = `r-${Math.random()}`;
    const a = new BroadcastChannelRoom({ roomId, self: host });
    const b = new BroadcastChannelRoom({ roomId, self: participant });
    const other = new BroadcastChannelRoom({ roomId: `${roomId}-other`, self: participant });
    open.push(a, b, other);
    const otherGot = vi.fn();
    other.subscribe(otherGot);
    const got = next(b);
    a.publish(stopRequestMessage('r1'));
    const [message, sender] = await got;
    expect(message).toMatchObject({ kind: 'stop-request', recordingId: 'r1' });
    expect(sender).toEqual(host);
    await new Promise((r) => setTimeout(r, 20));
    expect(otherGot).not.toHaveBeenCalled();
  });

  it('drops raw data posted on the channel by a page that skips the adapter, with one warning', async () => {
    const roomId = `r-${Math.random()}`;
    const a = new BroadcastChannelRoom({ roomId, self: host });
    const raw = new BroadcastChannel(`room-recorder:${roomId}`);
    open.push(a, raw);
    const listener = vi.fn();
    a.subscribe(listener);
    raw.postMessage({ from: host, message: { v: 1, kind: 'room-ended' } }); // an object, not JSON text
    raw.postMessage(JSON.stringify({ from: participant, message: { v: 1, kind: 'room-ended' } }));
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(2));
    expect(String(warn.mock.calls[0]?.[0])).toContain('expected JSON text');
    expect(String(warn.mock.calls[1]?.[0])).toContain("may not send 'room-ended'");
    expect(listener).not.toHaveBeenCalled();
  });

  it('rejects an empty room id with a specific error', () => {
    expect(() => new BroadcastChannelRoom({ roomId: '', self: host })).toThrow(/options\.roomId/);
  });
});
