import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTICE_TEXT,
  formatNotice,
  noticesFor,
  roomNotices,
  type SessionEvent,
  type Viewer,
} from '../../../src/session/index.js';

const initiator: Viewer = { id: 'h1', role: 'host' };
const moderator: Viewer = { id: 'm1', role: 'moderator' };
const participant: Viewer = { id: 'p1', role: 'participant' };
const ids = (event: SessionEvent, viewer: Viewer) => noticesFor(event, viewer).map((n) => n.id);

describe('notice wording', () => {
  it('B3, B7, B8: the English wording is the product wording', () => {
    expect(DEFAULT_NOTICE_TEXT['recording-starting']).toBe(
      'Recording will start momentarily, please wait.',
    );
    expect(DEFAULT_NOTICE_TEXT['recording-started']).toBe('This session is being recorded.');
    expect(DEFAULT_NOTICE_TEXT['recording-ended-uploading']).toBe(
      'Recording ended, starting upload',
    );
    expect(DEFAULT_NOTICE_TEXT['recording-completed']).toBe('The recording has completed.');
    expect(DEFAULT_NOTICE_TEXT['recording-available']).toBe('The recording is available.');
    expect(Object.isFrozen(DEFAULT_NOTICE_TEXT)).toBe(true);
  });

  it('fills placeholders, keeps a missing one visible, and takes a translation table', () => {
    expect(
      formatNotice({ id: 'recording-failed', audience: 'hosts', params: { reason: 'disk full' } }),
    ).toBe('The recording failed: disk full');
    expect(formatNotice({ id: 'recording-failed', audience: 'hosts' })).toBe(
      'The recording failed: {reason}',
    );
    const fr = { 'recording-started': 'Cette session est enregistrée.' };
    expect(formatNotice({ id: 'recording-started', audience: 'everyone' }, fr)).toBe(
      'Cette session est enregistrée.',
    );
    // Ids the table lacks fall back to English.
    expect(formatNotice({ id: 'recording-completed', audience: 'others' }, fr)).toBe(
      'The recording has completed.',
    );
    // Values are inserted as given, not parsed as placeholders again.
    expect(
      formatNotice(
        { id: 'recording-failed', audience: 'hosts', params: { reason: '{reason} <b>' } },
        { 'recording-failed': 'Échec : {reason}' },
      ),
    ).toBe('Échec : {reason} <b>');
  });
});

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

  it('roomNotices lists every notice of an event with its audience', () => {
    expect(
      roomNotices({ type: 'stopped', initiatorId: 'h1', cause: 'user', stoppedBy: 'h1' }),
    ).toEqual([
      { id: 'recording-ended-uploading', audience: 'initiator' },
      { id: 'recording-completed', audience: 'others' },
    ]);
    expect(
      roomNotices({ type: 'stopped', initiatorId: 'h1', cause: 'cap', stoppedBy: null }),
    ).toEqual([
      { id: 'recording-cap-reached', audience: 'everyone' },
      { id: 'recording-ended-uploading', audience: 'initiator' },
    ]);
    expect(roomNotices({ type: 'starting', initiatorId: 'h1' })).toEqual([
      { id: 'recording-starting', audience: 'everyone' },
    ]);
  });
});
