/**
 * A recording's meta as the journal keeps it, and back: one mapping for starting, taking over
 * (X9) and recovering (X1) a recording.
 */
import type { NewRecording, RecordingRecord } from '../journal/types.js';
import type { RecordingMeta } from './engine.js';

/** The journal's fields for `meta` (the journal keys a recording by `id`). */
export function journalFields(meta: RecordingMeta): Omit<NewRecording, 'partPlan'> {
  // Field by field: a meta read from storage (a handoff context) may carry anything more.
  return {
    id: meta.recordingId,
    roomId: meta.roomId,
    roomType: meta.roomType,
    title: meta.title,
    fileName: meta.fileName,
    objectKey: meta.objectKey,
    ownerId: meta.ownerId,
    initiatorId: meta.initiatorId,
    startedAt: meta.startedAt,
  };
}

/** The meta of a journaled recording. */
export function metaOfRecord(record: RecordingRecord): RecordingMeta {
  return {
    recordingId: record.id,
    roomId: record.roomId,
    roomType: record.roomType,
    title: record.title,
    ownerId: record.ownerId,
    initiatorId: record.initiatorId,
    startedAt: record.startedAt,
    objectKey: record.objectKey,
    fileName: record.fileName,
  };
}
