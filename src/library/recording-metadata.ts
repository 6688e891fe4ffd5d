/**
 * A recording's `x-amz-meta-*` fields (owner by B14, initiator, title, duration, size, start
 * time, room, recording id) and the way back to a `LibraryEntry`. Values are plain strings
 * here; the targets percent-encode them on the wire, so any title round-trips.
 */
import type { ObjectMetadata } from '../upload/types.js';
import type { LibraryEntry } from './types.js';
import { fileNameOf } from './folder-keys.js';

/** Metadata names, without the `x-amz-meta-` S3 adds. */
export const META = {
  owner: 'owner',
  initiator: 'initiator',
  title: 'title',
  duration: 'duration',
  size: 'size',
  startedAt: 'started-at',
  room: 'room',
  recordingId: 'recording-id',
} as const;

export interface RecordingFacts {
  recordingId: string;
  roomId: string;
  title: string;
  ownerId: string;
  initiatorId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Known once stopped; omitted at CreateMultipartUpload. */
  durationSec?: number;
  bytes?: number;
}

/** The metadata to store with a recording. */
export function recordingMetadata(facts: RecordingFacts): ObjectMetadata {
  const meta: ObjectMetadata = {
    [META.owner]: facts.ownerId,
    [META.initiator]: facts.initiatorId,
    [META.title]: facts.title,
    [META.startedAt]: new Date(facts.startedAt).toISOString(),
    [META.room]: facts.roomId,
    [META.recordingId]: facts.recordingId,
  };
  if (facts.durationSec !== undefined) meta[META.duration] = String(facts.durationSec);
  if (facts.bytes !== undefined) meta[META.size] = String(facts.bytes);
  return meta;
}

/**
 * The entry for a stored object, from its key, size and (decoded) metadata; null when the
 * object carries no recording metadata (not one of ours).
 */
export function entryFromObject(
  key: string,
  size: number,
  metadata: ObjectMetadata,
): LibraryEntry | null {
  const ownerId = metadata[META.owner];
  const recordingId = metadata[META.recordingId];
  if (ownerId === undefined || recordingId === undefined) return null;
  const startedAt = Date.parse(metadata[META.startedAt] ?? '');
  const duration = Number(metadata[META.duration]);
  return {
    key,
    fileName: fileNameOf(key),
    title: metadata[META.title] ?? '',
    roomId: metadata[META.room] ?? '',
    ownerId,
    initiatorId: metadata[META.initiator] ?? '',
    startedAt: Number.isFinite(startedAt) ? startedAt : 0,
    durationSec: Number.isFinite(duration) ? duration : 0,
    bytes: size,
  };
}

/** The recording id in an object's metadata. */
export function recordingIdOf(metadata: ObjectMetadata): string | undefined {
  return metadata[META.recordingId];
}
