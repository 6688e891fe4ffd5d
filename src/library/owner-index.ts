/**
 * The per-owner index ("My Media", B13): one small JSON object per recording under
 * `<prefix>/_owners/<ownerId>/`, written once the recording is stored. One object per
 * recording, not one shared list, so concurrent recordings of one owner never overwrite
 * each other's entries.
 */
import type { UploadTarget } from '../upload/types.js';
import { ownerIndexKey } from './folder-keys.js';
import { META } from './recording-metadata.js';
import type { LibraryEntry } from './types.js';

/** An index object's body: the entry, plus the recording id it is keyed by. */
export interface OwnerIndexRecord extends LibraryEntry {
  recordingId: string;
}

/** Writes (or replaces) the index object of a stored recording. */
export async function writeOwnerIndex(
  target: UploadTarget,
  prefix: string,
  record: OwnerIndexRecord,
): Promise<string> {
  const key = ownerIndexKey(prefix, record.ownerId, record.recordingId);
  const body = new TextEncoder().encode(JSON.stringify(record));
  await target.putObject(key, body, 'application/json', {
    [META.owner]: record.ownerId,
    [META.recordingId]: record.recordingId,
  });
  return key;
}

/** Parses an index object; null when it is not one (or not `ownerId`'s). */
export function parseOwnerIndex(bytes: Uint8Array, ownerId: string): OwnerIndexRecord | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<OwnerIndexRecord>;
    if (
      typeof value.key !== 'string' ||
      typeof value.recordingId !== 'string' ||
      value.ownerId !== ownerId
    ) {
      return null;
    }
    return {
      key: value.key,
      recordingId: value.recordingId,
      fileName: String(value.fileName ?? ''),
      title: String(value.title ?? ''),
      roomId: String(value.roomId ?? ''),
      ownerId,
      initiatorId: String(value.initiatorId ?? ''),
      startedAt: Number(value.startedAt) || 0,
      durationSec: Number(value.durationSec) || 0,
      bytes: Number(value.bytes) || 0,
    };
  } catch {
    return null;
  }
}
