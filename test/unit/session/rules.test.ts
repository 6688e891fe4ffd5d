import { describe, expect, it } from 'vitest';
import {
  HOST_AWAY_TIMEOUT_MS,
  RECORDING_CAP_MS,
  SessionMachine,
  hostAwayTimeoutMs,
  recordOffer,
  recordingCapMs,
  seesElapsed,
  stopOffer,
  type LocalUser,
} from '../../../src/session/index.js';

const offers = (user: LocalUser) => {
  const m = new SessionMachine({ user });
  return { record: recordOffer(m.canStart()), stop: stopOffer(m.canStop()) };
};

describe('what the controls offer (B1, B5, X4)', () => {
  it('B1: Record is ready for a host and a moderator, and not shown to a participant or on a phone', () => {
    expect(offers({ id: 'h', role: 'host', mobile: false }).record).toEqual({ state: 'ready' });
    expect(offers({ id: 'm', role: 'moderator', mobile: false }).record).toEqual({
      state: 'ready',
    });
    expect(offers({ id: 'p', role: 'participant', mobile: false }).record).toEqual({
      state: 'hidden',
    });
    expect(offers({ id: 'h', role: 'host', mobile: true }).record).toEqual({ state: 'hidden' });
  });

  it('Stop recording is not shown while nothing records; a busy stop is shown off', () => {
    expect(offers({ id: 'h', role: 'host', mobile: false }).stop).toEqual({ state: 'hidden' });
    expect(stopOffer({ ok: false, reason: 'busy' })).toEqual({ state: 'off', reason: 'busy' });
  });

  it('X4: a device that cannot record shows Record off with the reason, not hidden', () => {
    expect(recordOffer({ ok: false, reason: 'preflight-failed' })).toEqual({
      state: 'off',
      reason: 'preflight-failed',
    });
    expect(recordOffer({ ok: false, reason: 'locked-elsewhere' })).toEqual({
      state: 'off',
      reason: 'locked-elsewhere',
    });
    expect(recordOffer({ ok: false, reason: 'already-recording' })).toEqual({ state: 'hidden' });
  });

  it('B5: hosts and moderators see the counter, on a phone too; participants do not', () => {
    expect(seesElapsed('host')).toBe(true);
    expect(seesElapsed('moderator')).toBe(true);
    expect(seesElapsed('participant')).toBe(false);
  });
});

describe('the time limits an integrator may set (B9, B11)', () => {
  it('defaults to the product limits, and takes any shorter one', () => {
    expect(recordingCapMs(undefined)).toBe(RECORDING_CAP_MS);
    expect(recordingCapMs(RECORDING_CAP_MS)).toBe(24 * 3_600_000);
    expect(recordingCapMs(2 * 3_600_000)).toBe(7_200_000);
    expect(recordingCapMs(0.5)).toBe(0.5);
    expect(hostAwayTimeoutMs(undefined)).toBe(HOST_AWAY_TIMEOUT_MS);
    expect(hostAwayTimeoutMs(HOST_AWAY_TIMEOUT_MS)).toBe(15 * 60_000);
    expect(hostAwayTimeoutMs(20_000)).toBe(20_000);
  });

  it('B11: refuses a cap above 24 hours, saying what the product allows and what to pass', () => {
    expect(() => recordingCapMs(RECORDING_CAP_MS + 1)).toThrow(TypeError);
    expect(() => recordingCapMs(48 * 3_600_000)).toThrow(
      'maxRecordingMs 172800000 (48 hours) is longer than the product allows: one recording lasts at most 24 hours (B11). Pass 86400000 (24 hours) or less, or leave it out.',
    );
  });

  it('B9: refuses a host-away time above 15 minutes, the same way', () => {
    expect(() => hostAwayTimeoutMs(20 * 60_000)).toThrow(
      'hostAwayTimeoutMs 1200000 (20 minutes) is longer than the product allows: a recording stops at most 15 minutes after the last host or moderator left (B9). Pass 900000 (15 minutes) or less, or leave it out.',
    );
  });

  it('refuses what is not a number of milliseconds above 0, naming the value and the range', () => {
    const bad: unknown[] = [0, -1, NaN, Infinity, '20000', null, {}, true];
    for (const value of bad) {
      expect(() => recordingCapMs(value)).toThrow(
        /^Invalid maxRecordingMs .+: expected milliseconds above 0 and at most 86400000 \(24 hours\); leave it out for 24 hours\.$/,
      );
      expect(() => hostAwayTimeoutMs(value, 'host-away-timeout-ms')).toThrow(
        /^Invalid host-away-timeout-ms .+: expected milliseconds above 0 and at most 900000 \(15 minutes\); leave it out for 15 minutes\.$/,
      );
    }
    expect(() => recordingCapMs('20000')).toThrow('Invalid maxRecordingMs "20000"');
    expect(() => recordingCapMs(NaN)).toThrow('Invalid maxRecordingMs number NaN');
  });
});
