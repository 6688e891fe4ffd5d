import { describe, expect, it } from 'vitest';
import {
  SessionMachine,
  recordOffer,
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
