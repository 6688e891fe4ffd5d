import { describe, expect, it } from 'vitest';
import { noticesFor, type SessionEvent, type Viewer } from '../../../src/session/index.js';

const initiator: Viewer = { id: 'h1', role: 'host' };
const moderator: Viewer = { id: 'm1', role: 'moderator' };
const participant: Viewer = { id: 'p1', role: 'participant' };
const ids = (event: SessionEvent, viewer: Viewer) => noticesFor(event, viewer).map((n) => n.id);

describe('who sees what', () => {
  it('B3: everyone sees the starting and started notices', () => {
    for (const viewer of [initiator, moderator, participant]) {
      expect(ids({ type: 'starting', initiatorId: 'h1' }, viewer)).toEqual(['recording-starting']);
      expect(
        ids({ type: 'started', initiatorId: 'h1', recordingId: 'r', startedAt: 0 }, viewer),
      ).toEqual(['recording-started']);
    }
  });

  it('B7: the stopping host sees the upload notice, everyone else "has completed"', () => {
    const byInitiator: SessionEvent = {
      type: 'stopped',
      initiatorId: 'h1',
      cause: 'user',
      stoppedBy: 'h1',
    };
    expect(ids(byInitiator, initiator)).toEqual(['recording-ended-uploading']);
    expect(ids(byInitiator, moderator)).toEqual(['recording-completed']);
    expect(ids(byInitiator, participant)).toEqual(['recording-completed']);
    const byModerator: SessionEvent = { ...byInitiator, stoppedBy: 'm1' };
    expect(ids(byModerator, moderator)).toEqual(['recording-ended-uploading']);
    expect(ids(byModerator, initiator)).toEqual(['recording-ended-uploading']);
    expect(ids(byModerator, participant)).toEqual(['recording-completed']);
  });

  it('B8: only the initiator is told the recording is available', () => {
    const event: SessionEvent = { type: 'available', initiatorId: 'h1', url: 'https://x/y.mp4' };
    expect(noticesFor(event, initiator)).toEqual([
      { id: 'recording-available', audience: 'initiator', params: { url: 'https://x/y.mp4' } },
    ]);
    expect(noticesFor(event, moderator)).toEqual([]);
    expect(noticesFor(event, participant)).toEqual([]);
  });

  it('B9, B11, B15: an automatic stop tells everyone why, then the initiator of the upload', () => {
    const cases = [
      ['host-away', 'recording-host-away-stopped'],
      ['cap', 'recording-cap-reached'],
      ['room-ended', 'recording-room-ended'],
    ] as const;
    for (const [cause, id] of cases) {
      const event: SessionEvent = { type: 'stopped', initiatorId: 'h1', cause, stoppedBy: null };
      expect(ids(event, initiator)).toEqual([id, 'recording-ended-uploading']);
      expect(ids(event, participant)).toEqual([id]);
      expect(ids(event, moderator)).toEqual([id]);
    }
  });

  it('a fault stop carries its cause to the initiator; a failure reaches hosts only', () => {
    const fault: SessionEvent = {
      type: 'stopped',
      initiatorId: 'h1',
      cause: 'storage-full',
      stoppedBy: null,
    };
    expect(noticesFor(fault, initiator)).toEqual([
      { id: 'recording-ended-uploading', audience: 'initiator', params: { cause: 'storage-full' } },
    ]);
    expect(ids(fault, participant)).toEqual(['recording-completed']);
    const failed: SessionEvent = { type: 'failed', initiatorId: 'h1', reason: 'encoder error' };
    expect(ids(failed, initiator)).toEqual(['recording-failed']);
    expect(ids(failed, moderator)).toEqual(['recording-failed']);
    expect(ids(failed, participant)).toEqual([]);
  });

  it('B9, B11: the notices name the limits the room was configured with', () => {
    const cap: SessionEvent = { type: 'stopped', initiatorId: 'h1', cause: 'cap', stoppedBy: null };
    const away: SessionEvent = { ...cap, cause: 'host-away' };
    expect(noticesFor(cap, participant)).toEqual([
      {
        id: 'recording-cap-reached',
        audience: 'everyone',
        params: { limitMs: '86400000', hours: '24' },
      },
    ]);
    expect(noticesFor(away, participant)[0]?.params).toEqual({ limitMs: '900000', minutes: '15' });
    const limits = { recordingCapMs: 2 * 3_600_000, hostAwayTimeoutMs: 90_000 };
    expect(noticesFor(cap, participant, limits)[0]?.params).toEqual({
      limitMs: '7200000',
      hours: '2',
    });
    expect(noticesFor(away, participant, limits)[0]?.params).toEqual({
      limitMs: '90000',
      minutes: '1.5',
    });
  });

  it("B9, B11: the limit that ran out on the recording page wins over this page's own", () => {
    const cap: SessionEvent = {
      type: 'stopped',
      initiatorId: 'h1',
      cause: 'cap',
      stoppedBy: null,
      limitMs: 20_000,
    };
    // This page was configured with the defaults; the recording page with a 20-s cap.
    expect(noticesFor(cap, participant)[0]?.params).toMatchObject({ limitMs: '20000' });
    expect(noticesFor(cap, initiator).map((n) => n.id)).toEqual([
      'recording-cap-reached',
      'recording-ended-uploading',
    ]);
    const away: SessionEvent = { ...cap, cause: 'host-away', limitMs: 45_000 };
    expect(noticesFor(away, moderator)[0]?.params).toMatchObject({ limitMs: '45000' });
  });
});
