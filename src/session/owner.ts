/** Who owns a recording (B14): the rule, with its inputs validated. */
import { describeValue, parseRoomType, parseUserId } from './parse.js';
import type { RoomType } from './types.js';

/** What decides a recording's owner. Ids absent or empty count as unknown. */
export interface OwnerInput {
  /** The room type; checked with `parseRoomType`, so a string from outside is fine. */
  roomType: RoomType | string;
  channelOwnerId?: string | null;
  galleryOwnerId?: string | null;
  mediaOwnerId?: string | null;
  /** Whoever started the recording. */
  initiatorId: string;
}

function optionalId(field: string, value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new TypeError(
      `Invalid ${field} ${describeValue(value)}: expected a user id string or nothing.`,
    );
  }
  return value;
}

/**
 * The user id that owns a recording (B14):
 * - channel room: the channel owner (required: a channel always has one);
 * - media-gallery room: the gallery owner, else whoever started the recording;
 * - single room: the media owner, else whoever started the recording (a single room without
 *   a known media owner is treated as the initiator's own).
 *
 * @throws TypeError for an unknown room type, a missing initiator, a channel room without a
 *   channel owner, or an id that is not a string.
 */
export function recordingOwner(input: OwnerInput): string {
  const roomType = parseRoomType(input.roomType);
  const initiatorId = parseUserId(input.initiatorId, 'initiator id');
  switch (roomType) {
    case 'channel': {
      const owner = optionalId('channel owner id', input.channelOwnerId);
      if (owner === null) {
        throw new TypeError(
          'A channel room needs channelOwnerId: the channel owner owns its recordings (B14).',
        );
      }
      return owner;
    }
    case 'media-gallery':
      return optionalId('gallery owner id', input.galleryOwnerId) ?? initiatorId;
    case 'single':
      return optionalId('media owner id', input.mediaOwnerId) ?? initiatorId;
  }
}
