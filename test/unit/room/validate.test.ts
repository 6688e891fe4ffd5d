import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import {
  DROP_WARNING_PREFIX,
  MAX_MESSAGE_BYTES,
  decodeBare,
  decodeEnvelope,
  encodeOutgoing,
  validateRoomMessage,
  type RoomMessage,
  type SenderInfo,
} from '../../../src/room/index.js';

const host: SenderInfo = { userId: 'h1', role: 'host' };
const moderator: SenderInfo = { userId: 'm1', role: 'moderator' };
const participant: SenderInfo = { userId: 'p1', role: 'participant' };

const state = {
  v: 1,
  kind: 'state',
  source: 'page-1',
  seq: 1,
  sentAt: 1_000,
  snapshot: {
    phase: 'recording',
    recordingId: 'r1',
    startedAt: 900,
    elapsedMs: 0,
    initiatorId: 'h1',
    hostAwayRemainingMs: null,
  },
  title: 'Class',
} as const;

let warn: MockInstance<typeof console.warn>;
beforeEach(() => {
  warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => {
  warn.mockRestore();
});

/** The single warning that must have been printed, as one string. */
function onlyWarning(): string {
  expect(warn).toHaveBeenCalledTimes(1);
  return String(warn.mock.calls[0]?.[0]);
}

describe('room message validation (bad input is dropped with one warning, never thrown)', () => {
  it('accepts a well-formed state and returns a copy without unknown fields', () => {
    const r = decodeBare(JSON.stringify({ ...state, extra: 'x' }), host);
    expect(r?.message).toEqual(state);
    expect(r?.message).not.toHaveProperty('extra');
    expect(r?.sender).toEqual(host);
    expect(warn).not.toHaveBeenCalled();
  });

  it('drops malformed JSON with one warning naming it', () => {
    expect(decodeBare('{"v":1,"kind":', host)).toBeNull();
    const w = onlyWarning();
    expect(w).toContain(DROP_WARNING_PREFIX);
    expect(w).toContain('malformed JSON');
  });

  it('drops data that is not text (a Blob or object from a transport)', () => {
    expect(decodeEnvelope({ from: host, message: state })).toBeNull();
    expect(onlyWarning()).toContain('expected JSON text, got object');
  });

  it('drops an unknown protocol version with one warning', () => {
    expect(decodeBare(JSON.stringify({ ...state, v: 2 }), host)).toBeNull();
    expect(onlyWarning()).toContain('unsupported protocol version 2');
  });

  it('drops a message without a version', () => {
    const { v: _v, ...noVersion } = state;
    expect(decodeBare(JSON.stringify(noVersion), host)).toBeNull();
    expect(onlyWarning()).toContain('unsupported protocol version nothing');
  });

  it('drops an unknown kind with one warning', () => {
    expect(decodeBare(JSON.stringify({ v: 1, kind: 'launch-rockets' }), host)).toBeNull();
    expect(onlyWarning()).toContain('unknown message kind "launch-rockets"');
  });

  it('drops an oversize (17 kB) message before parsing it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const big = JSON.stringify({ ...state, title: 'x'.repeat(17 * 1024) });
    expect(big.length).toBeGreaterThan(MAX_MESSAGE_BYTES);
    expect(decodeBare(big, host)).toBeNull();
    expect(parse).not.toHaveBeenCalled();
    parse.mockRestore();
    expect(onlyWarning()).toMatch(/oversize: \d+ bytes, over the limit of 16384/);
  });

  it('counts UTF-8 bytes, not characters: 6,000 three-byte characters are oversize', () => {
    const data = JSON.stringify({ v: 1, kind: 'snapshot-request', pad: '€'.repeat(6000) });
    expect(data.length).toBeLessThan(MAX_MESSAGE_BYTES);
    expect(decodeBare(data, host)).toBeNull();
    expect(onlyWarning()).toContain('oversize');
  });

  it("drops a participant's stop-request with one warning", () => {
    const msg = { v: 1, kind: 'stop-request', requestId: 'q1', recordingId: 'r1' };
    expect(decodeBare(JSON.stringify(msg), participant)).toBeNull();
    expect(onlyWarning()).toContain("may not send 'stop-request'");
  });

  it("drops a participant's state claiming a recording started, and its room-ended", () => {
    expect(decodeBare(JSON.stringify(state), participant)).toBeNull();
    expect(decodeBare(JSON.stringify({ v: 1, kind: 'room-ended' }), participant)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('honours the same stop-request from a host or a moderator', () => {
    const msg = { v: 1, kind: 'stop-request', requestId: 'q1', recordingId: 'r1' };
    expect(decodeBare(JSON.stringify(msg), host)?.message.kind).toBe('stop-request');
    expect(decodeBare(JSON.stringify(msg), moderator)?.message.kind).toBe('stop-request');
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads the successor and checkpoint a leaving page names, and a leaving without them', () => {
    const leaving = { v: 1, kind: 'leaving', recordingId: 'r1', page: 'p-1' };
    expect(decodeBare(JSON.stringify({ ...leaving, next: 'p-2' }), host)?.message).toEqual({
      ...leaving,
      next: 'p-2',
    });
    expect(decodeBare(JSON.stringify(leaving), host)?.message).toEqual(leaving);
    expect(warn).not.toHaveBeenCalled();
    const named = { ...leaving, next: 'p-2', checkpoint: 12 };
    expect(decodeBare(JSON.stringify(named), host)?.message).toEqual(named);
    expect(warn).not.toHaveBeenCalled();
    expect(decodeBare(JSON.stringify({ ...leaving, next: 7 }), host)).toBeNull();
    expect(decodeBare(JSON.stringify({ ...leaving, checkpoint: 1.5 }), host)).toBeNull();
    expect(decodeBare(JSON.stringify({ ...leaving, checkpoint: -1 }), host)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(3);
  });

  it('lets a participant ask for the snapshot and announce itself', () => {
    expect(decodeBare('{"v":1,"kind":"snapshot-request"}', participant)).not.toBeNull();
    const presence = {
      v: 1,
      kind: 'presence',
      userId: 'p1',
      role: 'participant',
      status: 'joined',
    };
    expect(decodeBare(JSON.stringify(presence), participant)).not.toBeNull();
    expect(warn).not.toHaveBeenCalled();
  });

  it('drops presence that speaks for someone else (a participant posing as a host)', () => {
    const presence = { v: 1, kind: 'presence', userId: 'h1', role: 'host', status: 'joined' };
    expect(decodeBare(JSON.stringify(presence), participant)).toBeNull();
    expect(onlyWarning()).toContain('a page may only announce itself');
  });

  it('drops a message whose sender has an unknown role', () => {
    expect(
      decodeBare('{"v":1,"kind":"snapshot-request"}', { userId: 'x', role: 'admin' }),
    ).toBeNull();
    expect(onlyWarning()).toContain(
      'sender.role must be one of host, moderator, participant, got "admin"',
    );
  });

  it('drops an envelope without a sender', () => {
    expect(decodeEnvelope(JSON.stringify({ message: state }))).toBeNull();
    expect(onlyWarning()).toContain("envelope lacks 'from'");
  });

  it('drops a string over its cap (a 2,000-character title)', () => {
    const r = decodeBare(JSON.stringify({ ...state, title: 't'.repeat(2000) }), host);
    expect(r).toBeNull();
    expect(onlyWarning()).toContain('state.title is 2000 characters long, over the cap of 1024');
  });

  it('drops a state with a wrong phase, a negative duration or a fractional seq', () => {
    const bad = [
      { ...state, snapshot: { ...state.snapshot, phase: 'paused' } },
      { ...state, snapshot: { ...state.snapshot, elapsedMs: -1 } },
      { ...state, seq: 1.5 },
      { ...state, snapshot: null },
    ];
    for (const m of bad) expect(decodeBare(JSON.stringify(m), host)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(4);
    expect(String(warn.mock.calls[0]?.[0])).toContain(
      'state.snapshot: Unknown recording phase "paused"',
    );
    expect(String(warn.mock.calls[1]?.[0])).toContain(
      'state.snapshot: Invalid snapshot elapsedMs number -1',
    );
    expect(String(warn.mock.calls[2]?.[0])).toContain('state.seq must be an integer');
    expect(String(warn.mock.calls[3]?.[0])).toContain('state.snapshot must be an object');
  });

  it('drops a kind this version no longer speaks (notice, start-request) with one warning each', () => {
    expect(decodeBare('{"v":1,"kind":"notice"}', host)).toBeNull();
    expect(
      decodeBare('{"v":1,"kind":"start-request","requestId":"q","target":null}', host),
    ).toBeNull();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[0]?.[0])).toContain('unknown message kind "notice"');
  });

  it('never throws, whatever arrives', () => {
    const junk: unknown[] = [
      'null',
      '[]',
      '42',
      '"x"',
      '{"v":1}',
      '{"v":1,"kind":"state"}',
      '',
      '\u0000',
    ];
    for (const j of junk) expect(() => decodeEnvelope(j)).not.toThrow();
    expect(warn).toHaveBeenCalledTimes(junk.length);
  });
});

describe('encodeOutgoing (this page publishing: mistakes throw clearly)', () => {
  it('wraps the message in an envelope with the sender', () => {
    const text = encodeOutgoing(state as RoomMessage, host, { origin: 'o1' });
    expect(JSON.parse(text)).toEqual({ from: host, message: state, origin: 'o1' });
  });

  it('refuses a malformed message with a TypeError naming the field', () => {
    const bad = {
      ...state,
      snapshot: { ...state.snapshot, phase: 'paused' },
    } as unknown as RoomMessage;
    expect(() => encodeOutgoing(bad, host, null)).toThrow(TypeError);
    expect(() => encodeOutgoing(bad, host, null)).toThrow(
      /state\.snapshot: Unknown recording phase/,
    );
  });

  it('refuses a stop-request from a participant page', () => {
    const msg: RoomMessage = { v: 1, kind: 'stop-request', requestId: 'q', recordingId: null };
    expect(() => encodeOutgoing(msg, participant, null)).toThrow(/only a host or moderator may/);
  });

  it('refuses a message over 16 kB with a RangeError', () => {
    const msg: RoomMessage = {
      ...state,
      // Under every cap, but over 16 kB once JSON escapes each character into six.
      snapshot: { ...state.snapshot, phase: 'failed', failure: '\u0001'.repeat(4000) },
    };
    expect(() => encodeOutgoing(msg, host, null)).toThrow(RangeError);
  });

  it('accepts what validateRoomMessage accepts', () => {
    expect(validateRoomMessage(state).ok).toBe(true);
  });
});

describe('state snapshots carry why a recording stopped', () => {
  it('keeps stopCause, stoppedBy and failure so other pages show the right notice (B9, B11, B15)', () => {
    const stopped = {
      ...state,
      snapshot: { ...state.snapshot, phase: 'stopping', stopCause: 'cap', stoppedBy: null },
    };
    const decoded = decodeBare(JSON.stringify(stopped), host)?.message;
    expect(decoded?.kind).toBe('state');
    if (decoded?.kind !== 'state') return;
    expect(decoded.snapshot.stopCause).toBe('cap');
    const failed = {
      ...state,
      snapshot: { ...state.snapshot, phase: 'failed', failure: 'disk full' },
    };
    const f = decodeBare(JSON.stringify(failed), host)?.message;
    expect(f?.kind === 'state' && f.snapshot.failure).toBe('disk full');
  });

  it('drops a state with an unknown stop cause, with one warning', () => {
    const bad = { ...state, snapshot: { ...state.snapshot, stopCause: 'boredom' } };
    expect(decodeBare(JSON.stringify(bad), host)).toBeNull();
    expect(warn).toHaveBeenCalledTimes(1);
  });
});
