/**
 * X9, on a device that comes back: another page continued its recording (from what storage
 * held when this one went), so the last seconds this device journaled but never got into
 * storage are not in the file, and cannot be: the file went on past them. They are kept as
 * a recording of their own, named as a part of the first (`… (part from 0h12m07s).mp4`),
 * beside it in the Recordings folder, with its owner: never dropped without a word.
 */
import { planRecovery } from '../journal/index.js';
import type { Journal, JournalFragment, RecordingRecord } from '../journal/types.js';
import { recordingMetadata } from '../library/recording-metadata.js';
import { rewriteHeader } from '../media/mp4/header-rewrite.js';
import { shiftFragmentsEarlier } from '../media/mp4/retime.js';
import { readTracks } from '../media/mp4/tracks.js';
import { partFileName } from '../session/naming.js';
import type { MultipartUpload } from '../upload/multipart-upload.js';
import type { StoredRecording } from './engine.js';
import { readFragmentIndex, type HandoffContext, type HandoffKeys } from './handoff-context.js';
import { journalFields, metaOfRecord } from './journal-meta.js';
import type { Storage } from './remote-storage.js';
import { storeRecording } from './store-recording.js';

export interface UnsavedPartDeps {
  journal: Journal;
  storage: Storage;
  uploader: (recordingId: string) => MultipartUpload;
}

/**
 * Stores the fragments of `record` that the file lacks as a part, and returns it; null when
 * the file has every fragment this device journaled.
 *
 * @param inFile - The end offsets (in the original stream) of the fragments the file holds,
 *   from the handoff context of the page that continued it or from the stored file's index.
 */
export async function keepUnsavedPart(
  record: RecordingRecord,
  inFile: readonly number[],
  deps: UnsavedPartDeps,
): Promise<StoredRecording | null> {
  const plan = await planRecovery(deps.journal, record.id);
  const ends = new Set(inFile);
  // The file and this device share the stream up to where the other page went on from.
  const shared = plan.fragments.findIndex((f) => !ends.has(f.offset + f.size));
  if (shared < 0) return null;
  const unsaved = plan.fragments.slice(shared);
  const first = unsaved[0]!;
  const last = unsaved.at(-1)!;
  const bytes = (await deps.journal.read(record.id, first.offset, last.offset + last.size)).slice();
  // The part starts at 0; its name says where in the recording it was.
  shiftFragmentsEarlier(bytes, readTracks(plan.header), first.startUs);
  const fragments: JournalFragment[] = unsaved.map((f, index) => ({
    ...f,
    index,
    offset: f.offset - first.offset + record.headerBytes,
    startUs: f.startUs - first.startUs,
    ...(f.audioEndUs !== undefined ? { audioEndUs: f.audioEndUs - first.startUs } : {}),
  }));
  const durationUs = fragments.reduce((n, f) => n + f.durationUs, 0);
  const streamBytes = record.headerBytes + bytes.byteLength;
  const fromMs = first.startUs / 1000;
  const original = metaOfRecord(record);
  const folder = original.objectKey.slice(0, original.objectKey.lastIndexOf('/') + 1);
  const meta = {
    ...original,
    recordingId: crypto.randomUUID(),
    startedAt: original.startedAt + Math.round(fromMs),
    objectKey: folder + partFileName(original.objectKey.slice(folder.length), fromMs),
    fileName: partFileName(original.fileName, fromMs),
  };
  await deps.journal.adopt(
    {
      ...journalFields(meta),
      state: 'uploading',
      endedAt: meta.startedAt + durationUs / 1000,
      bytes: streamBytes,
      headerBytes: record.headerBytes,
      uploadId: null,
      ...(record.partPlan ? { partPlan: record.partPlan } : {}),
      parts: [],
      durationUs,
      error: null,
    },
    plan.header,
    fragments,
    [{ offset: record.headerBytes, bytes }],
  );
  const upload = deps.uploader(meta.recordingId);
  await upload.start(recordingMetadata(meta));
  const stored = await storeRecording(deps.journal, deps.storage, meta, upload, {
    header: rewriteHeader(plan.header, fragments, { streamBytes, durationUs }),
    streamBytes,
    durationUs,
  });
  console.info(
    `[room-recorder] ${(durationUs / 1e6).toFixed(2)} s this device recorded of ${record.id} were not in its file (another device had continued it): stored as ${meta.objectKey}`,
  );
  return stored;
}

/**
 * X9: another page continued `record` from what `context` says storage held: this device lets
 * go of it, keeping what it holds beyond the file as a part (see {@link keepUnsavedPart}).
 */
export async function yieldToContinuation(
  record: RecordingRecord,
  context: HandoffContext,
  keys: HandoffKeys,
  deps: UnsavedPartDeps,
): Promise<StoredRecording | null> {
  const index = await readFragmentIndex(deps.storage.target, keys, context);
  const part = await keepUnsavedPart(
    record,
    index.map((f) => f.offset + f.size),
    deps,
  );
  await deps.journal.remove(record.id);
  return part;
}
