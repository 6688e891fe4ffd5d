import { describe, expect, it } from 'vitest';
import {
  SessionMachine,
  chooseSuccessor,
  type RecorderCandidate,
} from '../../../src/session/index.js';
import { ManualClock } from '../../support/manual-clock.js';

const c = (userId: string, role: RecorderCandidate['role'], page = 'p', canRecord = true) => ({
  userId,
  role,
  page,
  canRecord,
});

describe('chooseSuccessor (X9)', () => {
  it('picks a host or moderator able to record, the same one on every page', () => {
    const pages = [
      c('zoe', 'participant'),
      c('mia', 'moderator', 'b'),
      c('mia', 'moderator', 'a'),
      c('bob', 'host', 'x', false),
      c('ann', 'moderator'),
    ];
    expect(chooseSuccessor(pages)).toEqual(c('ann', 'moderator'));
    // Any order of the same facts gives the same answer.
    expect(chooseSuccessor([...pages].reverse())).toEqual(c('ann', 'moderator'));
    expect(chooseSuccessor(pages.filter((p) => p.userId !== 'ann'))).toEqual(
      c('mia', 'moderator', 'a'),
    );
  });

  it('a participant only when the integrator allows it, and none when nobody can record', () => {
    const pages = [c('zoe', 'participant'), c('bob', 'host', 'x', false)];
    expect(chooseSuccessor(pages)).toBeNull();
    expect(chooseSuccessor(pages, { allowParticipants: true })).toEqual(c('zoe', 'participant'));
    expect(chooseSuccessor([])).toBeNull();
  });
});

describe('SessionMachine.takeOver', () => {
  it('continues the mirrored recording with its id, start and elapsed time, and runs the cap', () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 26, 14, 3, 0));
    const host = new SessionMachine({ user: { id: 'h1', role: 'host', mobile: false }, clock });
    const mod = new SessionMachine({ user: { id: 'm1', role: 'moderator', mobile: false }, clock });
    host.requestStart();
    host.confirmStart();
    host.markRecording(clock.epochMs(), 'rec-1');
    clock.advance(10 * 60_000);
    mod.applyRemote(host.snapshot());
    expect(mod.takeOver('rec-2')).toEqual({ ok: false, reason: 'not-recording' });
    expect(mod.takeOver('rec-1')).toEqual({ ok: true });
    expect(mod.state).toMatchObject({
      phase: 'recording',
      recordsHere: true,
      recordingId: 'rec-1',
      initiatorId: 'm1',
    });
    expect(mod.snapshot().elapsedMs).toBe(10 * 60_000);
    expect(mod.takeOver('rec-1')).toEqual({ ok: false, reason: 'already-recording' });
    // The 24-hour cap counts from the original start.
    clock.advance(24 * 3_600_000 - 10 * 60_000 - 1);
    expect(mod.state.phase).toBe('recording');
    clock.advance(1);
    expect(mod.state).toMatchObject({ phase: 'stopping', stopCause: 'cap' });
  });
});
