/**
 * The last steps of a recording, live or recovered: the upload is finished with the
 * rewritten header, the owner's index learns of it ("My Media"), and the journal lets go of
 * it once storage holds it whole.
 */
import type { Journal } from '../journal/types.js';
import { writeOwnerIndex } from '../library/owner-index.js';
import type { LibraryEntry } from '../library/types.js';
import type { Clock } from '../session/clock.js';
import type { MultipartUpload } from '../upload/multipart-upload.js';
import { UploadError } from '../upload/types.js';
import type { RecordingMeta, StoredRecording } from './engine.js';
import type { Storage } from './remote-storage.js';

/** What the stored file is, as the engine knows it at Stop (or after a recovery). */
export interface FinishedStream {
  /** The header rewritten with the duration and the index (X3). */
  header: Uint8Array;
  /** Length of the original stream (header + fragments). */
  streamBytes: number;
  durationUs: number;
}

/** Sends what is left, verifies the object and returns where it is (B8). */
export async function storeRecording(
  journal: Journal,
  storage: Storage,
  meta: RecordingMeta,
  upload: MultipartUpload,
  stream: FinishedStream,
): Promise<StoredRecording> {
  const result = await upload.finish(stream.header, stream.streamBytes);
  const durationSec = stream.durationUs / 1e6;
  await journal.update(meta.recordingId, { state: 'stored' });
  const entry: LibraryEntry = {
    key: meta.objectKey,
    fileName: meta.fileName,
    title: meta.title,
    roomId: meta.roomId,
    ownerId: meta.ownerId,
    initiatorId: meta.initiatorId,
    startedAt: meta.startedAt,
    durationSec,
    bytes: result.bytes,
  };
  try {
    await writeOwnerIndex(storage.target, storage.keyPrefix, {
      ...entry,
      recordingId: meta.recordingId,
    });
  } catch (e) {
    // The recording itself is stored; only "My Media" misses it.
    console.warn('[room-recorder] could not write the owner index', e);
  }
  const url = await storage.library.link(entry, 'play');
  // Everything is in storage and verified: nothing needs to stay on this device (X8).
  await journal.remove(meta.recordingId).catch(() => {});
  return {
    recordingId: meta.recordingId,
    objectKey: meta.objectKey,
    fileName: meta.fileName,
    bytes: result.bytes,
    durationSec,
    url,
  };
}

/** How long a page that is open keeps trying to store a stopped recording (X11). */
export const STORE_PATIENCE_MS = 15 * 60_000;

/**
 * Stores a stopped recording, trying again while storage cannot be reached (an outage at
 * Stop), with waits growing from 2 s to 30 s, for up to {@link STORE_PATIENCE_MS}: the
 * recording is journaled meanwhile, so nothing is at risk, and the host sees it waiting
 * (`onWaiting`). An error retrying cannot mend (a refusal, a full bucket) ends it at once;
 * so does the end of patience, with storage's own error: the next visit uploads it (X1).
 */
export async function storeWhenStorageAnswers(
  store: () => Promise<StoredRecording>,
  clock: Clock,
  onWaiting: (error: UploadError, retryInMs: number) => void,
): Promise<StoredRecording> {
  const giveUpAt = clock.monotonicMs() + STORE_PATIENCE_MS;
  for (let wait = 2_000; ; wait = Math.min(wait * 2, 30_000)) {
    try {
      return await store();
    } catch (e) {
      if (!(e instanceof UploadError) || !e.retryable) throw e;
      if (clock.monotonicMs() + wait > giveUpAt) throw e;
      onWaiting(e, wait);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, wait));
    }
  }
}
