import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  CallbackRoom,
  stopRequestMessage,
  type RoomMessage,
  type SenderInfo,
} from '../../../src/room/index.js';
import { createBus } from './bus.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const participant: SenderInfo = { userId: 'p1', role: 'participant' };

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

describe('CallbackRoom', () => {
  it('sends JSON text through send() and delivers what receive() gets, with the given sender', () => {
    const send = vi.fn<(data: string) => void>();
    const room = new CallbackRoom({ send, self: host });
    room.publish({ v: 1, kind: 'room-ended' });
    expect(send).toHaveBeenCalledWith('{"v":1,"kind":"room-ended"}');

    const got: Array<[RoomMessage, SenderInfo]> = [];
    room.subscribe((m, s) => got.push([m, s]));
    room.receive('{"v":1,"kind":"snapshot-request"}', participant);
    expect(got).toEqual([[{ v: 1, kind: 'snapshot-request' }, participant]]);
  });

  it('relays a stop request from a moderator page to the recording page', () => {
    const bus = createBus();
    const recorder = bus.join(host);
    const moderatorPage = bus.join({ userId: 'm1', role: 'moderator' });
    const got: RoomMessage[] = [];
    recorder.subscribe((m) => got.push(m));
    moderatorPage.publish(stopRequestMessage('r1'));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ kind: 'stop-request', recordingId: 'r1' });
  });

  it("ignores a participant's stop request (as the integrator reports the sender) with one warning", () => {
    const room = new CallbackRoom({ send: () => undefined, self: host });
    const listener = vi.fn();
    room.subscribe(listener);
    // The data is well-formed: only the sender's role makes it unacceptable.
    room.receive(JSON.stringify(stopRequestMessage('r1')), participant);
    expect(listener).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("may not send 'stop-request'");
  });

  it('drops malformed data in receive() without throwing', () => {
    const room = new CallbackRoom({ send: () => undefined, self: host });
    const listener = vi.fn();
    room.subscribe(listener);
    expect(() => room.receive('not json', host)).not.toThrow();
    expect(() => room.receive(undefined as unknown as string, host)).not.toThrow();
    expect(listener).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('keeps delivering when one listener throws', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const room = new CallbackRoom({ send: () => undefined, self: host });
    const second = vi.fn();
    room.subscribe(() => {
      throw new Error('boom');
    });
    room.subscribe(second);
    expect(() => room.receive('{"v":1,"kind":"snapshot-request"}', host)).not.toThrow();
    expect(second).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledTimes(1);
    error.mockRestore();
  });

  it('stops delivering after unsubscribe and after close; publish after close only warns', () => {
    const send = vi.fn();
    const room = new CallbackRoom({ send, self: host });
    const listener = vi.fn();
    const off = room.subscribe(listener);
    off();
    room.receive('{"v":1,"kind":"snapshot-request"}', host);
    expect(listener).not.toHaveBeenCalled();
    room.subscribe(listener);
    room.close();
    room.receive('{"v":1,"kind":"snapshot-request"}', host);
    room.publish({ v: 1, kind: 'room-ended' });
    expect(listener).not.toHaveBeenCalled();
    expect(send).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('closed');
  });

  it('uses the current role when self is a function (a participant promoted to moderator)', () => {
    let self: SenderInfo = participant;
    const room = new CallbackRoom({ send: () => undefined, self: () => self });
    expect(() => room.publish(stopRequestMessage())).toThrow(/only a host or moderator/);
    self = { userId: 'p1', role: 'moderator' };
    expect(() => room.publish(stopRequestMessage())).not.toThrow();
  });

  it('rejects missing options with a specific error', () => {
    expect(() => new CallbackRoom({ self: host } as never)).toThrow(/options\.send/);
    expect(() => new CallbackRoom({ send: () => undefined } as never)).toThrow(/options\.self/);
  });
});
