import { describe, expect, it } from 'vitest';
import {
  parseLocalUser,
  parseRole,
  parseRoomType,
  parseSnapshot,
  recordingOwner,
} from '../../../src/session/index.js';

describe('owner', () => {
  it('B14: a channel room recording belongs to the channel owner', () => {
    expect(
      recordingOwner({ roomType: 'channel', channelOwnerId: 'owner-c', initiatorId: 'host-1' }),
    ).toBe('owner-c');
  });

  it('B14: a media-gallery recording belongs to the gallery owner, else the initiator', () => {
    expect(
      recordingOwner({ roomType: 'media-gallery', galleryOwnerId: 'owner-g', initiatorId: 'h' }),
    ).toBe('owner-g');
    expect(recordingOwner({ roomType: 'media-gallery', initiatorId: 'host-1' })).toBe('host-1');
    expect(
      recordingOwner({ roomType: 'media-gallery', galleryOwnerId: '', initiatorId: 'host-1' }),
    ).toBe('host-1');
  });

  it('B14: a single room recording belongs to the media owner, else the initiator', () => {
    expect(
      recordingOwner({ roomType: 'single', mediaOwnerId: 'owner-m', initiatorId: 'host-1' }),
    ).toBe('owner-m');
    expect(recordingOwner({ roomType: 'single', mediaOwnerId: null, initiatorId: 'host-1' })).toBe(
      'host-1',
    );
  });

  it('B14: other owners do not count for the room type', () => {
    expect(
      recordingOwner({
        roomType: 'single',
        channelOwnerId: 'owner-c',
        galleryOwnerId: 'owner-g',
        initiatorId: 'host-1',
      }),
    ).toBe('host-1');
  });

  it('B14: bad input is a clear TypeError', () => {
    expect(() => recordingOwner({ roomType: 'webinar', initiatorId: 'h' })).toThrow(
      new TypeError(
        'Unknown room type "webinar": expected one of "channel", "media-gallery", "single".',
      ),
    );
    expect(() => recordingOwner({ roomType: 'channel', initiatorId: 'h' })).toThrow(
      'A channel room needs channelOwnerId: the channel owner owns its recordings (B14).',
    );
    expect(() => recordingOwner({ roomType: 'single', initiatorId: '' })).toThrow(
      'Invalid initiator id "": expected a non-empty string.',
    );
    expect(() =>
      recordingOwner({
        roomType: 'single',
        mediaOwnerId: 7 as unknown as string,
        initiatorId: 'h',
      }),
    ).toThrow('Invalid media owner id number 7: expected a user id string or nothing.');
  });
});

describe('parsing values from outside', () => {
  it('accepts the known roles and room types', () => {
    expect(parseRole('host')).toBe('host');
    expect(parseRole('moderator')).toBe('moderator');
    expect(parseRole('participant')).toBe('participant');
    expect(parseRoomType('media-gallery')).toBe('media-gallery');
  });

  it('an unknown role names the value and the allowed ones', () => {
    expect(() => parseRole('admin')).toThrow(
      new TypeError('Unknown role "admin": expected one of "host", "moderator", "participant".'),
    );
    expect(() => parseRole('Host')).toThrow('Unknown role "Host"');
    expect(() => parseRole(undefined)).toThrow('Unknown role undefined: expected one of');
    expect(() => parseRole(3)).toThrow('Unknown role number 3: expected one of');
    expect(() => parseRole({ role: 'host' })).toThrow('Unknown role a object: expected one of');
    expect(() => parseRole('x'.repeat(500))).toThrow(/^Unknown role "x{60}\.\.\."/);
  });

  it('a local user needs an id, a role and a mobile flag', () => {
    expect(parseLocalUser({ id: 'u', role: 'moderator', mobile: true })).toEqual({
      id: 'u',
      role: 'moderator',
      mobile: true,
    });
    expect(() => parseLocalUser({ id: 'u', role: 'host' })).toThrow(
      'Invalid local user mobile flag undefined: expected true or false.',
    );
    expect(() => parseLocalUser(null)).toThrow('Invalid local user null');
  });

  it('a snapshot from the room is checked field by field', () => {
    const good = {
      phase: 'recording',
      recordingId: 'r1',
      startedAt: 1,
      elapsedMs: 0,
      initiatorId: 'h1',
      hostAwayRemainingMs: null,
      stopCause: null,
    };
    expect(parseSnapshot(good)).toEqual(good);
    expect(() => parseSnapshot({ ...good, startedAt: '1' })).toThrow(
      'Invalid snapshot startedAt "1": expected epoch milliseconds or null.',
    );
    expect(() => parseSnapshot({ ...good, phase: 'confirming-stop' })).toThrow(
      'Invalid snapshot phase "confirming-stop": confirm steps are local to a page and never shared.',
    );
    expect(() => parseSnapshot({ ...good, stopCause: 'boredom' })).toThrow(
      'Unknown stop cause "boredom"',
    );
    expect(() => parseSnapshot([])).toThrow('Invalid session snapshot an array');
  });
});
