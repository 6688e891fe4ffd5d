/**
 * Where the library's objects live. Recordings: `<prefix>/<roomId>/Recordings/<file>.mp4`
 * (built by session/naming.ts, whose sanitizing is reused here so listings find exactly what
 * was written). Per-owner index: `<prefix>/_owners/<ownerId>/<recordingId>.json`, one small
 * object per recording, so two recordings finishing at once never race on a shared file.
 */
import { RECORDINGS_FOLDER, objectKey } from '../session/naming.js';

const PROBE_ROOM = 'r';
const PROBE_FILE = 'f.mp4';

/** The sanitized prefix with a trailing `/`, or '' when there is none. */
export function prefixPath(prefix: string): string {
  const probe = objectKey(prefix, PROBE_ROOM, PROBE_FILE);
  return probe.slice(0, probe.length - `${PROBE_ROOM}/Recordings/${PROBE_FILE}`.length);
}

/** The room's Recordings folder, with a trailing `/`: the prefix to list. */
export function roomFolder(prefix: string, roomId: string): string {
  const probe = objectKey(prefix, roomId, PROBE_FILE);
  return probe.slice(0, probe.length - PROBE_FILE.length);
}

/** An id as one key segment: no `/`, and nothing a URL path would resolve. */
function idSegment(id: string): string {
  return encodeURIComponent(id).replace(/\./g, '%2E');
}

/** The folder of an owner's index objects, with a trailing `/`. */
export function ownerIndexFolder(prefix: string, ownerId: string): string {
  return `${prefixPath(prefix)}_owners/${idSegment(ownerId)}/`;
}

/** The index object of one recording of an owner. */
export function ownerIndexKey(prefix: string, ownerId: string, recordingId: string): string {
  return `${ownerIndexFolder(prefix, ownerId)}${idSegment(recordingId)}.json`;
}

/**
 * Where a recording's handoff objects live (X9): beside the room's Recordings folder, not in
 * it, so the library never lists them. Any page of the room finds them from the same prefix,
 * room id and recording id; the id is one segment whatever another page sent.
 */
export function handoffFolder(prefix: string, roomId: string, recordingId: string): string {
  const recordings = roomFolder(prefix, roomId);
  const room = recordings.slice(0, recordings.length - `${RECORDINGS_FOLDER}/`.length);
  return `${room}.recorder/${idSegment(recordingId)}/`;
}

/**
 * Where the pre-flight's 1-byte test write goes: beside the room's recordings, in a
 * `.recorder/` folder like the handoff objects (so the same lifecycle rule covers it); each
 * pre-flight replaces it.
 */
export function preflightProbeKey(prefix: string, roomId: string): string {
  return `${handoffFolder(prefix, roomId, 'preflight')}write-check`;
}

/** The file name of a key: its last segment. */
export function fileNameOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}
