/**
 * X1: recordings a crash or a closed page left in the journal are finished without a
 * question: the header is rewritten from the journaled fragment index (a file cut at its
 * last complete fragment) and the upload resumes where it stopped.
 */
import { acquireRoomLock, planRecovery } from '../journal/index.js';
import type { Journal, RecordingRecord } from '../journal/types.js';
import { recordingMetadata } from '../library/recording-metadata.js';
import { rewriteHeader } from '../media/mp4/header-rewrite.js';
import { storedFragmentEnds } from '../media/mp4/stored-index.js';
import type { MultipartUpload } from '../upload/multipart-upload.js';
import type { StoredRecording } from './engine.js';
import {
  HandoffKeys,
  readContext,
  handoffObjects,
  namedObjects,
  type HandoffContext,
} from './handoff-context.js';
import type { Storage } from './remote-storage.js';
import { metaOfRecord } from './journal-meta.js';
import { storeRecording } from './store-recording.js';
import { keepUnsavedPart, yieldToContinuation } from './unsaved-part.js';

export interface RecoveryDeps {
  journal: Journal;
  storage: Storage;
  /** A new uploader for a journaled recording (resumes its multipart upload). */
  uploader: (recordingId: string) => MultipartUpload;
  /** Recordings this page records now: not abandoned, left alone. */
  isLive: (recordingId: string) => boolean;
  /** Each recording stored, as soon as it is. */
  onStored: (stored: StoredRecording) => void;
}

/** Finishes every unfinished recording whose room no live tab holds; returns those stored. */
export async function recoverUnfinished(deps: RecoveryDeps): Promise<StoredRecording[]> {
  const stored: StoredRecording[] = [];
  for (const record of await deps.journal.unfinished()) {
    if (deps.isLive(record.id)) continue;
    // A live tab recording this room holds its lock: that recording is not abandoned.
    const lock = await acquireRoomLock(record.roomId);
    if (!lock) continue;
    try {
      const done = await recoverOne(record, deps);
      if (done) {
        stored.push(done);
        deps.onStored(done);
      }
    } catch (e) {
      console.error(`[room-recorder] could not recover recording ${record.id}`, e);
    } finally {
      lock.release();
    }
  }
  return stored;
}

async function recoverOne(
  record: RecordingRecord,
  deps: RecoveryDeps,
): Promise<StoredRecording | null> {
  const keys = new HandoffKeys(deps.storage.keyPrefix, {
    roomId: record.roomId,
    recordingId: record.id,
  });
  const context = await contextOf(deps, keys);
  if (context && context.generation > (record.handoffGeneration ?? 0)) {
    // X9: another page continued it after this one went: the file is that page's to finish;
    // what this page held past what storage had goes into a part of its own.
    console.info(`[room-recorder] recording ${record.id} was continued on another device`);
    return yieldToContinuation(record, context, keys, deps);
  }
  if (await deps.storage.target.headObject(record.objectKey).catch(() => null)) {
    // Already stored: by a page that continued it (X9), or by this one just before it closed.
    // Its index says whether it holds everything this device has.
    const inFile = await storedFragmentEnds(
      (start, end) => deps.storage.target.getObject(record.objectKey, { start, end }),
      record.headerBytes,
    );
    const part = inFile?.length ? await keepUnsavedPart(record, inFile, deps) : null;
    await deps.journal.remove(record.id);
    if (context) await removeHandoff(deps, keys, context);
    return part;
  }
  const plan = await planRecovery(deps.journal, record.id);
  if (plan.fragments.length === 0) {
    // Nothing playable was written before the crash.
    await deps.journal.remove(record.id);
    return null;
  }
  const header = rewriteHeader(plan.header, plan.fragments, {
    streamBytes: plan.bytes,
    durationUs: plan.durationUs,
  });
  await deps.journal.update(record.id, {
    state: 'uploading',
    endedAt: record.endedAt ?? record.startedAt + plan.durationUs / 1000,
    durationUs: plan.durationUs,
  });
  const meta = metaOfRecord(record);
  const upload = deps.uploader(record.id);
  await upload.start(recordingMetadata(meta));
  const stored = await storeRecording(deps.journal, deps.storage, meta, upload, {
    header,
    streamBytes: plan.bytes,
    durationUs: plan.durationUs,
  });
  if (context) await removeHandoff(deps, keys, context);
  return stored;
}

/** The recording's handoff context, or null when there is none or it cannot be read. */
async function contextOf(deps: RecoveryDeps, keys: HandoffKeys): Promise<HandoffContext | null> {
  try {
    return await readContext(deps.storage.target, keys);
  } catch (e) {
    console.warn(`[room-recorder] could not read the handoff context in ${keys.folder}`, e);
    return null;
  }
}

/** The file is stored: its handoff objects go (best effort). */
async function removeHandoff(deps: RecoveryDeps, keys: HandoffKeys, c: HandoffContext) {
  const doomed = await handoffObjects(deps.storage.target, keys, namedObjects(keys, c));
  await Promise.all(doomed.map((k) => deps.storage.target.deleteObject(k).catch(() => {})));
}
